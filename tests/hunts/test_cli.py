"""``zimgraph hunt`` and ``zimgraph show`` on the generated example case."""

from __future__ import annotations

import inspect
import json

from click.testing import CliRunner

from zimgraph.cli import main
from zimgraph.hunts.registry import HUNTS, all_params

CONTRACT = {"hunt", "title", "severity", "summary", "count", "first_seen", "last_seen", "accounts", "ips",
            "user_agents", "senders", "sha1", "sessions", "evidence"}


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_hunt_json_has_the_contract_shape_and_writes_findings_json(example):
    _, folder, _, findings = example
    result = run("hunt", "--case", str(folder), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert len(doc["findings"]) == len(findings) and doc["findings"]
    for finding in doc["findings"]:
        assert CONTRACT <= set(finding)
        assert finding["severity"] in ("critical", "high", "medium", "low", "info")
        assert all(isinstance(finding[k], list) for k in ("accounts", "ips", "user_agents", "senders", "sha1", "sessions"))
    ranks = [("critical", "high", "medium", "low", "info").index(f["severity"]) for f in doc["findings"]]
    assert ranks == sorted(ranks)
    assert json.loads((folder / "findings.json").read_text())["findings"] == doc["findings"]


def test_hunt_subset_summary_and_evidence_lines(example):
    _, folder, _, _ = example
    result = run("hunt", "--case", str(folder), "webshell", "bruteforce", "--evidence", "--evidence-lines", "1")
    assert result.exit_code == 0, result.output
    assert "Password spraying from 203.0.113.45" in result.output
    assert "/public/jsp/Startup1_3.jsp?cmd=whoami HTTP/1.1\" 200" in result.output   # the raw access_log line
    assert "phishing" not in result.output


def test_logins_of_an_ip(example):
    _, folder, _, _ = example
    result = run("hunt", "--case", str(folder), "logins", "--ip", "198.51.100.61", "--json")
    doc = json.loads(result.output)
    truth = json.loads((folder.parent / "evidence" / "ground_truth.json").read_text())
    assert {a for f in doc["findings"] for a in f["accounts"]} == set(truth["phishing"]["compromised_recipients"])
    assert all(f["hunt"] == "logins" and f["details"] for f in doc["findings"])


def test_user_errors_are_one_line_exit_2(example):
    _, folder, _, _ = example
    for args, words in ((["hunt", "--case", str(folder), "nosuchhunt"], "unknown hunt 'nosuchhunt': one of"),
                        (["hunt", "--case", str(folder), "logins"], "needs --ip, --account or --ua"),
                        (["hunt", "--case", str(folder), "bruteforce", "--ip", "1.2.3.4"], "filters the 'logins' hunt"),
                        (["hunt", "--case", str(folder / "missing")], "zimgraph ingest"),
                        (["show", "--case", str(folder), "nocolon"], "write FILE:LINE"),
                        (["show", "--case", str(folder), "no/such.log:3"], "not an evidence file")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output


def test_list_names_every_hunt_with_its_parameters():
    result = run("hunt", "--list")
    assert result.exit_code == 0
    for name, hunt in HUNTS.items():
        assert name in result.output
        for param in hunt.params:
            assert f"--{param.name.replace('_', '-')}" in result.output


def test_registry_defaults_are_the_functions_defaults():
    for name, hunt in HUNTS.items():
        signature = inspect.signature(hunt.function).parameters
        assert set(signature) - {"case"} == {p.name for p in hunt.params}, name
        for param in hunt.params:
            assert signature[param.name].default == param.default, (name, param.name)
    for name, param in all_params().items():      # a shared name means one thing
        assert all(p.default == param.default and p.type is param.type
                   for h in HUNTS.values() for p in h.params if p.name == name), name


def test_show_prints_the_raw_line_of_a_compressed_file_with_context(example):
    _, folder, case, findings = example
    [spray] = [f for f in findings if f.title.startswith("Password spraying from 203.0.113.45")]
    gz = [ref for ref in spray.evidence if ref["file"].endswith(".gz")][0]
    result = run("show", "--case", str(folder), f"{gz['file']}:{gz['line']}", "-C", "1")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and len(lines) == 3, result.output
    assert lines[1].startswith(">") and "203.0.113.45" in lines[1] and "authentication failed" in lines[1]
    short = gz["file"].split("evidence/", 1)[1]          # a unique tail of the path is enough
    again = run("show", "--case", str(folder), f"{short}:{gz['line']}").output.strip()
    assert again.split(": ", 1)[1] == lines[1].split(": ", 1)[1] and again.startswith(f"> {short}:")

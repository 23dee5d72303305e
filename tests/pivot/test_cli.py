"""``zimgraph pivot``: the JSON contract (DESIGN.md §7, validated by a schema), the 100-column table, errors."""

import json

import jsonschema
import pytest
from click.testing import CliRunner

from zimgraph.cli import main

STRINGS = {"type": "array", "items": {"type": "string"}}
TIME = {"type": ["string", "null"], "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"}
SCHEMA = {
    "type": "object",
    "required": ["seeds", "accounts", "indicators", "clusters"],
    "properties": {
        "seeds": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["seed", "kind", "value", "nodes"],
            "properties": {"seed": {"type": "string"}, "kind": {"enum": ["ip", "account", "ua", "sender", "sha1",
                                                                           "session", "device", "domain"]},
                           "nodes": STRINGS, "first_seen": TIME}}},
        "accounts": {"type": "array", "items": {
            "type": "object", "required": ["account", "verdict", "score", "why", "paths"],
            "properties": {"account": {"type": "string"}, "verdict": {"enum": ["compromised", "targeted", "related"]},
                           "score": {"type": "number", "minimum": 0, "maximum": 1},
                           "why": {**STRINGS, "minItems": 1}, "paths": {"type": "array", "items": STRINGS},
                           "first_seen": TIME, "last_seen": TIME}}},
        "indicators": {"type": "array", "items": {
            "type": "object", "required": ["kind", "value", "score", "why"],
            "properties": {"kind": {"enum": ["ip", "ua", "device", "sha1", "sender"]}, "value": {"type": "string"},
                           "score": {"type": "number", "minimum": 0, "maximum": 1}, "why": {**STRINGS, "minItems": 1},
                           "paths": {"type": "array", "items": STRINGS}}}},
        "clusters": {"type": "array", "items": {
            "type": "object", "required": ["id", "accounts", "indicators"],
            "properties": {"id": {"type": "integer"}, "accounts": STRINGS, "indicators": STRINGS}}},
    },
}


def run(*args):
    return CliRunner().invoke(main, ["pivot", *args])


@pytest.fixture(scope="module")
def attacker_ip(example_case):
    truth, case_dir = example_case
    return truth["attacker_ips"][0], case_dir, truth


def test_json_follows_the_contract_and_is_saved_in_the_case(attacker_ip):
    ip, case_dir, truth = attacker_ip
    result = run("--case", str(case_dir), "--seed", f"ip:{ip}", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    jsonschema.validate(out, SCHEMA)
    assert {a["account"] for a in out["accounts"] if a["verdict"] == "compromised"} == set(truth["compromised_accounts"])
    assert json.loads((case_dir / "pivot.json").read_text()) == out
    again = run("--case", str(case_dir), "--seed", f"ip:{ip}", "--json")
    assert again.output == result.output  # deterministic


def test_human_table_fits_100_columns(attacker_ip):
    ip, case_dir, truth = attacker_ip
    result = run("--case", str(case_dir), "--seed", f"ip:{ip}")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(truth["compromised_accounts"][0] in line for line in lines)
    assert any(line.startswith("indicators") for line in lines)


def test_seeds_file_and_similar(attacker_ip, tmp_path):
    ip, case_dir, truth = attacker_ip
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"# from the firewall\n\nip:{ip}\nsha1:{truth['phishing']['sha1']}\n")
    result = run("--case", str(case_dir), "--seeds-file", str(seeds), "--similar", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    jsonschema.validate(out, SCHEMA)
    assert [s["seed"] for s in out["seeds"]] == [f"ip:{ip}", f"sha1:{truth['phishing']['sha1']}"]
    assert "similar" in out


@pytest.mark.parametrize("args, message", [
    (["--seed", "mac:00:11"], "unknown seed kind 'mac'"),
    (["--seed", "ip:203.0.113.4"], "closest present: ip:203.0.113."),
    (["--seed", "ip:not-an-ip"], "is not an IP address"),
    (["--seed", "ip:203.0.113.45", "--since", "yesterday"], "is not a time"),
    ([], "no seed given"),
])
def test_user_errors_are_one_line_exit_2(attacker_ip, args, message):
    _, case_dir, _ = attacker_ip
    result = run("--case", str(case_dir), *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_control_characters_from_the_logs_are_escaped_on_the_terminal():
    from zimgraph.pivot.cli import clean
    assert clean("evil\x1b[31mUA\x07") == "evil\\x1b[31mUA\\x07"

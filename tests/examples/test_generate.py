"""The example evidence generator: deterministic, parsed without a reject, true to its ground truth."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from zimgraph.ingest import ingest, load_events

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "examples" / "generate.py"


def generate(out: Path, *args: str) -> dict:
    subprocess.run([sys.executable, str(GENERATOR), str(out), *args], check=True, capture_output=True)
    return json.loads((out / "ground_truth.json").read_text())


def fingerprint(root: Path) -> dict:
    """Content of every file, and the mtime of the evidence (the year inference reads it)."""
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                       None if p.name == "ground_truth.json" else p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    generate(tmp_path / "a", "--seed", "7", "--scale", "0.2", "--days", "2")
    generate(tmp_path / "b", "--seed", "7", "--scale", "0.2", "--days", "2")
    assert fingerprint(tmp_path / "a") == fingerprint(tmp_path / "b")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("example")
    truth = generate(root / "evidence", "--seed", "1", "--scale", "0.5")
    summary = ingest([str(root / "evidence")], str(root / "case"), default_zone="Europe/Paris")
    return truth, summary.manifest, load_events(root / "case")


def test_every_line_is_parsed_and_accounted(example):
    truth, manifest, _ = example
    assert manifest["totals"]["lines_rejected"] == 0
    assert manifest["totals"]["accounting_ok"]
    assert [s["path"].rsplit("/", 1)[-1] for s in manifest["skipped"]] == ["ground_truth.json"]
    by_path = {f["path"].split("evidence/", 1)[1]: f for f in manifest["files"]}
    assert {f["path"]: f["lines"] for f in truth["files"]} == {p: f["lines_read"] for p, f in by_path.items()}
    assert {f["node"] for f in manifest["files"]} == set(truth["nodes"])
    assert any("repeated DST hour" in a for a in manifest["assumptions"])


def test_compromised_accounts_logged_in_from_attacker_ips(example):
    truth, _, events = example
    logins = events[(events["event"] == "auth") & (events["outcome"] == "success")
                    & events["client_ip"].isin(truth["attacker_ips"])]
    assert set(logins["account"]) == set(truth["compromised_accounts"])


def test_password_spray_failures_seen_for_sprayed_accounts(example):
    truth, _, events = example
    failures = events[(events["event"].isin(["auth", "imap_login", "smtp_auth"])) & (events["outcome"] == "failure")
                      & events["client_ip"].isin(truth["attacker_ips"])]
    assert set(truth["sprayed_accounts"]) <= set(failures["account"].dropna())


def test_phishing_attachment_hash_and_name(example):
    truth, _, events = example
    parts = events[(events["event"] == "amavis_part") & (events["sha1"] == truth["phishing"]["sha1"])]
    assert set(parts["filename"]) == {truth["phishing"]["filename"]}


def test_message_count_matches_ground_truth(example):
    truth, _, events = example
    cleanup = events[(events["program"] == "postfix/cleanup") & events["message_id"].notna()]
    assert cleanup["message_id"].nunique() == truth["messages"]["total"]


def test_lockout_and_forged_forwarded_for(example):
    truth, _, events = example
    lockouts = events[events["event"] == "lockout"]
    assert set(lockouts["account"]) == set(truth["lockout_accounts"])
    forged = truth["traps"]["forged_xff"]
    rows = events[events["forwarded_for"] == forged["oip"]]
    assert len(rows) and set(rows["client_ip"]) == {forged["oip"].split(",")[-1].strip()}


SCENARIO = REPO / "examples" / "scenario"


def test_generator_modules_stay_small():
    """The generator is a package of modules each readable in one sitting, not one god file."""
    modules = sorted(SCENARIO.glob("*.py"))
    assert {"world.py", "localtime.py", "output.py", "mailflow.py", "mailstore.py", "proxy.py", "attacks.py",
            "plan.py", "truth.py"} <= {p.name for p in modules}
    sizes = {p.name: len(p.read_text().splitlines()) for p in modules + [GENERATOR]}
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    assert sizes["generate.py"] < 100  # the script is only the command line


def test_generator_module_examples():
    modules = [str(p.relative_to(SCENARIO.parent)) for p in sorted(SCENARIO.glob("*.py"))]
    run = subprocess.run([sys.executable, "-m", "doctest", *modules], cwd=SCENARIO.parent, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr

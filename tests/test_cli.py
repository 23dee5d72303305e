"""The command line: summaries, one-line errors that say what to type, examples in every help."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from zimgraph.cli import main

MAILBOX_LINE = ("2026-10-25 10:00:00,000 INFO  [qtp1-1:https://m/service/soap/AuthRequest] "
                "[name=a@example.gov;oip=203.0.113.9;ua=<img src=x onerror=alert(1)>\";] soap - AuthRequest elapsed=3\n")


@pytest.fixture
def evidence(tmp_path):
    path = tmp_path / "ev" / "mbx01" / "mailbox.log"
    path.parent.mkdir(parents=True)
    path.write_text(MAILBOX_LINE * 3)
    return tmp_path / "ev"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_ingest_prints_summary_assumptions_and_counts(evidence, tmp_path):
    result = run("ingest", str(evidence), "--case", str(tmp_path / "case"), "--tz", "Europe/Paris")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "mbx01" in out and "mailbox" in out
    assert "3 lines read = 3 in events + 0 ignored + 0 rejected [OK]" in out
    assert "node mbx01: times without an offset read as Europe/Paris (--tz Europe/Paris)" in out


@pytest.mark.parametrize("args, message", [
    (["ingest", "/nonexistent/evidence", "--case", "CASE"], "no such file or folder: /nonexistent/evidence"),
    (["ingest", "EV", "--case", "CASE", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    (["ingest", "EV", "--case", "CASE", "--node-tz", "mta01"], "write NODE=ZONE"),
    (["ingest", "EV", "--case", "CASE", "--year", "26"], "26 is not in the range 1990<=x<=2100"),
    (["timeline", "--case", "NOCASE", "-o", "OUT"], "is not a zimgraph case (no manifest.json): run 'zimgraph ingest"),
])
def test_user_errors_are_one_line_without_traceback(evidence, tmp_path, args, message):
    args = [a.replace("EV", str(evidence)).replace("NOCASE", str(tmp_path / "nocase"))
             .replace("CASE", str(tmp_path / "case")).replace("OUT", str(tmp_path / "t.jsonl")) for a in args]
    proc = subprocess.run([sys.executable, "-m", "zimgraph", *args], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) <= 3


def test_feature_commands_load_when_used():
    assert "investigate" in main.list_commands(None) and "hunt" in main.list_commands(None)
    assert main.get_command(None, "pivot").name == "pivot"
    assert main.get_command(None, "no-such-command") is None


def test_the_command_line_starts_without_the_data_libraries():
    # the graph libraries load with the commands that need them; Arrow and polars in the
    # ingest workers (and in-process for small evidence), not while ingest plans the work
    code = ("import sys; from zimgraph.cli import main; "
            "print(sorted(m for m in ('pandas', 'networkx', 'pyvis', 'neo4j', 'pyarrow', 'polars', 'numpy') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_every_command_help_ends_with_an_example():
    for name in main.list_commands(None):
        result = run(name, "--help")
        assert result.exit_code == 0
        lines = [line.strip() for line in result.output.strip().splitlines() if line.strip()]
        example_at = max(i for i, line in enumerate(lines) if line == "Example:")
        assert lines[example_at + 1].startswith("zimgraph "), name


def test_timeline_timesketch_and_csv(evidence, tmp_path):
    case = tmp_path / "case"
    assert run("ingest", str(evidence), "--case", str(case), "-q").exit_code == 0
    assert run("timeline", "--case", str(case), "--format", "timesketch", "-o", str(tmp_path / "t.jsonl")).exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert len(rows) == 3
    assert rows[0]["datetime"] == "2026-10-25T10:00:00.000Z"
    assert rows[0]["timestamp_desc"] == "mailbox log time"
    assert rows[0]["message"].startswith("soap success: account=a@example.gov client_ip=203.0.113.9")
    assert rows[0]["user_agent"] == "<img src=x onerror=alert(1)>\""
    assert run("timeline", "--case", str(case), "--format", "csv", "-o", str(tmp_path / "t.csv")).exit_code == 0
    assert (tmp_path / "t.csv").read_text().splitlines()[0].startswith("datetime,message,node,source,file,line")


def test_sources_command_lists_every_source():
    from zimgraph.sources.registry import SOURCES
    result = run("sources")
    for name in SOURCES:
        assert name in result.output


def test_summary_lists_the_most_common_reject_reasons(evidence, tmp_path):
    log = evidence / "mbx01" / "mailbox.log"
    log.write_bytes(log.read_bytes() + b"\x00binary\n" * 3 + b"2026-10-25 10:00:00,000 INFO  [cut\n")
    result = run("ingest", str(evidence), "--case", str(tmp_path / "case"))
    assert result.exit_code == 0, result.output
    assert "rejected lines are in" in result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "most common:" in line)
    assert lines[at + 1].split() == ["3", "binary", "data", "(NUL", "bytes)"]
    assert "truncated or malformed log4j header" in lines[at + 2]

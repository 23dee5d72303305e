"""`zimgraph investigate` on the example evidence: the report in real headless Chromium."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.report.browser import visit
from zimgraph.casedata import load_case
from zimgraph.cli import main
from zimgraph.report.render import pivot_view

XSS_UA = "<img src=x onerror=alert(1)>"
XSS_NAME = '"><script>alert(2)</script>.html'
REPO_EXAMPLES = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def investigated(tmp_path_factory):
    """The bundled scenario with a hostile user-agent planted in an attacker login, investigated
    without a seed (the report says where the seeds came from)."""
    root = tmp_path_factory.mktemp("investigate")
    evidence = root / "evidence"
    subprocess.run([sys.executable, str(REPO_EXAMPLES / "generate.py"), str(evidence), "--seed", "1"],
                   check=True, capture_output=True)
    truth = json.loads((evidence / "ground_truth.json").read_text())
    (evidence / "ground_truth.json").unlink()
    victim, attacker_ip = truth["compromised_accounts"][0], truth["attacker_ips"][0]
    with open(evidence / "mbx01/opt/zimbra/log/audit.log", "a", encoding="utf-8") as audit:
        audit.write(f"2026-10-26 23:50:00,000 INFO  [qtp1-9:https://mail.example.gov/service/soap/AuthRequest] "
                    f"[name={victim};oip={attacker_ip};ua={XSS_UA};soapId=deadbeef;] security - cmd=Auth; "
                    f"account={victim}; protocol=soap;\n")
    # and a message carrying a hostile file name (amavis level-2 part line, then its verdict)
    with open(evidence / "mta01/var/log/zimbra.log", "a", encoding="utf-8") as syslog:
        syslog.write(f"Oct 26 23:55:00 mta01 amavis[4242]: (04242-01) p002 1/2 Content-Type: text/html, base64, "
                     f"size: 2345, SHA1 digest: {'b' * 40}, name: {XSS_NAME}\n")
        syslog.write(f"Oct 26 23:55:01 mta01 amavis[4242]: (04242-01) Passed CLEAN {{RelayedInbound}}, "
                     f"[198.51.100.9]:4444 [198.51.100.9] <x@evil.test> -> <{victim}>, Queue-ID: 7A7A7A7A7A7, "
                     f"Message-ID: <xss@evil.test>, mail_id: xssxssxssxss, Hits: 2.1, size: 2345, 100 ms\n")
    case = root / "case"
    result = CliRunner().invoke(main, ["investigate", str(evidence), "--case", str(case),
                                                       "--tz", "Europe/Paris", "-q", "--workers", "1"])
    assert result.exit_code == 0, (result.output, result.stderr)
    return truth, case, result


def test_investigate_writes_every_output_and_says_where_the_report_is(investigated):
    _truth, case, result = investigated
    assert result.stdout.strip().endswith(f"report: {case / 'report.html'}")
    for name in ("report.html", "iocs.csv", "findings.json", "pivot.json", "manifest.json"):
        assert (case / name).is_file(), name
    assert "No seed was given" in result.stderr


def test_the_report_finds_the_scenario(investigated):
    truth, case, _result = investigated
    pivot = json.loads((case / "pivot.json").read_text())
    compromised = {a["account"] for a in pivot["accounts"] if a["verdict"] == "compromised"}
    assert compromised == set(truth["compromised_accounts"])
    html = (case / "report.html").read_text()
    for account in truth["compromised_accounts"]:
        assert account in html
    rows = list(csv.DictReader((case / "iocs.csv").open(encoding="utf-8")))
    ips = {r["value"] for r in rows if r["type"] == "ip"}
    assert set(truth["attacker_ips"]) <= ips
    assert truth["office_nat_ip"] not in ips and not ips & set(truth["carrier_ips"] + truth["proxy_ips"])


def test_the_report_in_chromium(investigated):
    truth, case, _result = investigated
    expected_nodes = len(pivot_view(load_case(case).graph, json.loads((case / "pivot.json").read_text()))["nodes"])
    page = case / "report.html"
    result = visit(page, screenshot="report-example.png", evaluate={
        "legend": "Array.from(document.querySelectorAll('#zg-legend label')).map(l => l.textContent)",
        "shown": "Number(document.body.getAttribute('data-nodes-shown'))",
        "text": "document.body.innerText",
        "images": "document.querySelectorAll('img').length",
        "findings": "document.querySelectorAll('#findings details.finding').length",
        "panel": f"(window.zimgraphView.show('ua:' + {json.dumps(XSS_UA)}), "
                 "document.getElementById('zg-panel').textContent)",
    })
    assert result.errors == [], result.errors
    assert result.requests == [page.resolve().as_uri()]          # nothing but the file itself
    assert result.dialogs == [] and result.facts["images"] == 0  # the planted payload never ran
    assert any(item.startswith("Account (") for item in result.facts["legend"])
    assert any(item.startswith("IP (") for item in result.facts["legend"])
    assert result.facts["shown"] == expected_nodes
    assert XSS_UA in result.facts["text"] or XSS_UA in result.facts["panel"]   # shown as text
    assert XSS_UA in result.facts["panel"]
    assert XSS_NAME in result.facts["text"]                     # the hostile file name, as text, in a finding
    assert result.facts["findings"] > 10
    assert result.screenshot.is_file() and result.screenshot.stat().st_size > 20_000


def test_pivot_and_graph_write_the_same_view(investigated, tmp_path):
    truth, case, _result = investigated
    seed = "ip:" + truth["attacker_ips"][0]
    runner = CliRunner()
    assert runner.invoke(main, ["pivot", "--case", str(case), "--seed", seed, "--html", str(tmp_path / "p.html")]).exit_code == 0
    assert runner.invoke(main, ["graph", "--case", str(case), "--seed", seed, "--html", str(tmp_path / "g.html")]).exit_code == 0
    assert (tmp_path / "p.html").read_text().split('id="zg-data">')[1] == (tmp_path / "g.html").read_text().split('id="zg-data">')[1]

"""`zimgraph graph`: counts, exports other tools can read, overrides that stick."""

from __future__ import annotations

import json

import networkx as nx
from click.testing import CliRunner

from zimgraph.casedata import load_case
from zimgraph.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_stats_prints_counts_by_kind(example_case):
    truth, case_dir = example_case
    result = run("graph", "--case", str(case_dir), "--stats")
    assert result.exit_code == 0, result.output
    assert "LOGGED_IN" in result.output and "AmavisSession" in result.output
    assert f"{truth['messages']['total']} messages" in result.output
    assert "10.0.0.10 (proxy)" in result.output


def test_exports_round_trip_and_are_deterministic(example_case, tmp_path):
    _truth, case_dir = example_case
    g = load_case(case_dir).graph
    for fmt in ("graphml", "json"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert run("graph", "--case", str(case_dir), "--export", fmt, str(first)).exit_code == 0
        assert run("graph", "--case", str(case_dir), "--export", fmt, str(second)).exit_code == 0
        assert first.read_bytes() == second.read_bytes()
    back = nx.read_graphml(tmp_path / "a.graphml", force_multigraph=True)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    edge = next(d for _u, _v, d in back.edges(data=True) if d.get("type") == "LOGGED_IN")
    assert isinstance(json.loads(edge["evidence"]), list)
    data = json.loads((tmp_path / "a.json").read_text())
    assert len(data["nodes"]) == g.number_of_nodes() and len(data["edges"]) == g.number_of_edges()


def test_bad_export_format_says_what_to_type(example_case, tmp_path):
    _truth, case_dir = example_case
    result = CliRunner().invoke(main, ["graph", "--case", str(case_dir), "--export", "gexf", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--export graphml FILE" in result.output
    assert "Traceback" not in result.output


def test_missing_case_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["graph", "--case", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "zimgraph ingest" in result.output and "Traceback" not in result.output


def test_overrides_are_remembered_and_rebuild_the_derived_tables(example_case, tmp_path):
    import shutil
    _truth, case_dir = example_case
    case_copy = tmp_path / "case"
    shutil.copytree(case_dir, case_copy)
    assert load_case(case_copy).topology.internal_domains == {"example.gov", "agency.example.gov"}
    result = run("graph", "--case", str(case_copy), "--internal-domain", "example.gov", "--infra-ip", "192.0.2.10")
    assert result.exit_code == 0, result.output
    case = load_case(case_copy)           # no options: the overrides stick
    assert case.topology.internal_domains == {"example.gov"}
    assert case.topology.infrastructure["192.0.2.10"] == "override"
    assert not [k for _u, _v, k in case.graph.out_edges("ip:192.0.2.10", keys=True)]

"""zimgraph neo4j: export-csv on the example case; push errors that say what to do."""

import socket

from click.testing import CliRunner

from zimgraph.casedata import load_case
from zimgraph.cli import main


def test_export_csv_on_the_example_case(example_case, tmp_path):
    _, folder = example_case
    result = CliRunner().invoke(main, ["neo4j", "export-csv", "--case", str(folder), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("neo4j-admin database import full ")
    graph = load_case(folder).graph
    node_lines = sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in (tmp_path / "out").glob("nodes_*.csv"))
    assert node_lines >= graph.number_of_nodes()          # multi-line fields can only add lines
    rel_files = list((tmp_path / "out").glob("rels_*.csv"))
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in rel_files) >= graph.number_of_edges()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_push_to_nothing_or_a_bad_uri_is_one_line(example_case):
    _, folder = example_case
    runner = CliRunner()
    down = runner.invoke(main, ["neo4j", "push", "--case", str(folder), "--uri", f"bolt://127.0.0.1:{_closed_port()}",
                                "--password", "x"])
    assert down.exit_code == 2 and "cannot reach Neo4j" in down.output and "Traceback" not in down.output
    bad = runner.invoke(main, ["neo4j", "push", "--case", str(folder), "--uri", "http://127.0.0.1:7474", "--password", "x"])
    assert bad.exit_code == 2 and "not a Neo4j Bolt URI" in bad.output


def test_push_command_end_to_end_with_a_recording_driver(example_case, tmp_path, monkeypatch):
    """The command's flow (load, checkpoint, progress, count check, messages) with the driver recorded."""
    import json
    import shutil

    from zimgraph.neo4j import push as push_module
    from tests.neo4j.recorder import RecordingDriver

    _, folder = example_case
    copy = tmp_path / "acme"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("embedded.*", "neo4j_push.json"))
    drivers = []

    def fake_open(uri, user, password):
        drivers.append(RecordingDriver())
        drivers[-1].close = lambda: None
        return drivers[-1]
    monkeypatch.setattr(push_module, "open_driver", fake_open)
    result = CliRunner().invoke(main, ["neo4j", "push", "--case", str(copy), "--uri", "neo4j://db:7687",
                                       "--password", "pw", "--batch", "500"])
    assert result.exit_code == 0, result.output
    graph = load_case(copy).graph
    assert f"pushed case 'acme': {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} relationships" \
        in result.output
    assert "count check: Neo4j holds exactly" in result.output
    saved = json.loads((copy / "neo4j_push.json").read_text())
    assert saved["complete"] and saved["key"]["case_name"] == "acme" and saved["key"]["target"] == "neo4j://db:7687"
    sent = [params for _, params in drivers[0].calls if "rows" in params]
    assert max(len(p["rows"]) for p in sent) == 500 and all(p["case_name"] == "acme" for p in sent)

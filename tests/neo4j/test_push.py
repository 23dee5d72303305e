"""What ``push`` sends, recorded by a fake driver session (a unit test of the traffic, not of Neo4j).

tests/neo4j/test_live.py runs the same push against a real Neo4j when NEO4J_URI is set.
"""

import json

import pytest

from zimgraph.neo4j import statements as S
from zimgraph.neo4j.push import Neo4jPushError, PushCheckpoint, push, rows_fingerprint
from zimgraph.neo4j.rows import graph_rows
from zimgraph.neo4j.vocabulary import NODE_KINDS

from tests.neo4j.graphs import ATTACKER_IP, SHA1, small_case_graph
from tests.neo4j.recorder import RecordingDriver


def sent(driver, statement):
    return [params for text, params in driver.calls if text == statement]


def test_constraints_first_then_nodes_then_relationships_then_counts():
    driver = RecordingDriver()
    report = push(small_case_graph(), driver=driver, case_name="acme", database="forensics", batch=2)
    texts = [text for text, _ in driver.calls]
    n_schema = 2 * len(NODE_KINDS)
    assert texts[:n_schema] == [*S.CONSTRAINTS.values(), *S.VALUE_INDEXES.values()]
    first_rel = min(i for i, t in enumerate(texts) if t in S.MERGE_RELATIONSHIPS.values())
    last_node = max(i for i, t in enumerate(texts) if t in S.MERGE_NODES.values())
    first_count = min(i for i, t in enumerate(texts) if t in S.COUNT_NODES.values())
    assert last_node < first_rel < first_count
    assert set(driver.databases) == {"forensics"}
    assert report.counts_ok and report.mismatches == []
    assert (report.nodes, report.relationships) == (15, 25)


def test_values_travel_only_as_parameters_in_batches_of_the_requested_size():
    driver = RecordingDriver()
    push(small_case_graph(), driver=driver, case_name="acme", batch=2)
    ip_batches = sent(driver, S.MERGE_NODES["IP"])
    assert [len(p["rows"]) for p in ip_batches] == [2, 1]
    rows = [row for p in ip_batches for row in p["rows"]]
    assert {r["value"] for r in rows} == {ATTACKER_IP, "10.0.0.5", "192.0.2.10"}
    assert all(p["case_name"] == "acme" for p in ip_batches)
    proxy = next(r for r in rows if r["value"] == "10.0.0.5")
    assert proxy["infrastructure"] is True and proxy["role"] == "proxy" and proxy["id"] == "ip:10.0.0.5"
    attachment = sent(driver, S.MERGE_NODES["Attachment"])[0]["rows"][0]
    assert attachment["names"] == ["invoice.zip"] and attachment["size"] == 2048 and attachment["value"] == SHA1
    logged_in = [row for p in sent(driver, S.MERGE_RELATIONSHIPS[("LOGGED_IN", "IP", "Account")]) for row in p["rows"]]
    assert len(logged_in) == 6
    mine = next(r for r in logged_in if r["source"] == f"ip:{ATTACKER_IP}")
    assert mine == {"source": f"ip:{ATTACKER_IP}", "target": "account:alice@example.gov", "type": "LOGGED_IN",
                    "count": 1, "first_seen": "2026-10-24T09:30:00Z", "last_seen": "2026-10-24T09:00:00Z",
                    "protocols": ["soap"], "outcomes": ["success"], "evidence": mine["evidence"]}
    for text, _ in driver.calls:
        assert ATTACKER_IP not in text and "alice" not in text


def test_pushing_twice_sends_the_same_merges(tmp_path):
    first, second = RecordingDriver(), RecordingDriver()
    push(small_case_graph(), driver=first, case_name="acme", batch=3)
    push(small_case_graph(), driver=second, case_name="acme", batch=3)
    assert first.calls == second.calls       # MERGE on (case_name, id): a re-push matches the same nodes


def test_a_count_mismatch_is_reported_not_hidden():
    class Lossy(RecordingDriver):
        def run(self, statement, parameters):
            if statement == S.MERGE_NODES["Device"]:
                parameters = {**parameters, "rows": []}
            return super().run(statement, parameters)
    report = push(small_case_graph(), driver=Lossy(), case_name="acme")
    assert not report.counts_ok
    assert "Device nodes: 0 in Neo4j, 1 in the case graph" in report.mismatches
    assert any(m.startswith("Account -SYNCED-> Device") for m in report.mismatches)


def test_server_gone_mid_push_says_to_rerun_and_the_rerun_resumes(tmp_path):
    graph = small_case_graph()
    rows = graph_rows(graph, case_name="acme")
    path = tmp_path / "neo4j_push.json"
    checkpoint = PushCheckpoint(path, target="bolt://x", case_name="acme", fingerprint=rows_fingerprint(rows))
    server: dict = {}
    with pytest.raises(Neo4jPushError, match=r"went away after \d+ of 40 rows.*run the same command again"):
        push(graph, driver=RecordingDriver(fail_after=25, server=server), case_name="acme", batch=2,
             checkpoint=checkpoint)
    saved = json.loads(path.read_text())
    assert saved["done"] and not saved["complete"]
    again = RecordingDriver(server=server)
    resumed = PushCheckpoint(path, target="bolt://x", case_name="acme", fingerprint=rows_fingerprint(rows))
    report = push(graph, driver=again, case_name="acme", batch=2, checkpoint=resumed)
    assert report.batches_skipped == len(saved["done"]) and report.batches_sent > 0
    merges = [t for t, _ in again.calls if t in S.MERGE_NODES.values() or t in S.MERGE_RELATIONSHIPS.values()]
    assert len(merges) == report.batches_sent
    assert json.loads(path.read_text())["complete"] is True


def test_a_checkpoint_for_another_graph_or_server_is_ignored(tmp_path):
    path = tmp_path / "neo4j_push.json"
    PushCheckpoint(path, target="bolt://x", case_name="acme", fingerprint="f").mark("merge:IP#0")
    assert PushCheckpoint(path, target="bolt://x", case_name="acme", fingerprint="f").done == {"merge:IP#0"}
    assert PushCheckpoint(path, target="bolt://y", case_name="acme", fingerprint="f").done == set()
    assert PushCheckpoint(path, target="bolt://x", case_name="acme", fingerprint="g").done == set()


def test_bad_credentials_and_bad_batch_are_one_line_errors():
    from neo4j.exceptions import AuthError

    class Refusing(RecordingDriver):
        def run(self, statement, parameters):
            raise AuthError("The client is unauthorized due to authentication failure.")
    with pytest.raises(Neo4jPushError, match="refused the credentials.*--user/--password"):
        push(small_case_graph(), driver=Refusing(), case_name="acme")
    with pytest.raises(Neo4jPushError, match="--batch must be at least 1"):
        push(small_case_graph(), driver=RecordingDriver(), case_name="acme", batch=0)

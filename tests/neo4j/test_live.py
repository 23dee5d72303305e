"""Against a real Neo4j 5 (runs only when NEO4J_URI is set; skipped otherwise, and reported so).

    docker run --rm -p 7687:7687 -e NEO4J_AUTH=neo4j/zimgraph-test neo4j:5
    NEO4J_URI=neo4j://localhost:7687 NEO4J_PASSWORD=zimgraph-test bash scripts/test.sh tests/neo4j/test_live.py

It writes nodes with case_name "zimgraph-live-test-*" and deletes them at the end.
"""

import os

import pytest

from zimgraph.neo4j.push import open_driver, push
from zimgraph.query.library import list_queries
from zimgraph.query.run import bind_params, run_neo4j

from tests.neo4j.graphs import ATTACKER_IP, SHA1, small_case_graph

pytestmark = pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                                reason="no live Neo4j: set NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD) to run")
CASES = ("zimgraph-live-test-a", "zimgraph-live-test-b")


@pytest.fixture(scope="module")
def driver():
    driver = open_driver(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
    yield driver
    driver.execute_query("MATCH (n) WHERE n.case_name IN $cases DETACH DELETE n", {"cases": list(CASES)})
    driver.close()


def totals(driver, case_name):
    records, _, _ = driver.execute_query(
        "MATCH (n {case_name: $c}) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels",
        {"c": case_name})
    return records[0]["nodes"], records[0]["rels"]


def test_push_is_idempotent_and_cases_stay_apart(driver):
    graph = small_case_graph()
    first = push(graph, driver=driver, case_name=CASES[0], batch=4)
    assert first.counts_ok, first.mismatches
    once = totals(driver, CASES[0])
    assert once == (graph.number_of_nodes(), graph.number_of_edges())
    assert push(graph, driver=driver, case_name=CASES[0], batch=7).counts_ok
    assert totals(driver, CASES[0]) == once                     # pushing twice changes nothing
    second = push(graph, driver=driver, case_name=CASES[1])
    assert CASES[0] in second.other_cases
    assert totals(driver, CASES[1]) == once and totals(driver, CASES[0]) == once


def test_every_library_query_runs_on_neo4j(driver):
    push(small_case_graph(), driver=driver, case_name=CASES[0])
    values = {"ip": ATTACKER_IP, "account": "alice@example.gov", "sha1": SHA1,
              "accounts": "alice@example.gov,bob@example.gov", "case_name": CASES[0]}
    for query in list_queries():
        raw = {p.name: values[p.name] for p in query.params if p.name in values}
        run_neo4j(query, bind_params(query, raw), uri="", user=None, password=None, driver=driver)
    logins = next(q for q in list_queries() if q.name == "logins-from-ip")
    rows = run_neo4j(logins, bind_params(logins, {"ip": ATTACKER_IP, "case_name": CASES[0]}),
                     uri="", user=None, password=None, driver=driver).records()
    assert [r["account"] for r in rows] == ["alice@example.gov"]

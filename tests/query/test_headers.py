"""The query library's contract: strict headers, declared == used parameters, valid Cypher 5 for Neo4j."""

import pytest

from zimgraph.query.header import QueryHeaderError, parse_query
from zimgraph.query.library import LIBRARY_DIR, list_queries

from tests.cypher_lint import lint

GOOD = """// name: demo
// title: Demo
// description: One line,
//   continued here.
// answers: nothing
// tags: pivot
// param: ip (string, required): the IP
MATCH (i:IP {value: $ip}) RETURN i.value AS ip
"""


def test_the_library_has_the_hunts_the_issue_asks_for():
    names = {q.name for q in list_queries()}
    assert {"logins-from-ip", "accounts-sharing-indicators-with-account", "failures-then-success-per-ip",
            "attachment-recipients", "attachments-in-many-messages", "spf-fail-delivered",
            "accounts-sending-attachment", "indicators-shared-by-compromised", "paths-from-ip",
            "devices-per-account", "accounts-per-device", "post-compromise-actions"} <= names


def test_every_header_follows_the_schema_and_declares_exactly_what_it_uses():
    queries = list_queries()          # parse_query raises on any deviation
    assert len(queries) == len(list(LIBRARY_DIR.glob("*.cypher")))
    for query in queries:
        assert query.title and query.description and query.answers and query.tags
        assert sorted(p.name for p in query.params) == query.used_params()
        assert query.param("case_name") and query.param("case_name").default == "", query.name
        for param in query.params:
            assert param.doc, (query.name, param.name)


def test_every_query_is_valid_cypher_5_by_neo4j_s_front_end():
    queries = {q.name: (q.text, [p.name for p in q.params]) for q in list_queries()}
    results = lint(queries)
    problems = {name: r["diagnostics"] for name, r in results.items() if r["diagnostics"]}
    assert not problems, problems
    for name, (_, params) in queries.items():
        assert results[name]["parameters_used"] == sorted(params), name     # the front end agrees with our scan


def test_the_whole_file_runs_as_is_in_cypher_shell():
    """The header is a Cypher comment: the file text itself (not only the body) passes the front end."""
    files = {q.name: (open(q.path, encoding="utf-8").read(), [p.name for p in q.params]) for q in list_queries()}
    assert not {n: r["diagnostics"] for n, r in lint(files).items() if r["diagnostics"]}


def test_the_good_example_parses():
    query = parse_query(GOOD, name="demo")
    assert query.description == "One line, continued here."
    assert query.params[0].required and query.used_params() == ["ip"]


@pytest.mark.parametrize("change, message", [
    (("// name: demo", "// name: other"), "must equal the file name"),
    (("// title: Demo\n", ""), "no '// title:' line"),
    (("// tags: pivot", "// tags: pivot, fun"), "unknown tag"),
    (("// answers: nothing", "// answer: nothing"), "is not '// KEY: value'"),
    (("(string, required)", "(text, required)"), "parameter type 'text'"),
    (("(string, required)", "(integer, default \"x\")"), "is not a integer"),
    (("(string, required)", "(string, default x)"), "not a JSON value"),
    (("(string, required): the IP", "(string, required)"), "write '// param: NAME"),
    (("$ip", "$ip AND i.role = $role"), "differ from those used"),
    (("// param: ip (string, required): the IP\n", ""), "differ from those used"),
    (("RETURN i.value AS ip", "RETURN i.value AS ip; MATCH (n) DETACH DELETE n"), "one statement per file"),
])
def test_a_header_off_the_schema_is_refused_with_a_reason(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(QueryHeaderError, match=message):
        parse_query(GOOD.replace(old, new), name="demo")


def test_parameters_in_comments_and_strings_are_not_counted():
    text = GOOD.replace("RETURN i.value AS ip", "// $nope\nRETURN i.value + '$nope' AS ip")
    assert parse_query(text, name="demo").used_params() == ["ip"]

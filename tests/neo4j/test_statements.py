"""Every statement the exporter sends passes Neo4j's own Cypher 5 front end with no diagnostic."""

from zimgraph.neo4j import statements as S
from zimgraph.neo4j.vocabulary import NODE_KINDS, RELATIONSHIPS

from tests.cypher_lint import lint


def test_every_exporter_statement_is_valid_cypher_5_with_the_model_schema():
    statements = S.all_statements()
    results = lint(statements)
    assert set(results) == set(statements)
    problems = {key: r["diagnostics"] for key, r in results.items() if r["diagnostics"]}
    assert not problems, problems           # no error and no warning (unknown label/type/property, wrong direction)
    for key, (text, params) in statements.items():
        assert results[key]["parameters_used"] == sorted(params), key


def test_the_front_end_really_catches_mistakes():
    """The validator is not a rubber stamp: a misspelt label, property, direction or parameter is reported."""
    bad = {
        "syntax": ("UNWIND $rows AS row MERGE (n:IP {id: row.id) SET n.value = row.value", ["rows"]),
        "label": ("MATCH (n:Ip) RETURN n.value AS v", []),
        "property": ("MATCH (n:IP) RETURN n.valeu AS v", []),
        "direction": ("MATCH (a:Account)-[:LOGGED_IN]->(i:IP) RETURN a.value AS v", []),
        "parameter": ("MATCH (n:IP {value: $ip}) RETURN n.value AS v", []),
    }
    results = lint(bad)
    assert all(results[key]["diagnostics"] for key in bad), results
    assert any(d["severity"] == "error" for d in results["syntax"]["diagnostics"])
    assert any(d["severity"] == "error" for d in results["parameter"]["diagnostics"])


def test_labels_and_types_in_statements_come_only_from_the_vocabulary():
    for kind in NODE_KINDS:
        assert f":{kind} " in S.MERGE_NODES[kind] and "$rows" in S.MERGE_NODES[kind]
    for triple in RELATIONSHIPS:
        text = S.MERGE_RELATIONSHIPS[triple]
        assert f"[r:{triple[0]}]" in text and f"(a:{triple[1]} " in text and f"(b:{triple[2]} " in text
    # values are never in the text: only $case_name and $rows
    for text, params in S.all_statements().values():
        assert "'" not in text and '"' not in text

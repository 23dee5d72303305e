"""Every Cypher statement ``zimgraph neo4j push`` sends, as constants.

Labels, relationship types and property keys come only from :mod:`zimgraph.neo4j.vocabulary`
(fixed names, never from the evidence); every value is a ``$parameter``: ``$case_name`` and
``$rows`` (a batch of :func:`zimgraph.neo4j.rows.graph_rows` maps). The test suite runs each one
through Neo4j's own Cypher 5 front end (``tools/cypher-lint``).

Nodes are keyed by ``(case_name, id)``: pushing the same case twice merges onto the same nodes;
a second case gets its own nodes and relationships, never mixed with the first.

>>> print(MERGE_NODES["Device"])
UNWIND $rows AS row
MERGE (n:Device {case_name: $case_name, id: row.id})
SET n.kind = row.kind, n.value = row.value, n.first_seen = row.first_seen, n.last_seen = row.last_seen, n.count = row.count, n.device_type = row.device_type, n.accounts = row.accounts
>>> print(COUNT_RELATIONSHIPS[("SYNCED", "Account", "Device")])
MATCH (:Account {case_name: $case_name})-[r:SYNCED]->(:Device {case_name: $case_name}) RETURN count(r) AS count
"""

from __future__ import annotations

from zimgraph.neo4j.vocabulary import NODE_KINDS, RELATIONSHIP_PROPERTIES, RELATIONSHIPS, node_properties

_KEY = ("case_name", "id")


def _node_set(kind: str) -> str:
    return ", ".join(f"n.{name} = row.{name}" for name in node_properties(kind) if name not in _KEY)


def _relationship_set() -> str:
    return ", ".join(f"r.{name} = row.{name}" for name in RELATIONSHIP_PROPERTIES)


#: one uniqueness constraint per node kind on (case_name, id); it also backs the MERGE lookups
CONSTRAINTS: dict[str, str] = {
    kind: f"CREATE CONSTRAINT zimgraph_{kind.lower()}_key IF NOT EXISTS "
          f"FOR (n:{kind}) REQUIRE (n.case_name, n.id) IS UNIQUE"
    for kind in NODE_KINDS
}

#: the library queries look nodes up by value
VALUE_INDEXES: dict[str, str] = {
    kind: f"CREATE INDEX zimgraph_{kind.lower()}_value IF NOT EXISTS FOR (n:{kind}) ON (n.value)"
    for kind in NODE_KINDS
}

MERGE_NODES: dict[str, str] = {
    kind: "UNWIND $rows AS row\n"
          f"MERGE (n:{kind} {{case_name: $case_name, id: row.id}})\n"
          f"SET {_node_set(kind)}"
    for kind in NODE_KINDS
}

MERGE_RELATIONSHIPS: dict[tuple[str, str, str], str] = {
    (rel, src, dst): "UNWIND $rows AS row\n"
                     f"MATCH (a:{src} {{case_name: $case_name, id: row.source}})\n"
                     f"MATCH (b:{dst} {{case_name: $case_name, id: row.target}})\n"
                     f"MERGE (a)-[r:{rel}]->(b)\n"
                     f"SET {_relationship_set()}"
    for rel, src, dst in RELATIONSHIPS
}

COUNT_NODES: dict[str, str] = {
    kind: f"MATCH (n:{kind} {{case_name: $case_name}}) RETURN count(n) AS count"
    for kind in NODE_KINDS
}

COUNT_RELATIONSHIPS: dict[tuple[str, str, str], str] = {
    (rel, src, dst): f"MATCH (:{src} {{case_name: $case_name}})-[r:{rel}]->(:{dst} {{case_name: $case_name}}) "
                     "RETURN count(r) AS count"
    for rel, src, dst in RELATIONSHIPS
}

#: the other cases already in the database (said out loud so that nothing mixes silently)
OTHER_CASES = ("MATCH (n:Account) WHERE n.case_name <> $case_name "
               "RETURN DISTINCT n.case_name AS case_name ORDER BY case_name")


def all_statements() -> dict[str, tuple[str, list[str]]]:
    """Every statement by a stable name, with the parameters it takes (for validation and docs)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for kind in NODE_KINDS:
        out[f"constraint:{kind}"] = (CONSTRAINTS[kind], [])
        out[f"index:{kind}"] = (VALUE_INDEXES[kind], [])
        out[f"merge:{kind}"] = (MERGE_NODES[kind], ["case_name", "rows"])
        out[f"count:{kind}"] = (COUNT_NODES[kind], ["case_name"])
    for triple in RELATIONSHIPS:
        name = "{}:{}->{}".format(*triple)
        out[f"merge:{name}"] = (MERGE_RELATIONSHIPS[triple], ["case_name", "rows"])
        out[f"count:{name}"] = (COUNT_RELATIONSHIPS[triple], ["case_name"])
    out["other_cases"] = (OTHER_CASES, ["case_name"])
    return out

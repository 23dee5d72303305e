"""The fixed vocabulary of the case graph as a property graph (docs/model.md, "The graph").

Node labels, relationship types, which kinds each type joins, and the typed properties of each:
the one place the Neo4j exporter, the CSV export and the embedded Cypher engine take names from.
Labels and types are never taken from the evidence, so they can be written into Cypher text;
every value travels as a parameter.

Every node has ``id`` (the graph's ``kind:value`` node id), ``case_name`` (which case it belongs
to: ``case`` is a reserved word in the embedded engine), ``kind``, ``value``, ``first_seen``,
``last_seen`` (ISO 8601 UTC strings) and ``count``, plus the properties of its kind. Every
relationship has ``type``, ``count``, ``first_seen``, ``last_seen``, ``protocols``,
``outcomes`` and ``evidence``.

>>> NODE_KINDS[:3]
('Account', 'IP', 'UserAgent')
>>> [pair for pair in RELATIONSHIPS if pair[0] == 'USED_UA']
[('USED_UA', 'Account', 'UserAgent'), ('USED_UA', 'IP', 'UserAgent')]
>>> node_properties('IP')['infrastructure']
'BOOLEAN'
"""

from __future__ import annotations

from zimgraph.graph import model

#: property types, named as the embedded engine names them (Neo4j infers its own from the values)
STRING, INT64, DOUBLE, BOOLEAN, STRING_LIST = "STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"

#: the graph's node kinds (zimgraph.graph.model), in its order
NODE_KINDS: tuple[str, ...] = tuple(model.NODE_KINDS)

COMMON_NODE_PROPERTIES: dict[str, str] = {
    "id": STRING, "case_name": STRING, "kind": STRING, "value": STRING,
    "first_seen": STRING, "last_seen": STRING, "count": INT64,
}

KIND_PROPERTIES: dict[str, dict[str, str]] = {
    "Account": {"internal": BOOLEAN},
    "IP": {"infrastructure": BOOLEAN, "role": STRING, "private": BOOLEAN, "accounts": INT64},
    "UserAgent": {"accounts": INT64},
    "Sender": {"internal_domain": BOOLEAN},
    "Attachment": {"names": STRING_LIST, "content_types": STRING_LIST, "size": INT64},
    "AmavisSession": {},
    "Device": {"device_type": STRING, "accounts": INT64},
    "Message": {"message_id": STRING, "direction": STRING, "verdict": STRING, "score": DOUBLE, "spf": STRING,
                "sender": STRING, "subject_account": STRING},
}

#: (relationship type, from kind, to kind), in the order of zimgraph.graph.model.EDGE_TYPES
RELATIONSHIPS: tuple[tuple[str, str, str], ...] = tuple(
    (rel, source, target) for rel, (sources, target, _doc) in model.EDGE_TYPES.items() for source in sources)

RELATIONSHIP_TYPES: tuple[str, ...] = tuple(dict.fromkeys(rel for rel, _, _ in RELATIONSHIPS))

RELATIONSHIP_PROPERTIES: dict[str, str] = {
    "type": STRING, "count": INT64, "first_seen": STRING, "last_seen": STRING,
    "protocols": STRING_LIST, "outcomes": STRING_LIST, "evidence": STRING_LIST,
}


def node_properties(kind: str) -> dict[str, str]:
    """Every property of a node of ``kind`` with its type, common ones first."""
    return {**COMMON_NODE_PROPERTIES, **KIND_PROPERTIES[kind]}


def all_property_keys() -> list[str]:
    """Every property key of the model, sorted (for the Cypher linter's schema)."""
    keys = set(COMMON_NODE_PROPERTIES) | set(RELATIONSHIP_PROPERTIES)
    for props in KIND_PROPERTIES.values():
        keys |= set(props)
    return sorted(keys)


#: keys of the ``$rows`` maps that are not properties: a relationship row's end node ids
ROW_KEYS = ("source", "target")


def lint_schema() -> dict:
    """The model as the Cypher front end's database schema (labels, types, keys, which kinds each type joins)."""
    return {
        "labels": list(NODE_KINDS),
        "relationshipTypes": list(RELATIONSHIP_TYPES),
        "propertyKeys": sorted([*all_property_keys(), *ROW_KEYS]),
        "graphSchema": [{"from": src, "to": dst, "relType": rel} for rel, src, dst in RELATIONSHIPS],
    }

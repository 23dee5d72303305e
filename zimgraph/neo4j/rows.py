"""The case graph as rows: one list of property maps per node kind and per relationship triple.

What the Neo4j push sends (``UNWIND $rows``), what the CSV export writes and what the embedded
engine loads all come from :func:`graph_rows`, so the three agree. Rows are sorted by id (nodes)
and by (source, target) (relationships): same graph, same rows.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9", count=3, infrastructure=False)
>>> g.add_node("account:a@example.gov", kind="Account", value="a@example.gov", count=1)
>>> _ = g.add_edge("ip:203.0.113.9", "account:a@example.gov", key="LOGGED_IN", type="LOGGED_IN", count=1,
...                protocols=["soap"])
>>> rows = graph_rows(g, case_name="demo")
>>> rows.nodes["IP"][0]["value"], rows.nodes["IP"][0]["case_name"]
('203.0.113.9', 'demo')
>>> rows.relationships[("LOGGED_IN", "IP", "Account")][0]["protocols"]
['soap']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from zimgraph.neo4j.vocabulary import (BOOLEAN, DOUBLE, INT64, NODE_KINDS, RELATIONSHIP_PROPERTIES,
                                       RELATIONSHIPS, STRING_LIST, node_properties)


class GraphVocabularyError(ValueError):
    """The graph has a node kind or relationship that the property-graph vocabulary does not know."""


@dataclass
class GraphRows:
    """Node rows per kind and relationship rows per (type, from kind, to kind), each sorted."""
    nodes: dict[str, list[dict]] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str], list[dict]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.relationships.values())


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(value != value)    # pandas NaT / NA
    except (TypeError, ValueError):
        return False


def _iso(value) -> str:
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    return str(value)


def typed(value, kind: str):
    """A property value as the vocabulary types it (None when missing).

    Lists keep the graph's order (evidence is earliest first).

    >>> typed(("b", "a", None), "STRING[]"), typed(3.0, "INT64"), typed(float("nan"), "DOUBLE")
    (['b', 'a'], 3, None)
    """
    kind_of_value = type(value)
    if kind_of_value is str and kind not in (STRING_LIST, INT64, DOUBLE, BOOLEAN):
        return value                      # the common case first: a string property
    if kind_of_value is int and kind == INT64:
        return value
    if kind == STRING_LIST:
        if kind_of_value is list:
            return value                  # the graph's lists are lists of strings (docs/model.md)
        if value is None or isinstance(value, str):
            return [] if value is None else [value]
        return [str(item) for item in value if not _missing(item)]
    if _missing(value):
        return None
    if kind == INT64:
        return int(value)
    if kind == DOUBLE:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    return _iso(value)


def graph_rows(graph, *, case_name: str) -> GraphRows:
    """Split ``graph`` (docs/model.md) into typed rows for ``case_name``; unknown kinds raise."""
    rows = GraphRows(nodes={kind: [] for kind in NODE_KINDS},
                     relationships={triple: [] for triple in RELATIONSHIPS})
    schemas = {kind: node_properties(kind) for kind in NODE_KINDS}
    kinds: dict[str, str] = {}
    for node_id, attrs in graph.nodes(data=True):
        kind = attrs.get("kind")
        if kind not in schemas:
            raise GraphVocabularyError(f"node {node_id!r} has kind {kind!r}, not one of {', '.join(NODE_KINDS)}")
        kinds[node_id] = kind
        row = {name: typed(attrs.get(name), typ) for name, typ in schemas[kind].items()}
        row.update(id=str(node_id), case_name=case_name, kind=kind)
        if row["value"] is None:
            row["value"] = str(node_id).split(":", 1)[-1]
        rows.nodes[kind].append(row)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rel_type = attrs.get("type", key)
        triple = (rel_type, kinds[source], kinds[target])
        if triple not in rows.relationships:
            raise GraphVocabularyError(f"edge {source!r} -{rel_type}-> {target!r} joins {triple[1]} to {triple[2]}, "
                                       "which docs/model.md does not define")
        row = {name: typed(attrs.get(name), typ) for name, typ in RELATIONSHIP_PROPERTIES.items()}
        row.update(source=str(source), target=str(target), type=rel_type)
        rows.relationships[triple].append(row)
    for kind_rows in rows.nodes.values():
        kind_rows.sort(key=lambda row: row["id"])
    for rel_rows in rows.relationships.values():
        rel_rows.sort(key=lambda row: (row["source"], row["target"]))
    return rows

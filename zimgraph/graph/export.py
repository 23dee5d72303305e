"""Write the graph for other tools: GraphML (Gephi, Cytoscape, yEd) and node-link JSON.

GraphML has no list type, so list attributes (``protocols``, ``evidence``, attachment
``names``) are written as JSON arrays in a string; missing values are left out. Node and edge
order is sorted, so the same case gives byte-identical files.

>>> import networkx as nx, io
>>> g = nx.MultiDiGraph(); g.add_node("ip:1.2.3.4", kind="IP", value="1.2.3.4", role=None)
>>> g.add_edge("ip:1.2.3.4", "account:a@x", key="LOGGED_IN", type="LOGGED_IN", protocols=["imap"])
'LOGGED_IN'
>>> '["imap"]</data>' in graphml_text(g)
True
"""

from __future__ import annotations

import json
import os

import networkx as nx

FORMATS = ("graphml", "json")


def _scalar(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return json.dumps(sorted(value) if isinstance(value, (set, frozenset)) else list(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _flat_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    flat = nx.MultiDiGraph()
    for key, value in sorted(graph.graph.items()):
        flat.graph[key] = _scalar(value)
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        flat.add_node(node, **{k: _scalar(v) for k, v in sorted(attrs.items()) if v is not None})
    for u, v, key in sorted(graph.edges(keys=True)):
        attrs = graph.edges[u, v, key]
        flat.add_edge(u, v, key=key, **{k: _scalar(x) for k, x in sorted(attrs.items()) if x is not None})
    return flat


def graphml_text(graph: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(_flat_copy(graph), named_key_ids=False)) + "\n"


def node_link(graph: nx.MultiDiGraph) -> dict:
    """The graph as node-link JSON (``nodes``, ``edges`` with ``source``, ``target``, ``key``)."""
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    return data


def export_graph(graph: nx.MultiDiGraph, fmt: str, path: str | os.PathLike) -> None:
    """Write ``graph`` as ``fmt`` (``graphml`` or ``json``) to ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")
    with open(path, "w", encoding="utf-8") as out:
        if fmt == "graphml":
            out.write(graphml_text(graph))
        else:
            json.dump(node_link(graph), out, ensure_ascii=False, sort_keys=True, indent=1)
            out.write("\n")

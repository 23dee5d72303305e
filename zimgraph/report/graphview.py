"""The interactive graph view: which nodes to show, how to cap hubs, and the vis-network data.

The view is a pyvis ``Network`` (nodes and edges filled as lists: ``add_node`` is quadratic),
laid out in Python (:mod:`zimgraph.report.layout`), and rendered by our own template with the
vis-network library pyvis ships, embedded in the page (pyvis' own template links Bootstrap from a
CDN, which an air-gapped analyst does not have).

Caps keep a big result usable: a node with more than ``max_neighbours`` neighbours keeps the
most important ones (scored, seeds, the most evidence) and gets one ``"N more not shown"``
node for the rest; beyond ``max_nodes`` the least important nodes go the same way.

Every string here comes from the logs: it travels as JSON data (``<``, ``>``, ``&`` escaped)
and the page's script puts it in the DOM with ``textContent`` only.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9", count=3)
>>> for i in range(40):
...     g.add_node(f"account:u{i}@x.gov", kind="Account", value=f"u{i}@x.gov", count=1)
...     _ = g.add_edge("ip:203.0.113.9", f"account:u{i}@x.gov", key="AUTH_FAILED", type="AUTH_FAILED", count=1)
>>> view = build_view(g, roots=["ip:203.0.113.9"], max_neighbours=10)
>>> len(view["nodes"]), [n["label"] for n in view["nodes"] if n["kind"] == "More"]
(12, ['30 more not shown'])
"""

from __future__ import annotations

import json
import math
from collections import Counter

import networkx as nx
from pyvis.network import Network

from zimgraph.report.layout import radial_layout

#: node kind -> (colour, vis-network shape)
KIND_STYLE: dict[str, tuple[str, str]] = {
    "Account": ("#1f6fb4", "dot"),
    "IP": ("#d62728", "diamond"),
    "UserAgent": ("#9467bd", "triangle"),
    "Sender": ("#ff7f0e", "square"),
    "Attachment": ("#8c564b", "star"),
    "AmavisSession": ("#7f7f7f", "hexagon"),
    "Device": ("#2ca02c", "triangleDown"),
    "Message": ("#17becf", "dot"),
    "More": ("#bbbbbb", "box"),
}
VERDICT_COLOUR = {"compromised": "#b10026", "targeted": "#fd8d3c", "related": "#fed976"}
MAX_NODES = 1500
MAX_NEIGHBOURS = 25
#: above this many nodes the browser gets a fixed layout (physics off from the start)
PHYSICS_LIMIT = 300
LABEL_WIDTH = 36
#: above this many edges, edge labels are left to the tooltips
EDGE_LABEL_LIMIT = 60
#: the key of the one "more not shown" node for what the overall cap removed
GLOBAL_MORE = "*"


def _short(text: str, width: int = LABEL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _importance(graph: nx.MultiDiGraph, node: str, info: dict[str, dict], roots: set[str]) -> tuple:
    data = info.get(node, {})
    return (node in roots, bool(data), float(data.get("score") or 0), graph.nodes[node].get("count") or 0, node)


def select_nodes(graph: nx.MultiDiGraph, *, roots: list[str], info: dict[str, dict],
                 max_nodes: int = MAX_NODES, max_neighbours: int = MAX_NEIGHBOURS) -> tuple[set[str], dict[str, int]]:
    """The nodes to draw and, per hub, how many neighbours were left out."""
    root_set = set(roots)
    keep = set(graph.nodes)
    hidden: Counter = Counter()
    undirected = graph.to_undirected(as_view=True)
    # hubs first (most neighbours), so a leaf dropped by one hub is counted once
    for hub in sorted(keep, key=lambda n: (-undirected.degree(n), n)):
        if hub not in keep:
            continue
        neighbours = [n for n in undirected.neighbors(hub) if n in keep]
        if len(neighbours) <= max_neighbours:
            continue
        ranked = sorted(neighbours, key=lambda n: _importance(graph, n, info, root_set), reverse=True)
        for node in ranked[max_neighbours:]:
            # a node that matters (scored, a root) or that links to something else kept stays
            if node in root_set or node in info:
                continue
            others = [n for n in undirected.neighbors(node) if n in keep and n != hub]
            if others:
                continue
            keep.discard(node)
            hidden[hub] += 1
    beyond = 0
    if len(keep) > max_nodes:
        ranked = sorted(keep, key=lambda n: _importance(graph, n, info, root_set), reverse=True)
        for node in ranked[max_nodes:]:
            keep.discard(node)
            beyond += 1 + hidden.pop(node, 0)
    counts = {hub: count for hub, count in hidden.items() if hub in keep}
    if beyond:
        counts[GLOBAL_MORE] = beyond
    return keep, counts


def _tooltip(kind: str, value: str, attrs: dict, data: dict) -> str:
    lines = [f"{kind}: {value}"]
    if data.get("verdict"):
        lines.append(f"verdict: {data['verdict']}")
    if data.get("score") is not None:
        lines.append(f"score: {float(data['score']):.2f}")
    if attrs.get("role"):
        lines.append(f"infrastructure: {attrs['role']}")
    if attrs.get("count") is not None:
        lines.append(f"records: {attrs['count']:,}")
    if attrs.get("first_seen"):
        lines.append(f"first seen: {attrs['first_seen']}")
    if attrs.get("last_seen"):
        lines.append(f"last seen: {attrs['last_seen']}")
    for key in ("names", "device_type", "direction", "verdict"):
        if attrs.get(key) and not (key == "verdict" and kind != "Message"):
            shown = ", ".join(attrs[key]) if isinstance(attrs[key], list) else str(attrs[key])
            lines.append(f"{key.replace('_', ' ')}: {shown}")
    lines.extend(data.get("why") or [])
    return "\n".join(lines)


def build_view(graph: nx.MultiDiGraph, *, roots: list[str], info: dict[str, dict] | None = None,
               max_nodes: int = MAX_NODES, max_neighbours: int = MAX_NEIGHBOURS,
               title: str = "zimgraph") -> dict:
    """The view data (``nodes``, ``edges``, ``options``, ``legend``, ``hidden``) of ``graph``.

    ``info`` maps node ids to ``{"score", "verdict", "why", "role"}`` (from a pivot); ``roots``
    are drawn in the centre (the seeds).
    """
    info = info or {}
    keep, hidden = select_nodes(graph, roots=roots, info=info, max_nodes=max_nodes, max_neighbours=max_neighbours)
    sub = graph.subgraph(keep)
    more_nodes = {f"more:{hub}": (hub, count) for hub, count in sorted(hidden.items())}
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(sorted(keep))
    layout_graph.add_nodes_from(sorted(more_nodes))
    layout_graph.add_edges_from((u, v) for u, v in sub.edges())
    layout_graph.add_edges_from((hub, more) for more, (hub, _count) in more_nodes.items() if hub in keep)
    positions = radial_layout(layout_graph, roots=[r for r in roots if r in keep])

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%", heading=title)
    scores = [float(info.get(n, {}).get("score") or 0) for n in keep]
    top = max(scores) if scores and max(scores) > 0 else 1.0
    nodes = []
    for node in sorted(keep):
        attrs = graph.nodes[node]
        kind = attrs.get("kind", "Account")
        value = str(attrs.get("value", node.split(":", 1)[-1]))
        data = info.get(node, {})
        colour, shape = KIND_STYLE.get(kind, ("#444444", "dot"))
        score = float(data.get("score") or 0)
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append({
            # not "value": that is vis-network's scaling input and a string there hides the node
            "id": node, "label": _short(value), "kind": kind, "text": value, "shape": shape,
            "color": {"background": VERDICT_COLOUR.get(data.get("verdict"), colour), "border": colour},
            "borderWidth": 4 if node in roots else 1,
            "size": round(10 + 30 * score / top, 1), "x": x, "y": y,
            "title": _tooltip(kind, value, attrs, data), "score": score, "verdict": data.get("verdict"),
            "why": list(data.get("why") or []), "seed": node in roots,
            "first_seen": attrs.get("first_seen"), "last_seen": attrs.get("last_seen"),
            "infrastructure": bool(attrs.get("infrastructure")),
        })
    for more, (hub, count) in more_nodes.items():
        x, y = positions.get(more, (0.0, 0.0))
        colour, shape = KIND_STYLE["More"]
        label = (f"{count:,} more not shown (view capped at {max_nodes:,} nodes)" if hub == GLOBAL_MORE
                 else f"{count:,} more not shown")
        nodes.append({"id": more, "label": label, "kind": "More", "text": f"{count} more",
                      "shape": shape, "color": {"background": colour, "border": colour}, "borderWidth": 1,
                      "size": 10, "x": x, "y": y, "score": 0, "verdict": None, "why": [], "seed": False,
                      "font": {"size": 11, "color": "#555555"},
                      "title": (f"{count:,} less important nodes not shown (capped view)" if hub == GLOBAL_MORE
                                else f"{count:,} more neighbours of {hub} not shown (capped view)"),
                      "first_seen": None, "last_seen": None, "infrastructure": False})
    edges = []
    for u, v, key, attrs in sorted(sub.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        count = int(attrs.get("count") or 1)
        edges.append({"id": f"{u}|{v}|{key}", "from": u, "to": v, "label": key if count == 1 else f"{key} ×{count}",
                      "type": key, "count": count, "width": round(1 + 2.2 * math.log10(count), 2),
                      "first_seen": attrs.get("first_seen"), "last_seen": attrs.get("last_seen"),
                      "protocols": list(attrs.get("protocols") or []), "evidence": list(attrs.get("evidence") or []),
                      "title": f"{key}: {count:,} record(s)\n{attrs.get('first_seen') or '?'} → "
                               f"{attrs.get('last_seen') or '?'}\n{', '.join(attrs.get('protocols') or [])}"})
    for more, (hub, _count) in more_nodes.items():
        if hub not in keep:
            continue
        edges.append({"id": f"{hub}|{more}|MORE", "from": hub, "to": more, "label": "", "type": "MORE", "count": 1,
                      "width": 1, "dashes": True, "first_seen": None, "last_seen": None, "protocols": [],
                      "evidence": [], "title": "capped"})
    if len(edges) > EDGE_LABEL_LIMIT:          # a crowd of labels hides the nodes: types stay in the tooltips
        for edge in edges:
            edge["label"] = ""
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    physics = len(nodes) <= PHYSICS_LIMIT
    net.options = {
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
                    "stabilization": {"enabled": physics, "iterations": 200, "fit": True}},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(nodes) > 800},
        "nodes": {"font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"enabled": True, "min": 12, "max": 22}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
                  "font": {"size": 10, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "color": {"color": "#9aa5b1", "highlight": "#333333"}},
    }
    data_nodes, data_edges, _heading, _height, _width, options = net.get_network_data()
    legend = [{"kind": kind, "colour": colour, "shape": shape,
               "count": sum(1 for n in data_nodes if n["kind"] == kind)}
              for kind, (colour, shape) in KIND_STYLE.items()
              if any(n["kind"] == kind for n in data_nodes)]
    return {"nodes": data_nodes, "edges": data_edges, "options": json.loads(options), "legend": legend,
            "hidden": sum(hidden.values()), "total_nodes": graph.number_of_nodes(), "physics": physics}


def script_json(data) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no HTML parsing."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def vis_network_js() -> str:
    """The vis-network library shipped inside pyvis (embedded in the page; nothing is fetched)."""
    from importlib.resources import files
    return (files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")


def vis_network_css() -> str:
    from importlib.resources import files
    return (files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.css").read_text(encoding="utf-8")

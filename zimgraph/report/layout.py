"""A radial tree layout computed in Python, so the browser never has to simulate a big graph.

Roots (the seeds, or the highest-scored nodes) sit in the centre; every other node is placed
on the ring of its breadth-first distance from a root, inside the angular sector of its parent,
the sector being shared among children in proportion to the size of their subtrees. O(n),
deterministic, no scipy.

>>> import networkx as nx
>>> pos = radial_layout(nx.path_graph(["a", "b", "c"]), roots=["a"])
>>> pos["a"], round(pos["b"][0] ** 2 + pos["b"][1] ** 2) == RING ** 2
((0.0, 0.0), True)
"""

from __future__ import annotations

import math
from collections import deque

import networkx as nx

#: distance between rings, in vis-network canvas units
RING = 260.0


def radial_layout(graph: nx.Graph, *, roots: list[str], ring: float = RING) -> dict[str, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` for every node of ``graph`` (treated as undirected)."""
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    parent: dict[str, str | None] = {}
    depth: dict[str, int] = {}
    order: list[str] = []
    ordered_roots = [r for r in roots if r in graph]
    # every connected component gets a root: the given ones first, then its highest-degree node
    components = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), min(c)))
    for component in components:
        if not any(r in component for r in ordered_roots):
            ordered_roots.append(max(sorted(component), key=lambda n: undirected.degree(n)))
    for root in ordered_roots:
        if root in parent:
            continue
        parent[root], depth[root] = None, 0
        queue = deque([root])
        while queue:
            node = queue.popleft()
            order.append(node)
            for neighbour in sorted(undirected.neighbors(node)):
                if neighbour not in parent:
                    parent[neighbour], depth[neighbour] = node, depth[node] + 1
                    queue.append(neighbour)

    children: dict[str | None, list[str]] = {}
    for node in order:
        children.setdefault(parent[node], []).append(node)
    size: dict[str, int] = {}
    for node in reversed(order):
        size[node] = 1 + sum(size[c] for c in children.get(node, ()))

    positions: dict[str, tuple[float, float]] = {}
    top = children.get(None, [])
    # several roots: a small inner ring of roots; each root's tree fans out in its own sector
    total = sum(size[r] for r in top) or 1
    start = 0.0
    sectors: dict[str, tuple[float, float]] = {}
    for root in top:
        width = 2 * math.pi * size[root] / total
        sectors[root] = (start, start + width)
        start += width
    for node in order:
        lo, hi = sectors[node]
        angle = (lo + hi) / 2
        if parent[node] is None:
            radius = 0.0 if len(top) == 1 else ring * 0.6
        else:
            radius = ring * (depth[node] + (0 if len(top) == 1 else 0.6))
        positions[node] = (round(radius * math.cos(angle), 1) + 0.0, round(radius * math.sin(angle), 1) + 0.0)  # no -0.0
        kids = children.get(node, [])
        kid_total = sum(size[k] for k in kids) or 1
        cursor = lo
        for kid in kids:
            width = (hi - lo) * size[kid] / kid_total
            sectors[kid] = (cursor, cursor + width)
            cursor += width
    return positions

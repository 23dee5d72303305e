"""Bounded typed expansion from seeds, with hub suppression.

:func:`expand` walks the graph in both directions from the seeds, breadth first, allowing at
most ``hops[TYPE]`` edges of each type along a path and at most ``depth`` edges in all; edges
outside the time window are not followed. Nodes for which ``stop(node)`` is true are reached
(so the analyst sees them) but never expanded through. :func:`hub_test` builds the usual
``stop``: infrastructure IPs, and indicators shared by many accounts with a benign history
before the seed's first sighting (the office NAT, carrier gateways, common user-agents, a
newsletter sent to everyone).

>>> from zimgraph.pivot.facts import tiny_graph
>>> g = tiny_graph()
>>> sorted(expand(g, ["ip:203.0.113.9"], depth=3, hops={"LOGGED_IN": 3}))
['account:a@x.gov', 'account:b@x.gov', 'ip:192.0.2.10', 'ip:203.0.113.9']
>>> sorted(expand(g, ["ip:203.0.113.9"], depth=3, hops={"LOGGED_IN": 2}))
['account:a@x.gov', 'ip:192.0.2.10', 'ip:203.0.113.9']
>>> sorted(expand(g, ["ip:203.0.113.9"], hops={"LOGGED_IN": 3}, stop=lambda n: n == "ip:192.0.2.10"))
['account:a@x.gov', 'ip:192.0.2.10', 'ip:203.0.113.9']
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from zimgraph.pivot.facts import ANY_TIME, Window, accounts_sharing, earliest, is_infrastructure, kind_of, when

#: default budget of edges of each type along one expansion path
DEFAULT_HOPS = {"LOGGED_IN": 2, "ACCESSED": 2, "AUTH_FAILED": 2, "LOCKED_OUT": 1, "USED_UA": 2,
                "SYNCED": 1, "USED_DEVICE": 1, "SENT": 1, "SUBMITTED": 1, "DELIVERED_TO": 1,
                "ADDRESSED_TO": 1, "CARRIED": 1, "SCANNED_AS": 1}


@dataclass(frozen=True)
class Step:
    """How a node was first reached: from ``parent`` over an edge of type ``edge`` at ``depth``."""
    parent: str | None
    edge: str | None
    depth: int


def expand(graph: nx.MultiDiGraph, seeds: Iterable[str], *, hops: dict[str, int] | None = None,
           depth: int = 3, window: Window = ANY_TIME,
           stop: Callable[[str], bool] | None = None) -> dict[str, Step]:
    """Nodes reachable from the seeds within the typed hop budgets: ``{node: Step}``.

    Each node keeps the first (shortest) way it was reached; seeds are always expanded.
    """
    hops = DEFAULT_HOPS if hops is None else hops
    reached: dict[str, Step] = {}
    queue: deque[tuple[str, dict[str, int]]] = deque()
    for seed in sorted(set(seeds)):
        reached[seed] = Step(None, None, 0)
        queue.append((seed, {}))
    while queue:
        node, used = queue.popleft()
        step = reached[node]
        if step.depth >= depth or (step.depth and stop is not None and stop(node)):
            continue
        for adjacency in (graph.succ[node], graph.pred[node]):
            for other in sorted(adjacency):
                if other in reached:
                    continue
                for key, data in sorted(adjacency[other].items()):
                    if used.get(key, 0) >= hops.get(key, 0) or not window.holds(data):
                        continue
                    reached[other] = Step(node, key, step.depth + 1)
                    queue.append((other, {**used, key: used.get(key, 0) + 1}))
                    break
    return reached


def hub_test(graph: nx.MultiDiGraph, *, hub_accounts: int, anchor: dt.datetime | None,
             mail_hub_accounts: int | None = None, keep: Iterable[str] = ()) -> Callable[[str], bool]:
    """``stop(node)`` for :func:`expand`: true for infrastructure IPs and for IPs, user-agents and
    devices shared by at least ``hub_accounts`` accounts that were already in use before ``anchor``
    (None: any time); attachments and senders are hubs when delivered to at least
    ``mail_hub_accounts`` accounts (a newsletter; default ``hub_accounts``), whenever it was.
    Nodes in ``keep`` (the seeds) are never hubs. Results are cached per node.

    >>> from zimgraph.pivot.facts import tiny_graph, when
    >>> stop = hub_test(tiny_graph(), hub_accounts=2, anchor=when("2026-10-25T03:00:00Z"))
    >>> stop("ip:192.0.2.10"), stop("ip:203.0.113.9"), stop("account:a@x.gov")
    (True, False, False)
    """
    keep = set(keep)
    cache: dict[str, bool] = {}

    def stop(node: str) -> bool:
        if node not in cache:
            cache[node] = node not in keep and _is_hub(graph, node, hub_accounts, anchor,
                                                       mail_hub_accounts or hub_accounts)
        return cache[node]
    return stop


def _is_hub(graph: nx.MultiDiGraph, node: str, hub_accounts: int, anchor: dt.datetime | None,
            mail_hub_accounts: int) -> bool:
    kind = kind_of(node)
    if kind == "ip" and is_infrastructure(graph, node):
        return True
    if kind in ("sha1", "sender"):
        return len(accounts_sharing(graph, node)) >= mail_hub_accounts
    if kind not in ("ip", "ua", "device"):
        return False
    if len(accounts_sharing(graph, node)) < hub_accounts:
        return False
    if anchor is None:
        return True
    types = ("LOGGED_IN", "ACCESSED") if kind == "ip" else ("USED_UA", "SYNCED")
    first = earliest(graph, node, types, reverse=kind != "ip") or when(graph.nodes[node].get("first_seen"))
    return first is not None and first < anchor

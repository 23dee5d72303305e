"""What the evidence graph says about one node: its typed edges in a time window, and its rarity.

The graph is the ``networkx.MultiDiGraph`` of docs/model.md: node ids ``kind:value``, one edge per
(source, target, type) keyed by the type, with ``count``, ``first_seen``, ``last_seen`` (ISO 8601
UTC), ``protocols``, ``outcomes`` and ``evidence``.

*Rarity* is how many accounts share an indicator in the whole case (not only in the window):
an IP's accounts are those it logged into or accessed, a user-agent's the accounts that used it,
a device's the accounts that synced it, an attachment's or a sender's the accounts it was
delivered to. A *hub* is an indicator so shared that following it would drown the pivot: an
infrastructure IP always, any other indicator shared by at least ``hub_accounts`` accounts and
already in use before the attack (evidence against it: a long benign history).

>>> g = tiny_graph()
>>> sorted(accounts_sharing(g, "ip:192.0.2.10"))
['account:a@x.gov', 'account:b@x.gov']
>>> [other for other, _, _ in edges(g, "ip:203.0.113.9", ("LOGGED_IN",))]
['account:a@x.gov']
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

LOGIN = ("LOGGED_IN", "ACCESSED")          # the attacker got in (IP → Account)
FAILURE = ("AUTH_FAILED", "LOCKED_OUT")    # attacked without success (IP → Account)
#: node-id prefixes of the indicator kinds a pivot reports
INDICATOR_KINDS = ("ip", "ua", "device", "sha1", "sender")


@functools.lru_cache(maxsize=1 << 16)
def when(iso: str | None) -> dt.datetime | None:
    """An ISO 8601 UTC string as an aware datetime (None stays None).

    >>> when("2026-10-25T01:02:03Z").isoformat()
    '2026-10-25T01:02:03+00:00'
    """
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc)


def iso(moment: dt.datetime | None) -> str | None:
    """The contract's ISO form: ``2026-10-25T01:02:03Z``.

    >>> iso(when("2026-10-25T01:02:03.500Z"))
    '2026-10-25T01:02:03Z'
    """
    return None if moment is None else moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    """An optional time window; an edge is in it when its [first_seen, last_seen] overlaps it."""
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def holds(self, data: dict) -> bool:
        if self.since and (when(data.get("last_seen")) or self.since) < self.since:
            return False
        if self.until and (when(data.get("first_seen")) or self.until) > self.until:
            return False
        return True


ANY_TIME = Window()


def kind_of(node: str) -> str:
    """The kind prefix of a node id: ``ip``, ``account``, ``ua`` …"""
    return node.split(":", 1)[0]


def value_of(node: str) -> str:
    return node.split(":", 1)[1] if ":" in node else node


def edges(graph: nx.MultiDiGraph, node: str, types: Iterable[str], *, reverse: bool = False,
          window: Window = ANY_TIME) -> Iterator[tuple[str, str, dict]]:
    """(other node, edge type, edge data) of ``node``'s out-edges (in-edges when ``reverse``)
    of the given types inside ``window``, in a deterministic order."""
    wanted = set(types)
    adjacency = graph.pred[node] if reverse else graph.succ[node]
    for other in sorted(adjacency):
        for key, data in sorted(adjacency[other].items()):
            if key in wanted and window.holds(data):
                yield other, key, data


def neighbours(graph: nx.MultiDiGraph, node: str, types: Iterable[str], **kw) -> list[str]:
    """Distinct nodes across the given edge types (see :func:`edges`), sorted."""
    return sorted({other for other, _, _ in edges(graph, node, types, **kw)})


def accounts_sharing(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """Accounts sharing an indicator in the whole case (its rarity: fewer is rarer)."""
    kind = kind_of(node)
    if kind == "ip":
        return {a for a, _, _ in edges(graph, node, LOGIN)}
    if kind == "ua":
        return {a for a, _, _ in edges(graph, node, ("USED_UA",), reverse=True) if a.startswith("account:")}
    if kind == "device":
        return {a for a, _, _ in edges(graph, node, ("SYNCED",), reverse=True)}
    if kind == "sha1":
        messages = [m for m, _, _ in edges(graph, node, ("CARRIED",), reverse=True)]
        return {a for m in messages for a, _, _ in edges(graph, m, ("DELIVERED_TO",))}
    if kind == "sender":
        messages = [m for m, _, _ in edges(graph, node, ("SENT",))]
        return {a for m in messages for a, _, _ in edges(graph, m, ("DELIVERED_TO",))}
    return set()


def earliest(graph: nx.MultiDiGraph, node: str, types: Iterable[str], *, reverse: bool = False) -> dt.datetime | None:
    """First time any of these edges of the node was seen (whole case)."""
    times = [when(d.get("first_seen")) for _, _, d in edges(graph, node, types, reverse=reverse)]
    return min((t for t in times if t), default=None)


def node_first_seen(graph: nx.MultiDiGraph, node: str, *, window: Window = ANY_TIME) -> dt.datetime | None:
    """First sighting of a node inside the window: its earliest edge (either direction)."""
    times = []
    for adjacency in (graph.succ[node], graph.pred[node]):
        for by_type in adjacency.values():
            for data in by_type.values():
                if window.holds(data):
                    start = when(data.get("first_seen"))
                    if window.since and start and start < window.since:
                        start = window.since
                    times.append(start)
    found = [t for t in times if t]
    if found:
        return min(found)
    return when(graph.nodes[node].get("first_seen"))


def is_infrastructure(graph: nx.MultiDiGraph, node: str) -> bool:
    return bool(graph.nodes[node].get("infrastructure")) if node in graph else False


def account_population(graph: nx.MultiDiGraph) -> int:
    """How many accounts the case knows (internal ones when the graph says which)."""
    accounts = [n for n, k in graph.nodes(data="kind") if k == "Account"]
    internal = [n for n in accounts if graph.nodes[n].get("internal") is not False]
    return len(internal) or len(accounts)


def tiny_graph() -> nx.MultiDiGraph:
    """Two accounts behind an office NAT, one attacker login: the docstring examples' graph."""
    g = nx.MultiDiGraph()
    for ip in ("192.0.2.10", "203.0.113.9"):
        g.add_node(f"ip:{ip}", kind="IP", value=ip, infrastructure=False)
    for acct in ("a@x.gov", "b@x.gov"):
        g.add_node(f"account:{acct}", kind="Account", value=acct, internal=True)
        g.add_edge("ip:192.0.2.10", f"account:{acct}", key="LOGGED_IN", type="LOGGED_IN", count=40,
                   first_seen="2026-10-24T07:00:00Z", last_seen="2026-10-26T17:00:00Z")
    g.add_edge("ip:203.0.113.9", "account:a@x.gov", key="LOGGED_IN", type="LOGGED_IN", count=2,
               first_seen="2026-10-25T03:00:00Z", last_seen="2026-10-25T04:00:00Z")
    return g

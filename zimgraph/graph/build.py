"""Build the evidence graph from the events and the stitched messages.

Every edge is an aggregate of evidence rows: one ``(source, target, type)`` edge carries
``count``, ``first_seen``/``last_seen`` (ISO 8601 UTC), the ``protocols`` and ``outcomes`` seen and
the ``file:line`` of its earliest records. Infrastructure addresses (proxy, mailstores, MTAs,
loopback) are nodes marked ``infrastructure=True`` and are never the client of a login.

The aggregation runs in polars (one group-by over all edge rows); networkx only receives the
result, so a million events build in seconds.

>>> import pandas as pd
>>> from zimgraph.correlate.topology import Topology
>>> ev = pd.DataFrame([dict(ts=pd.Timestamp("2026-10-24T08:00:00Z"), file="audit.log", line=3, event="auth",
...     outcome="success", account="bob@example.gov", client_ip="203.0.113.9", proxy_ip="10.0.0.10",
...     protocol="soap", user_agent="python-requests/2.31")])
>>> g = build_graph(ev, topology=Topology(frozenset({"example.gov"}), {"10.0.0.10": "proxy"}))
>>> sorted(g.edges(keys=True))[:2]
[('account:bob@example.gov', 'ua:python-requests/2.31', 'USED_UA'), ('ip:203.0.113.9', 'account:bob@example.gov', 'LOGGED_IN')]
>>> g.nodes["ip:10.0.0.10"]["role"], g.edges["ip:203.0.113.9", "account:bob@example.gov", "LOGGED_IN"]["evidence"]
('proxy', ['audit.log:3'])
"""

from __future__ import annotations

import ipaddress

import networkx as nx
import pandas as pd
import polars as pl
import pyarrow as pa

from zimgraph.correlate.messages import stitch_messages
from zimgraph.correlate.sessions import LOGIN_EVENTS
from zimgraph.correlate.topology import Topology, learn_topology
from zimgraph.graph.model import kind_of, node_id

#: ``file:line`` references kept per edge (the earliest ones; ``count`` has the total)
EDGE_EVIDENCE_CAP = 20
#: activity of a logged-in account that makes an ``ACCESSED`` edge
ACCESS_EVENTS = ("soap", "imap", "mailbox_op", "mta_send", "prefs_change", "filter_action",
                 "datasource", "upload", "sync_device")
_ISO = "%Y-%m-%dT%H:%M:%S%.3fZ"
_EVENT_COLUMNS = ("ts", "file", "line", "event", "outcome", "account", "client_ip", "proxy_ip",
                  "user_agent", "protocol", "device_id", "device_type")
_ROW_SCHEMA = {"src": pl.String, "dst": pl.String, "type": pl.String, "ts": pl.Int64,
               "protocol": pl.String, "outcome": pl.String, "ref": pl.String}


def _events_frame(events: pd.DataFrame) -> pl.DataFrame:
    present = [c for c in _EVENT_COLUMNS if c in events.columns]
    table = pa.Table.from_pandas(events[present], preserve_index=False)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    for name in _EVENT_COLUMNS:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64 if name == "line" else pl.String).alias(name))
    ts = frame["ts"]
    if ts.dtype != pl.Int64:
        ts = ts.cast(pl.Datetime("ms", "UTC")).cast(pl.Int64) if isinstance(ts.dtype, pl.Datetime) else ts.cast(pl.Int64)
    return frame.with_columns(ts.alias("ts"), pl.col("line").cast(pl.Int64),
                              *(pl.col(c).cast(pl.String) for c in _EVENT_COLUMNS if c not in ("ts", "line")))


def _edge_rows(frame: pl.DataFrame, topology: Topology) -> pl.DataFrame:
    """One row per (edge, evidence record) from the events."""
    infra = sorted(set(topology.infrastructure))
    client = (pl.col("client_ip").is_not_null() & ~pl.col("client_ip").is_in(infra)
              & ~pl.col("client_ip").str.starts_with("127.") & (pl.col("client_ip") != "::1"))
    account = pl.col("account").is_not_null()
    ref = pl.concat_str([pl.col("file"), pl.lit(":"), pl.col("line").cast(pl.String)])
    base = frame.with_columns(ref.alias("ref"), client.alias("_client"))
    ip_id = pl.lit("ip:") + pl.col("client_ip")
    account_id = pl.lit("account:") + pl.col("account")
    ua_id = pl.lit("ua:") + pl.col("user_agent")
    device_id = pl.lit("device:") + pl.col("device_id")
    login = pl.col("event").is_in(list(LOGIN_EVENTS)) | (pl.col("event") == "sync")
    not_failed = pl.col("outcome").fill_null("") != "failure"

    def select(condition, src, dst, edge_type) -> pl.DataFrame:
        return base.filter(condition).select(src.alias("src"), dst.alias("dst"), pl.lit(edge_type).alias("type"),
                                             "ts", "protocol", "outcome", "ref")

    parts = [
        select(pl.col("_client") & account & login & (pl.col("outcome") == "success"), ip_id, account_id, "LOGGED_IN"),
        select(pl.col("_client") & account & login & (pl.col("outcome") == "failure"), ip_id, account_id, "AUTH_FAILED"),
        select(pl.col("_client") & account & (pl.col("event") == "lockout"), ip_id, account_id, "LOCKED_OUT"),
        select(pl.col("_client") & account & pl.col("event").is_in(list(ACCESS_EVENTS))
               & not_failed, ip_id, account_id, "ACCESSED"),
        select(account & pl.col("user_agent").is_not_null() & not_failed,
               account_id, ua_id, "USED_UA"),
        select(pl.col("_client") & pl.col("user_agent").is_not_null(), ip_id, ua_id, "USED_UA"),
        select(account & pl.col("device_id").is_not_null(), account_id, device_id, "SYNCED"),
        select(pl.col("_client") & pl.col("device_id").is_not_null(), ip_id, device_id, "USED_DEVICE"),
    ]
    return pl.concat(parts, how="vertical")


def _message_rows(messages: pd.DataFrame, topology: Topology) -> tuple[pl.DataFrame, list[tuple[str, dict]]]:
    """Edge rows and node attributes from the stitched messages."""
    rows: list[dict] = []
    nodes: list[tuple[str, dict]] = []
    if messages is None or messages.empty:
        return pl.DataFrame(schema=_ROW_SCHEMA), nodes
    table = pa.Table.from_pandas(messages, preserve_index=False)
    table = table.set_column(table.column_names.index("first_seen"), "first_seen",
                             table["first_seen"].cast(pa.int64()))
    for m in table.to_pylist():
        message = node_id("Message", m["message_key"])
        ts, ref = m["first_seen"], (m["evidence"] or [None])[0]
        nodes.append((message, {"message_id": m["message_id"], "direction": m["direction"],
                                "verdict": m["verdict"], "score": m["score"], "spf": m["spf"],
                                "sender": m["sender"], "subject_account": m["account"]}))

        def edge(src: str, dst: str, edge_type: str, protocol: str | None = "smtp",
                 evidence: str | None = None) -> None:
            rows.append({"src": src, "dst": dst, "type": edge_type, "ts": ts, "protocol": protocol,
                         "outcome": None, "ref": evidence or ref})

        login = m["login_evidence"]
        if m["account"]:
            edge(node_id("Account", m["account"]), message, "SENT", m["login_protocol"] or "smtp", login)
        elif m["sender"]:
            edge(node_id("Sender", m["sender"]), message, "SENT")
        if m["client_ip"] and not topology.is_infrastructure(m["client_ip"]):
            edge(node_id("IP", m["client_ip"]), message, "SUBMITTED", "smtp")
        if m["login_ip"] and m["login_ip"] != m["client_ip"] and not topology.is_infrastructure(m["login_ip"]):
            edge(node_id("IP", m["login_ip"]), message, "SUBMITTED", m["login_protocol"], login)
        if m["login_user_agent"]:
            edge(node_id("UserAgent", m["login_user_agent"]), message, "SUBMITTED", m["login_protocol"], login)
        for rcpt in m["recipients"] or ():
            if topology.is_internal_address(rcpt):
                if rcpt in (m["delivered"] or ()):
                    edge(message, node_id("Account", rcpt), "DELIVERED_TO", "lmtp")
            else:
                edge(message, node_id("Sender", rcpt), "ADDRESSED_TO")
        for part in m["attachments"] or ():
            if part["sha1"]:
                edge(message, node_id("Attachment", part["sha1"]), "CARRIED", None)
        for amavis_id in m["amavis_ids"] or ():
            edge(message, node_id("AmavisSession", amavis_id), "SCANNED_AS", None)
    return pl.DataFrame(rows, schema=_ROW_SCHEMA), nodes


def _attachment_attributes(messages: pd.DataFrame | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if messages is None or messages.empty:
        return out
    for parts in messages["attachments"]:
        for part in parts if parts is not None else ():
            if not part["sha1"]:
                continue
            attrs = out.setdefault(node_id("Attachment", part["sha1"]), {"names": set(), "content_types": set(), "size": None})
            if part["name"]:
                attrs["names"].add(part["name"])
            if part["content_type"]:
                attrs["content_types"].add(part["content_type"])
            attrs["size"] = attrs["size"] or part["size"]
    return {k: {"names": sorted(v["names"]), "content_types": sorted(v["content_types"]), "size": v["size"]}
            for k, v in out.items()}


def build_graph(events: pd.DataFrame, messages: pd.DataFrame | None = None, *,
                topology: Topology | None = None) -> nx.MultiDiGraph:
    """The evidence graph of a case (node kinds and edge types in :mod:`zimgraph.graph.model`).

    ``messages`` defaults to :func:`~zimgraph.correlate.messages.stitch_messages` of the events and
    ``topology`` to :func:`~zimgraph.correlate.topology.learn_topology`.
    """
    topology = topology if topology is not None else learn_topology(events)
    if messages is None:
        messages = stitch_messages(events, topology)
    frame = _events_frame(events)
    event_rows = _edge_rows(frame, topology)
    mail_rows, message_nodes = _message_rows(messages, topology)
    rows = pl.concat([event_rows, mail_rows], how="vertical").sort(["src", "dst", "type", "ts", "ref"])

    edges = rows.group_by(["src", "dst", "type"], maintain_order=True).agg(
        pl.len().alias("count"),
        pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"),
        pl.col("protocol").drop_nulls().unique().sort().alias("protocols"),
        pl.col("outcome").drop_nulls().unique().sort().alias("outcomes"),
        pl.col("ref").drop_nulls().head(EDGE_EVIDENCE_CAP).alias("evidence"),
    ).with_columns(_iso("first").alias("first_seen"), _iso("last").alias("last_seen"))

    endpoints = pl.concat([rows.select(pl.col("src").alias("node"), "ts", "ref"),
                           rows.select(pl.col("dst").alias("node"), "ts", "ref")])
    node_stats = endpoints.group_by("node").agg(
        pl.col("ref").n_unique().alias("count"), pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"),
    ).with_columns(_iso("first").alias("first_seen"), _iso("last").alias("last_seen")).sort("node")

    sharing = _accounts_sharing(edges)
    graph = nx.MultiDiGraph(internal_domains=sorted(topology.internal_domains),
                            infrastructure=dict(sorted(topology.infrastructure.items())))
    attachments = _attachment_attributes(messages)
    extra = dict(message_nodes)
    for node, count, first_seen, last_seen in node_stats.select("node", "count", "first_seen", "last_seen").iter_rows():
        graph.add_node(node, **_node_attributes(node, topology), count=count,
                       first_seen=first_seen, last_seen=last_seen,
                       **extra.get(node, {}), **attachments.get(node, {}),
                       **({"accounts": sharing[node]} if node in sharing else {}))
    for ip, role in sorted(topology.infrastructure.items()):
        node = node_id("IP", ip)
        if node not in graph:
            graph.add_node(node, **_node_attributes(node, topology), count=0, first_seen=None, last_seen=None)
    graph.add_edges_from(
        (src, dst, edge_type, {"type": edge_type, "count": count, "first_seen": first_seen, "last_seen": last_seen,
                               "protocols": protocols, "outcomes": outcomes, "evidence": evidence})
        for src, dst, edge_type, count, first_seen, last_seen, protocols, outcomes, evidence in edges.select(
            "src", "dst", "type", "count", "first_seen", "last_seen", "protocols", "outcomes", "evidence").iter_rows())
    _add_devices(graph, frame)
    return graph


#: how an IP, a user-agent or a device is *used* by accounts (its ``accounts`` attribute; failures
#: do not count: a sprayer failing against 50 accounts is not shared by them)
SHARING_EDGES = {"IP": ("LOGGED_IN", "ACCESSED"), "UserAgent": ("USED_UA",), "Device": ("SYNCED",)}


def _accounts_sharing(edges: pl.DataFrame) -> dict[str, int]:
    """``{node: distinct accounts}`` using each IP (logins, activity), user-agent and device:
    how many accounts share the indicator — the office NAT's is large, an attacker's small."""
    account_end = (pl.when(pl.col("src").str.starts_with("account:")).then(pl.col("src")).otherwise(pl.col("dst")))
    other_end = (pl.when(pl.col("src").str.starts_with("account:")).then(pl.col("dst")).otherwise(pl.col("src")))
    types = sorted({t for kinds in SHARING_EDGES.values() for t in kinds})
    rows = (edges.filter(pl.col("type").is_in(types)
                         & (pl.col("src").str.starts_with("account:") | pl.col("dst").str.starts_with("account:")))
            .select(account_end.alias("account"), other_end.alias("node"), "type")
            .filter(~pl.col("node").str.starts_with("account:")))
    # a user-agent's reach is its accounts (Account -USED_UA->), not the IPs that sent it
    rows = rows.filter(~((pl.col("type") == "USED_UA") & ~pl.col("node").str.starts_with("ua:")))
    counts = rows.group_by("node").agg(pl.col("account").n_unique().alias("accounts")).sort("node")
    return dict(counts.iter_rows())


def _iso(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Datetime("ms", "UTC")).dt.strftime(_ISO)


def _node_attributes(node: str, topology: Topology) -> dict:
    kind, value = kind_of(node), node.split(":", 1)[1]
    attrs: dict = {"kind": kind, "value": value}
    if kind == "IP":
        role = topology.role(value)
        attrs.update(infrastructure=role is not None, role=role, private=_is_private(value))
    elif kind == "Account":
        attrs["internal"] = topology.is_internal_address(value)
    elif kind == "Sender":
        attrs["internal_domain"] = topology.is_internal_address(value)
    return attrs


def _is_private(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_private
    except ValueError:
        return False


def _add_devices(graph: nx.MultiDiGraph, frame: pl.DataFrame) -> None:
    """Device nodes get their DeviceType."""
    types = (frame.filter(pl.col("device_id").is_not_null() & pl.col("device_type").is_not_null())
             .group_by("device_id").agg(pl.col("device_type").first()).sort("device_id"))
    for device, device_type in types.iter_rows():
        node = node_id("Device", device)
        if node in graph:
            graph.nodes[node]["device_type"] = device_type

"""Message stitching: one record per message, however many times Zimbra re-queued it.

Zimbra's MTA gives a message a new postfix queue id at every pass through amavis (inbound
10024 → 10025, outbound 10026 → 10030 → 10032 → 10025). The records of one message are tied
together by

* ``postfix/smtp ... relay=127.0.0.1[127.0.0.1]:100xx ... queued as NEXT`` (``queue_id`` → ``queued_as``),
* amavis ``Queue-ID: IN`` / ``queued_as: OUT`` on the verdict line and ``FWD ... queued as OUT``,
* the amavis session id (parts, SPAM-TAG, run_av, Checking lines carry only that),
* the Message-ID (constant along the chain; it also joins mailbox.log ``mta_send`` and sync.log
  SendMail records, i.e. who sent it from webmail or ActiveSync, from which IP and user-agent).

Every key is a node of a union-find; a connected component is one message. Queue ids and amavis
ids are scoped by collection node, and a reused amavis id (pid-seq) starts a new session after
ten minutes of silence. A ``queued as`` from a remote relay (``relay=mx.example.com[...]:25``) is the
*remote* server's queue id and is never followed. clamd ``FOUND`` lines are tied back to the
session through the amavis temp directory they name.

>>> from zimgraph.correlate.topology import Topology
>>> import pandas as pd
>>> ev = pd.DataFrame([
...   dict(ts=pd.Timestamp("2026-10-24T08:00:00Z"), node="mta01", source="zimbra_syslog", file="z", line=1,
...        event="smtp_client", queue_id="AAA111", client_ip="198.51.100.7", program="postfix/smtpd"),
...   dict(ts=pd.Timestamp("2026-10-24T08:00:01Z"), node="mta01", source="zimbra_syslog", file="z", line=2,
...        event="msg_received", queue_id="AAA111", message_id="<m1@x.test>"),
...   dict(ts=pd.Timestamp("2026-10-24T08:00:02Z"), node="mta01", source="zimbra_syslog", file="z", line=3,
...        event="msg_sent", queue_id="AAA111", queued_as="BBB222", recipient="bob@example.gov",
...        status="sent", relay="127.0.0.1[127.0.0.1]:10024", detail="250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): ..."),
...   dict(ts=pd.Timestamp("2026-10-24T08:00:03Z"), node="mta01", source="zimbra_syslog", file="z", line=4,
...        event="msg_sent", queue_id="BBB222", recipient="bob@example.gov", status="sent",
...        relay="mbx01[10.0.1.11]:7025", protocol="lmtp")])
>>> [m] = stitch_messages(ev, Topology(frozenset({"example.gov"}))).to_dict("records")
>>> m["message_key"], list(m["queue_ids"]), list(m["delivered"]), m["client_ip"], m["direction"]
('mta01/AAA111', ['AAA111', 'BBB222'], ['bob@example.gov'], '198.51.100.7', 'inbound')
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
import pyarrow as pa

from zimgraph.correlate.topology import CONTENT_FILTER_PORTS, Topology, is_loopback

#: the events that belong to mail flow
MAIL_EVENTS = frozenset({"smtp_client", "smtp_auth", "msg_received", "msg_sent", "msg_bounce",
                         "amavis_verdict", "amavis_check", "amavis_fwd", "amavis_part",
                         "amavis_banned", "spam_tag", "av_hit", "mta_send", "sync"})

#: an amavis id (pid-seq) silent this long starts a new session (pids are recycled)
AMAVIS_REUSE_MS = 10 * 60 * 1000
#: a postfix queue id silent this long is a new queue file
QUEUE_REUSE_MS = 24 * 3600 * 1000
#: evidence references kept per message
EVIDENCE_CAP = 50

# amavis-20220315T050001-02526-WK1FJfLF  (the child's temp dir, named in ESMTP lines and clamd FOUND lines)
AMAVIS_TMP = re.compile(r"""
    (?P<dir>amavis-\d{8}T\d{6}-\d+(?:-[A-Za-z0-9]+)?)
    """, re.VERBOSE)

# relay=127.0.0.1[127.0.0.1]:10026   relay=mbx01.example.gov[10.0.1.11]:7025
RELAY_PORT = re.compile(r"""
    \[(?P<ip>[^\]]+)\]:(?P<port>\d+)$
    """, re.VERBOSE)

# rules that say what SPF/DKIM/DMARC concluded: name -> (mechanism, result)
AUTH_RULES = {
    "SPF_PASS": ("spf", "pass"), "SPF_FAIL": ("spf", "fail"), "SPF_SOFTFAIL": ("spf", "softfail"),
    "SPF_NONE": ("spf", "none"), "SPF_NEUTRAL": ("spf", "neutral"), "SPF_HELO_FAIL": ("spf", "fail"),
    "SPF_HELO_SOFTFAIL": ("spf", "softfail"),
    "DKIM_VALID": ("dkim", "pass"), "DKIM_VALID_AU": ("dkim", "pass"), "DKIM_INVALID": ("dkim", "fail"),
    "DKIM_ADSP_ALL": ("dkim", "fail"), "DKIM_ADSP_DISCARD": ("dkim", "fail"),
    "DMARC_PASS": ("dmarc", "pass"), "DMARC_REJECT": ("dmarc", "fail"), "DMARC_QUAR": ("dmarc", "fail"),
    "DMARC_NONE": ("dmarc", "none"), "DMARC_MISSING": ("dmarc", "none"),
}
# a failing result outranks a passing one when both rules fired (e.g. SPF_HELO_FAIL + SPF_PASS)
_RESULT_RANK = {"fail": 3, "softfail": 2, "neutral": 1, "none": 0, "pass": 0}

MESSAGE_COLUMNS = ("message_key", "message_id", "sender", "sender_internal", "account", "direction",
                   "recipients", "delivered", "deliveries", "client_ip", "client_name", "helo",
                   "sasl_username", "from_mailstore", "login_ip", "login_user_agent", "login_protocol",
                   "login_evidence", "queue_ids", "amavis_ids", "mail_ids", "verdict", "blocked", "score", "required",
                   "tests", "spf", "dkim", "dmarc", "attachments", "banned", "viruses", "size",
                   "first_seen", "last_seen", "node", "evidence")

_LIST = pa.list_(pa.string())
MESSAGE_SCHEMA = pa.schema([
    ("message_key", pa.string()), ("message_id", pa.string()), ("sender", pa.string()),
    ("sender_internal", pa.bool_()), ("account", pa.string()), ("direction", pa.string()),
    ("recipients", _LIST), ("delivered", _LIST),
    ("deliveries", pa.list_(pa.struct([("recipient", pa.string()), ("status", pa.string()),
                                       ("relay", pa.string())]))),
    ("client_ip", pa.string()), ("client_name", pa.string()), ("helo", pa.string()),
    ("sasl_username", pa.string()), ("from_mailstore", pa.bool_()), ("login_ip", pa.string()),
    ("login_user_agent", pa.string()), ("login_protocol", pa.string()),
    ("login_evidence", pa.string()), ("queue_ids", _LIST),
    ("amavis_ids", _LIST), ("mail_ids", _LIST), ("verdict", pa.string()), ("blocked", pa.bool_()),
    ("score", pa.float64()), ("required", pa.float64()), ("tests", _LIST), ("spf", pa.string()),
    ("dkim", pa.string()), ("dmarc", pa.string()),
    ("attachments", pa.list_(pa.struct([("part", pa.string()), ("name", pa.string()),
                                        ("content_type", pa.string()), ("size", pa.int64()),
                                        ("sha1", pa.string())]))),
    ("banned", _LIST), ("viruses", _LIST), ("size", pa.int64()),
    ("first_seen", pa.timestamp("ms", tz="UTC")), ("last_seen", pa.timestamp("ms", tz="UTC")),
    ("node", pa.string()), ("evidence", _LIST),
])

_ROW_COLUMNS = ("ts", "node", "source", "file", "line", "event", "outcome", "account", "client_ip",
                "user_agent", "protocol", "device_id", "sender", "recipient", "message_id", "queue_id",
                "queued_as", "amavis_id", "mail_id", "sha1", "filename", "size", "content_type", "verdict",
                "score", "required", "tests", "url", "status", "relay", "helo", "program", "detail")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, key):
        parent = self.parent
        root = parent.setdefault(key, key)
        while root != parent[root]:
            root = parent[root]
        while key != root:                      # path compression
            parent[key], key = root, parent[key]
        return root

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key becomes the root: the result does not depend on the order of unions
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _rows(events: pd.DataFrame) -> list[dict]:
    """The mail-flow rows as plain dicts (None for missing), oldest first, ties by file and line."""
    mask = events["event"].isin(MAIL_EVENTS).fillna(False)
    if "message_id" in events.columns:
        # sync.log rows matter only when they carry a SendMail Message-ID
        mask &= ~((events["event"] == "sync").fillna(False) & events["message_id"].isna())
    subset = events.loc[mask, [c for c in _ROW_COLUMNS if c in events.columns]]
    table = pa.Table.from_pandas(subset, preserve_index=False)
    if "ts" in table.column_names:
        table = table.set_column(table.column_names.index("ts"), "ts",
                                 table["ts"].cast(pa.timestamp("ms", tz="UTC")).cast(pa.int64()))
    rows = table.to_pylist()
    for column in _ROW_COLUMNS:
        if column not in table.column_names:
            for row in rows:
                row[column] = None
    rows.sort(key=lambda r: (r["ts"] if r["ts"] is not None else 0, r["file"] or "", r["line"] or 0))
    return rows


def _is_content_filter_hop(row: dict) -> bool:
    """A postfix delivery into amavis or back (whose 'queued as' is our own next queue id)."""
    relay = row["relay"] or ""
    m = RELAY_PORT.search(relay)
    if m and (m["port"] in CONTENT_FILTER_PORTS or is_loopback(m["ip"])):
        return True
    return "from MTA(" in (row["detail"] or "")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()] if value else []


def stitch_messages(events: pd.DataFrame, topology: Topology) -> pd.DataFrame:
    """One row per message (columns :data:`MESSAGE_COLUMNS`, documented in docs/model.md)."""
    rows = _rows(events)
    keys_of_row: list[list] = []
    uf = _UnionFind()
    amavis_instance: dict[tuple, tuple[int, int]] = {}     # (node, id) -> (last ts, instance)
    queue_instance: dict[tuple, tuple[int, int]] = {}

    def instance(table: dict, key: tuple, ts: int, gap: int) -> tuple:
        last = table.get(key)
        if last is None:
            table[key] = (ts, 0)
            return key + (0,)
        n = last[1] + 1 if ts - last[0] > gap else last[1]
        table[key] = (ts, n)
        return key + (n,)

    tmp_sessions: dict[str, list[tuple[int, tuple]]] = defaultdict(list)
    for row in rows:
        keys = []
        node, ts = row["node"] or "", row["ts"] or 0
        if row["event"] in ("mta_send", "sync"):
            keys_of_row.append([("m", row["message_id"])] if row["message_id"] else [])
            continue
        if row["source"] == "clamd":
            keys_of_row.append([])
            continue
        if row["queue_id"]:
            keys.append(("q",) + instance(queue_instance, (node, row["queue_id"]), ts, QUEUE_REUSE_MS))
        if row["amavis_id"]:
            keys.append(("a",) + instance(amavis_instance, (node, row["amavis_id"]), ts, AMAVIS_REUSE_MS))
        if row["queued_as"] and (row["event"] in ("amavis_verdict", "amavis_fwd") or _is_content_filter_hop(row)):
            keys.append(("q",) + instance(queue_instance, (node, row["queued_as"]), ts, QUEUE_REUSE_MS))
        if row["message_id"]:
            keys.append(("m", row["message_id"]))
        for key in keys[1:]:
            uf.union(keys[0], key)
        if keys:
            uf.find(keys[0])
        if row["event"] == "amavis_check" and row["amavis_id"]:
            m = AMAVIS_TMP.search(row["detail"] or "")
            if m:
                tmp_sessions[m["dir"]].append((ts, keys[0]))
        keys_of_row.append(keys)

    # rows of each component
    members: dict = defaultdict(list)
    orphans: list[int] = []
    for index, (row, keys) in enumerate(zip(rows, keys_of_row)):
        if row["source"] == "clamd":
            m = AMAVIS_TMP.search(row["filename"] or row["detail"] or "")
            candidates = tmp_sessions.get(m["dir"], []) if m else []
            # the latest session of that amavis child that started before the hit (5 s of clock skew)
            before = [key for start, key in candidates if start <= (row["ts"] or 0) + 5000]
            if before:
                members[uf.find(before[-1])].append(index)
            continue
        if not keys:
            continue
        if row["event"] in ("mta_send", "sync") and keys[0] not in uf.parent:
            orphans.append(index)        # the MTA's logs for this message are not in the evidence
            uf.find(keys[0])
        members[uf.find(keys[0])].append(index)

    records = [_message(rows, sorted(indexes), topology) for indexes in members.values()]
    records = [r for r in records if r is not None]
    records.sort(key=lambda r: (r["first_seen"], r["message_key"]))
    table = pa.Table.from_pylist(records, schema=MESSAGE_SCHEMA)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _message(rows: list[dict], indexes: list[int], topology: Topology) -> dict | None:
    mine = [rows[i] for i in indexes]
    if not any(r["event"] not in ("sync",) for r in mine):
        return None
    queue_ids: list[str] = []
    amavis_ids: list[str] = []
    mail_ids: list[str] = []
    recipients: list[str] = []
    deliveries: dict[str, dict] = {}
    attachments: dict[tuple, dict] = {}
    banned: list[str] = []
    viruses: list[str] = []
    tests: list[str] = []
    out: dict = {c: None for c in MESSAGE_COLUMNS}
    out.update(from_mailstore=False, blocked=False)
    first_hop_seen = False

    def add(items: list, value) -> None:
        if value and value not in items:
            items.append(value)

    for r in mine:
        event = r["event"]
        add(queue_ids, r["queue_id"])
        add(amavis_ids, r["amavis_id"])
        add(mail_ids, r["mail_id"])
        if r["message_id"] and not out["message_id"]:
            out["message_id"] = r["message_id"]
        if r["helo"] and not out["helo"]:
            out["helo"] = r["helo"]
        if event == "smtp_client":
            if not first_hop_seen and not (r["client_ip"] and is_loopback(r["client_ip"])):
                first_hop_seen = True
                if topology.is_infrastructure(r["client_ip"]):
                    out["from_mailstore"] = topology.role(r["client_ip"]) == "mailstore" or out["from_mailstore"]
                else:
                    out["client_ip"] = r["client_ip"]
                    out["client_name"] = r["detail"]
                if r["account"]:
                    out["sasl_username"] = r["account"]
        elif event == "msg_received":
            if r["sender"] is not None and out["sender"] is None:
                out["sender"] = r["sender"]
            if r["size"] and not out["size"]:
                out["size"] = r["size"]
        elif event in ("msg_sent", "msg_bounce"):
            for rcpt in _split(r["recipient"]):
                add(recipients, rcpt)
                if event == "msg_sent" and _is_content_filter_hop(r) and r["status"] == "sent":
                    deliveries.setdefault(rcpt, {"recipient": rcpt, "status": "queued", "relay": None})
                    continue
                deliveries[rcpt] = {"recipient": rcpt, "relay": r["relay"],
                                    "status": "bounced" if event == "msg_bounce" else (r["status"] or "unknown")}
        elif event == "amavis_verdict":
            if out["sender"] is None and r["sender"] is not None:
                out["sender"] = r["sender"]
            for rcpt in _split(r["recipient"]):
                add(recipients, rcpt)
            if out["verdict"] is None:
                out["verdict"] = r["verdict"]
            if r["outcome"] == "reject":
                out["blocked"] = True
                for rcpt in _split(r["recipient"]):
                    if deliveries.get(rcpt, {}).get("status") in (None, "queued"):
                        deliveries[rcpt] = {"recipient": rcpt, "status": "blocked", "relay": None}
            if r["score"] is not None and out["score"] is None:
                out["score"] = r["score"]
            if r["size"] and not out["size"]:
                out["size"] = r["size"]
            if r["verdict"] == "INFECTED":
                m = re.match(r"\(([^)]*)\)", r["detail"] or "")
                for name in _split(m[1] if m else None):
                    add(viruses, name)
            for name in _split(r["tests"]):
                add(tests, name.split("=", 1)[0])
        elif event == "spam_tag":
            if r["score"] is not None:
                out["score"] = r["score"]      # SPAM-TAG is authoritative over the verdict's Hits
            if r["required"] is not None:
                out["required"] = r["required"]
            for name in _split(r["tests"]):
                add(tests, name.split("=", 1)[0])
        elif event in ("amavis_part",):
            if r["filename"] or (r["sha1"] and not _is_body_part(r["content_type"])):
                part = (r["detail"] or "").split(" ", 1)[0] or None
                attachments.setdefault((r["sha1"], r["filename"], part), {
                    "part": part, "name": r["filename"], "content_type": r["content_type"],
                    "size": r["size"], "sha1": r["sha1"]})
        elif event == "amavis_banned":
            add(banned, r["detail"] or r["filename"])
        elif event == "av_hit":
            for name in _split(r["verdict"]):
                add(viruses, name)
        elif event in ("mta_send", "sync"):
            out["from_mailstore"] = True
            if r["account"] and not out["account"]:
                out["account"] = r["account"]
            if r["sender"] and out["sender"] is None:
                out["sender"] = r["sender"]
            if not out["login_ip"]:
                out["login_ip"] = r["client_ip"]
                out["login_user_agent"] = r["user_agent"]
                out["login_evidence"] = f"{r['file']}:{r['line']}"
                url = (r["url"] or "")
                out["login_protocol"] = ("activesync" if event == "sync" or "ActiveSync" in url
                                         else "soap" if "/service/soap" in url else (r["protocol"] or "soap"))
            for rcpt in _split(r["recipient"]):
                add(recipients, rcpt)
            if r["size"] and not out["size"]:
                out["size"] = r["size"]

    # the same file scanned twice (outbound mail passes amavis twice) is one attachment
    unique_parts: dict[tuple, dict] = {}
    for part in attachments.values():
        unique_parts.setdefault((part["sha1"], part["name"]), part)

    if out["account"] is None and out["sasl_username"]:
        out["account"] = _sasl_account(out["sasl_username"], out["sender"])
    out["sender_internal"] = topology.is_internal_address(out["sender"])
    out["recipients"] = recipients
    out["deliveries"] = [deliveries[r] for r in recipients if r in deliveries]
    out["delivered"] = [d["recipient"] for d in out["deliveries"] if d["status"] == "sent"]
    out["queue_ids"], out["amavis_ids"], out["mail_ids"] = queue_ids, amavis_ids, mail_ids
    out["tests"] = tests
    for mechanism in ("spf", "dkim", "dmarc"):
        results = [AUTH_RULES[t][1] for t in tests if t in AUTH_RULES and AUTH_RULES[t][0] == mechanism]
        out[mechanism] = max(results, key=lambda x: _RESULT_RANK[x]) if results else None
    out["attachments"] = sorted(unique_parts.values(), key=lambda p: (p["part"] or "", p["name"] or "", p["sha1"] or ""))
    out["banned"], out["viruses"] = banned, viruses
    out["direction"] = _direction(out, topology)
    out["first_seen"], out["last_seen"] = mine[0]["ts"], mine[-1]["ts"]
    mta_rows = [r for r in mine if r["source"] == "zimbra_syslog"]
    out["node"] = (mta_rows or mine)[0]["node"]
    first_queue = next((r for r in mine if r["queue_id"]), None)
    if first_queue:
        out["message_key"] = f"{first_queue['node']}/{first_queue['queue_id']}"
    elif out["message_id"]:
        out["message_key"] = f"msgid:{out['message_id']}"
    else:
        out["message_key"] = f"amavis:{mine[0]['node']}/{amavis_ids[0] if amavis_ids else mine[0]['line']}"
    out["evidence"] = [f"{r['file']}:{r['line']}" for r in mine[:EVIDENCE_CAP]]
    return out


def _is_body_part(content_type: str | None) -> bool:
    """Text bodies and containers are not attachments (their SHA-1 is unique to the message)."""
    if not content_type:
        return False
    ct = content_type.lower()
    return ct.startswith("multipart/") or ct in ("text/plain", "text/html")


def _sasl_account(username: str, sender: str | None) -> str:
    """A bare SASL user name completed with the sender's domain (``michel`` + ``m@x.org``)."""
    if "@" in username or not sender or "@" not in sender:
        return username
    return f"{username}@{sender.rsplit('@', 1)[1]}"


def _direction(message: dict, topology: Topology) -> str:
    recipients = message["recipients"]
    internal_rcpts = [r for r in recipients if topology.is_internal_address(r)]
    if message["account"] or message["from_mailstore"]:
        return "internal" if recipients and len(internal_rcpts) == len(recipients) else "outbound"
    if internal_rcpts:
        return "inbound"
    if recipients:
        return "relay"
    return "unknown"

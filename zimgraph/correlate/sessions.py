"""Login sessions: a successful login and what the same client did with the account afterwards.

"What did 203.0.113.9 do after logging in as alice?" becomes one lookup in the sessions table:
the records of one account from one client IP, split after ``gap`` of silence, with the login
that opened the session, the failures that preceded it, the SOAP requests / ActiveSync commands /
mailbox operations in order, and the Message-IDs sent.

Requests that one mailstore proxies to another are logged on both with the same ``soapId``; the
copy whose client is infrastructure (or missing) inherits the real client of its twin first.

>>> import pandas as pd
>>> from zimgraph.correlate.topology import Topology
>>> t = pd.Timestamp("2026-10-24T08:00:00Z")
>>> ev = pd.DataFrame([
...   dict(ts=t, file="a", line=1, event="auth", outcome="failure", account="bob@x.gov", client_ip="203.0.113.9"),
...   dict(ts=t + pd.Timedelta("1min"), file="a", line=2, event="auth", outcome="success",
...        account="bob@x.gov", client_ip="203.0.113.9", user_agent="python-requests/2.31"),
...   dict(ts=t + pd.Timedelta("2min"), file="m", line=7, event="soap", outcome="success", account="bob@x.gov",
...        client_ip="203.0.113.9", soap_request="ModifyFilterRulesRequest")])
>>> [s] = login_sessions(ev, Topology()).to_dict("records")
>>> s["login"], s["failures_before"], list(s["actions"]), s["user_agent"]
('a:2', 1, ['auth', 'ModifyFilterRulesRequest'], 'python-requests/2.31')
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter, defaultdict

import pandas as pd
import pyarrow as pa

from zimgraph.correlate.topology import Topology

#: the records that make up what a logged-in client does
SESSION_EVENTS = frozenset({"auth", "imap_login", "pop_login", "smtp_auth", "soap", "sync", "sync_device",
                            "imap", "mailbox_op", "mta_send", "prefs_change", "filter_action",
                            "datasource", "upload", "admin_auth"})
LOGIN_EVENTS = frozenset({"auth", "imap_login", "pop_login", "smtp_auth", "admin_auth"})
DEFAULT_GAP = pd.Timedelta(minutes=30)
FAILURE_WINDOW_MS = 3600 * 1000
ACTIONS_CAP = 500
EVIDENCE_CAP = 50

_LIST = pa.list_(pa.string())
SESSION_SCHEMA = pa.schema([
    ("session_id", pa.string()), ("account", pa.string()), ("client_ip", pa.string()),
    ("user_agent", pa.string()), ("user_agents", _LIST), ("protocols", _LIST),
    ("start", pa.timestamp("ms", tz="UTC")), ("end", pa.timestamp("ms", tz="UTC")),
    ("login", pa.string()), ("failures_before", pa.int64()), ("events", pa.int64()),
    ("actions", _LIST), ("messages_sent", _LIST), ("devices", _LIST), ("evidence", _LIST),
])
_COLUMNS = ("ts", "file", "line", "event", "outcome", "account", "client_ip", "user_agent", "protocol",
            "soap_request", "soap_id", "message_id", "device_id", "detail")


def _frame(events: pd.DataFrame, names) -> pd.DataFrame:
    out = pd.DataFrame(index=events.index)
    for name in names:
        out[name] = events[name].astype(object).where(events[name].notna(), None) if name in events.columns else None
    return out


def _inherit_soap_clients(rows: pd.DataFrame, topology: Topology) -> None:
    """Proxied copies of a request (same soap_id) take the real client of their twin, in place."""
    with_id = rows[rows["soap_id"].notna()]
    if with_id.empty:
        return
    real = with_id[with_id["client_ip"].map(lambda ip: bool(ip) and not topology.is_infrastructure(ip))]
    first = real.groupby("soap_id", sort=False).first()
    needs = with_id.index[with_id["client_ip"].map(lambda ip: not ip or topology.is_infrastructure(ip))]
    for index in needs:
        soap_id = rows.at[index, "soap_id"]
        if soap_id in first.index:
            twin = first.loc[soap_id]
            rows.at[index, "client_ip"] = twin["client_ip"]
            if not rows.at[index, "user_agent"]:
                rows.at[index, "user_agent"] = twin["user_agent"]
            if not rows.at[index, "account"]:
                rows.at[index, "account"] = twin["account"]


def login_sessions(events: pd.DataFrame, topology: Topology, *, gap: pd.Timedelta = DEFAULT_GAP) -> pd.DataFrame:
    """The login sessions of every (account, client IP), columns as in docs/model.md."""
    mask = events["event"].isin(SESSION_EVENTS).fillna(False)
    rows = _frame(events[mask], _COLUMNS)
    rows["ts"] = events.loc[mask, "ts"].astype("datetime64[ms, UTC]").astype("int64") if mask.any() else []
    _inherit_soap_clients(rows, topology)
    rows = rows[rows["account"].notna() & rows["client_ip"].notna()]
    rows = rows[~rows["client_ip"].map(topology.is_infrastructure)]

    failures: dict[tuple, list[int]] = defaultdict(list)
    is_failure = rows["event"].isin(LOGIN_EVENTS) & (rows["outcome"] == "failure")
    for account, ip, ts in zip(rows.loc[is_failure, "account"], rows.loc[is_failure, "client_ip"],
                               rows.loc[is_failure, "ts"]):
        failures[(account, ip)].append(ts)
    for stamps in failures.values():
        stamps.sort()

    active = rows[~is_failure].sort_values(["account", "client_ip", "ts", "file", "line"], kind="stable")
    gap_ms = int(gap / pd.Timedelta(milliseconds=1))
    columns = {name: active[name].tolist() for name in active.columns}
    records = []
    start = 0
    for i in range(1, len(active) + 1):
        if (i == len(active) or columns["account"][i] != columns["account"][start]
                or columns["client_ip"][i] != columns["client_ip"][start]
                or columns["ts"][i] - columns["ts"][i - 1] > gap_ms):
            account, ip = columns["account"][start], columns["client_ip"][start]
            rows_of = {name: values[start:i] for name, values in columns.items()}
            records.append(_session(account, ip, rows_of, failures.get((account, ip), [])))
            start = i
    records.sort(key=lambda r: (r["start"], r["account"], r["client_ip"]))
    return pa.Table.from_pylist(records, schema=SESSION_SCHEMA).to_pandas(types_mapper=pd.ArrowDtype)


def _session(account: str, ip: str, rows: dict[str, list], failure_stamps: list[int]) -> dict:
    """One session from its rows (column lists, oldest first)."""
    stamps, events, outcomes = rows["ts"], rows["event"], rows["outcome"]
    start, end = int(stamps[0]), int(stamps[-1])
    login_at = next((i for i, (e, o) in enumerate(zip(events, outcomes)) if e in LOGIN_EVENTS and o == "success"), None)
    login = f"{rows['file'][login_at]}:{rows['line'][login_at]}" if login_at is not None else None
    login_ts = int(stamps[login_at]) if login_at is not None else start
    before = bisect.bisect_left(failure_stamps, login_ts) - bisect.bisect_left(failure_stamps, login_ts - FAILURE_WINDOW_MS)
    agents = Counter(ua for ua in rows["user_agent"] if ua)
    actions = [request or event for event, request in zip(events, rows["soap_request"]) if event != "sync_device"]
    digest = hashlib.sha1(f"{account}|{ip}|{start}".encode()).hexdigest()[:8]
    return {
        "session_id": f"s{digest}", "account": account, "client_ip": ip,
        # most frequent, ties broken by name: deterministic
        "user_agent": min(agents.items(), key=lambda kv: (-kv[1], kv[0]))[0] if agents else None,
        "user_agents": sorted(agents), "protocols": sorted({p for p in rows["protocol"] if p}),
        "start": start, "end": end, "login": login, "failures_before": before, "events": len(stamps),
        "actions": actions[:ACTIONS_CAP],
        "messages_sent": sorted({m for e, m in zip(events, rows["message_id"]) if e == "mta_send" and m}),
        "devices": sorted({d for d in rows["device_id"] if d}),
        "evidence": [f"{f}:{n}" for f, n in zip(rows["file"][:EVIDENCE_CAP], rows["line"][:EVIDENCE_CAP])],
    }

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
    records = []
    for (account, ip), group in active.groupby(["account", "client_ip"], sort=True):
        stamps = group["ts"].tolist()
        start = 0
        for i in range(1, len(stamps) + 1):
            if i == len(stamps) or stamps[i] - stamps[i - 1] > gap_ms:
                records.append(_session(account, ip, group.iloc[start:i], failures.get((account, ip), [])))
                start = i
    records.sort(key=lambda r: (r["start"], r["account"], r["client_ip"]))
    return pa.Table.from_pylist(records, schema=SESSION_SCHEMA).to_pandas(types_mapper=pd.ArrowDtype)


def _session(account: str, ip: str, rows: pd.DataFrame, failure_stamps: list[int]) -> dict:
    first = rows.iloc[0]
    start, end = int(first["ts"]), int(rows["ts"].iloc[-1])
    logins = rows[rows["event"].isin(LOGIN_EVENTS) & (rows["outcome"] == "success")]
    login = f"{logins['file'].iloc[0]}:{logins['line'].iloc[0]}" if len(logins) else None
    login_ts = int(logins["ts"].iloc[0]) if len(logins) else start
    before = bisect.bisect_left(failure_stamps, login_ts) - bisect.bisect_left(failure_stamps, login_ts - FAILURE_WINDOW_MS)
    agents = Counter(ua for ua in rows["user_agent"] if ua)
    actions = []
    for event, request in zip(rows["event"], rows["soap_request"]):
        if event == "sync_device":
            continue
        actions.append(request or event)
    digest = hashlib.sha1(f"{account}|{ip}|{start}".encode()).hexdigest()[:8]
    return {
        "session_id": f"s{digest}", "account": account, "client_ip": ip,
        "user_agent": agents.most_common(1)[0][0] if agents else None,
        "user_agents": sorted(agents), "protocols": sorted({p for p in rows["protocol"] if p}),
        "start": start, "end": end, "login": login, "failures_before": before, "events": len(rows),
        "actions": actions[:ACTIONS_CAP],
        "messages_sent": sorted({m for e, m in zip(rows["event"], rows["message_id"]) if e == "mta_send" and m}),
        "devices": sorted({d for d in rows["device_id"] if d}),
        "evidence": [f"{f}:{n}" for f, n in zip(rows["file"][:EVIDENCE_CAP], rows["line"][:EVIDENCE_CAP])],
    }

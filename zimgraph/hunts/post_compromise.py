"""post-compromise: what accounts did that an intruder does, and whether it followed a suspicious login.

Actions (each with its own weight): mail forwarding set (``zimbraPrefMailForwardingAddress``),
filter rules changed, data sources / identities created, SendMsg bursts and recipient fan-out,
mail sent from webmail with an attachment that also arrived from outside, mailbox export
(``fmt=tgz``/``zip`` over REST), mass deletes/moves, new ActiveSync devices, delegated access
(``aname``) and admin logins. One finding per account.

An action done from an IP that sprayed passwords or that the account had not used in the baseline
(see ``new-client``) follows a suspicious login: its severity goes up one step.

>>> ACTION_SEVERITY["forwarding"], ACTION_SEVERITY["filter-rules"]
('high', 'medium')
"""

from __future__ import annotations

import pandas as pd

from zimgraph.hunts.attempts import login_attempts, rolling_count
from zimgraph.hunts.auth import _spraying_ips
from zimgraph.hunts.context import external_ip, infrastructure_ips
from zimgraph.hunts.finding import SEVERITIES, SEVERITY_RANK, Finding, distinct, from_events, iso
from zimgraph.hunts.new_client import baseline_cut, familiar_ips

ACTION_SEVERITY = {"forwarding": "high", "send-burst": "high", "mailbox-export": "high",
                   "attachment-resent": "medium", "filter-rules": "medium", "data-source": "medium",
                   "identity": "medium", "mass-delete": "medium", "new-device": "medium",
                   "delegated-access": "medium", "admin-login": "medium"}
FORWARDING = r"(?i)zimbraPrefMailForwardingAddress|zimbraMailForwardingAddress|zimbraPrefMailLocalDeliveryDisabled"
SOAP_ACTIONS = {"ModifyFilterRulesRequest": "filter-rules", "ModifyOutgoingFilterRulesRequest": "filter-rules",
                "CreateDataSourceRequest": "data-source", "ModifyDataSourceRequest": "data-source",
                "ImportDataRequest": "data-source", "CreateIdentityRequest": "identity",
                "ModifyIdentityRequest": "identity", "ExportMailboxRequest": "mailbox-export"}
EXPORT = r"(?i)[?&]fmt=(?:tgz|zip|tar)\b"
BULK_OPS = r"(?i)^(?:Deleting|Moving|Emptying)"


def post_compromise(case, *, burst_recipients: int = 20, burst_sends: int = 10, burst_minutes: int = 60,
                    mass_ops: int = 100, baseline_fraction: float = 0.33, spray_accounts: int = 5) -> list[Finding]:
    """Intruder actions per account (see the module docstring); thresholds: ``burst_recipients``
    recipients or ``burst_sends`` sends within ``burst_minutes``, ``mass_ops`` deletes/moves an hour."""
    events = case.events
    infra = infrastructure_ips(case)
    actions = pd.concat([_simple_actions(events, infra),
                         _send_bursts(events, burst_recipients, burst_sends, pd.Timedelta(minutes=burst_minutes)),
                         _mass_ops(events, mass_ops),
                         _new_devices(events, baseline_fraction),
                         _resent_attachments(case)], ignore_index=True)
    actions = actions[actions["account"].notna()]
    if actions.empty:
        return []
    cut, familiar = familiar_ips(case, baseline_fraction=baseline_fraction)
    attempts = login_attempts(events)
    failures = attempts[(attempts["outcome"] == "failure") & external_ip(attempts["client_ip"], infra)]
    sprayers = _spraying_ips(failures, pd.Timedelta(hours=1), spray_accounts,
                             attempts[(attempts["outcome"] == "success") & attempts["account"].notna()])
    key = actions["account"].astype(str) + "\x00" + actions["client_ip"].fillna("").astype(str)
    unfamiliar = actions["client_ip"].notna() & ~key.isin(familiar.unique()) & (actions["ts"] >= cut)
    actions = actions.assign(suspicious=actions["client_ip"].isin(sprayers) | unfamiliar)
    findings = []
    for account, rows in actions.sort_values(["ts", "file", "line"], kind="stable").groupby("account", sort=True):
        levels = [_raise(ACTION_SEVERITY[a]) if s else ACTION_SEVERITY[a] for a, s in zip(rows["action"], rows["suspicious"])]
        severity = min(levels, key=SEVERITY_RANK.__getitem__)
        kinds = sorted(set(rows["action"]), key=lambda a: (SEVERITY_RANK[ACTION_SEVERITY[a]], a))
        bad_ips = distinct(rows.loc[rows["suspicious"], "client_ip"])
        after = f" from suspicious IP(s) {', '.join(bad_ips)}" if bad_ips else ""
        details = [{"ts": iso(r.ts), "action": r.action, "what": r.what, "client_ip": r.client_ip,
                    "user_agent": r.user_agent, "suspicious_login": bool(r.suspicious), "file": r.file, "line": int(r.line)}
                   for r in rows.itertuples()]
        findings.append(from_events(
            rows, hunt="post-compromise", severity=severity, accounts=[account],
            score=float(sum(5 - SEVERITY_RANK[level] for level in levels)),
            title=f"{account}: {', '.join(kinds)}",
            summary=f"{account}: {len(rows)} action(s) ({', '.join(kinds)}){after}", details=details))
    return findings


def _raise(severity: str) -> str:
    return SEVERITIES[max(SEVERITY_RANK[severity] - 1, 0)]


def _frame(rows: pd.DataFrame, action: str, what: pd.Series | str) -> pd.DataFrame:
    out = rows[["ts", "account", "client_ip", "user_agent", "file", "line"]].copy()
    out["action"] = action
    out["what"] = what
    return out


def _simple_actions(events: pd.DataFrame, infra: frozenset) -> pd.DataFrame:
    parts = []
    prefs = events[events["event"].isin(["prefs_change", "admin_change"])]
    prefs = prefs[prefs["detail"].fillna("").str.contains(FORWARDING, regex=True)]
    parts.append(_frame(prefs, "forwarding", prefs["detail"].fillna("")))
    soap = events[(events["event"] == "soap") & events["soap_request"].isin(list(SOAP_ACTIONS))]
    parts.append(_frame(soap, "", soap["soap_request"]).assign(action=soap["soap_request"].map(SOAP_ACTIONS).to_numpy()))
    redirects = events[events["event"] == "filter_action"]
    parts.append(_frame(redirects, "filter-rules", redirects["detail"].fillna("")))
    sources = events[events["event"] == "datasource"]
    parts.append(_frame(sources, "data-source", sources["detail"].fillna("")))
    export = events[(events["event"] == "http") & events["url"].fillna("").str.contains("fmt=", regex=False)]
    export = export[export["url"].fillna("").str.contains(EXPORT, regex=True) & export["status"].fillna("").str.startswith("2")]
    parts.append(_frame(export, "mailbox-export", export["url"]))
    delegated = events[events["auth_account"].notna()]
    delegated = delegated[delegated["auth_account"] != delegated["account"]]
    parts.append(_frame(delegated, "delegated-access", "by " + delegated["auth_account"].astype(str)))
    admin = events[(events["event"] == "admin_auth") & (events["outcome"] == "success")
                   & external_ip(events["client_ip"], infra)]
    parts.append(_frame(admin, "admin-login", admin["protocol"].fillna("admin")))
    return pd.concat(parts, ignore_index=True)


def _send_bursts(events: pd.DataFrame, max_recipients: int, max_sends: int, window: pd.Timedelta) -> pd.DataFrame:
    """Sends (mailbox ``mta_send``) where the account's recipients or sends within ``window`` pass a threshold."""
    sends = events[(events["event"] == "mta_send") & events["account"].notna()].sort_values(["account", "ts"], kind="stable")
    if sends.empty:
        return _frame(sends, "send-burst", "")
    recipients = sends["recipient"].fillna("").str.count(",").fillna(0).astype("int64").to_numpy() + 1
    in_window = rolling_count(sends["account"], sends["ts"], window, recipients)
    count = rolling_count(sends["account"], sends["ts"], window)
    burst = (in_window >= max_recipients) | (count >= max_sends)
    hits = sends[burst]
    return _frame(hits, "send-burst", [f"{r} recipients ({n} within {window})"
                                       for r, n in zip(recipients[burst], in_window[burst])])


def _mass_ops(events: pd.DataFrame, threshold: int) -> pd.DataFrame:
    ops = events[events["event"] == "mailbox_op"]
    ops = ops[ops["detail"].fillna("").str.contains(BULK_OPS, regex=True)]
    ops = ops.sort_values(["account", "ts"], kind="stable")
    if ops.empty:
        return _frame(ops, "mass-delete", "")
    hits = ops[rolling_count(ops["account"].fillna(""), ops["ts"], pd.Timedelta(hours=1)) >= threshold]
    return _frame(hits, "mass-delete", hits["detail"].fillna("").str.slice(0, 80))


def _new_devices(events: pd.DataFrame, baseline_fraction: float) -> pd.DataFrame:
    """The first request of each ActiveSync device first seen after the baseline."""
    cut = baseline_cut(events, baseline_fraction)
    sync = events[(events["event"] == "sync") & events["device_id"].notna() & events["account"].notna()]
    if sync.empty or cut is None:
        return _frame(sync.iloc[:0], "new-device", "")
    first = sync.sort_values("ts", kind="stable").drop_duplicates(["account", "device_id"])
    first = first[first["ts"] >= cut]
    return _frame(first, "new-device", first["device_id"].astype(str) + " " + first["device_type"].fillna("").astype(str))


def _resent_attachments(case) -> pd.DataFrame:
    """Mail sent from a mailstore (webmail/EAS) carrying a file that also arrived from outside."""
    messages = getattr(case, "messages", None)
    empty = pd.DataFrame(columns=["ts", "account", "client_ip", "user_agent", "file", "line", "action", "what"])
    if messages is None or messages.empty or "attachments" not in messages.columns:
        return empty
    parts = messages[["message_key", "direction", "from_mailstore", "account", "login_ip", "login_user_agent",
                      "first_seen", "evidence", "attachments"]].explode("attachments").dropna(subset=["attachments"])
    if parts.empty:
        return empty
    parts = parts.assign(sha1=[a.get("sha1") if isinstance(a, dict) else None for a in parts["attachments"]],
                         name=[a.get("name") if isinstance(a, dict) else None for a in parts["attachments"]])
    inbound = set(parts.loc[parts["direction"] == "inbound", "sha1"].dropna())
    sent = parts[parts["from_mailstore"].fillna(False).astype(bool) & parts["sha1"].isin(inbound)]
    if sent.empty:
        return empty
    first_ref = [str(list(e)[0]) if e is not None and len(e) else ":0" for e in sent["evidence"]]
    return pd.DataFrame({"ts": sent["first_seen"].to_numpy(), "account": sent["account"].to_numpy(),
                         "client_ip": sent["login_ip"].to_numpy(), "user_agent": sent["login_user_agent"].to_numpy(),
                         "file": [r.rpartition(":")[0] for r in first_ref],
                         "line": [int(r.rpartition(":")[2] or 0) for r in first_ref],
                         "action": "attachment-resent",
                         "what": [f"{n or '?'} ({s})" for n, s in zip(sent["name"], sent["sha1"])]})

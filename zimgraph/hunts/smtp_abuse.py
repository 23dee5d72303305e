"""smtp-abuse: SASL-authenticated sending with abnormal volume or fan-out, policy quota hits,
new sending IPs per account.

Per account (the SASL username): recipients or messages within a sliding window over a threshold
(high), sending from an IP that sprayed passwords (high) or that the account had not used during
the baseline (medium), cbpolicyd refusing or deferring its mail or its quota at 100 % (medium).

>>> QUOTA_USAGE.search("quota=512.00/500 (102.4%)").group(1)
'102.4'
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zimgraph.hunts.attempts import login_attempts, rolling_count
from zimgraph.hunts.auth import _spraying_ips
from zimgraph.hunts.context import external_ip, infrastructure_ips
from zimgraph.hunts.finding import SEVERITY_RANK, Finding, distinct, event_evidence, iso, message_evidence
from zimgraph.hunts.new_client import familiar_ips

QUOTA_USAGE = re.compile(r"quota=[\d.]+/[\d.]+ \(([\d.]+)%\)")


def smtp_abuse(case, *, window_minutes: int = 60, max_recipients: int = 10, max_messages: int = 20,
               baseline_fraction: float = 0.33, spray_accounts: int = 5) -> list[Finding]:
    """SASL sending volume and fan-out, new sending IPs, policy quota hits (see the module docstring)."""
    infra = infrastructure_ips(case)
    issues = pd.concat([_volume(case, pd.Timedelta(minutes=window_minutes), max_recipients, max_messages),
                        _new_ips(case, infra, baseline_fraction, spray_accounts),
                        _policy(case.events)], ignore_index=True)
    if issues.empty:
        return []
    findings = []
    for account, rows in issues.groupby("account", sort=True):
        severity = min(rows["severity"], key=SEVERITY_RANK.__getitem__)
        kinds = sorted(set(rows["issue"]))
        messages = rows[rows["kind"] == "message"]
        events = rows[rows["kind"] == "event"]
        evidence = (message_evidence(messages.rename(columns={"ts": "first_seen"})) if len(messages) else []) + \
            (event_evidence(events) if len(events) else [])
        findings.append(Finding(
            hunt="smtp-abuse", severity=severity, title=f"{account}: {', '.join(kinds)}",
            summary=f"{account}: " + "; ".join(sorted(set(rows["what"]))),
            count=len(rows), first_seen=iso(rows["ts"].min()), last_seen=iso(rows["ts"].max()),
            accounts=[account], ips=distinct(rows["client_ip"]), senders=distinct(rows["sender"]),
            sessions=distinct(rows["sessions"]), evidence=evidence[:200],
            score=float(sum(4 - SEVERITY_RANK[s] for s in rows["severity"])),
            details=[{"ts": iso(r.ts), "issue": r.issue, "what": r.what, "client_ip": r.client_ip,
                      "recipients": r.recipients, "severity": r.severity}
                     for r in rows.sort_values("ts", kind="stable").itertuples()]))
    return findings


def _sasl_messages(case) -> pd.DataFrame:
    messages = getattr(case, "messages", None)
    if messages is None or messages.empty:
        return pd.DataFrame()
    rows = messages[messages["sasl_username"].notna()]
    return rows.assign(account=rows["sasl_username"].str.lower()).sort_values(["account", "first_seen"], kind="stable")


def _issue_frame(rows: pd.DataFrame, issue: str, severity: str, what, kind: str = "message") -> pd.DataFrame:
    return pd.DataFrame({"ts": rows["first_seen"].to_numpy(), "account": rows["account"].to_numpy(),
                         "client_ip": rows["client_ip"].to_numpy(), "sender": rows["sender"].to_numpy(),
                         "sessions": [list(a) if a is not None else [] for a in rows["amavis_ids"]],
                         "recipients": [len(r) if r is not None else 0 for r in rows["recipients"]],
                         "evidence": list(rows["evidence"]), "issue": issue, "severity": severity,
                         "what": what, "kind": kind})


def _volume(case, window: pd.Timedelta, max_recipients: int, max_messages: int) -> pd.DataFrame:
    rows = _sasl_messages(case)
    if rows.empty:
        return pd.DataFrame()
    recipients = np.array([len(r) if r is not None else 0 for r in rows["recipients"]], dtype="int64")
    fan_out = rolling_count(rows["account"], rows["first_seen"], window, recipients)
    volume = rolling_count(rows["account"], rows["first_seen"], window)
    hit = (fan_out >= max_recipients) | (volume >= max_messages)
    if not hit.any():
        return pd.DataFrame()
    return _issue_frame(rows[hit], "volume", "high",
                        [f"{int(r)} recipients in {int(n)} message(s) within {int(window / pd.Timedelta(minutes=1))} min" for r, n in zip(fan_out[hit], volume[hit])])


def _new_ips(case, infra: frozenset, baseline_fraction: float, spray_accounts: int) -> pd.DataFrame:
    rows = _sasl_messages(case)
    if rows.empty:
        return pd.DataFrame()
    rows = rows[external_ip(rows["client_ip"], infra)]
    cut, familiar = familiar_ips(case, baseline_fraction=baseline_fraction)
    if cut is None or rows.empty:
        return pd.DataFrame()
    first = rows.drop_duplicates(["account", "client_ip"])          # first send from each IP
    key = first["account"].astype(str) + "\x00" + first["client_ip"].astype(str)
    first = first[(first["first_seen"] >= cut) & ~key.isin(familiar.unique())]
    if first.empty:
        return pd.DataFrame()
    attempts = login_attempts(case.events)
    failures = attempts[(attempts["outcome"] == "failure") & external_ip(attempts["client_ip"], infra)]
    sprayers = _spraying_ips(failures, pd.Timedelta(hours=1), spray_accounts,
                             attempts[(attempts["outcome"] == "success") & attempts["account"].notna()])
    hostile = first["client_ip"].isin(sprayers).to_numpy()
    frames = []
    if (~hostile).any():
        frames.append(_issue_frame(first[~hostile], "new-sending-ip", "medium",
                                   [f"first SASL send from {ip}, not used before" for ip in first.loc[~hostile, "client_ip"]]))
    if hostile.any():
        frames.append(_issue_frame(first[hostile], "sending-from-sprayer", "high",
                                   [f"SASL send from {ip}, which sprayed passwords" for ip in first.loc[hostile, "client_ip"]]))
    return pd.concat(frames, ignore_index=True)


def _policy(events: pd.DataFrame) -> pd.DataFrame:
    rows = events[events["event"] == "policy"]
    if rows.empty:
        return pd.DataFrame()
    usage = pd.to_numeric(rows["detail"].fillna("").str.extract(QUOTA_USAGE)[0], errors="coerce")
    hit = rows[rows["outcome"].isin(["reject", "defer"]) | (usage >= 100)]
    if hit.empty:
        return pd.DataFrame()
    return pd.DataFrame({"ts": hit["ts"].to_numpy(), "account": (hit["account"].fillna(hit["sender"])).to_numpy(),
                         "client_ip": hit["client_ip"].to_numpy(), "sender": hit["sender"].to_numpy(),
                         "sessions": [[] for _ in range(len(hit))], "recipients": 0, "evidence": None,
                         "file": hit["file"].to_numpy(), "line": hit["line"].to_numpy(),
                         "issue": "policy-quota", "severity": "medium",
                         "what": ("cbpolicyd " + hit["verdict"].fillna("").astype(str) + ": "
                                  + hit["detail"].fillna("").astype(str)).to_numpy(), "kind": "event"})

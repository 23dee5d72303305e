"""spoofing and spoofing-delivered: mail whose sender the authentication rules do not vouch for.

``spoofing``: messages where SpamAssassin says SPF failed or soft-failed, DKIM or DMARC failed,
and mail from outside that claims one of the platform's own domains without having authenticated
(no SASL login, not submitted by a mailstore). One finding per own-domain sender and one for all
other senders, listing the messages with recipients, client, score against the threshold,
verdict and whether each was delivered.
``spoofing-delivered``: the same, only the messages that still reached a mailbox — those matter most.

>>> SEVERITY[("own", True)], SEVERITY[("other", False)]
('high', 'info')
"""

from __future__ import annotations

import pandas as pd

from zimgraph.hunts.context import internal_domains, is_internal_address
from zimgraph.hunts.finding import MAX_DETAILS, Finding, from_messages, iso

#: (own domain or other, delivered to someone) -> severity for ``spoofing``
SEVERITY = {("own", True): "high", ("own", False): "medium", ("other", True): "low", ("other", False): "info"}
#: the same for ``spoofing-delivered`` (only delivered messages)
DELIVERED_SEVERITY = {"own": "high", "other": "low"}


_CACHE: dict = {"messages": None, "suspects": None}


def suspect_messages(case) -> pd.DataFrame:
    """Messages failing SPF/DKIM/DMARC or claiming an own domain from outside unauthenticated,
    with ``own_domain``, ``unauthenticated``, ``reached`` (delivered to someone) and ``why``.
    Cached for the same messages table (both spoofing hunts read it)."""
    messages = getattr(case, "messages", None)
    if messages is None or messages.empty:
        return pd.DataFrame()
    if _CACHE["messages"] is messages:
        return _CACHE["suspects"]
    suspects = _suspects(case, messages)
    _CACHE.update(messages=messages, suspects=suspects)
    return suspects


def _suspects(case, messages: pd.DataFrame) -> pd.DataFrame:
    domains = internal_domains(case)
    spf = messages["spf"].fillna("").isin(["fail", "softfail"])
    dkim = messages["dkim"].fillna("") == "fail"
    dmarc = messages["dmarc"].fillna("") == "fail"
    own = messages["sender"].fillna("").map(lambda s: is_internal_address(s, domains)).astype(bool) \
        if domains else messages["sender_internal"].fillna(False).astype(bool)
    outside = messages["account"].isna() & messages["sasl_username"].isna() \
        & ~messages["from_mailstore"].fillna(False).astype(bool) & (messages["direction"].fillna("") != "outbound")
    unauthenticated = own & outside
    rows = messages[spf | dkim | dmarc | unauthenticated].copy()
    if rows.empty:
        return rows
    rows["own_domain"] = own[rows.index]
    rows["unauthenticated"] = unauthenticated[rows.index]
    rows["reached"] = rows["delivered"].map(lambda d: d is not None and len(d) > 0).astype(bool)
    why = []
    for r in rows.itertuples():
        reasons = [f"{name.upper()} {value}" for name, value in (("spf", r.spf), ("dkim", r.dkim), ("dmarc", r.dmarc))
                   if isinstance(value, str) and value in ("fail", "softfail")]
        if r.unauthenticated:
            reasons.append("own domain from outside without authentication")
        why.append("; ".join(reasons))
    rows["why"] = why
    return rows


def _details(rows: pd.DataFrame) -> list[dict]:
    rows = rows.sort_values(["first_seen", "message_key"], kind="stable").head(MAX_DETAILS)
    return [{"first_seen": iso(r.first_seen), "message_id": r.message_id, "sender": r.sender,
             "recipients": list(r.recipients) if r.recipients is not None else [],
             "delivered": list(r.delivered) if r.delivered is not None else [],
             "client_ip": r.client_ip, "helo": r.helo, "spf": r.spf, "dkim": r.dkim, "dmarc": r.dmarc,
             "score": None if pd.isna(r.score) else float(r.score),
             "required": None if pd.isna(r.required) else float(r.required),
             "verdict": r.verdict, "blocked": bool(r.blocked) if not pd.isna(r.blocked) else None, "why": r.why}
                    for r in rows.itertuples()]


def _findings(rows: pd.DataFrame, hunt: str, severity_of) -> list[Finding]:
    """One finding per own-domain sender; every other sender's failures in one finding."""
    findings = []
    own_rows = rows[rows["own_domain"]]
    for sender, group in own_rows.groupby(own_rows["sender"].fillna(""), sort=True):
        reached = int(group["reached"].sum())
        findings.append(from_messages(
            group, hunt=hunt, severity=severity_of(True, reached > 0), score=float(reached * 10 + len(group)),
            title=f"Own-domain sender {sender}: {len(group)} message(s) from outside, {reached} delivered",
            summary=(f"{len(group)} message(s) from {sender} ({_reasons(group)}) from "
                     f"{', '.join(sorted(set(group['client_ip'].dropna()))) or 'unknown clients'}; "
                     f"{reached} delivered, {len(group) - reached} not"),
            details=_details(group)))
    other = rows[~rows["own_domain"]]
    if len(other):
        reached = int(other["reached"].sum())
        domains = other["sender"].fillna("").str.replace(r"^.*@", "", regex=True).value_counts()
        top = ", ".join(f"{d or '<>'} ({n})" for d, n in sorted(domains.items(), key=lambda i: (-i[1], i[0]))[:5])
        findings.append(from_messages(
            other, hunt=hunt, severity=severity_of(False, reached > 0), score=float(reached),
            title=f"{len(other)} message(s) from {other['sender'].nunique()} other senders failing SPF/DKIM/DMARC",
            summary=(f"{len(other)} message(s) ({_reasons(other)}), {reached} delivered; "
                     f"most common sender domains: {top}"),
            details=_details(other[other["reached"]]) + _details(other[~other["reached"]])))
    return findings


def _reasons(rows: pd.DataFrame) -> str:
    return "; ".join(sorted({part for why in rows["why"] for part in why.split("; ") if part}))


def spoofing(case) -> list[Finding]:
    """SPF/DKIM/DMARC failures and own-domain senders from outside without authentication."""
    rows = suspect_messages(case)
    if rows.empty:
        return []
    return _findings(rows, "spoofing", lambda own, reached: SEVERITY[("own" if own else "other", reached)])


def spoofing_delivered(case) -> list[Finding]:
    """The spoofing suspects that were still delivered to at least one mailbox."""
    rows = suspect_messages(case)
    if rows.empty:
        return []
    rows = rows[rows["reached"]]
    return _findings(rows, "spoofing-delivered", lambda own, _reached: DELIVERED_SEVERITY["own" if own else "other"])

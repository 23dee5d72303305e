"""phishing-rules: messages where SpamAssassin phishing rules fired, with their full session details.

Rule names are data: any rule whose name contains ``PHISH`` (``URI_PHISH``, ``PHISHING_FREEMAIL``,
``URIBL_DBL_PHISH``, ...) plus the names in ``rules``. One finding per envelope sender: high
when a message reached a mailbox, medium when all were blocked.

>>> phishing_rules_fired(["HTML_MESSAGE", "URI_PHISH"], extra=())
['URI_PHISH']
"""

from __future__ import annotations

import re

import pandas as pd

from zimgraph.hunts.columns import flatten
from zimgraph.hunts.finding import Finding, from_messages, iso

PHISH = re.compile(r"(?i)PHISH")
EXTRA_RULES = ("FREEMAIL_FORGED_REPLYTO",)


def phishing_rules_fired(tests, *, extra=EXTRA_RULES) -> list[str]:
    """The rules of ``tests`` that count as phishing rules."""
    wanted = {r.upper() for r in extra}
    return sorted({t for t in tests if PHISH.search(t) or t.upper() in wanted})


def phishing_rules(case, *, rules: str = ",".join(EXTRA_RULES)) -> list[Finding]:
    """Messages with a rule matching ``PHISH`` or one of ``rules`` (comma-separated names)."""
    messages = getattr(case, "messages", None)
    if messages is None or messages.empty:
        return []
    extra = tuple(r.strip() for r in rules.split(",") if r.strip())
    flat = flatten(messages["tests"])
    if flat.empty:
        return []
    names = flat["value"].astype(str)
    hit = flat[names.str.contains("PHISH", case=False, regex=False) | names.str.upper().isin([r.upper() for r in extra])]
    if hit.empty:
        return []
    rows = messages.reset_index(drop=True).iloc[sorted(set(hit["row"]))].copy()
    fired = hit.groupby("row")["value"].agg(lambda v: sorted(set(v)))
    rows["fired"] = fired.reindex(sorted(set(hit["row"]))).to_numpy()
    rows["reached"] = rows["delivered"].map(lambda d: d is not None and len(d) > 0).astype(bool)
    findings = []
    for sender, group in rows.groupby(rows["sender"].fillna(""), sort=True):
        reached = int(group["reached"].sum())
        rules_seen = sorted({r for f in group["fired"] for r in f})
        group = group.sort_values(["first_seen", "message_key"], kind="stable")
        findings.append(from_messages(
            group, hunt="phishing-rules", severity="high" if reached else "medium",
            score=float(reached * 10 + len(group)),
            title=f"Phishing rules on {len(group)} message(s) from {sender or '<>'}",
            summary=(f"{', '.join(rules_seen)} fired on {len(group)} message(s) from {sender or '<>'} "
                     f"({', '.join(sorted(set(group['client_ip'].dropna()))) or 'unknown client'}); "
                     f"{reached} reached a mailbox"),
            details=[{"first_seen": iso(r.first_seen), "message_id": r.message_id, "message_key": r.message_key,
                      "sender": r.sender, "client_ip": r.client_ip, "helo": r.helo,
                      "recipients": list(r.recipients) if r.recipients is not None else [],
                      "delivered": list(r.delivered) if r.delivered is not None else [],
                      "queue_ids": list(r.queue_ids) if r.queue_ids is not None else [],
                      "amavis_ids": list(r.amavis_ids) if r.amavis_ids is not None else [],
                      "verdict": r.verdict, "score": None if pd.isna(r.score) else float(r.score),
                      "required": None if pd.isna(r.required) else float(r.required), "rules": list(r.fired),
                      "spf": r.spf, "attachments": [a.get("name") for a in (list(r.attachments) if r.attachments is not None else [])
                                                    if isinstance(a, dict)]}
                     for r in group.itertuples()]))
    return findings

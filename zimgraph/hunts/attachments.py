"""Attachment hunts over the stitched messages: attachments, suspicious-attachments, attachment-spread.

``attachments``: every file amavis saw (name, SHA-1, size, type, sessions, sender, recipients),
one finding per SHA-1. ``suspicious-attachments``: risky extensions and types (HTML, scripts,
executables, disk images, archives that carry them, shortcuts, macro-enabled Office, double
extensions). ``attachment-spread``: the same file in several messages or to many recipients,
ranked so that a risky type from a new external sender without SPF pass, caught by phishing
rules, ranks above a PDF newsletter from a sender with SPF and DKIM passing.

>>> risk_of("Facture_2026.html", "text/html")
'risky extension .html'
>>> risk_of("rapport.pdf.exe", "application/octet-stream")
'double extension .pdf.exe'
>>> risk_of("Veille.pdf", "application/pdf") is None
True
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zimgraph.hunts.columns import flatten
from zimgraph.hunts.finding import MAX_DETAILS, Finding, distinct, iso, message_evidence

RISKY_EXTENSIONS = frozenset("""htm html shtml xhtml svg js jse vbs vbe wsf wsh hta exe scr com pif cpl msi dll
    iso img vhd vhdx arj ace cab bat cmd ps1 psm1 lnk url jar docm dotm xlsm xltm xlam pptm potm ppam one""".split())
RISKY_TYPES = re.compile(r"""(?ix) ^application/(?:x-msdownload|x-dosexec|x-msdos-program|x-ms-shortcut|hta|
    javascript|x-javascript|x-iso9660-image|x-raw-disk-image|x-arj|vnd\.ms-[a-z]+\.[a-z]+\.macroenabled|x-bat|x-sh)""")
DOUBLE_EXTENSION = re.compile(r"(?i)\.(pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|txt|rtf|csv|zip)\.([a-z0-9]{2,5})$")
PHISH_RULE = re.compile(r"(?i)PHISH")


def risk_of(name: str | None, content_type: str | None) -> str | None:
    """Why a file is risky (a short phrase), or None."""
    name = (name or "").strip().lower()
    double = DOUBLE_EXTENSION.search(name)
    if double and double.group(2) in RISKY_EXTENSIONS:
        return f"double extension .{double.group(1)}.{double.group(2)}"
    extension = name.rpartition(".")[2] if "." in name else ""
    if extension in RISKY_EXTENSIONS:
        return f"risky extension .{extension}"
    if RISKY_TYPES.search(content_type or ""):
        return f"risky type {content_type}"
    return None


def attachment_table(case) -> pd.DataFrame:
    """One row per (message, attachment): the attachment's fields and its message's."""
    messages = getattr(case, "messages", None)
    if messages is None or messages.empty:
        return pd.DataFrame()
    parts = flatten(messages["attachments"])
    if parts.empty:
        return pd.DataFrame()
    info = messages.reset_index(drop=True).iloc[parts["row"].to_numpy()].reset_index(drop=True)
    parts = parts.reset_index(drop=True)
    table = pd.DataFrame({
        "sha1": parts["sha1"].astype(object).where(parts["sha1"].notna(), None),
        "name": parts.get("name", pd.Series([None] * len(parts))).astype(object),
        "content_type": parts.get("content_type", pd.Series([None] * len(parts))).astype(object),
        "part_size": parts.get("size", pd.Series([None] * len(parts))).astype(object),
        "row": parts["row"]})
    for column in ("message_key", "message_id", "sender", "sender_internal", "direction", "recipients", "delivered",
                   "client_ip", "amavis_ids", "spf", "dkim", "tests", "score", "verdict", "blocked", "first_seen",
                   "last_seen", "evidence", "from_mailstore", "account"):
        table[column] = info[column].to_numpy() if column in info.columns else None
    table["key"] = [s if s else f"name:{n}" for s, n in zip(table["sha1"], table["name"])]
    table["risk"] = [risk_of(n, t) for n, t in zip(table["name"], table["content_type"])]
    return table


def _finding(hunt: str, key: str, rows: pd.DataFrame, severity: str, title: str, summary: str,
             score: float = 0.0) -> Finding:
    details = [{"first_seen": iso(r.first_seen), "message_id": r.message_id, "sender": r.sender,
                "name": r.name, "content_type": r.content_type, "size": None if pd.isna(r.part_size) else int(r.part_size),
                "sha1": r.sha1, "recipients": list(r.recipients) if r.recipients is not None else [],
                "delivered": list(r.delivered) if r.delivered is not None else [],
                "amavis_ids": list(r.amavis_ids) if r.amavis_ids is not None else [],
                "verdict": r.verdict, "spf": r.spf, "score": None if pd.isna(r.score) else float(r.score)}
               for r in rows.head(MAX_DETAILS).itertuples()]
    return Finding(hunt=hunt, title=title, severity=severity, summary=summary, count=len(rows),
                   first_seen=iso(rows["first_seen"].min()), last_seen=iso(rows["last_seen"].max()),
                   accounts=distinct(rows["delivered"]), ips=distinct(rows["client_ip"]), user_agents=[],
                   senders=distinct(rows["sender"]), sha1=distinct(rows["sha1"]), sessions=distinct(rows["amavis_ids"]),
                   evidence=message_evidence(rows), details=details, score=score)


def _groups(table: pd.DataFrame):
    ordered = table.sort_values(["key", "first_seen", "message_key"], kind="stable")
    for key, index in sorted(ordered.groupby("key", sort=False).indices.items()):
        yield key, ordered.iloc[np.sort(index)]


def _label(rows: pd.DataFrame) -> str:
    names = distinct(rows["name"])
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "") if names else "(no name)"


def attachments(case) -> list[Finding]:
    """Every attachment, one finding per SHA-1 (or per name when amavis logged no digest)."""
    table = attachment_table(case)
    if table.empty:
        return []
    findings = []
    for key, rows in _groups(table):
        sha = rows["sha1"].dropna()
        findings.append(_finding(
            "attachments", key, rows, "info", score=float(len(rows)),
            title=f"{_label(rows)} ({sha.iloc[0] if len(sha) else 'no SHA-1'})",
            summary=(f"{_label(rows)}: {len(rows)} message(s) from {rows['sender'].nunique()} sender(s) to "
                     f"{len(distinct(rows['recipients']))} recipient(s), type {', '.join(distinct(rows['content_type'])) or '?'}")))
    return findings


def suspicious_attachments(case) -> list[Finding]:
    """Attachments with a risky extension, type or double extension.

    High when it came from outside and reached a mailbox (or has a double extension), medium
    when it was blocked or sent internally."""
    table = attachment_table(case)
    if table.empty:
        return []
    risky = table[table["risk"].notna()]
    findings = []
    for key, rows in _groups(risky):
        external = (~rows["sender_internal"].fillna(False).astype(bool)) & (rows["direction"] != "outbound")
        reached = rows["delivered"].map(lambda d: d is not None and len(d) > 0)
        double = rows["risk"].str.startswith("double").any()
        severity = "high" if double or (external & reached).any() else "medium"
        findings.append(_finding(
            "suspicious-attachments", key, rows, severity, score=float((external & reached).sum() * 2 + len(rows)),
            title=f"Risky attachment {_label(rows)}",
            summary=(f"{_label(rows)} ({'; '.join(sorted(set(rows['risk'])))}): {len(rows)} message(s) from "
                     f"{', '.join(distinct(rows['sender'])[:3])}, delivered to {len(distinct(rows['delivered']))} mailbox(es)")))
    return findings


def attachment_spread(case, *, min_messages: int = 2, min_recipients: int = 5) -> list[Finding]:
    """Identical files across at least ``min_messages`` messages or ``min_recipients`` recipients,
    scored: risky type +3, phishing rules +2, SPF/DKIM not passing +1 each, spam score ≥ 5 +1,
    external sender +1, sender new in the evidence +1, SPF pass −1, DKIM valid −1; plus one per
    ten recipients. Score ≥ 6 is high, ≥ 3 medium, else low."""
    table = attachment_table(case)
    if table.empty:
        return []
    messages = case.messages
    first_by_sender = messages.groupby("sender")["first_seen"].min()
    findings = []
    for key, rows in _groups(table):
        recipients = distinct(rows["recipients"])
        if rows["message_key"].nunique() < min_messages and len(recipients) < min_recipients:
            continue
        reasons, score = [], 0.0
        if rows["risk"].notna().any():
            score += 3
            reasons.append(sorted(set(rows["risk"].dropna()))[0])
        tests = {t for cell in rows["tests"] if cell is not None for t in list(cell)}
        if any(PHISH_RULE.search(t) for t in tests):
            score += 2
            reasons.append("phishing rules")
        spf, dkim = set(rows["spf"].dropna()), set(rows["dkim"].dropna())
        if spf == {"pass"}:
            score -= 1
            reasons.append("SPF pass")
        else:
            score += 1
            reasons.append(f"SPF {'/'.join(sorted(spf)) or 'unknown'}")
        if dkim == {"pass"}:
            score -= 1
            reasons.append("DKIM valid")
        elif "fail" in dkim:
            score += 1
            reasons.append("DKIM fail")
        if (rows["score"].fillna(0) >= 5).any():
            score += 1
            reasons.append(f"spam score up to {rows['score'].max():g}")
        external = not rows["sender_internal"].fillna(False).astype(bool).all()
        if external:
            score += 1
            reasons.append("external sender")
        senders_first = min(first_by_sender.get(s, rows["first_seen"].min()) for s in rows["sender"].dropna()) \
            if rows["sender"].notna().any() else rows["first_seen"].min()
        if senders_first >= rows["first_seen"].min():
            score += 1
            reasons.append("sender first seen with this file")
        score += min(len(recipients) / 20, 2.0)
        severity = "high" if score >= 6 else "medium" if score >= 3 else "low"
        findings.append(_finding(
            "attachment-spread", key, rows, severity, score=round(score, 2),
            title=f"{_label(rows)} in {rows['message_key'].nunique()} messages to {len(recipients)} recipients",
            summary=(f"{_label(rows)} from {', '.join(distinct(rows['sender'])[:3])}: "
                     f"{rows['message_key'].nunique()} messages, {len(recipients)} recipients; score {score:.1f} "
                     f"({', '.join(reasons)})")))
    return findings

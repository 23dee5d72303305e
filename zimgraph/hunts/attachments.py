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

import pandas as pd

from zimgraph.hunts.columns import flatten
from zimgraph.hunts.finding import MAX_DETAILS, MAX_EVIDENCE, Finding, distinct, iso, split_evidence

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


def _finding(hunt: str, rows: list[dict], severity: str, title: str, summary: str, score: float = 0.0) -> Finding:
    """A finding over attachment records (dicts of :func:`attachment_table` rows of one file)."""
    details = [{"first_seen": iso(r["first_seen"]), "message_id": r["message_id"], "sender": r["sender"],
                "name": r["name"], "content_type": r["content_type"],
                "size": None if r["part_size"] is None or pd.isna(r["part_size"]) else int(r["part_size"]),
                "sha1": r["sha1"], "recipients": _list(r["recipients"]), "delivered": _list(r["delivered"]),
                "amavis_ids": _list(r["amavis_ids"]), "verdict": r["verdict"], "spf": r["spf"],
                "score": None if r["score"] is None or pd.isna(r["score"]) else float(r["score"])}
               for r in rows[:MAX_DETAILS]]
    evidence, seen = [], set()
    for r in rows:
        for ref in _list(r["evidence"]):
            if ref not in seen and len(evidence) < MAX_EVIDENCE:
                seen.add(ref)
                evidence.append(split_evidence(ref))
    return Finding(hunt=hunt, title=title, severity=severity, summary=summary, count=len(rows),
                   first_seen=iso(min(r["first_seen"] for r in rows)), last_seen=iso(max(r["last_seen"] for r in rows)),
                   accounts=_union(rows, "delivered"), ips=distinct(r["client_ip"] for r in rows), user_agents=[],
                   senders=distinct(r["sender"] for r in rows), sha1=distinct(r["sha1"] for r in rows),
                   sessions=_union(rows, "amavis_ids"), evidence=evidence, details=details, score=score)


def _list(value) -> list:
    return [] if value is None or isinstance(value, float) else list(value)


def _union(rows: list[dict], column: str) -> list[str]:
    return sorted({str(v) for r in rows for v in _list(r[column]) if v})


def _groups(table: pd.DataFrame, keys=None):
    """(key, records of the key ordered by time) for each key (or the ``keys`` given), sorted."""
    if keys is not None:
        table = table[table["key"].isin(keys)]
    ordered = table.sort_values(["key", "first_seen", "message_key"], kind="stable")
    groups: dict[str, list[dict]] = {}
    for record in ordered.to_dict("records"):
        groups.setdefault(record["key"], []).append(record)
    return sorted(groups.items())


def _label(rows: list[dict]) -> str:
    names = distinct(r["name"] for r in rows)
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "") if names else "(no name)"


def attachments(case) -> list[Finding]:
    """Every attachment, one finding per SHA-1 (or per name when amavis logged no digest)."""
    table = attachment_table(case)
    if table.empty:
        return []
    findings = []
    for key, rows in _groups(table):
        sha = distinct(r["sha1"] for r in rows)
        findings.append(_finding(
            "attachments", rows, "info", score=float(len(rows)),
            title=f"{_label(rows)} ({sha[0] if sha else 'no SHA-1'})",
            summary=(f"{_label(rows)}: {len(rows)} message(s) from {len(distinct(r['sender'] for r in rows))} sender(s) "
                     f"to {len(_union(rows, 'recipients'))} recipient(s), type "
                     f"{', '.join(distinct(r['content_type'] for r in rows)) or '?'}")))
    return findings


def suspicious_attachments(case) -> list[Finding]:
    """Attachments with a risky extension, type or double extension.

    High when it came from outside and reached a mailbox (or has a double extension), medium
    when it was blocked or sent internally."""
    table = attachment_table(case)
    if table.empty:
        return []
    findings = []
    for key, rows in _groups(table[table["risk"].notna()]):
        reached_outside = sum(1 for r in rows if not _true(r["sender_internal"]) and r["direction"] != "outbound"
                              and _list(r["delivered"]))
        double = any(r["risk"].startswith("double") for r in rows)
        findings.append(_finding(
            "suspicious-attachments", rows, "high" if double or reached_outside else "medium",
            score=float(reached_outside * 2 + len(rows)),
            title=f"Risky attachment {_label(rows)}",
            summary=(f"{_label(rows)} ({'; '.join(sorted({r['risk'] for r in rows}))}): {len(rows)} message(s) from "
                     f"{', '.join(distinct(r['sender'] for r in rows)[:3])}, delivered to "
                     f"{len(_union(rows, 'delivered'))} mailbox(es)")))
    return findings


def attachment_spread(case, *, min_messages: int = 2, min_recipients: int = 5) -> list[Finding]:
    """Identical files across at least ``min_messages`` messages or ``min_recipients`` recipients,
    scored: risky type +3, phishing rules +2, SPF/DKIM not passing +1 each, spam score ≥ 5 +1,
    external sender +1, sender new in the evidence +1, SPF pass −1, DKIM valid −1; plus one per twenty
    recipients (at most two: a broadcast alone is not an attack). Score ≥ 6 is high, ≥ 3 medium,
    else low."""
    table = attachment_table(case)
    if table.empty:
        return []
    reach = table.assign(n=[len(_list(r)) for r in table["recipients"]]).groupby("key").agg(
        messages=("message_key", "nunique"), recipients=("n", "sum"))
    keys = reach[(reach["messages"] >= min_messages) | (reach["recipients"] >= min_recipients)].index
    first_by_sender = case.messages.groupby("sender")["first_seen"].min().to_dict()
    findings = []
    for key, rows in _groups(table, keys):
        recipients = _union(rows, "recipients")
        messages = len({r["message_key"] for r in rows})
        if messages < min_messages and len(recipients) < min_recipients:
            continue
        score, reasons = _spread_score(rows, first_by_sender)
        score += min(len(recipients) / 20, 2.0)
        severity = "high" if score >= 6 else "medium" if score >= 3 else "low"
        senders = distinct(r["sender"] for r in rows)
        findings.append(_finding(
            "attachment-spread", rows, severity, score=round(score, 2),
            title=f"{_label(rows)} in {messages} messages to {len(recipients)} recipients",
            summary=(f"{_label(rows)} from {', '.join(senders[:3])}: {messages} messages, {len(recipients)} "
                     f"recipients; score {score:.1f} ({', '.join(reasons)})")))
    return findings


def _spread_score(rows: list[dict], first_by_sender: dict) -> tuple[float, list[str]]:
    reasons, score = [], 0.0
    risks = sorted({r["risk"] for r in rows if isinstance(r["risk"], str)})
    if risks:
        score += 3
        reasons.append(risks[0])
    if any(PHISH_RULE.search(t) for r in rows for t in _list(r["tests"])):
        score += 2
        reasons.append("phishing rules")
    spf = {r["spf"] for r in rows if isinstance(r["spf"], str)}
    dkim = {r["dkim"] for r in rows if isinstance(r["dkim"], str)}
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
    spam = [float(r["score"]) for r in rows if r["score"] is not None and not pd.isna(r["score"])]
    if spam and max(spam) >= 5:
        score += 1
        reasons.append(f"spam score up to {max(spam):g}")
    if not all(_true(r["sender_internal"]) for r in rows):
        score += 1
        reasons.append("external sender")
    first_file = min(r["first_seen"] for r in rows)
    senders = [r["sender"] for r in rows if isinstance(r["sender"], str)]
    if not senders or min(first_by_sender.get(s, first_file) for s in senders) >= first_file:
        score += 1
        reasons.append("sender first seen with this file")
    return score, reasons


def _true(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and value is not pd.NA and bool(value)

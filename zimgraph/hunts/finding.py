"""One finding of a hunt, in the DESIGN.md section 7 shape, and how to build one from table rows.

A :class:`Finding` names the hunt, says what was found in a title and a summary sentence, carries
a severity, the indicators involved (accounts, IPs, user-agents, senders, SHA-1s, amavis sessions),
the time span, and evidence references (``{"file": ..., "line": ...}``) that lead back to the raw
log lines. ``details`` holds one dict per row of the readable report (a login, a message, a path).

>>> f = Finding(hunt="lockouts", title="bob@example.gov locked out", severity="medium",
...             summary="1 lockout", count=1, evidence=[{"file": "audit.log", "line": 3}])
>>> f.to_json()["evidence"]
[{'file': 'audit.log', 'line': 3}]
>>> split_evidence("mta01/var/log/zimbra.log:1234")
{'file': 'mta01/var/log/zimbra.log', 'line': 1234}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import pandas as pd

#: severities, most severe first
SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

#: evidence references kept per finding (the earliest ones); ``count`` says how many rows there were
MAX_EVIDENCE = 200
#: detail rows kept per finding
MAX_DETAILS = 500

#: event columns that hold each indicator list of a finding
INDICATOR_COLUMNS = {"accounts": ("account",), "ips": ("client_ip",), "user_agents": ("user_agent",),
                     "senders": ("sender",), "sha1": ("sha1",), "sessions": ("amavis_id",)}


@dataclass
class Finding:
    """What one hunt found about one subject (an IP, an account, a file, a message group)."""
    hunt: str
    title: str
    severity: str
    summary: str
    count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    accounts: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    sha1: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)
    #: ranks findings of the same hunt and severity (higher first)
    score: float = 0.0

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.severity!r}: one of {', '.join(SEVERITIES)}")

    def sort_key(self) -> tuple:
        """Severity, then hunt name, then score (higher first), then title: a total, stable order."""
        return (SEVERITY_RANK[self.severity], self.hunt, -self.score, self.title, self.first_seen or "")

    def to_json(self) -> dict[str, Any]:
        """The contract object (plain JSON types)."""
        return {"hunt": self.hunt, "title": self.title, "severity": self.severity, "summary": self.summary,
                "count": int(self.count), "first_seen": self.first_seen, "last_seen": self.last_seen,
                "accounts": list(self.accounts), "ips": list(self.ips), "user_agents": list(self.user_agents),
                "senders": list(self.senders), "sha1": list(self.sha1), "sessions": list(self.sessions),
                "evidence": [dict(ref) for ref in self.evidence], "score": round(float(self.score), 3),
                "details": [_plain(row) for row in self.details]}


def iso(ts) -> str | None:
    """A timestamp as ISO 8601 UTC with ``Z`` (milliseconds only when there are any).

    >>> iso(pd.Timestamp("2026-10-25 07:38:00.461", tz="UTC"))
    '2026-10-25T07:38:00.461Z'
    >>> iso(None) is None
    True
    """
    if ts is None or ts is pd.NaT or (not isinstance(ts, str) and pd.isna(ts)):
        return None
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if ts.microsecond:
        text += f".{ts.microsecond // 1000:03d}"
    return text + "Z"


def split_evidence(ref: str) -> dict:
    """``file:line`` (as in the messages and sessions tables) → ``{"file", "line"}``; the file
    name may itself hold colons, so the split is on the last one."""
    path, _sep, line = ref.rpartition(":")
    return {"file": path, "line": int(line)} if line.isdigit() else {"file": ref, "line": 0}


def distinct(values: Iterable) -> list[str]:
    """Sorted distinct non-empty strings (list-valued cells are flattened)."""
    out: set[str] = set()
    for value in values:
        if isinstance(value, (list, tuple, set)) or hasattr(value, "tolist") and not isinstance(value, str):
            out.update(str(v) for v in list(value) if v is not None and str(v) != "")
        elif value is not None and value is not pd.NA and not (isinstance(value, float) and value != value) \
                and str(value) != "":
            out.add(str(value))
    return sorted(out)


def event_evidence(rows: pd.DataFrame, limit: int = MAX_EVIDENCE) -> list[dict]:
    """Evidence references of event rows (``file``, ``line``), earliest first, deduplicated."""
    if rows.empty:
        return []
    cols = [c for c in ("ts", "file", "line") if c in rows.columns]
    ordered = rows[cols].sort_values(cols, kind="stable").drop_duplicates(["file", "line"])
    return [{"file": str(f), "line": int(n)} for f, n in zip(ordered["file"].head(limit), ordered["line"].head(limit))]


def message_evidence(rows: pd.DataFrame, limit: int = MAX_EVIDENCE) -> list[dict]:
    """Evidence references of message (or session) rows: their ``evidence`` lists of ``file:line``."""
    refs: list[dict] = []
    seen: set[tuple] = set()
    ordered = rows.sort_values("first_seen", kind="stable") if "first_seen" in rows.columns else rows
    for cell in ordered["evidence"]:
        for text in (list(cell) if cell is not None and not isinstance(cell, float) else []):
            ref = split_evidence(str(text))
            key = (ref["file"], ref["line"])
            if key not in seen:
                seen.add(key)
                refs.append(ref)
                if len(refs) >= limit:
                    return refs
    return refs


def from_events(rows: pd.DataFrame, *, hunt: str, title: str, severity: str, summary: str,
                count: int | None = None, details: list[dict] | None = None, score: float = 0.0,
                **indicators: Iterable) -> Finding:
    """A finding over event rows: time span, indicator lists and evidence come from the rows;
    ``indicators`` (e.g. ``ips=[...]``) replace the lists read from the rows.

    >>> rows = pd.DataFrame({"ts": pd.to_datetime(["2026-10-25 01:00", "2026-10-25 01:05"], utc=True),
    ...     "file": ["a.log", "a.log"], "line": [7, 9], "account": ["x@d", "y@d"], "client_ip": ["1.2.3.4"] * 2})
    >>> f = from_events(rows, hunt="bruteforce", title="t", severity="high", summary="s")
    >>> (f.count, f.first_seen, f.ips, f.accounts, f.evidence[-1])
    (2, '2026-10-25T01:00:00Z', ['1.2.3.4'], ['x@d', 'y@d'], {'file': 'a.log', 'line': 9})
    """
    lists = {name: distinct(indicators[name]) if name in indicators
             else distinct(rows[columns[0]]) if columns[0] in rows.columns else []
             for name, columns in INDICATOR_COLUMNS.items()}
    return Finding(hunt=hunt, title=title, severity=severity, summary=summary,
                   count=len(rows) if count is None else count,
                   first_seen=iso(rows["ts"].min()) if len(rows) else None,
                   last_seen=iso(rows["ts"].max()) if len(rows) else None,
                   evidence=event_evidence(rows), details=(details or [])[:MAX_DETAILS], score=score, **lists)


def from_messages(rows: pd.DataFrame, *, hunt: str, title: str, severity: str, summary: str,
                  details: list[dict] | None = None, score: float = 0.0, **indicators: Iterable) -> Finding:
    """A finding over rows of the messages table (docs/model.md): one count per message."""
    defaults = {"accounts": rows["delivered"] if "delivered" in rows.columns else [],
                "ips": rows["client_ip"], "user_agents": rows.get("login_user_agent", []),
                "senders": rows["sender"], "sha1": [], "sessions": rows["amavis_ids"]}
    lists = {name: distinct(indicators.get(name, default)) for name, default in defaults.items()}
    return Finding(hunt=hunt, title=title, severity=severity, summary=summary, count=len(rows),
                   first_seen=iso(rows["first_seen"].min()) if len(rows) else None,
                   last_seen=iso(rows["last_seen"].max()) if len(rows) else None,
                   evidence=message_evidence(rows), details=(details or [])[:MAX_DETAILS], score=score, **lists)


def _plain(value):
    """Cells of a detail row as JSON types (timestamps as ISO strings, arrays as lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return _plain(value.tolist())
    if isinstance(value, pd.Timestamp):
        return iso(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value

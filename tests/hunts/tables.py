"""Small hand-built cases for the hunt tests: events (from real sample lines through the real
parsers, or written out), messages rows as in docs/model.md, a topology."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from zimgraph.events import COLUMN_NAMES
from zimgraph.sources.base import ParseContext
from zimgraph.sources.registry import SOURCES

CTX = ParseContext.for_tests("UTC")
INFRA = {"10.0.0.10": "proxy", "10.0.1.11": "mailstore"}
DOMAINS = frozenset({"example.gov"})


def parsed(source: str, line: str, *, file: str = "sample.log", number: int = 1) -> dict:
    """The one event a real parser makes of ``line``, with the pipeline's file and line."""
    [event] = SOURCES[source].parse(line, CTX)
    return {**event, "file": file, "line": number, "source": source}


def events(rows: list[dict]) -> pd.DataFrame:
    """An events table with every column; ``ts`` may be ms since the epoch or a string."""
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMN_NAMES))
    ts = frame["ts"]
    frame["ts"] = pd.to_datetime(ts, unit="ms", utc=True) if pd.api.types.is_numeric_dtype(ts) \
        else pd.to_datetime(ts, utc=True, format="ISO8601")
    for column in COLUMN_NAMES:
        if column not in ("ts", "line", "lines", "size", "score", "required"):
            frame[column] = frame[column].astype("string")
    frame["line"] = frame["line"].fillna(0).astype("int64")
    for column in ("score", "required"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(["ts", "file", "line"], kind="stable").reset_index(drop=True)


def message(**fields) -> dict:
    """One messages-table row (docs/model.md) with harmless defaults."""
    row = {"message_key": "mta01/A1", "message_id": "<m@x>", "sender": "a@partner.example.org", "sender_internal": False,
           "account": None, "direction": "inbound", "recipients": ["bob@example.gov"], "delivered": ["bob@example.gov"],
           "deliveries": [], "client_ip": "192.0.2.77", "client_name": None, "helo": None, "sasl_username": None,
           "from_mailstore": False, "login_ip": None, "login_user_agent": None, "login_protocol": None,
           "login_evidence": None, "queue_ids": ["A1"], "amavis_ids": ["100-01"], "mail_ids": [], "verdict": "CLEAN",
           "blocked": False, "score": 0.0, "required": None, "tests": [], "spf": "pass", "dkim": None, "dmarc": None,
           "attachments": [], "banned": [], "viruses": [], "size": 1000,
           "first_seen": "2026-10-25 10:00:00", "last_seen": "2026-10-25 10:00:01", "node": "mta01",
           "evidence": ["mta01/var/log/zimbra.log:1"]}
    row.update(fields)
    return row


def messages(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def case(event_rows: list[dict] | None = None, message_rows: list[dict] | None = None) -> SimpleNamespace:
    topology = SimpleNamespace(internal_domains=DOMAINS, infrastructure=dict(INFRA))
    return SimpleNamespace(events=events(event_rows or [{"ts": "2026-10-25 00:00", "event": "log"}]),
                           messages=messages(message_rows) if message_rows else None, topology=topology)

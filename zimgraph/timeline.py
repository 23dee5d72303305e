"""Timeline export: the events as Timesketch JSONL or CSV, in time order.

Timesketch needs ``message``, ``datetime`` (ISO 8601) and ``timestamp_desc``; every
event column comes along (empty ones left out of the JSONL).

>>> event_message({"event": "auth", "outcome": "failure", "account": "a@b", "client_ip": "203.0.113.9",
...                "protocol": "soap", "detail": "invalid password"})
'auth failure: account=a@b client_ip=203.0.113.9 protocol=soap — invalid password'
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pyarrow as pa

from zimgraph.events import COLUMN_NAMES
from zimgraph.ingest.case import Case

FORMATS = ("timesketch", "csv")
_MESSAGE_FIELDS = ("account", "auth_account", "client_ip", "protocol", "soap_request", "method", "url",
                   "status", "sender", "recipient", "message_id", "filename", "sha1", "verdict",
                   "score", "device_id", "user_agent")
BATCH_ROWS = 50_000


def event_message(row: dict) -> str:
    """A one-line description of an event for timeline tools."""
    head = " ".join(str(row[k]) for k in ("event", "outcome") if row.get(k))
    fields = " ".join(f"{k}={row[k]}" for k in _MESSAGE_FIELDS if _present(row.get(k)))
    text = f"{head}: {fields}" if fields else head
    if _present(row.get("detail")):
        text += f" — {row['detail']}"
    return text


def csv_cell(value) -> object:
    """A CSV cell that a spreadsheet will not run as a formula (log strings are hostile).

    >>> csv_cell("=1+1"), csv_cell("@SUM(A1)"), csv_cell(-2.5), csv_cell(None)
    ("'=1+1", "'@SUM(A1)", -2.5, '')
    """
    if not _present(value):
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _present(value) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and math.isnan(value))


def _sorted_table(case: Case) -> pa.Table:
    table = case.events_dataset().to_table()
    return table.sort_by([("ts", "ascending"), ("node", "ascending"), ("file", "ascending"),
                          ("line", "ascending")])


def _rows(table: pa.Table):
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield from batch.to_pylist()


def _iso(ts) -> str:
    return ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def export(case_dir: str, fmt: str, output: str) -> int:
    """Write the case's timeline to ``output`` in ``fmt``; returns the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown timeline format {fmt!r}: use one of {', '.join(FORMATS)}")
    case = Case(case_dir).require()
    table = _sorted_table(case)
    count = 0
    with open(Path(output), "w", encoding="utf-8", newline="") as out:
        if fmt == "timesketch":
            for row in _rows(table):
                record = {"message": event_message(row), "datetime": _iso(row["ts"]),
                          "timestamp_desc": f"{row['source']} log time"}
                for name in COLUMN_NAMES:
                    value = row.get(name)
                    if name != "ts" and _present(value):
                        record[name] = value
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        else:
            writer = csv.writer(out)
            writer.writerow(["datetime", "message", *[c for c in COLUMN_NAMES if c != "ts"]])
            for row in _rows(table):
                writer.writerow([_iso(row["ts"]), csv_cell(event_message(row)),
                                 *[csv_cell(row.get(c)) for c in COLUMN_NAMES if c != "ts"]])
                count += 1
    return count

"""Small event tables for correlation and graph tests, made by the real parsers from log lines."""

from __future__ import annotations

import pandas as pd

from zimgraph.events import COLUMN_NAMES
from zimgraph.sources.base import Ignored, ParseContext
from zimgraph.sources.registry import SOURCES


def events_from_lines(source: str, lines: list[str], *, file: str | None = None, node: str = "n1",
                      zone: str = "UTC", year: int = 2026) -> pd.DataFrame:
    """Parse single-line records of ``source`` into an events table (``file:line`` = list position)."""
    ctx = ParseContext.for_tests(zone, year=year)
    module = SOURCES[source]
    rows = []
    for number, line in enumerate(lines, 1):
        result = module.parse(line, ctx)
        if isinstance(result, Ignored):
            continue
        for event in result:
            rows.append({**event, "node": node, "source": source, "file": file or f"{source}.log", "line": number})
    return table(rows)


def table(rows: list[dict]) -> pd.DataFrame:
    """An events DataFrame with every column, ``ts`` in UTC (ints are milliseconds)."""
    frame = pd.DataFrame([{c: row.get(c) for c in COLUMN_NAMES} for row in rows], columns=list(COLUMN_NAMES))
    frame["ts"] = pd.to_datetime(frame["ts"], unit="ms", utc=True) if len(frame) and isinstance(
        rows[0].get("ts"), int) else pd.to_datetime(frame["ts"], utc=True)
    return frame


def concat(*frames: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True).sort_values(["ts", "file", "line"], kind="stable").reset_index(drop=True)

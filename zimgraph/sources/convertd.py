"""convertd.log (Network Edition attachment conversion): read leniently as log4j.

No public sample exists (FORMATS.md 6, a gap); zmcompresslogs treats it like the
log4j logs, so the log4j grammar is tried and every record is kept as context.

>>> [ev] = parse("2026-11-12 10:00:00,000 INFO  [main] [] convertd - started", ParseContext.for_tests())
>>> ev["event"], ev["detail"]
('convert', 'started')
"""

from __future__ import annotations

from typing import Final

from zimgraph.sources import log4j
from zimgraph.sources.base import BLANK, Ignored, ParseContext

NAME: Final = "convertd"
FILENAMES: Final = ("convertd.log",)
FRAMING: Final = "log4j"


def sniff(line: str) -> bool:
    return False  # recognised by file name only: its content looks like any log4j file


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    if not record.strip():
        return BLANK
    rec = log4j.parse_record(record, ctx)
    event = {"ts": rec.ts, "event": "convert", "level": rec.level, "program": rec.category or None,
             "detail": (rec.message or rec.rest.split("\n", 1)[0])[:2000] or None}
    event.update(log4j.attribution(rec.context))
    return [event]

"""freshclam.log: ClamAV signature updates (FORMATS.md 6), which dates the AV coverage.

Only ``ClamAV update process started at <ctime>`` carries a time (local, no offset); the
status lines that follow get that time, remembered per file in ``ctx.state``. A file
written with ``LogTime`` prefixes every line with ``<ctime> -> `` instead; both are read.

Events (all ``av_update``, message in ``detail`` as written):

* start of a run: outcome ``info``;
* ``<db> database is up-to-date (version: ...)``, ``<db> is up to date (...)``,
  ``<db> updated (...)``, ``Database updated (...)``: outcome ``success``;
* ``ERROR: ...``: outcome ``failure``, level ``ERROR``;
* ``WARNING: ...``: outcome ``info``, level ``WARNING`` (most warnings are recovered from,
  e.g. ``Invalid DNS reply. Falling back to HTTP mode.``; the ERROR lines say when a run failed);
* any other line: outcome ``info``.

Separators and per-file progress lines (``Reading CVD header``, ``Downloading``, ...) are
Ignored, as are lines before the first timestamp of the file.
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from zimgraph.sources.clamd import LINE as LOGTIME_LINE
from zimgraph.sources.clamd import ctime_ms

NAME: Final = "freshclam"
FILENAMES: Final = ("freshclam.log",)
FRAMING: Final = "line"

# ClamAV update process started at Sun Feb 18 17:00:00 2024
STARTED: Final = re.compile(r"""
    ClamAV\ update\ process\ started\ at\ 
    (?P<wday>[A-Z][a-z]{2})\ (?P<mon>[A-Z][a-z]{2})\ (?P<day>[\ \d]?\d)\ 
    (?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)\ (?P<year>\d{4})\s*$
    """, re.VERBOSE | re.ASCII)

_STATE: Final = "freshclam.ts"
_PROGRESS: Final = ("Reading CVD header", "Downloading ", "Retrieving ", "Testing database",
             "Database test passed", "Trying host ", "Trying again", "nonblock_connect",
             "connect_error", "Received signal", "fc_test_database", "Current working dir")
# daily.cld database is up-to-date (version: 27189, ...) / main.cvd is up to date (version: 55, ...)
# daily.cvd updated (version: 19529, ...) / Database updated (2053641 signatures) from ...
_SUCCESS: Final = (" is up-to-date", " is up to date", " updated (", "Database updated")


def sniff(line: str) -> bool:
    """The start line or a database status line, with or without a ``<ctime> -> `` prefix."""
    return ("ClamAV update process started at " in line
            or ((" database is up-to-date (version: " in line or " is up to date (version: " in line)
                and "sigs: " in line))


def _outcome(msg: str) -> tuple[str, str | None]:
    """``(outcome, level)`` of a status message."""
    if msg.startswith("ERROR"):
        return "failure", "ERROR"
    if msg.startswith("WARNING"):
        return "info", "WARNING"
    if any(marker in msg for marker in _SUCCESS):
        return "success", None
    return "info", None


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One freshclam line -> one ``av_update`` event, timed by the last start line.

    >>> ctx = ParseContext.for_tests()
    >>> _ = parse("ClamAV update process started at Sun Feb 18 17:00:00 2024", ctx)
    >>> [ev] = parse("main.cvd database is up-to-date (version: 62, sigs: 6647427)", ctx)
    >>> ev["ts"], ev["outcome"]
    (1708275600000, 'success')
    """
    if not record or record.isspace():
        return BLANK
    msg = record.strip()
    ts: int | None
    if msg.startswith("---") and not msg.strip("-"):
        return Ignored("freshclam: separator")
    if msg[:1].isupper() and " -> " in msg:      # LogTime: '<ctime> -> <message>'
        m = LOGTIME_LINE.match(msg)
        if m is not None:
            ts = ctime_ms(m, ctx)
            ctx.state[_STATE] = ts
            msg = m["msg"].strip()
            if not msg or (msg.startswith("---") and not msg.strip("-")):
                return Ignored("freshclam: separator")
    if msg.startswith("ClamAV update process started at "):
        m = STARTED.match(msg)
        if m is None:
            raise ParseError("freshclam start line without a readable ctime")
        ts = ctime_ms(m, ctx)
        ctx.state[_STATE] = ts
        return [{"ts": ts, "event": "av_update", "outcome": "info", "level": None,
                 "program": "freshclam", "detail": msg}]
    ts = ctx.state.get(_STATE)
    if ts is None:
        return Ignored("freshclam: line before the first timestamp")
    if msg.startswith(_PROGRESS):
        return Ignored("freshclam: progress line")
    outcome, level = _outcome(msg)
    return [{"ts": ts, "event": "av_update", "outcome": outcome, "level": level,
             "program": "freshclam", "detail": msg}]

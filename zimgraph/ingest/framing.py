"""Framing: group physical lines into the records a parser reads (the per-line hot path).

``log4j``: a record is a timestamped line plus the lines after it that have no timestamp
(stack traces, payloads); ``syslog``: one line, except amavis lines split at 980 bytes,
re-joined; ``line``: one line. Records are plain ``(line, n_lines, text)`` tuples.

>>> [text for _, _, text in frame_records(iter(["2026-01-01 00:00:00,000 WARN [t] [] x - boom",
...     "\\tat a.b(C.java:1)", "2026-01-01 00:00:01,000 INFO [t] [] x - ok"]), "log4j")]
['2026-01-01 00:00:00,000 WARN [t] [] x - boom\\n\\tat a.b(C.java:1)', '2026-01-01 00:00:01,000 INFO [t] [] x - ok']
"""

from __future__ import annotations

import re
from typing import Final, Iterator, NamedTuple, Union

from zimgraph.sources.base import Ignored
from zimgraph.sources.log4j import RECORD_START

MAX_RECORD_LINES: Final = 2000            # continuation lines beyond this are counted, not kept
MAX_RECORD_CHARS: Final = 1 << 20

class BadLine(NamedTuple):
    """A physical line that cannot be decoded as text."""
    reason: str
    text: str       # latin-1 rendering of the raw bytes (lossless), truncated


class Record(NamedTuple):
    """One parse unit: ``text`` spans ``n_lines`` physical lines starting at ``line``.

    ``text`` is a BadLine for an undecodable line, or an Ignored for a line the framing
    itself sets aside (a continuation line before the first record of a file).
    """
    line: int
    n_lines: int
    text: Union[str, BadLine, Ignored]


ORPHAN_CONTINUATION: Final = Ignored("continuation of a record from an earlier file")



Line = Union[str, BadLine]
RecordTuple = tuple[int, int, Union[str, BadLine, Ignored]]


# amavis[2526]: (02526-20) Passed CLEAN ... (first part of a split line ends with '...')
# amavis[2526]: (02526-20) ...rest of the line
_AMAVIS_PART: Final = re.compile(r"amavisd?\[\d+\]: \((?P<id>[\w.-]+)\) (?P<cont>\.\.\.)?")


def frame_records(lines: Iterator[Line], framing: str) -> Iterator[RecordTuple]:
    """Group physical lines into records for the source's framing (line numbers are 1-based).

    Records are yielded as plain ``(line, n_lines, text)`` tuples (the hot path); wrap them
    in :class:`Record` where names help.
    """
    if framing == "log4j":
        return _frame_log4j(lines)
    if framing == "syslog":
        return _frame_syslog(lines)
    return _frame_lines(lines)


def _frame_lines(lines: Iterator[Line]) -> Iterator[RecordTuple]:
    for number, text in enumerate(lines, start=1):
        yield (number, 1, text)


def _frame_log4j(lines: Iterator[Line]) -> Iterator[RecordTuple]:
    start_line, n_lines, chars = 0, 0, 0
    parts: list[str] = []
    starts = RECORD_START.match
    for number, text in enumerate(lines, start=1):
        is_start = False
        if isinstance(text, str):
            is_start = text != "" and starts(text) is not None
            if parts and not is_start:
                # continuation of the current record (stack trace, payload; blank lines included)
                n_lines += 1
                if n_lines <= MAX_RECORD_LINES and chars < MAX_RECORD_CHARS:
                    parts.append(text)
                    chars += len(text)
                continue
        if parts:
            yield (start_line, n_lines, "\n".join(parts))
            parts = []
        if not isinstance(text, str) or not text:
            yield (number, 1, text)
        elif not is_start:
            # before the first record of the file: the tail of a record in an older file
            yield (number, 1, ORPHAN_CONTINUATION)
        else:
            start_line, parts, n_lines, chars = number, [text], 1, len(text)
    if parts:
        yield (start_line, n_lines, "\n".join(parts))


def _frame_syslog(lines: Iterator[Line]) -> Iterator[RecordTuple]:
    pending: dict[str, tuple[int, int, str]] = {}      # amavis id -> (first line, n_lines, text)
    for number, text in enumerate(lines, start=1):
        if isinstance(text, str) and (text.endswith("...") or pending) and "amavis" in text:
            m = _AMAVIS_PART.search(text)
            if m is not None:
                amavis_id = m["id"]
                held = pending.pop(amavis_id, None)
                if held is not None and m["cont"]:
                    joined = held[2] + text[m.end():]
                    if joined.endswith("..."):
                        pending[amavis_id] = (held[0], held[1] + 1, joined[:-3])
                    else:
                        yield (held[0], held[1] + 1, joined)
                    continue
                if held is not None:
                    yield held
                if text.endswith("...") and not m["cont"]:
                    if len(pending) > 1000:
                        yield pending.pop(next(iter(pending)))
                    pending[amavis_id] = (number, 1, text[:-3])
                    continue
        yield (number, 1, text)
    yield from pending.values()



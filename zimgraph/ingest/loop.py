"""The worker's per-record loop: records in, a batch of events and the accounting out.

It runs once per log record, so it is compiled with mypyc with the parsers (setup.py).
Every record is counted exactly once: its lines are in an event, ignored by reason, or
handed to ``reject`` (which writes the rejects file).
"""

from __future__ import annotations

from typing import Callable, Iterator, Union

from zimgraph.events import PARSER_COLUMNS
from zimgraph.ingest.framing import BadLine
from zimgraph.sources.base import Ignored, ParseContext, ParseError

Parse = Callable[[str, ParseContext], Union[list, Ignored]]
Reject = Callable[[int, int, str, str], None]


class RecordLoop:
    """Parses records into ``events`` (with ``line`` and ``lines`` alongside) until told to stop."""

    def __init__(self, parse: Parse, ctx: ParseContext, reject: Reject) -> None:
        self.parse = parse
        self.ctx = ctx
        self.reject = reject
        self.events: list[dict] = []
        self.line: list[int] = []
        self.lines: list[int] = []
        self.ignored: dict[str, int] = {}
        self.lines_parsed = 0
        self.event_count = 0
        self.parser_errors = 0
        self.first_ts: int | None = None
        self.last_ts: int | None = None
        self.last_line = 0

    def take_batch(self) -> tuple[list[dict], list[int], list[int]]:
        """The events gathered so far (and their line numbers); the loop starts a new batch."""
        batch = (self.events, self.line, self.lines)
        self.events, self.line, self.lines = [], [], []
        return batch

    def run(self, records: Iterator[tuple[int, int, Union[str, BadLine, Ignored]]],
            batch_size: int, until_line: int) -> bool:
        """Parse until the batch holds ``batch_size`` events or line ``until_line`` is passed.

        Returns False once ``records`` is exhausted.
        """
        for line, n_lines, text in records:
            end = line + n_lines - 1
            if end > self.last_line:
                self.last_line = end
            if isinstance(text, str):
                self._record(line, n_lines, text)
            elif isinstance(text, BadLine):
                self.reject(line, n_lines, text.reason, text.text)
            else:
                self.ignored[text.reason] = self.ignored.get(text.reason, 0) + n_lines
            if len(self.events) >= batch_size or self.last_line >= until_line:
                return True
        return False

    def _record(self, line: int, n_lines: int, text: str) -> None:
        try:
            out = self.parse(text, self.ctx)
        except ParseError as error:
            self.reject(line, n_lines, str(error), text)
            return
        except Exception as bug:  # a parser bug must not lose the rest of the file
            # (a name of its own: compiled code types an 'as' name by its first except)
            self.parser_errors += 1
            self.reject(line, n_lines, f"parser error: {type(bug).__name__}: {bug}", text)
            return
        if isinstance(out, Ignored):
            self.ignored[out.reason] = self.ignored.get(out.reason, 0) + n_lines
            return
        kept: list[dict] = []
        for event in out:
            if event.get("ts") is None:
                continue
            if not event.keys() <= PARSER_COLUMNS:
                self.parser_errors += 1
                unknown = sorted(event.keys() - PARSER_COLUMNS)
                self.reject(line, n_lines, f"parser error: unknown column {unknown}", text)
                return
            kept.append(event)
        if not kept:
            self.reject(line, n_lines, "no timestamp for this record", text)
            return
        for event in kept:
            ts: int = event["ts"]
            self.events.append(event)
            self.line.append(line)
            self.lines.append(n_lines)
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
        self.lines_parsed += n_lines
        self.event_count += len(kept)

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
    """Parses records into a batch of event columns (``line`` and ``lines`` alongside).

    Events are stored column by column as they come (``columns[name][i]`` is event i's
    value, None where it has none), so the batch goes to Arrow one column at a time
    without a second pass over the event dicts.
    """

    def __init__(self, parse: Parse, ctx: ParseContext, reject: Reject) -> None:
        self.parse = parse
        self.ctx = ctx
        self.reject = reject
        self.columns: dict[str, list] = {}
        self.size = 0              # events in the current batch
        self.line: list[int] = []
        self.lines: list[int] = []
        self.ignored: dict[str, int] = {}
        self.lines_parsed = 0
        self.event_count = 0
        self.parser_errors = 0
        self.first_ts: int | None = None
        self.last_ts: int | None = None
        self.last_line = 0

    def take_batch(self) -> tuple[dict[str, list], list[int], list[int]]:
        """The batch so far as (columns, line, lines), every column as long as ``line``.

        The loop starts a new batch.
        """
        size = self.size
        columns: dict[str, list] = {}
        for name, column in self.columns.items():
            if len(column) < size:
                column.extend([None] * (size - len(column)))
            columns[name] = column
        batch = (columns, self.line, self.lines)
        self.columns, self.size, self.line, self.lines = {}, 0, [], []
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
            if self.size >= batch_size or self.last_line >= until_line:
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
        events: list = out
        columns = self.columns
        event: dict                         # (typed: compiled code then uses dict operations)
        start = self.size
        first_ts = self.first_ts
        last_ts = self.last_ts
        for event in events:
            ts = event.get("ts")
            if ts is None:
                continue
            size = self.size
            for name, value in event.items():
                column = columns.get(name)
                if column is None:
                    if name not in PARSER_COLUMNS:
                        self._drop_from(start)
                        self.parser_errors += 1
                        unknown = sorted(event.keys() - PARSER_COLUMNS)
                        self.reject(line, n_lines, f"parser error: unknown column {unknown}", text)
                        return
                    column = []
                    columns[name] = column
                if len(column) < size:
                    column.extend([None] * (size - len(column)))
                column.append(value)
            self.size = size + 1
            stamp: int = ts
            if first_ts is None or stamp < first_ts:
                first_ts = stamp
            if last_ts is None or stamp > last_ts:
                last_ts = stamp
        kept = self.size - start
        if kept == 0:
            self.reject(line, n_lines, "no timestamp for this record", text)
            return
        self.first_ts, self.last_ts = first_ts, last_ts
        for _ in range(kept):
            self.line.append(line)
            self.lines.append(n_lines)
        self.lines_parsed += n_lines
        self.event_count += kept

    def _drop_from(self, size: int) -> None:
        """Forget the events stored from index ``size`` on (a record that turned out bad)."""
        for column in self.columns.values():
            del column[size:]
        self.size = size

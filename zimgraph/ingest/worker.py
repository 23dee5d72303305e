"""Parse one evidence file into a Parquet part, its rejects and its accounting.

Runs in a worker process (or in-process for small jobs). Memory stays bounded: events
are buffered in columns and flushed to the part file every ``FLUSH_EVENTS`` events.
Every physical line is accounted for exactly once: in an event-producing record,
ignored (by reason), or rejected.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from zimgraph.clock import LocalClock, SyslogYear
from zimgraph.events import COLUMNS, SCHEMA
from zimgraph.ingest.framing import frame_records
from zimgraph.ingest.loop import RecordLoop
from zimgraph.ingest.reader import REJECT_TEXT_CHARS, EvidenceError, EvidenceReader
from zimgraph.ingest.task import FileResult, FileTask
from zimgraph.sources.registry import SOURCES
from zimgraph.sources.base import ParseContext

FLUSH_EVENTS = 65_536
#: columns whose min/max go into the Parquet footers (for readers that skip row groups by
#: time, node, source or kind); min/max of free text (details, URLs, user-agents) cost
#: about a seventh of the write and serve no filter
STATISTICS_COLUMNS = ["ts", "node", "source", "file", "line", "event", "outcome"]
#: columns whose values are (nearly) unique per event: a Parquet dictionary would only cost
#: the hashing of every value before falling back to plain encoding (measured: an eighth of
#: the write, and larger files); every other column repeats a small set of values
UNIQUE_COLUMNS = {"ts", "line", "lines", "client_port", "message_id", "queue_id", "queued_as",
                  "amavis_id", "mail_id", "soap_id", "sha1"}
DICTIONARY_COLUMNS = [name for name in SCHEMA.names if name not in UNIQUE_COLUMNS]
PROGRESS_EVERY_LINES = 50_000


def events_table(columns: dict[str, list], line: list[int], lines: list[int], *,
                 node: str, source: str, file: str) -> pa.Table:
    """A batch of parser events, as columns (and where they came from), as a table in SCHEMA.

    >>> events_table({"ts": [0], "event": ["auth"]}, [7], [1], node="n", source="s", file="f")["line"][0]
    <pyarrow.Int64Scalar: 7>
    """
    n = len(line)
    constants = {"node": node, "source": source, "file": file}
    arrays = []
    for name in SCHEMA.names:
        typ = COLUMNS[name][0]
        values = columns.get(name)
        if values is not None:
            arrays.append(_column_array(name, values, typ))
        elif name in constants:
            arrays.append(pa.repeat(pa.scalar(constants[name], typ), n))
        elif name == "line":
            arrays.append(pa.array(line, typ))
        elif name == "lines":
            arrays.append(pa.array(lines, typ))
        else:
            arrays.append(pa.nulls(n, typ))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _column_array(name: str, values: list, typ: pa.DataType) -> pa.Array:
    """One column of Python values as an Arrow array of ``typ``.

    Through polars: pa.array checks every value for being an Arrow scalar, which made the
    conversion a seventh of a worker's time (polars: 0.6-0.9 µs an event against 1.0-1.2).
    """
    try:
        series = pl.Series(name, values, dtype=_POLARS_TYPES[name], strict=True)
        return series.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(typ)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError, pa.ArrowException):
        return pa.array(_lenient(values, typ), typ)    # a parser slipped a type


def _lenient(values: list, typ: pa.DataType) -> list:
    """``values`` converted one by one to the column's type; None where one cannot be.

    >>> _lenient([5, None, "a"], pa.string()), _lenient(["12", "x", 3.0, 2**70], pa.int64())
    (['5', None, 'a'], [12, None, 3, None])
    """
    if pa.types.is_string(typ):
        return [None if value is None else str(value) for value in values]
    convert = float if pa.types.is_floating(typ) else int
    out: list = []
    for value in values:
        try:
            converted = None if value is None else convert(value)
        except (TypeError, ValueError, OverflowError):
            converted = None
        if convert is int and converted is not None and not -2**63 <= converted < 2**63:
            converted = None
        out.append(converted)
    return out


def _polars_type(typ: pa.DataType):
    if pa.types.is_timestamp(typ) or pa.types.is_integer(typ):
        return pl.Int64
    if pa.types.is_floating(typ):
        return pl.Float64
    return pl.String


_POLARS_TYPES = {name: _polars_type(typ) for name, (typ, _doc) in COLUMNS.items()}


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def parse_file(task: FileTask, progress=None) -> FileResult:
    """Parse ``task.path`` completely; never raises for bad content (errors are in the result).

    ``progress(lines_delta, raw_bytes_delta)`` is called every so often when given.
    The cyclic garbage collector is paused meanwhile: events are acyclic dicts freed by
    reference counting, and a batch of them would otherwise trigger collections
    constantly (measured: a third of the parse time).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_file(task, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse_file(task: FileTask, progress=None) -> FileResult:
    module = SOURCES[task.source]
    result = FileResult(path=task.display_path, node=task.node, source=task.source)
    clock = LocalClock(task.zone)
    years = SyslogYear(dt.date.fromisoformat(task.year_reference), forced=task.forced_year)
    ctx = ParseContext(clock=clock, years=years, node=task.node)
    try:
        reader = EvidenceReader(task.path)
    except (EvidenceError, OSError) as exc:
        result.error = str(exc)
        return result
    result.compression = reader.compression
    rejected: Counter = Counter()
    writer = None
    part_path = Path(task.part_path)
    tmp_part = part_path.with_suffix(".parquet.tmp")
    rejects_file = open(task.rejects_path, "w", encoding="utf-8")

    def reject(line: int, n_lines: int, reason: str, text: str) -> None:
        rejected[reason] += n_lines
        rejects_file.write(json.dumps({"file": task.display_path, "line": line, "lines": n_lines,
                                       "reason": reason, "text": text[:REJECT_TEXT_CHARS]},
                                      ensure_ascii=False) + "\n")

    loop = RecordLoop(module.parse, ctx, reject)
    records = frame_records(reader.lines(), module.FRAMING)
    reported_lines = reported_bytes = 0
    try:
        more = True
        while more:
            more = loop.run(records, FLUSH_EVENTS, reported_lines + PROGRESS_EVERY_LINES)
            if loop.size >= FLUSH_EVENTS or (not more and loop.size):
                writer = _flush(loop.take_batch(), writer, tmp_part, task)
            if progress is not None:
                progress(loop.last_line - reported_lines, reader.progress_bytes - reported_bytes)
            reported_lines, reported_bytes = loop.last_line, reader.progress_bytes
    finally:
        rejects_file.close()
    if writer is not None:
        writer.close()
        tmp_part.replace(part_path)
    elif part_path.exists():
        part_path.unlink()
    if progress is not None:
        progress(0, reader.size - reported_bytes)
    result.sha256, result.size, result.error = reader.sha256, reader.size, reader.error
    result.bytes_decompressed = reader.bytes_read
    result.lines_read = loop.last_line
    result.lines_parsed = loop.lines_parsed
    result.lines_ignored = sum(loop.ignored.values())
    result.ignored_by_reason = dict(sorted(loop.ignored.items()))
    result.lines_rejected = sum(rejected.values())
    result.rejected_by_reason = dict(sorted(rejected.items()))
    result.events = loop.event_count
    result.first_ts, result.last_ts = _iso(loop.first_ts), _iso(loop.last_ts)
    result.latin1_lines = reader.latin1_lines
    result.ambiguous_dst_records = clock.ambiguous
    result.nonexistent_dst_records = clock.nonexistent
    result.first_year, result.year_rollovers = years.first_year, years.rollovers
    result.gzip_mtime = _iso(reader.gzip_mtime * 1000) if reader.gzip_mtime else None
    result.parser_errors = loop.parser_errors
    return result


def _flush(batch: tuple[dict[str, list], list[int], list[int]], writer, tmp_part: Path, task: FileTask):
    table = events_table(*batch, node=task.node, source=task.source, file=task.display_path)
    if writer is None:
        writer = pq.ParquetWriter(tmp_part, SCHEMA, compression="zstd",
                                  write_statistics=STATISTICS_COLUMNS,
                                  use_dictionary=DICTIONARY_COLUMNS)
    writer.write_table(table)
    return writer

"""What crosses the process boundary: a file to parse (FileTask) and its accounting (FileResult).

Plain data, kept apart from the worker so that the process that plans the work and
collects the results does not import the worker's Arrow and polars (a quarter of a
second at every ``zimgraph ingest`` start, before any worker could begin).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class FileTask:
    """What a worker needs to parse one file (plain data: it crosses process boundaries)."""
    path: str                 # as given / found
    display_path: str         # the 'file' column value
    node: str
    source: str
    zone: str
    year_reference: str       # ISO date used to infer syslog years
    year_basis: str           # human sentence: where the reference date comes from
    forced_year: int | None
    part_path: str            # Parquet part to write
    rejects_path: str         # JSONL rejects part to write


@dataclass
class FileResult:
    path: str
    node: str
    source: str
    sha256: str | None = None
    size: int = 0
    compression: str | None = None
    bytes_decompressed: int = 0
    lines_read: int = 0
    lines_parsed: int = 0
    lines_ignored: int = 0
    ignored_by_reason: dict = field(default_factory=dict)
    lines_rejected: int = 0
    rejected_by_reason: dict = field(default_factory=dict)
    events: int = 0
    first_ts: str | None = None
    last_ts: str | None = None
    latin1_lines: int = 0
    ambiguous_dst_records: int = 0
    nonexistent_dst_records: int = 0
    first_year: int | None = None
    year_rollovers: int = 0
    gzip_mtime: str | None = None
    error: str | None = None
    parser_errors: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

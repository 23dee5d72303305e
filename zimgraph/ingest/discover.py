"""Finding the evidence: walk the paths, name each file's node and recognise its source.

A node is the first folder under each PATH given (``collection/mta01/var/log/zimbra.log``
→ ``mta01``), or the PATH folder's own name for files directly inside it, unless
``--node`` says otherwise. The source is recognised by content (``sniff``) and by name
with rotation suffixes stripped (``.1``, ``.2.gz``, ``.YYYY-MM-DD(.gz)``, ``-YYYYMMDD.gz``).

>>> base_name("mailbox.log.2026-11-12.gz"), base_name("zimbra.log-20261113.gz"), base_name("nginx.access.log.2.gz")
('mailbox.log', 'zimbra.log', 'nginx.access.log')
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from zimgraph.ingest.reader import head_lines, gzip_header_mtime
from zimgraph.sources.log4j import RECORD_START
from zimgraph.sources.registry import SOURCES, by_file_name

# mailbox.log.2026-11-12.gz, zimbra.log.1.gz, zimbra.log-20261113.gz, access_log.2026-11-12
ROTATION_SUFFIX = re.compile(r"""
    (?:\.gz|\.bz2|\.xz|\.\d{1,3}|\.(?P<dash_date>\d{4}-\d\d-\d\d)|-(?P<compact_date>\d{8}))$
    """, re.VERBOSE)

SNIFF_MIN_SHARE = 0.5     # share of the first lines a source must recognise to claim a file


class DiscoveryError(Exception):
    """A path given on the command line cannot be used."""


@dataclass
class EvidenceFile:
    path: Path             # absolute path
    display_path: str      # as the analyst would write it (relative to the cwd when possible)
    node: str
    source: str | None     # None: not recognised (skipped)
    recognised_by: str     # 'name and content', 'content', 'name', or why not recognised
    date_in_name: dt.date | None
    size: int
    mtime_ns: int


def base_name(file_name: str) -> str:
    """The log's base name with rotation and compression suffixes removed."""
    name = file_name
    while True:
        stripped = ROTATION_SUFFIX.sub("", name)
        if stripped == name or not stripped:
            return name
        name = stripped


def date_in_name(file_name: str) -> dt.date | None:
    """The rotation/content date written in a file name, if any."""
    for m in re.finditer(r"(\d{4})-?(\d\d)-?(\d\d)(?=\.gz$|\.bz2$|\.xz$|$)", file_name):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def recognise(path: Path) -> tuple[str | None, str]:
    """(source name, how) for one file, from its name and its first lines.

    A source claims a file when its ``sniff`` accepts at least half of the units it
    would parse: lines, or for log4j sources the timestamped lines that start records
    (stack-trace and payload lines are continuations). The name decides between sources
    that both accept the content; content decides when the name is unknown.
    """
    by_name = by_file_name(base_name(path.name))
    lines = head_lines(path)
    if not lines:
        if by_name is not None:
            return by_name.NAME, "name (no readable content)"
        return None, "no readable text and unknown name"
    record_starts = [line for line in lines if RECORD_START.match(line)] or lines
    shares: dict[str, float] = {}
    for name, module in SOURCES.items():
        units = record_starts if module.FRAMING == "log4j" else lines
        shares[name] = sum(1 for line in units if module.sniff(line)) / len(units)
    if by_name is not None and shares[by_name.NAME] > 0:
        return by_name.NAME, "name and content"
    best = max(shares, key=lambda name: shares[name])     # first in registry order on ties
    if shares[best] >= SNIFF_MIN_SHARE:
        return best, "content"
    if by_name is not None:
        return by_name.NAME, "name (content not recognised)"
    return None, "content not recognised"


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def discover(paths: list[str], *, node: str | None = None,
             exclude: Path | None = None) -> list[EvidenceFile]:
    """Every regular file under ``paths`` (sorted, links not followed), recognised.

    Files under ``exclude`` (the case folder, when it sits inside the evidence) are left out.
    """
    found: list[EvidenceFile] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise DiscoveryError(f"no such file or folder: {given} (check the path; quote it if it has spaces)")
        root = root.resolve()
        if root.is_file():
            candidates = [root]
            base = root.parent
        else:
            candidates = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
            base = root
        for path in candidates:
            if path in seen or (exclude is not None and path.is_relative_to(exclude)):
                continue
            seen.add(path)
            relative = path.relative_to(base).parts
            node_name = node or (relative[0] if len(relative) > 1 else base.name) or "node"
            stat = path.stat()
            source, how = recognise(path)
            found.append(EvidenceFile(
                path=path, display_path=_display(path), node=node_name, source=source,
                recognised_by=how, date_in_name=date_in_name(path.name),
                size=stat.st_size, mtime_ns=stat.st_mtime_ns))
    return found


def year_reference(evidence: EvidenceFile, forced_year: int | None) -> tuple[dt.date, str]:
    """The date the last line of a year-less syslog file is assumed not to be after, and why."""
    if forced_year is not None:
        return dt.date(forced_year, 12, 31), f"--year {forced_year} (year of the first line)"
    if evidence.date_in_name is not None:
        return evidence.date_in_name, f"date in file name ({evidence.date_in_name.isoformat()})"
    gz_mtime = gzip_header_mtime(evidence.path)
    if gz_mtime:
        day = dt.datetime.fromtimestamp(gz_mtime, dt.timezone.utc).date()
        return day, f"original mtime stored in the gzip header ({day.isoformat()})"
    day = dt.datetime.fromtimestamp(evidence.mtime_ns / 1e9, dt.timezone.utc).date()
    return day, f"file modification time ({day.isoformat()})"

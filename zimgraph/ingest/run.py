"""Ingest: evidence paths → the case folder (manifest, events, rejects), on every core.

>>> # ingest(["collection/"], "case/", default_zone="Europe/Paris")   # see the CLI
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import queue as queue_module
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Final, Iterator

from zimgraph import __version__
from zimgraph.clock import get_zone
from zimgraph.ingest.case import Case
from zimgraph.ingest.discover import EvidenceFile, discover, year_reference
from zimgraph.ingest.task import FileResult, FileTask
from zimgraph.sources.registry import SOURCES

#: below this much raw evidence the pool's start-up costs more than it saves
IN_PROCESS_BYTES = 4 << 20
COUNT_FIELDS = ("lines_read", "lines_parsed", "lines_ignored", "lines_rejected", "events")

ProgressHook = Callable[[int, int], None]    # (lines delta, raw bytes delta)


@dataclass
class IngestSummary:
    manifest: dict
    parsed: list[dict] = field(default_factory=list)     # entries parsed this run
    reused: list[dict] = field(default_factory=list)     # unchanged files already in the case
    skipped: list[dict] = field(default_factory=list)    # not recognised / unreadable
    total_bytes: int = 0


def plan_zone(node: str, default_zone: str | None, node_zones: dict[str, str]) -> str:
    return node_zones.get(node) or default_zone or "UTC"


def ingest(paths: list[str], case_dir: str, *, default_zone: str | None = None,
           node_zones: dict[str, str] | None = None, year: int | None = None,
           node: str | None = None, workers: int | None = None,
           progress: ProgressHook | None = None,
           on_plan: Callable[[int, int], None] | None = None) -> IngestSummary:
    """Parse every evidence file under ``paths`` into the case at ``case_dir``.

    Unchanged files already in the case (same path, size, mtime, SHA-256 and settings)
    are not parsed again. ``on_plan(files, raw_bytes)`` is called once the work is known.
    Raises DiscoveryError, TimeZoneError, CaseError for user errors.
    """
    node_zones = dict(node_zones or {})
    for zone in [default_zone, *node_zones.values()]:
        if zone:
            get_zone(zone)
    case = Case(case_dir).create()
    manifest = case.manifest()
    evidence = discover(paths, node=node, exclude=case.folder.resolve())
    previous = {entry["abs_path"]: entry for entry in manifest.get("files", [])}
    summary = IngestSummary(manifest=manifest)
    tasks: list[tuple[FileTask, EvidenceFile, str]] = []
    for item in evidence:
        if item.source is None:
            summary.skipped.append({"path": item.display_path, "node": item.node,
                                    "reason": item.recognised_by})
            continue
        zone = plan_zone(item.node, default_zone, node_zones)
        is_syslog = SOURCES[item.source].FRAMING == "syslog"
        if is_syslog:
            reference, basis = year_reference(item, year)
        else:
            reference, basis = dt.date(1970, 1, 1), None
        key = Case.file_key(item.node, str(item.path))
        old = previous.get(str(item.path))
        if old is not None and _unchanged(old, item, zone, year if is_syslog else None):
            summary.reused.append(old)
            continue
        task = FileTask(path=str(item.path), display_path=item.display_path, node=item.node,
                        source=item.source, zone=zone, year_reference=reference.isoformat(),
                        year_basis=basis or "", forced_year=year if is_syslog else None,
                        part_path=str(case.part_path(key)),
                        rejects_path=str(case.reject_part_path(key)))
        tasks.append((task, item, key))
    summary.total_bytes = sum(item.size for _, item, _ in tasks)
    if on_plan is not None:
        on_plan(len(tasks), summary.total_bytes)
    results = _run_tasks([t for t, _, _ in tasks], workers=workers, progress=progress)
    for (task, item, key), result in zip(tasks, results):
        summary.parsed.append(_entry(task, item, key, result))
    by_path = {entry["abs_path"]: entry for entry in manifest.get("files", [])}
    for entry in summary.reused + summary.parsed:
        old = by_path.get(entry["abs_path"])
        if old is not None and old["key"] != entry["key"]:     # same file, new node name
            case.part_path(old["key"]).unlink(missing_ok=True)
            case.reject_part_path(old["key"]).unlink(missing_ok=True)
        by_path[entry["abs_path"]] = entry
    files = sorted(by_path.values(), key=lambda e: (e["node"], e["path"]))
    _mark_duplicates(files, case)
    manifest.update({
        "tool": "zimgraph", "version": __version__,
        "updated": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "settings": {"tz": default_zone, "node_tz": node_zones, "year": year},
        "files": files,
        "skipped": sorted({s["path"]: s for s in manifest.get("skipped", []) + summary.skipped}.values(),
                          key=lambda s: s["path"]),
    })
    manifest["assumptions"] = assumptions(files, default_zone=default_zone, node_zones=node_zones)
    manifest["totals"] = totals(files)
    case.rebuild_rejects([f["key"] for f in files if not f.get("duplicate_of")])
    case.save_manifest(manifest)
    return summary


def _unchanged(old: dict, item: EvidenceFile, zone: str, forced_year: int | None) -> bool:
    if (old.get("size"), old.get("mtime_ns"), old.get("source"), old.get("node"), old.get("tz"),
            old.get("forced_year")) != (item.size, item.mtime_ns, item.source, item.node, zone, forced_year):
        return False
    if old.get("error"):
        return False
    with open(item.path, "rb") as raw:          # the hash is checked, not assumed
        return hashlib.file_digest(raw, "sha256").hexdigest() == old.get("sha256")


def _entry(task: FileTask, item: EvidenceFile, key: str, result: FileResult) -> dict:
    entry = {"path": item.display_path, "abs_path": str(item.path), "key": key,
             "node": item.node, "source": item.source, "recognised_by": item.recognised_by,
             "mtime_ns": item.mtime_ns, "tz": task.zone, "forced_year": task.forced_year}
    data = result.to_dict()
    for name in ("path", "node", "source"):
        data.pop(name)
    entry.update(data)
    entry["size"] = result.size or item.size
    if task.year_basis:
        entry["year_basis"] = task.year_basis
    return entry


def _mark_duplicates(files: list[dict], case: Case) -> None:
    """A file whose bytes equal an earlier file's (a second copy) is kept out of the events."""
    first_by_hash: dict[tuple, str] = {}
    for entry in files:
        entry.pop("duplicate_of", None)
        digest = (entry.get("sha256"), entry.get("source"))
        if entry.get("sha256") is None or entry.get("size", 0) == 0:
            continue
        if digest in first_by_hash:
            entry["duplicate_of"] = first_by_hash[digest]
            case.part_path(entry["key"]).unlink(missing_ok=True)
        else:
            first_by_hash[digest] = entry["path"]


def totals(files: list[dict]) -> dict:
    counted = [f for f in files if not f.get("duplicate_of")]
    out = {name: sum(f.get(name, 0) for f in counted) for name in COUNT_FIELDS}
    out["files"] = len(counted)
    out["duplicates"] = len(files) - len(counted)
    out["accounting_ok"] = out["lines_read"] == out["lines_parsed"] + out["lines_ignored"] + out["lines_rejected"]
    out["errors"] = sum(1 for f in counted if f.get("error"))
    return out


def assumptions(files: list[dict], *, default_zone: str | None, node_zones: dict[str, str]) -> list[str]:
    """Every time assumption, in sentences (printed and written to the manifest)."""
    lines: list[str] = []
    for node in sorted({f["node"] for f in files}):
        zones = sorted({f["tz"] for f in files if f["node"] == node})
        if node in node_zones:
            how = f"--node-tz {node}={node_zones[node]}"
        elif default_zone:
            how = f"--tz {default_zone}"
        else:
            how = "DEFAULT: no --tz or --node-tz given; pass --tz ZONE if the node's clock was not UTC"
        lines.append(f"node {node}: times without an offset read as {', '.join(zones)} ({how})")
    for f in files:
        if f.get("year_basis") and f.get("first_year"):
            rollover = f", {f['year_rollovers']} Dec→Jan rollover(s)" if f.get("year_rollovers") else ""
            lines.append(f"{f['path']}: syslog year from {f['year_basis']}: first line in {f['first_year']}{rollover}")
        if f.get("ambiguous_dst_records"):
            lines.append(f"{f['path']}: {f['ambiguous_dst_records']} record(s) in a repeated DST hour, "
                         "placed by line order")
        if f.get("nonexistent_dst_records"):
            lines.append(f"{f['path']}: {f['nonexistent_dst_records']} record(s) in a skipped DST hour "
                         "(clock not moved?), read at the pre-transition offset")
    return lines


# --- the worker pool --------------------------------------------------------------------
_PROGRESS_QUEUE = None


def _init_worker(progress_queue) -> None:
    global _PROGRESS_QUEUE
    _PROGRESS_QUEUE = progress_queue


def _pool_progress(lines: int, raw_bytes: int) -> None:
    if _PROGRESS_QUEUE is not None:
        _PROGRESS_QUEUE.put((lines, raw_bytes))


def _parse_in_worker(task: FileTask) -> FileResult:
    from zimgraph.ingest.worker import parse_file    # Arrow and polars: in the workers only
    return parse_file(task, progress=_pool_progress)


#: set for the worker processes only (spawn, not fork: polars and pyarrow run thread pools,
#: and forking a process that has threads can deadlock the child). Workers are processes, so
#: they need no threads of their own: numpy (imported by pyarrow) would also start an
#: OpenBLAS thread that only spins. A worker frees and re-grows half-megabyte column lists
#: every batch; glibc would map and unmap each one (page faults, zeroed pages: a fifth of the
#: workers' system time), hence the malloc thresholds (read by glibc at process start).
WORKER_ENVIRONMENT: Final = {
    "POLARS_MAX_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MALLOC_MMAP_THRESHOLD_": str(64 << 20),
    "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
}


@contextlib.contextmanager
def _worker_environment() -> Iterator[None]:
    """WORKER_ENVIRONMENT (where the caller has not set a value) while workers are spawned;
    the caller's environment is as it was afterwards."""
    added = [name for name in WORKER_ENVIRONMENT if name not in os.environ]
    for name in added:
        os.environ[name] = WORKER_ENVIRONMENT[name]
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _run_tasks(tasks: list[FileTask], *, workers: int | None,
               progress: ProgressHook | None) -> list[FileResult]:
    if not tasks:
        return []
    total = sum(os.path.getsize(t.path) for t in tasks)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) == 1 or total < IN_PROCESS_BYTES:
        from zimgraph.ingest.worker import parse_file
        return [parse_file(task, progress=progress) for task in tasks]
    # biggest first (compressed files weigh more) so the cores finish together
    order = sorted(range(len(tasks)), key=lambda i: -_weight(tasks[i]))
    context = mp.get_context("spawn")
    progress_queue = context.Queue()
    results: dict[int, FileResult] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context,
                             initializer=_init_worker, initargs=(progress_queue,)) as pool:
        with _worker_environment():     # workers are spawned (and read it) as tasks are submitted
            futures = {pool.submit(_parse_in_worker, tasks[i]): i for i in order}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(progress_queue, progress)
            for future in done:
                results[futures[future]] = future.result()
        _drain(progress_queue, progress)
    return [results[i] for i in range(len(tasks))]


def _weight(task: FileTask) -> int:
    size = os.path.getsize(task.path)
    return size * 8 if task.path.endswith((".gz", ".bz2", ".xz")) else size


def _drain(progress_queue, progress: ProgressHook | None) -> None:
    while True:
        try:
            lines, raw_bytes = progress_queue.get_nowait()
        except queue_module.Empty:
            return
        if progress is not None:
            progress(lines, raw_bytes)

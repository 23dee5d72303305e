"""The case folder: one evidence set's derived data (DESIGN.md section 3).

``manifest.json`` lists every input file with its hash and accounting,
``events.parquet/`` holds one Parquet part per input file, ``rejects.jsonl`` every line
that could not be parsed. Parts are named from the file's node and absolute path, so
re-ingesting a file replaces its part and a new node's files add parts.

>>> import tempfile; case = Case(tempfile.mkdtemp())
>>> case.manifest()["files"]
[]
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from zimgraph import __version__

MANIFEST_VERSION = 1


class CaseError(Exception):
    """The case folder is missing, unreadable or not a zimgraph case."""


class Case:
    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.manifest_path = self.folder / "manifest.json"
        self.events_dir = self.folder / "events.parquet"
        self.rejects_path = self.folder / "rejects.jsonl"
        self.reject_parts = self.folder / "parts" / "rejects"

    # --- layout -----------------------------------------------------------------------
    def create(self) -> "Case":
        if self.folder.exists() and not self.folder.is_dir():
            raise CaseError(f"{self.folder} exists and is not a folder: choose another --case")
        self.events_dir.mkdir(parents=True, exist_ok=True)
        self.reject_parts.mkdir(parents=True, exist_ok=True)
        return self

    def require(self) -> "Case":
        if not self.manifest_path.is_file():
            raise CaseError(f"{self.folder} is not a zimgraph case (no manifest.json): "
                            f"run 'zimgraph ingest PATH --case {self.folder}' first")
        return self

    @staticmethod
    def file_key(node: str, abs_path: str) -> str:
        return hashlib.sha256(f"{node}\0{abs_path}".encode()).hexdigest()[:20]

    def part_path(self, key: str) -> Path:
        return self.events_dir / f"{key}.parquet"

    def reject_part_path(self, key: str) -> Path:
        return self.reject_parts / f"{key}.jsonl"

    # --- manifest ---------------------------------------------------------------------
    def manifest(self) -> dict:
        if not self.manifest_path.is_file():
            return {"tool": "zimgraph", "version": __version__, "manifest_version": MANIFEST_VERSION,
                    "settings": {}, "assumptions": [], "files": [], "skipped": []}
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CaseError(f"cannot read {self.manifest_path}: {exc}") from None

    def save_manifest(self, manifest: dict) -> None:
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        tmp.replace(self.manifest_path)

    def rebuild_rejects(self, keys: list[str]) -> int:
        """Concatenate the reject parts of ``keys`` (manifest order) into rejects.jsonl."""
        count = 0
        tmp = self.rejects_path.with_suffix(".jsonl.tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            for key in keys:
                part = self.reject_part_path(key)
                if part.is_file():
                    with open(part, encoding="utf-8") as lines:
                        for line in lines:
                            out.write(line)
                            count += 1
        tmp.replace(self.rejects_path)
        return count

    # --- events -----------------------------------------------------------------------
    def events_dataset(self):
        """The events as a pyarrow Dataset over the Parquet parts (nothing loaded yet)."""
        import pyarrow as pa            # imported here: planning an ingest does not need Arrow
        import pyarrow.dataset as ds
        from zimgraph.events import SCHEMA
        parts = sorted(self.events_dir.glob("*.parquet"))
        if not parts:
            return ds.dataset(pa.table({n: pa.array([], t) for n, t in zip(SCHEMA.names, SCHEMA.types)}))
        return ds.dataset([str(p) for p in parts], schema=SCHEMA, format="parquet")

    def events(self, columns: list[str] | None = None, *, filter=None):
        """All events as one pandas DataFrame (Arrow-backed), in a stable order: ts, node, file, line."""
        import pandas as pd            # imported here: workers never need it
        table = self.events_dataset().to_table(columns=columns, filter=filter)
        order = [(c, "ascending") for c in ("ts", "node", "file", "line") if c in table.column_names]
        if order:
            table = table.sort_by(order)
        return table.to_pandas(types_mapper=pd.ArrowDtype)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a reader (or
    an interrupted run) never sees half a file. Every derived file of a case is written this way."""
    import tempfile
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_events(folder: str | os.PathLike, columns: list[str] | None = None):
    """The events of the case in ``folder`` (see :meth:`Case.events`)."""
    return Case(folder).require().events(columns)

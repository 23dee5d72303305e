"""One loaded case: events, topology, messages, sessions and the graph, derived on demand.

The case folder stays the single source: ``topology.json``, ``messages.parquet`` and
``sessions.parquet`` are caches written next to the events and rebuilt whenever the events
(the manifest's file hashes), the analyst's overrides or the zimgraph version change. The
graph is always rebuilt from them (it takes about a second per 100,000 events).

Overrides given once (``--internal-domain``, ``--infra-ip``) are remembered in
``overrides.json`` so that every later command sees the same topology.

>>> import tempfile
>>> try:  # doctest: +ELLIPSIS
...     load_case(tempfile.mkdtemp())
... except Exception as exc:
...     print(type(exc).__name__, str(exc).split(": ", 1)[1])
CaseError run 'zimgraph ingest PATH --case ...' first
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zimgraph import __version__
from zimgraph.correlate.messages import MESSAGE_SCHEMA, stitch_messages
from zimgraph.correlate.sessions import SESSION_SCHEMA, login_sessions
from zimgraph.correlate.topology import Topology, learn_topology
from zimgraph.ingest.case import Case, write_text_atomic

DERIVED_FILES = ("topology.json", "messages.parquet", "sessions.parquet")
#: bump when stitching, sessions or topology rules change without a schema change
DERIVED_RULES = 2


class CaseData:
    """A case folder with its derived tables (see the module docstring)."""

    def __init__(self, folder: str | os.PathLike, *, internal_domains: list[str] | None = None,
                 infrastructure_ips: list[str] | None = None) -> None:
        self.case = Case(folder).require()
        self.folder = self.case.folder
        self.manifest = self.case.manifest()
        overrides_path = self.folder / "overrides.json"
        stored = json.loads(overrides_path.read_text(encoding="utf-8")) if overrides_path.is_file() else {}
        if internal_domains is not None or infrastructure_ips is not None:
            if internal_domains is not None:
                stored["internal_domains"] = sorted({d.lower().lstrip("@") for d in internal_domains})
            if infrastructure_ips is not None:
                stored["infrastructure_ips"] = sorted(set(infrastructure_ips))
            write_text_atomic(overrides_path, json.dumps(stored, indent=2, sort_keys=True) + "\n")
        self.overrides = stored

    # --- derived tables -----------------------------------------------------------------
    @cached_property
    def events(self) -> pd.DataFrame:
        """All events, Arrow-backed, ordered by ts, node, file, line."""
        return self.case.events()

    @property
    def fingerprint(self) -> str:
        """Changes whenever the events, the overrides or the zimgraph version change."""
        files = sorted((f.get("node", ""), f.get("path", ""), f.get("sha256", ""), f.get("events", 0))
                       for f in self.manifest.get("files", []))
        blob = json.dumps({"files": files, "settings": self.manifest.get("settings", {}),
                           "overrides": self.overrides, "version": __version__,
                           # a new column or stitching rule must not be served from an old cache
                           "schemas": [str(MESSAGE_SCHEMA), str(SESSION_SCHEMA)], "rules": DERIVED_RULES},
                          sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _fresh(self) -> bool:
        stamp = self.folder / "derived.json"
        if not stamp.is_file() or not all((self.folder / name).is_file() for name in DERIVED_FILES):
            return False
        try:
            return json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == self.fingerprint
        except ValueError:
            return False

    @cached_property
    def _derived(self) -> tuple[Topology, pd.DataFrame, pd.DataFrame]:
        if self._fresh():
            topology = Topology.from_json(json.loads((self.folder / "topology.json").read_text(encoding="utf-8")))
            messages = pq.read_table(self.folder / "messages.parquet").to_pandas(types_mapper=pd.ArrowDtype)
            sessions = pq.read_table(self.folder / "sessions.parquet").to_pandas(types_mapper=pd.ArrowDtype)
            return topology, messages, sessions
        topology = learn_topology(self.events, internal_domains=self.overrides.get("internal_domains"),
                                  infrastructure_ips=self.overrides.get("infrastructure_ips"))
        messages = stitch_messages(self.events, topology)
        sessions = login_sessions(self.events, topology)
        write_text_atomic(self.folder / "topology.json", topology.dumps() + "\n")
        _write_parquet(self.folder / "messages.parquet", messages, MESSAGE_SCHEMA)
        _write_parquet(self.folder / "sessions.parquet", sessions, SESSION_SCHEMA)
        write_text_atomic(self.folder / "derived.json",
                      json.dumps({"fingerprint": self.fingerprint, "version": __version__}, indent=2) + "\n")
        return topology, messages, sessions

    @property
    def topology(self) -> Topology:
        return self._derived[0]

    @property
    def messages(self) -> pd.DataFrame:
        """One row per stitched message (docs/model.md)."""
        return self._derived[1]

    @property
    def sessions(self) -> pd.DataFrame:
        """One row per login session (docs/model.md)."""
        return self._derived[2]

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The evidence graph, rebuilt from the tables above."""
        from zimgraph.graph.build import build_graph
        return build_graph(self.events, self.messages, topology=self.topology)


def load_case(folder: str | os.PathLike, *, internal_domains: list[str] | None = None,
              infrastructure_ips: list[str] | None = None) -> CaseData:
    """Open the case in ``folder``; derived tables are computed (or read from cache) on first use."""
    return CaseData(folder, internal_domains=internal_domains, infrastructure_ips=infrastructure_ips)


def _write_parquet(path: Path, frame: pd.DataFrame, schema: pa.Schema) -> None:
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)

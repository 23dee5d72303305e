"""The embedded Cypher engine (``ladybug``, the maintained Kùzu fork): the case graph with no server.

The database is built from the same rows as the Neo4j push (:func:`zimgraph.neo4j.rows.graph_rows`):
one node table per kind (primary key ``id``), one relationship table per type (a group when a
type joins several pairs of kinds), loaded by bulk ``COPY`` from Arrow tables. It is cached in the
case folder (``embedded.lbug``) next to ``embedded.json``, which records the fingerprint of the
rows it holds; a graph that changed is rebuilt.

>>> import networkx as nx, tempfile, os
>>> g = nx.MultiDiGraph()
>>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9", infrastructure=False)
>>> path = build_database(g, os.path.join(tempfile.mkdtemp(), "g.lbug"), case_name="demo")
>>> run_cypher(path, "MATCH (i:IP) RETURN i.value AS ip, i.case_name AS c", {})
(['ip', 'c'], [['203.0.113.9', 'demo']])
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa

from zimgraph.neo4j.rows import GraphRows, graph_rows
from zimgraph.neo4j.vocabulary import (BOOLEAN, DOUBLE, INT64, NODE_KINDS, RELATIONSHIP_PROPERTIES,
                                       RELATIONSHIP_TYPES, RELATIONSHIPS, STRING_LIST, node_properties)

DB_NAME = "embedded.lbug"
META_NAME = "embedded.json"
#: bump when the table layout changes, so that old caches are rebuilt
LAYOUT_VERSION = 1
_ARROW = {INT64: pa.int64(), DOUBLE: pa.float64(), BOOLEAN: pa.bool_(), STRING_LIST: pa.list_(pa.string())}


def schema_statements() -> list[str]:
    """The DDL of the embedded database: node tables, then relationship tables."""
    out = []
    for kind in NODE_KINDS:
        columns = ", ".join(f"{name} {typ}" for name, typ in node_properties(kind).items())
        out.append(f"CREATE NODE TABLE {kind}({columns}, PRIMARY KEY (id))")
    for rel in RELATIONSHIP_TYPES:
        pairs = ", ".join(f"FROM {src} TO {dst}" for r, src, dst in RELATIONSHIPS if r == rel)
        columns = ", ".join(f"{name} {typ}" for name, typ in RELATIONSHIP_PROPERTIES.items())
        out.append(f"CREATE REL TABLE {rel}({pairs}, {columns})")
    return out


def _arrow_table(rows: list[dict], columns: dict[str, str], *, lead: tuple[str, ...] = ()) -> pa.Table:
    arrays = {name: pa.array([row[name] for row in rows], type=pa.string()) for name in lead}
    for name, typ in columns.items():
        arrays[name] = pa.array([row[name] for row in rows], type=_ARROW.get(typ, pa.string()))
    return pa.table(arrays)


def load_rows(connection, rows: GraphRows) -> None:
    """Bulk-load ``rows`` into an empty database that has :func:`schema_statements`."""
    for kind, kind_rows in rows.nodes.items():
        if kind_rows:
            connection.execute(f"COPY {kind} FROM $rows", {"rows": _arrow_table(kind_rows, node_properties(kind))})
    for (rel, src, dst), rel_rows in rows.relationships.items():
        if rel_rows:
            table = _arrow_table(rel_rows, RELATIONSHIP_PROPERTIES, lead=("source", "target"))
            connection.execute(f"COPY {rel} FROM $rows (from='{src}', to='{dst}')", {"rows": table})


def build_database(graph, path, *, case_name: str, rows: GraphRows | None = None) -> Path:
    """Write a fresh embedded database for ``graph`` at ``path`` (replaced atomically); returns the path."""
    import ladybug
    path = Path(path)
    rows = rows if rows is not None else graph_rows(graph, case_name=case_name)
    tmp = path.with_name(path.name + ".building")
    _remove(tmp)
    database = ladybug.Database(str(tmp))
    connection = ladybug.Connection(database)
    for statement in schema_statements():
        connection.execute(statement)
    load_rows(connection, rows)
    connection.close()
    database.close()
    _remove(path)
    for suffix in ("", ".wal"):
        if Path(str(tmp) + suffix).exists():
            os.replace(str(tmp) + suffix, str(path) + suffix)
    return path


def _remove(path: Path) -> None:
    for candidate in (path, Path(str(path) + ".wal")):
        if candidate.is_dir():
            shutil.rmtree(candidate)
        elif candidate.exists():
            candidate.unlink()


def case_database(case_dir, *, case_name: str, rebuild: bool = False, graph=None) -> Path:
    """The case's embedded database, built or rebuilt when the case changed; returns its path.

    Freshness is the case's own fingerprint (events, overrides, zimgraph version), so an
    up-to-date database is used without rebuilding the graph; a ``graph`` passed in is
    fingerprinted by its rows instead.
    """
    from zimgraph.neo4j.push import rows_fingerprint
    case = Path(case_dir)
    path, meta_path = case / DB_NAME, case / META_NAME
    rows = None
    if graph is None:
        from zimgraph.casedata import load_case
        data = load_case(case_dir)
        fingerprint = "case:" + data.fingerprint
    else:
        rows = graph_rows(graph, case_name=case_name)
        fingerprint = "graph:" + rows_fingerprint(rows)
    key = {"layout": LAYOUT_VERSION, "case_name": case_name, "fingerprint": fingerprint}
    if not rebuild and path.exists() and meta_path.is_file():
        try:
            if json.loads(meta_path.read_text(encoding="utf-8")) == key:
                return path
        except ValueError:
            pass
    graph = data.graph if graph is None else graph
    build_database(graph, path, case_name=case_name, rows=rows)
    meta_path.write_text(json.dumps(key), encoding="utf-8")
    return path


def run_cypher(path, text: str, parameters: dict) -> tuple[list[str], list[list]]:
    """Run one Cypher statement read-only on the embedded database at ``path``: (columns, rows)."""
    import ladybug
    database = ladybug.Database(str(path), read_only=True)
    connection = ladybug.Connection(database)
    try:
        result = connection.execute(text, parameters)
        columns = list(result.get_column_names())
        rows = [list(row) for row in result.get_all()]
    finally:
        connection.close()
        database.close()
    return columns, rows

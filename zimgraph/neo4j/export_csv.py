"""Export a case graph as ``neo4j-admin database import full`` CSV files, with the exact command.

For cases too large to push over Bolt: one node file per kind (``nodes_IP.csv``), one
relationship file per (type, from kind, to kind) (``rels_USED_UA_IP_UserAgent.csv``), headers in
the files, ``constraints.cypher`` to run once the database is started, and ``import.sh`` holding
the command. Lists use U+001F (unit separator) between elements, a character that never occurs
in log text (any that does is replaced by U+FFFD); fields may span lines (``--multiline-fields``).

>>> import networkx as nx, tempfile
>>> g = nx.MultiDiGraph()
>>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9", infrastructure=False)
>>> export = export_csv(g, tempfile.mkdtemp(), case_name="demo")
>>> export.files[0].name, export.nodes
('nodes_IP.csv', 1)
"""

from __future__ import annotations

import csv
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from zimgraph.neo4j import statements as S
from zimgraph.neo4j.rows import graph_rows
from zimgraph.neo4j.vocabulary import (BOOLEAN, DOUBLE, INT64, RELATIONSHIP_PROPERTIES, STRING_LIST,
                                       node_properties)

ARRAY_DELIMITER = "\x1f"
#: how neo4j-admin's --array-delimiter names it
ARRAY_DELIMITER_OPTION = "U+001F"
_CSV_TYPES = {INT64: "long", DOUBLE: "double", BOOLEAN: "boolean", STRING_LIST: "string[]"}


@dataclass
class CsvExport:
    """The files written and the command that imports them."""
    directory: Path
    files: list[Path] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0
    command: str = ""


def _header(name: str, typ: str) -> str:
    return f"{name}:{_CSV_TYPES[typ]}" if typ in _CSV_TYPES else name


def _cell(value, typ: str) -> str:
    if value is None:
        return ""
    if typ == STRING_LIST:
        return ARRAY_DELIMITER.join(item.replace(ARRAY_DELIMITER, "\ufffd") for item in value)
    if typ == BOOLEAN:
        return "true" if value else "false"
    return str(value).replace(ARRAY_DELIMITER, "\ufffd")


def _write(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def import_command(export: CsvExport, *, database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command line for the files of ``export``."""
    parts = ["neo4j-admin", "database", "import", "full", f"--array-delimiter={ARRAY_DELIMITER_OPTION}",
             "--multiline-fields=true", "--id-type=string"]
    for path in export.files:
        if path.name.startswith("nodes_"):
            parts.append(f"--nodes={path.stem[len('nodes_'):]}={shlex.quote(str(path))}")
        elif path.name.startswith("rels_"):
            parts.append(f"--relationships={shlex.quote(str(path))}")
    parts.append(shlex.quote(database))
    return " ".join(parts)


def export_csv(graph, out_dir, *, case_name: str, database: str = "neo4j") -> CsvExport:
    """Write the import files for ``graph`` into ``out_dir`` (created); returns a :class:`CsvExport`."""
    directory = Path(out_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    rows = graph_rows(graph, case_name=case_name)
    export = CsvExport(directory=directory)
    for kind, kind_rows in rows.nodes.items():
        if not kind_rows:
            continue
        props = node_properties(kind)
        header = ["id:ID", *[_header(name, typ) for name, typ in props.items() if name != "id"]]
        path = directory / f"nodes_{kind}.csv"
        _write(path, header, ([row["id"], *[_cell(row[name], typ) for name, typ in props.items() if name != "id"]]
                              for row in kind_rows))
        export.files.append(path)
        export.nodes += len(kind_rows)
    for (rel, src, dst), rel_rows in rows.relationships.items():
        if not rel_rows:
            continue
        header = [":START_ID", ":END_ID", ":TYPE", *[_header(name, typ) for name, typ in RELATIONSHIP_PROPERTIES.items()]]
        path = directory / f"rels_{rel}_{src}_{dst}.csv"
        _write(path, header, ([row["source"], row["target"], rel,
                               *[_cell(row[name], typ) for name, typ in RELATIONSHIP_PROPERTIES.items()]]
                              for row in rel_rows))
        export.files.append(path)
        export.relationships += len(rel_rows)
    constraints = directory / "constraints.cypher"
    constraints.write_text("".join(f"{statement};\n" for statement in [*S.CONSTRAINTS.values(),
                                                                        *S.VALUE_INDEXES.values()]),
                           encoding="utf-8")
    export.command = import_command(export, database=database)
    script = directory / "import.sh"
    script.write_text("#!/bin/sh\n# Import into an empty, stopped database; then start it and run constraints.cypher\n"
                      f"# (cypher-shell -f {shlex.quote(str(constraints))}).\nset -e\n{export.command}\n",
                      encoding="utf-8")
    export.files += [constraints, script]
    return export

"""The hunt library: ``queries/*.cypher`` at the root of the repository, one query per file.

>>> [q.name for q in list_queries()][:2]
['accounts-per-device', 'accounts-sending-attachment']
>>> find_query("logins-from-ip").params[0].name
'ip'
"""

from __future__ import annotations

import os
from pathlib import Path

from zimgraph.console import user_error
from zimgraph.query.header import LibraryQuery, Param, parse_query

#: the library shipped with zimgraph (override with ZIMGRAPH_QUERIES=DIR)
LIBRARY_DIR = Path(__file__).resolve().parents[2] / "queries"


@user_error
class UnknownQueryError(LookupError):
    """A query name that is not in the library and not a readable .cypher file."""


def library_dir() -> Path:
    return Path(os.environ.get("ZIMGRAPH_QUERIES") or LIBRARY_DIR)


def list_queries() -> list[LibraryQuery]:
    """Every library query, sorted by name; a malformed header raises QueryHeaderError."""
    directory = library_dir()
    return [parse_query(path.read_text(encoding="utf-8"), name=path.stem, path=str(path))
            for path in sorted(directory.glob("*.cypher"))]


def load_query_file(path: Path) -> LibraryQuery:
    """A .cypher file: its header when it has one, else every ``$parameter`` as a required string."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("// name:"):
        return parse_query(text, name=path.stem, path=str(path))
    bare = LibraryQuery(name=path.stem, title=path.name, description="", answers="", tags=(), params=(),
                        text=text.strip().rstrip(";"), path=str(path))
    params = tuple(Param(name, "string", True, None, "") for name in bare.used_params())
    return LibraryQuery(**{**bare.__dict__, "params": params})


def find_query(name_or_file: str) -> LibraryQuery:
    """A library query by name, or a .cypher file by path."""
    if name_or_file.endswith(".cypher"):
        path = Path(name_or_file)
        if not path.is_file():
            raise UnknownQueryError(f"no such query file: {name_or_file} (or run 'zimgraph query --list' for names)")
        return load_query_file(path)
    for query in list_queries():
        if query.name == name_or_file:
            return query
    raise UnknownQueryError(f"unknown query {name_or_file!r}: run 'zimgraph query --list' to see the names, "
                            "or give a FILE.cypher")

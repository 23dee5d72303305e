"""Run a library query with typed parameters: on the embedded engine built from the case, or on Neo4j.

>>> from zimgraph.query.library import find_query
>>> bind_params(find_query("logins-from-ip"), {"ip": "198.51.100.7"})
{'case_name': '', 'ip': '198.51.100.7'}
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zimgraph.console import user_error
from zimgraph.query.header import LibraryQuery


@user_error
class QueryParamError(ValueError):
    """A --param that the query does not take, lacks, or that has the wrong type."""


@user_error
class QueryRunError(RuntimeError):
    """The engine refused or failed the query (syntax it does not support, a server error)."""


@dataclass
class QueryResult:
    """Columns and rows of one run, with what was run and where."""
    query: LibraryQuery
    parameters: dict
    engine: str
    columns: list[str]
    rows: list[list]

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_json(self) -> dict:
        return {"query": self.query.name, "title": self.query.title, "engine": self.engine,
                "parameters": self.parameters, "columns": self.columns, "rows": self.records()}


def plain(value):
    """A result cell as plain JSON-able data: lists sorted (Cypher's collect() has no order), integral
    decimals (the embedded engine's 128-bit sums) as int, anything else from a driver as text.

    >>> plain([3, 1, 2]), plain(Decimal("90")), plain(None)
    ([1, 2, 3], 90, None)
    """
    if isinstance(value, (list, tuple)):
        items = [plain(item) for item in value]
        return sorted(items, key=lambda item: (item is None, str(type(item)), item if item is not None else 0))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value != value:
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _signature(query: LibraryQuery) -> str:
    return ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in query.params) or "nothing"


def bind_params(query: LibraryQuery, raw: dict[str, str]) -> dict:
    """Typed parameters from ``--param K=V`` strings plus the header's defaults; one-line errors."""
    values = {}
    for name, text in raw.items():
        param = query.param(name)
        if param is None:
            raise QueryParamError(f"query {query.name} has no parameter {name!r}; it takes {_signature(query)}")
        try:
            values[name] = param.convert(text)
        except ValueError as exc:
            raise QueryParamError(str(exc)) from None
    for param in query.params:
        if param.name not in values:
            if param.required:
                raise QueryParamError(f"query {query.name} needs --param {param.name}=VALUE ({param.doc})")
            values[param.name] = param.default
    return dict(sorted(values.items()))


def run_embedded(query: LibraryQuery, parameters: dict, *, case_dir, case_name: str,
                 rebuild: bool = False, graph=None) -> QueryResult:
    """Run on the case's embedded database (built or refreshed first)."""
    from zimgraph.query.embedded import case_database, run_cypher
    path = case_database(case_dir, case_name=case_name, rebuild=rebuild, graph=graph)
    try:
        columns, rows = run_cypher(path, query.text, parameters)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueryRunError(f"the embedded engine could not run {query.name}: {first} "
                            "(queries/README.md lists the Cypher it supports)") from None
    return QueryResult(query, parameters, "embedded", columns, [[plain(v) for v in row] for row in rows])


def run_neo4j(query: LibraryQuery, parameters: dict, *, uri: str, user: str | None, password: str | None,
              database: str | None = None, driver=None) -> QueryResult:
    """Run on a Neo4j server (the driver is opened and closed here unless given)."""
    from zimgraph.neo4j.push import open_driver
    own = driver is None
    driver = driver or open_driver(uri, user, password)
    from neo4j.exceptions import Neo4jError
    try:
        records, _, keys = driver.execute_query(query.text, parameters, database_=database)
    except Neo4jError as exc:
        raise QueryRunError(f"Neo4j could not run {query.name}: {exc.message or exc}") from None
    finally:
        if own:
            driver.close()
    return QueryResult(query, parameters, "neo4j", list(keys),
                       [[plain(v) for v in record.values()] for record in records])

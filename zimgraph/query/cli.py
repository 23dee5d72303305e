"""``zimgraph query``: run a hunt of the Cypher library (or a .cypher file) on the case or on Neo4j."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zimgraph.console import UserError


def _parse_params(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r}: write NAME=VALUE, e.g. --param ip=203.0.113.45")
        out[name.strip()] = text
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(item) for item in value)
    return str(value)


def print_list(console: Console) -> None:
    from zimgraph.query.library import list_queries
    table = Table(title="zimgraph query NAME --param K=V ...", title_justify="left")
    for name in ("name", "title", "parameters", "tags"):
        table.add_column(name)
    for query in list_queries():
        params = ", ".join(f"{p.name}{'' if p.required else '=' + json.dumps(p.default)}" for p in query.params
                           if p.name != "case_name")
        table.add_row(query.name, query.title, params, ", ".join(query.tags))
    console.print(table)


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, callback=_parse_params,
              help="A query parameter, NAME=VALUE (repeatable; lists comma separated).")
@click.option("--case", "case_dir", help="Case folder: run on its embedded database (built on first use).")
@click.option("--uri", help="Run on this Neo4j instead (the case must have been pushed there).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="Neo4j user (env NEO4J_USER).")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Neo4j password (env NEO4J_PASSWORD).")
@click.option("--database", help="Neo4j database (default: the server's default).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--list", "list_only", is_flag=True, help="List the library's queries and their parameters.")
@click.option("--rebuild", is_flag=True, help="Rebuild the case's embedded database first.")
def query(name, params, case_dir, uri, user, password, database, as_json, list_only, rebuild):
    """Run a hunt from the Cypher library (queries/) or a .cypher file.

    Without --uri it runs on an embedded Cypher database built from the case (no server; cached
    in the case folder as embedded.lbug). With --uri it runs the same text on Neo4j; with both
    --case and --uri only that case's nodes are searched (case_name).

    \b
    Example:
      zimgraph query --list
      zimgraph query logins-from-ip --param ip=203.0.113.45 --case case/
      zimgraph query paths-from-ip --param ip=203.0.113.45 --param max_hops=3 --case case/ --json
    """
    from zimgraph.neo4j.casegraph import case_name_of
    from zimgraph.query.library import find_query
    from zimgraph.query.run import bind_params, run_embedded, run_neo4j
    console = Console()
    if not console.is_terminal:
        console.width = 200     # a pipe or a file: do not fold the columns
    if list_only:
        print_list(console)
        return
    if not name:
        raise UserError("name a query (zimgraph query --list shows them), e.g. "
                        "zimgraph query logins-from-ip --param ip=203.0.113.45 --case case/")
    library_query = find_query(name)
    if uri and case_dir and "case_name" not in params and library_query.param("case_name"):
        params = {**params, "case_name": case_name_of(case_dir)}
    values = bind_params(library_query, params)
    if uri:
        result = run_neo4j(library_query, values, uri=uri, user=user, password=password, database=database)
    elif case_dir:
        result = run_embedded(library_query, values, case_dir=case_dir, case_name=case_name_of(case_dir),
                              rebuild=rebuild)
    else:
        raise UserError(f"say where to run it: --case DIR (embedded) or --uri neo4j://HOST:7687, e.g. "
                        f"zimgraph query {name} --case case/")
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{library_query.title} ({len(result.rows)} row(s), {result.engine})", title_justify="left")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*[Text(_cell(v)) for v in row])      # log text is never rich markup
    console.print(table)

"""``zimgraph neo4j push`` and ``zimgraph neo4j export-csv``: thin over :mod:`zimgraph.neo4j`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from zimgraph.console import err_console
from zimgraph.neo4j.casegraph import case_name_of, load_case_graph


@click.group("neo4j")
def neo4j() -> None:
    """Put the case graph into Neo4j (Bolt push, or CSV files for neo4j-admin).

    \b
    Example:
      zimgraph neo4j push --case case/ --uri neo4j://localhost:7687 --user neo4j
    """


@neo4j.command("push")
@click.option("--case", "case_dir", required=True, help="Case folder made by 'zimgraph ingest'.")
@click.option("--uri", envvar="NEO4J_URI", default="neo4j://localhost:7687", show_default=True,
              help="Bolt URI (env NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="User (env NEO4J_USER).")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Password (env NEO4J_PASSWORD; prompted when missing).")
@click.option("--database", help="Database name (default: the server's default database).")
@click.option("--batch", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Rows per UNWIND batch.")
@click.option("--case-name", help="Value of the nodes' case_name property (default: the case folder's name).")
def push_command(case_dir, uri, user, password, database, batch, case_name):
    """Push the case graph: constraints, batched MERGE, then a count check.

    Pushing the same case twice changes nothing; another case gets its own nodes
    (property case_name). If the server goes away, run the same command again: it resumes.
    Exit status 1 when the counts in Neo4j differ from the case graph.

    \b
    Example:
      export NEO4J_PASSWORD=...
      zimgraph neo4j push --case case/ --uri neo4j://localhost:7687 --user neo4j --batch 2000
    """
    from zimgraph.neo4j.push import CHECKPOINT_NAME, PushCheckpoint, open_driver, push, rows_fingerprint
    from zimgraph.neo4j.rows import graph_rows
    if password is None:
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    name = case_name or case_name_of(case_dir)
    graph = load_case_graph(case_dir)
    rows = graph_rows(graph, case_name=name)
    checkpoint = PushCheckpoint(Path(case_dir) / CHECKPOINT_NAME, target=f"{uri} {database or ''}".strip(),
                                case_name=name, fingerprint=rows_fingerprint(rows))
    driver = open_driver(uri, user, password)
    progress = Progress(TextColumn("[bold]pushing"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} rows"),
                        TimeElapsedColumn(), console=err_console, transient=True)
    task = progress.add_task("push", total=1)

    def on_progress(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        with progress:
            report = push(graph, driver=driver, case_name=name, database=database, batch=batch,
                          progress=on_progress, checkpoint=checkpoint, rows=rows)
    finally:
        driver.close()
    resumed = f", {report.batches_skipped} batch(es) already sent before" if report.batches_skipped else ""
    err_console.print(f"pushed case {name!r}: {report.nodes:,} nodes, {report.relationships:,} relationships "
                      f"in {report.seconds:.1f} s ({report.batches_sent} batch(es){resumed})", highlight=False)
    if report.other_cases:
        err_console.print(f"this database also holds case(s) {', '.join(report.other_cases)}: nodes are kept apart "
                          f"by case_name; pass --param case_name={name} to 'zimgraph query'", highlight=False)
    if report.counts_ok:
        err_console.print("count check: Neo4j holds exactly the case graph's nodes and relationships")
    else:
        for sentence in report.mismatches:
            err_console.print(f"[red]count mismatch[/red] {sentence}", highlight=False)
        sys.exit(1)


@neo4j.command("export-csv")
@click.option("--case", "case_dir", required=True, help="Case folder made by 'zimgraph ingest'.")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--database", default="neo4j", show_default=True, help="Database name in the printed command.")
@click.option("--case-name", help="Value of the nodes' case_name property (default: the case folder's name).")
def export_csv_command(case_dir, out_dir, database, case_name):
    """Write neo4j-admin import files for cases too large to push, and print the command.

    \b
    Example:
      zimgraph neo4j export-csv --case case/ case/neo4j-import/
    """
    from zimgraph.neo4j.export_csv import export_csv
    export = export_csv(load_case_graph(case_dir), out_dir, case_name=case_name or case_name_of(case_dir),
                        database=database)
    err_console.print(f"wrote {export.nodes:,} nodes and {export.relationships:,} relationships "
                      f"in {len(export.files)} files to {export.directory}; with Neo4j stopped, run:", highlight=False)
    click.echo(export.command)

"""The zimgraph command line: a thin layer over the library (DESIGN.md section 7).

Library errors become one line on stderr saying what to try next (exit status 2);
no traceback for user error.
"""

from __future__ import annotations

import importlib
import sys
import time

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from zimgraph import __version__
from zimgraph.console import USER_ERRORS, UserError, err_console, evidence_options
from zimgraph.ingest import ingest as run_ingest
from zimgraph.ingest.case import Case
from zimgraph.sources.registry import SOURCES, summary

#: Feature commands live next to their library code, in the order of the pipeline; each is
#: imported when it is used (their libraries load pandas, networkx, pyvis and neo4j: start-up
#: that 'zimgraph ingest' and 'zimgraph timeline' do not need).
LAZY_COMMANDS: dict[str, str] = {
    "graph": "zimgraph.graph.cli:graph",
    "hunt": "zimgraph.hunts.cli:hunt",
    "show": "zimgraph.hunts.cli:show",
    "pivot": "zimgraph.pivot.cli:pivot_command",
    "investigate": "zimgraph.report.cli:investigate",
    "neo4j": "zimgraph.neo4j.cli:neo4j",
    "query": "zimgraph.query.cli:query",
}


class ZimgraphGroup(click.Group):
    """Turns library user errors into one-line messages; loads feature commands when used."""

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except tuple(USER_ERRORS) as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            err_console.print("interrupted: the case keeps what was complete; run the same command again")
            sys.exit(130)


@click.group(cls=ZimgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zimgraph")
def main() -> None:
    """Correlate Zimbra logs into one event table and an evidence graph.

    \b
    Example:
      zimgraph ingest collection/ --case case/ --tz Europe/Paris
    """


@main.command()
@evidence_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table.")
def ingest(paths, case_dir, default_zone, node_zones, year, node, workers, quiet):
    """Parse the logs under PATHS into the case folder (read-only on the evidence).

    Re-running with the same evidence changes nothing; adding another node's logs later
    appends them.

    \b
    Example:
      zimgraph ingest collection/ --case case/ --tz Europe/Paris --node-tz mta01=UTC
    """
    summary = ingest_with_progress(paths, case_dir, default_zone=default_zone, node_zones=node_zones, year=year,
                                   node=node, workers=workers, quiet=quiet)
    if summary.manifest["totals"]["errors"]:
        sys.exit(1)


def ingest_with_progress(paths, case_dir, *, default_zone=None, node_zones=None, year=None, node=None,
                         workers=None, quiet=False):
    """Run the ingest with a progress bar and print its summary (shared with 'investigate')."""
    console = Console(stderr=True, quiet=quiet)
    if not console.is_terminal:
        console.width = 160     # a log file or a pipe: do not squeeze the summary table
    progress = Progress(TextColumn("[bold]parsing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                        TextColumn("{task.fields[lines]:>12,} lines"), TextColumn("{task.fields[rate]}"),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True)
    state = {"task": None, "lines": 0, "start": time.monotonic()}

    def on_plan(files: int, raw_bytes: int) -> None:
        state["task"] = progress.add_task("parse", total=max(raw_bytes, 1), lines=0, rate="")
        progress.start()

    def on_progress(lines: int, raw_bytes: int) -> None:
        state["lines"] += lines
        elapsed = max(time.monotonic() - state["start"], 1e-6)
        progress.update(state["task"], advance=raw_bytes, lines=state["lines"],
                        rate=f"{state['lines'] / elapsed:,.0f} lines/s")

    started = time.monotonic()
    try:
        summary = run_ingest(list(paths), case_dir, default_zone=default_zone, node_zones=node_zones,
                             year=year, node=node, workers=workers, progress=on_progress, on_plan=on_plan)
    finally:
        progress.stop()
    elapsed = time.monotonic() - started
    print_ingest_summary(console, summary, case_dir, elapsed)
    return summary


def print_ingest_summary(console: Console, summary, case_dir: str, elapsed: float) -> None:
    manifest = summary.manifest
    files = [f for f in manifest["files"] if not f.get("duplicate_of")]
    table = Table(title=f"case {case_dir}", title_justify="left")
    for name in ("node", "source", "files", "lines", "events", "ignored", "rejected", "first (UTC)", "last (UTC)"):
        table.add_column(name, justify="right" if name in ("files", "lines", "events", "ignored", "rejected") else "left")
    groups: dict[tuple, list[dict]] = {}
    for entry in files:
        groups.setdefault((entry["node"], entry["source"]), []).append(entry)
    for (node, source), entries in sorted(groups.items()):
        firsts = [e["first_ts"] for e in entries if e.get("first_ts")]
        lasts = [e["last_ts"] for e in entries if e.get("last_ts")]
        table.add_row(node, source, str(len(entries)), f"{sum(e['lines_read'] for e in entries):,}",
                      f"{sum(e['events'] for e in entries):,}", f"{sum(e['lines_ignored'] for e in entries):,}",
                      f"{sum(e['lines_rejected'] for e in entries):,}",
                      min(firsts)[:19] if firsts else "-", max(lasts)[:19] if lasts else "-")
    console.print(table)
    totals = manifest["totals"]
    rate = sum(e["lines_read"] for e in summary.parsed) / elapsed if elapsed > 0 else 0
    console.print(f"parsed {len(summary.parsed)} file(s), {len(summary.reused)} unchanged already in the case; "
                  f"{sum(e['lines_read'] for e in summary.parsed):,} lines in {elapsed:.1f} s ({rate:,.0f} lines/s)")
    console.print(f"totals: {totals['lines_read']:,} lines read = {totals['lines_parsed']:,} in events "
                  f"+ {totals['lines_ignored']:,} ignored + {totals['lines_rejected']:,} rejected "
                  f"[{'OK' if totals['accounting_ok'] else 'MISMATCH'}]; {totals['events']:,} events")
    console.print("[bold]assumptions[/bold] (also in manifest.json):", highlight=False)
    for sentence in manifest["assumptions"]:
        console.print(f"  - {sentence}", highlight=False, markup=False)
    for entry in manifest.get("skipped", []):
        console.print(f"  skipped {entry['path']}: {entry['reason']}", highlight=False, markup=False)
    for entry in files:
        if entry.get("error"):
            console.print(f"[red]error[/red] {entry['path']}: {entry['error']} "
                          f"({entry['lines_read']:,} lines recovered and ingested)", highlight=False)
        if entry.get("parser_errors"):
            console.print(f"[red]parser errors[/red] {entry['path']}: {entry['parser_errors']} record(s) "
                          "in rejects.jsonl — please report", highlight=False)
    for entry in manifest["files"]:
        if entry.get("duplicate_of"):
            console.print(f"  duplicate {entry['path']} = {entry['duplicate_of']} (not counted twice)",
                          highlight=False, markup=False)
    if totals["lines_rejected"]:
        reasons: dict[str, int] = {}
        for entry in files:
            for reason, count in entry.get("rejected_by_reason", {}).items():
                reasons[reason] = reasons.get(reason, 0) + count
        top = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:5]
        console.print(f"rejected lines are in {Case(case_dir).rejects_path} with file and line; most common:",
                      highlight=False)
        for reason, count in top:
            console.print(f"  {count:>10,}  {reason}", highlight=False, markup=False)


@main.command()
@click.option("--case", "case_dir", required=True, help="Case folder made by 'zimgraph ingest'.")
@click.option("--format", "fmt", type=click.Choice(["timesketch", "csv"]), default="timesketch",
              show_default=True, help="timesketch: JSONL for Timesketch import; csv: spreadsheet.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write.")
def timeline(case_dir, fmt, output):
    """Export the case's events as a timeline, oldest first.

    \b
    Example:
      zimgraph timeline --case case/ --format timesketch -o case/timeline.jsonl
    """
    from zimgraph.timeline import export
    count = export(case_dir, fmt, output)
    err_console.print(f"wrote {count:,} events to {output}")


@main.command()
def sources():
    """List the log sources zimgraph parses, with their file names.

    \b
    Example:
      zimgraph sources
    """
    table = Table()
    for name in ("source", "file names", "framing", "what it is"):
        table.add_column(name)
    for name, module in SOURCES.items():
        table.add_row(name, ", ".join(module.FILENAMES), module.FRAMING, summary(module))
    Console().print(table)


if __name__ == "__main__":  # pragma: no cover
    main()

"""``zimgraph pivot``: from seed indicators to compromised accounts, the attacker's other indicators, and why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zimgraph.casedata import load_case
from zimgraph.console import UserError, err_console
from zimgraph.ingest.case import write_text_atomic
from zimgraph.pivot.run import ALGORITHMS, parse_time, pivot
from zimgraph.pivot.seeds import parse_seed, read_seeds_file
from zimgraph.pivot.similar import add_similar

TABLE_WIDTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@click.command("pivot")
@click.option("--case", "case_dir", required=True, help="Case folder made by 'zimgraph ingest'.")
@click.option("--seed", "seed_texts", multiple=True, metavar="KIND:VALUE",
              help="A known-bad indicator (repeatable): ip, account, ua, sender, sha1, session, device, domain.")
@click.option("--seeds-file", type=click.Path(dir_okay=False), help="File of seeds, one KIND:VALUE per line.")
@click.option("--since", help="Only evidence from this UTC time on (ISO 8601, e.g. 2026-10-25T00:00).")
@click.option("--until", help="Only evidence up to this UTC time.")
@click.option("--similar", is_flag=True,
              help="Also list accounts whose post-login behaviour resembles the compromised ones (verdict related).")
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default="evidence", show_default=True,
              help="evidence (verdicts by evidence rules); khop, hub, ppr: the baselines of bench/pivot_eval.py.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object (DESIGN.md section 7).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, writable=True),
              help="Also write the interactive graph of the result to this file (offline HTML).")
def pivot_command(case_dir, seed_texts, seeds_file, since, until, similar, algorithm, as_json, html_file):
    """Pivot from seed indicators to the accounts the attacker got into, his other indicators and why.

    Infrastructure IPs, the office NAT, carrier gateways, common user-agents and newsletters are
    never followed. Writes pivot.json into the case folder too.

    \b
    Example:
      zimgraph pivot --case case/ --seed ip:203.0.113.45
      zimgraph pivot --case case/ --seed sha1:40742f1179e6d646fde8b737165afc7ec3d0075f --similar --json
      zimgraph pivot --case case/ --seed ip:203.0.113.45 --html case/pivot.html
    """
    seeds = [parse_seed(text) for text in seed_texts]
    if seeds_file:
        seeds += read_seeds_file(seeds_file)
    if not seeds:
        raise UserError("no seed given: add --seed KIND:VALUE (e.g. --seed ip:203.0.113.9) or --seeds-file FILE")
    case = load_case(case_dir)
    with err_console.status("building the graph and pivoting"):
        result = pivot(case.graph, seeds, since=parse_time(since, option="--since"),
                       until=parse_time(until, option="--until"), algorithm=algorithm)
        if similar:
            result = add_similar(result, case.sessions, case.messages)
    text = json.dumps(result, indent=1, sort_keys=False, ensure_ascii=False)
    write_text_atomic(Path(case.folder) / "pivot.json", text + "\n")
    if html_file:
        from zimgraph.report.render import pivot_view, write_graph_html
        seeds_said = ", ".join(s["seed"] for s in result["seeds"])
        write_graph_html(html_file, pivot_view(case.graph, result), title=f"pivot from {seeds_said}",
                         subtitle=f"case {case.folder}")
        err_console.print(f"graph written to {html_file}", highlight=False, markup=False)
    if as_json:
        click.echo(text)
    else:
        print_result(Console(width=TABLE_WIDTH, highlight=False), result)
        err_console.print(f"written to {Path(case.folder) / 'pivot.json'}", highlight=False)


def clean(value) -> str:
    """Log strings shown on a terminal: control characters escaped (no terminal injection)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", "" if value is None else str(value))


def shorten(value: str, width: int) -> str:
    return value if len(value) <= width else value[:width - 1] + "…"


def print_result(console: Console, result: dict) -> None:
    """The human-readable tables: accounts, indicators, clusters (fits 100 columns)."""
    seeds = ", ".join(clean(s["seed"]) for s in result["seeds"])
    counts = {v: sum(a["verdict"] == v for a in result["accounts"]) for v in ("compromised", "targeted", "related")}
    console.print(Text(f"pivot from {seeds} (first seen {result['anchor'] or '-'}): {counts['compromised']} compromised, "
                       f"{counts['targeted']} targeted, {counts['related']} related, {len(result['indicators'])} indicators"))
    table = Table(title="accounts", title_justify="left", expand=False)
    table.add_column("verdict", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("account", no_wrap=True, max_width=34)
    table.add_column("why (first reason; all in --json)", ratio=1)
    for entry in result["accounts"]:
        why = entry["why"][0] if entry["why"] else ""
        more = f" (+{len(entry['why']) - 1})" if len(entry["why"]) > 1 else ""
        table.add_row(entry["verdict"], f"{entry['score']:.2f}", Text(shorten(clean(entry["account"]), 34)),
                      Text(clean(why) + more))
    console.print(table)
    table = Table(title="indicators", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("value", max_width=40)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("why", ratio=1)
    for entry in result["indicators"]:
        table.add_row(entry["kind"], Text(shorten(clean(entry["value"]), 60)), f"{entry['score']:.2f}",
                      Text(clean(entry["why"][0] if entry["why"] else "")))
    console.print(table)
    table = Table(title="clusters", title_justify="left")
    for name in ("id", "accounts", "compromised", "indicators", "first seen", "last seen"):
        table.add_column(name, justify="right" if name in ("id", "accounts", "compromised", "indicators") else "left")
    for cluster in result["clusters"]:
        table.add_row(str(cluster["id"]), str(len(cluster["accounts"])), str(cluster["compromised"]),
                      str(len(cluster["indicators"])), cluster["first_seen"] or "-", cluster["last_seen"] or "-")
    console.print(table)

"""``zimgraph hunt`` (run hunts, print a summary or the JSON contract, write findings.json) and
``zimgraph show FILE:LINE`` (the raw evidence lines)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zimgraph.casedata import load_case
from zimgraph.ingest.case import write_text_atomic
from zimgraph.console import UserError, err_console
from zimgraph.hunts.evidence import EvidenceRefError, parse_ref, read_lines, resolve_file
from zimgraph.hunts.finding import SEVERITIES
from zimgraph.hunts.registry import HUNTS, all_params, resolve, run_hunts
from zimgraph.ingest.case import Case

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _param_options(command):
    """One ``--name`` option per hunt parameter (shared names apply to every hunt taking them)."""
    for param in sorted(all_params().values(), key=lambda p: p.name, reverse=True):
        users = sorted(h.name for h in HUNTS.values() if any(p.name == param.name for p in h.params))
        flag = "--" + param.name.replace("_", "-")
        kind = click.FLOAT if param.type is float else click.INT if param.type is int else click.STRING
        command = click.option(flag, param.name, type=kind, default=None, metavar=kind.name.upper(),
                               help=f"{param.help} [{', '.join(users)}; default {param.default!r}]")(command)
    return command


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--case", "case_dir", help="Case folder made by 'zimgraph ingest'.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON object (DESIGN.md section 7).")
@click.option("--list", "list_hunts", is_flag=True, help="List the hunts, their parameters and defaults.")
@click.option("--evidence", is_flag=True, help="Print the raw log lines of each finding's evidence.")
@click.option("--evidence-lines", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Evidence lines printed per finding with --evidence.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="info", show_default=True,
              help="Leave out findings below this severity (in the printout only; findings.json has all).")
@_param_options
def hunt(names, case_dir, as_json, list_hunts, evidence, evidence_lines, min_severity, **params):
    """Run the hunts (all, or the NAMEs given) on a case and print what they found.

    Findings are ordered by severity; every one carries evidence references (file:line) that
    'zimgraph show' prints. All findings are also written to findings.json in the case folder.

    \b
    Example:
      zimgraph hunt --case case/
      zimgraph hunt --case case/ bruteforce success-after-failures --spray-accounts 10
      zimgraph hunt --case case/ logins --ip 203.0.113.45 --json
    """
    if list_hunts:
        print_hunt_list(Console())
        return
    if not case_dir:
        raise UserError("--case DIR is required: zimgraph hunt --case case/ (or zimgraph hunt --list)")
    hunts = resolve(list(names))
    given = {name: value for name, value in params.items() if value is not None}
    for name in ("ip", "account", "ua"):
        if name in given and "logins" not in [h.name for h in hunts]:
            raise UserError(f"--{name} filters the 'logins' hunt: zimgraph hunt --case {case_dir} logins --{name} ...")
    if names == ("logins",) and not any(given.get(n) for n in ("ip", "account", "ua")):
        raise UserError("the logins hunt needs --ip, --account or --ua, e.g. "
                        f"zimgraph hunt --case {case_dir} logins --ip 203.0.113.45")
    case = load_case(case_dir)
    with err_console.status(f"hunting: {', '.join(h.name for h in hunts)}"):
        findings = run_hunts(case, [h.name for h in hunts], given)
    document = {"case": str(case.folder), "hunts": [h.name for h in hunts],
                "parameters": {k: given[k] for k in sorted(given)},
                "findings": [f.to_json() for f in findings]}
    out = Path(case.folder) / "findings.json"
    write_text_atomic(out, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(json.dumps(document, indent=1, ensure_ascii=False))
        return
    console = Console()
    if not console.is_terminal:
        console.width = 200     # a file or a pipe: do not squeeze the table
    shown = [f for f in findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(min_severity)]
    print_summary(console, shown, len(findings))
    if evidence:
        print_evidence(console, shown, case.manifest, evidence_lines)
    err_console.print(f"wrote {len(findings)} finding(s) to {out}", highlight=False)


def print_hunt_list(console: Console) -> None:
    if not console.is_terminal:
        console.width = 200
    table = Table(title="hunts", title_justify="left", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("what it finds")
    table.add_column("parameters (default)")
    for name, h in HUNTS.items():
        table.add_row(name, h.description,
                      "\n".join(f"--{p.name.replace('_', '-')} {p.type.__name__} ({p.default!r})" for p in h.params) or "-")
    console.print(table)


def print_summary(console: Console, findings, total: int) -> None:
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    table = Table(title=f"{len(findings)} finding(s) of {total}: "
                  + ", ".join(f"{n} {s}" for s, n in counts.items() if n), title_justify="left")
    for column in ("severity", "hunt", "title", "count", "first seen (UTC)", "last seen (UTC)"):
        table.add_column(column, no_wrap=column != "title", justify="right" if column == "count" else "left")
    for f in findings:
        # titles hold log strings: Text() keeps them from being read as markup
        table.add_row(Text(f.severity, style=SEVERITY_STYLE[f.severity]), Text(f.hunt), Text(f.title),
                      str(f.count), Text(_minute(f.first_seen)), Text(_minute(f.last_seen)))
    console.print(table)


def _minute(iso_time: str | None) -> str:
    return iso_time[:16].replace("T", " ") if iso_time else "-"


def print_evidence(console: Console, findings, manifest: dict, per_finding: int) -> None:
    wanted: dict[str, dict[int, int]] = {}
    for f in findings:
        for ref in f.evidence[:per_finding]:
            wanted.setdefault(ref["file"], {})[ref["line"]] = 0
    texts: dict[tuple[str, int], str] = {}
    for file, lines in sorted(wanted.items()):
        try:
            path = resolve_file(file, manifest)
            for number, text in read_lines(path, lines).items():
                texts[(file, number)] = text
        except EvidenceRefError as exc:      # one unreadable file must not hide the others
            for number in lines:
                texts[(file, number)] = f"<unreadable: {exc}>"
    for f in findings:
        console.print(Text(f"[{f.severity}] {f.hunt}: {f.title}", style=SEVERITY_STYLE[f.severity]))
        for ref in f.evidence[:per_finding]:
            console.print(Text(f"  {ref['file']}:{ref['line']}: {texts.get((ref['file'], ref['line']), '<not found>')}"),
                          soft_wrap=True)


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="FILE:LINE...")
@click.option("--case", "case_dir", help="Case folder: resolves FILE as recorded in its manifest.")
@click.option("--context", "-C", type=click.IntRange(0, 1000), default=0, show_default=True,
              help="Lines to print before and after.")
def show(refs, case_dir, context):
    """Print the raw evidence line(s) behind FILE:LINE references (read-only; .gz/.bz2/.xz read in memory).

    \b
    Example:
      zimgraph show --case case/ mta01/var/log/zimbra.log:1234 -C 2
    """
    manifest = Case(case_dir).require().manifest() if case_dir else None
    console = Console(highlight=False)
    for ref in refs:
        file, line = parse_ref(ref)
        path = resolve_file(file, manifest)
        if not manifest and not os.path.isfile(path):
            raise UserError(f"{file}: no such file (give --case DIR to resolve evidence paths through the manifest)")
        lines = read_lines(path, {line: context})
        if line not in lines:
            raise UserError(f"{file}: no line {line} (the file is shorter)")
        for number in sorted(lines):
            marker = ">" if number == line else " "
            console.print(Text(f"{marker} {file}:{number}: {lines[number]}"), soft_wrap=True)

"""``zimgraph investigate``: ingest + every hunt + pivot + the offline report, in one command."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from rich.console import Console

from zimgraph.console import UserError, evidence_options

#: hunts whose high-severity IPs make good seeds when the analyst gives none (strongest first)
SEED_HUNTS = ("success-after-failures", "webshell", "bruteforce", "new-client", "smtp-abuse")
AUTO_SEEDS = 3


def strongest_seeds(findings: list[dict], topology, *, limit: int = AUTO_SEEDS) -> list[tuple[str, str]]:
    """``[(seed, reason)]``: the IPs of the strongest critical/high findings, infrastructure excluded.

    >>> from zimgraph.correlate.topology import Topology
    >>> strongest_seeds([{"hunt": "success-after-failures", "severity": "high", "count": 9,
    ...                   "ips": ["203.0.113.9", "10.0.0.10"], "title": "t"}], Topology(infrastructure={"10.0.0.10": "proxy"}))
    [('ip:203.0.113.9', 'success-after-failures (high): t')]
    """
    rank = {"critical": 0, "high": 1}
    candidates = []
    for finding in findings:
        if finding.get("severity") not in rank or finding.get("hunt") not in SEED_HUNTS:
            continue
        for ip in finding.get("ips") or []:
            if topology.is_infrastructure(ip):
                continue
            candidates.append(((rank[finding["severity"]], SEED_HUNTS.index(finding["hunt"]),
                                -int(finding.get("count") or 0), ip),
                               f"ip:{ip}", f"{finding['hunt']} ({finding['severity']}): {finding.get('title', '')}"))
    seeds: dict[str, str] = {}
    for _key, seed, reason in sorted(candidates):
        if seed not in seeds:
            seeds[seed] = reason
        if len(seeds) == limit:
            break
    return list(seeds.items())


@click.command()
@evidence_options
@click.option("--seed", "seed_texts", multiple=True, metavar="KIND:VALUE",
              help="Known-bad indicator to pivot from (repeatable), e.g. ip:203.0.113.9.")
@click.option("--quiet", "-q", is_flag=True, help="Only the final lines.")
def investigate(paths, case_dir, seed_texts, default_zone, node_zones, year, node, workers, quiet):
    """Ingest the evidence, run every hunt, pivot from the seeds and write DIR/report.html.

    Without --seed, the pivot starts from the strongest hunt indicators (the IPs of the
    critical/high findings) and the report says so. Also writes findings.json, pivot.json and
    iocs.csv into the case folder.

    \b
    Example:
      zimgraph investigate collection/ --case case/ --tz Europe/Paris --seed ip:203.0.113.45
    """
    from zimgraph.casedata import load_case
    from zimgraph.cli import ingest_with_progress
    from zimgraph.hunts.registry import HUNTS, run_hunts
    from zimgraph.pivot.run import pivot
    from zimgraph.pivot.seeds import parse_seed
    from zimgraph.report.render import write_report

    console = Console(stderr=True)
    seeds = [parse_seed(text) for text in seed_texts]      # a bad seed fails before hours of parsing
    summary = ingest_with_progress(list(paths), case_dir, default_zone=default_zone,
                                   node_zones=node_zones, year=year, node=node, workers=workers,
                                   quiet=quiet)
    if summary.manifest["totals"]["errors"]:
        console.print("[red]some evidence could not be read completely[/red] (see above); "
                      "investigating what was recovered")
    started = time.monotonic()
    case = load_case(case_dir)
    with console.status("stitching messages, grouping sessions, building the graph"):
        graph = case.graph
    with console.status("running the hunts"):
        findings = [f.to_json() for f in run_hunts(case)]
    folder = Path(case_dir)
    # the same document as 'zimgraph hunt' writes
    _write_json(folder / "findings.json", {"case": str(case.folder), "hunts": list(HUNTS),
                                           "parameters": {}, "findings": findings})
    seed_note = None
    if not seeds:
        picked = strongest_seeds(findings, case.topology)
        if not picked:
            raise UserError("no seed given and no critical/high hunt finding to start from: "
                            "give one, e.g. --seed ip:203.0.113.9 (see 'zimgraph hunt --case "
                            f"{case_dir}')")
        seeds = [parse_seed(seed) for seed, _reason in picked]
        seed_note = "No seed was given: pivoted from the strongest hunt indicators — " + "; ".join(
            f"{seed} from {reason}" for seed, reason in picked)
        console.print(seed_note, highlight=False, markup=False)
    with console.status("pivoting from the seeds"):
        result = pivot(graph, seeds)
    _write_json(folder / "pivot.json", result)
    with console.status("writing the report"):
        report = write_report(case, findings=findings, result=result, folder=folder, seed_note=seed_note)
    compromised = [a["account"] for a in result["accounts"] if a["verdict"] == "compromised"]
    severe = sum(1 for f in findings if f["severity"] in ("critical", "high"))
    console.print(f"{len(findings)} findings ({severe} critical/high); {len(compromised)} compromised account(s): "
                  f"{', '.join(compromised) or 'none'} [{time.monotonic() - started:.1f} s after ingest]",
                  highlight=False, markup=False)
    click.echo(f"report: {report}")


def _write_json(path: Path, data) -> None:
    from zimgraph.ingest.case import write_text_atomic
    write_text_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

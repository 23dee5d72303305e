"""Write the HTML outputs: the pivot graph view, the whole-graph view, the investigation report.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9")
>>> g.add_node("account:a@x.gov", kind="Account", value="a@x.gov")
>>> g.add_edge("ip:203.0.113.9", "account:a@x.gov", key="LOGGED_IN", type="LOGGED_IN", count=2)
'LOGGED_IN'
>>> result = {"seeds": [{"kind": "ip", "value": "203.0.113.9", "nodes": ["ip:203.0.113.9"]}],
...           "accounts": [{"account": "a@x.gov", "verdict": "compromised", "score": 0.9, "why": ["w"],
...                         "paths": [["ip:203.0.113.9", "account:a@x.gov"]]}], "indicators": []}
>>> nodes, info, roots = pivot_selection(g, result)
>>> sorted(nodes), info["account:a@x.gov"]["verdict"], roots
(['account:a@x.gov', 'ip:203.0.113.9'], 'compromised', ['ip:203.0.113.9'])
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import networkx as nx

from zimgraph.graph.model import NODE_KINDS, node_id
from zimgraph.ingest.case import write_text_atomic
from zimgraph.report.graphview import build_view
from zimgraph.report.model import iocs_csv, report_model
from zimgraph.report.page import render_page

#: evidence lines read for the report (findings first, then the graph's strongest edges)
EVIDENCE_LINE_BUDGET = 3000


def _node_of(kind: str, value: str) -> str:
    """The node id of a pivot result's ``kind`` (a node kind, or already an id prefix) and value."""
    return node_id(kind, value) if kind in NODE_KINDS else f"{kind}:{value}"


def pivot_selection(graph: nx.MultiDiGraph, result: dict) -> tuple[set[str], dict[str, dict], list[str]]:
    """The nodes of a pivot result (seeds, accounts, indicators and every node on their paths),
    the per-node info (score, verdict, why) and the roots (the seeds)."""
    roots = sorted({n for seed in result.get("seeds", []) for n in seed.get("nodes", []) if n in graph})
    nodes: set[str] = set(roots)
    info: dict[str, dict] = {n: {"score": 1.0, "why": ["seed"], "role": "seed"} for n in roots}
    for account in result.get("accounts", []):
        node = _node_of("Account", account["account"])
        info[node] = {"score": account.get("score"), "verdict": account.get("verdict"), "why": account.get("why", [])}
        nodes.add(node)
        for path in account.get("paths", []):
            nodes.update(n for n in path if n in graph)
    for indicator in result.get("indicators", []):
        node = _node_of(indicator["kind"], indicator["value"])
        if node not in info:
            why = indicator.get("why") or []
            info[node] = {"score": indicator.get("score"), "why": why if isinstance(why, list) else [why]}
        nodes.add(node)
        for path in indicator.get("paths", []):
            nodes.update(n for n in path if n in graph)
    return {n for n in nodes if n in graph}, info, roots


def pivot_view(graph: nx.MultiDiGraph, result: dict) -> dict:
    nodes, info, roots = pivot_selection(graph, result)
    return build_view(graph.subgraph(nodes), roots=roots, info=info, title="pivot")


def write_graph_html(path: str | os.PathLike, view: dict, *, title: str, subtitle: str = "",
                     evidence_lines: dict[str, str] | None = None) -> None:
    write_text_atomic(Path(path), render_page(view, title=title, subtitle=subtitle, evidence_lines=evidence_lines))


def evidence_text(case, refs: list[str]) -> dict[str, str]:
    """``{ref: raw line}`` for ``file:line`` references (read-only, one pass per file)."""
    from zimgraph.hunts.evidence import EvidenceRefError, parse_ref, read_lines, resolve_file
    wanted: dict[str, dict[int, int]] = defaultdict(dict)
    for ref in refs:
        try:
            file, line = parse_ref(ref)
        except EvidenceRefError:
            continue
        wanted[file][line] = 0
    out: dict[str, str] = {}
    for file, lines in sorted(wanted.items()):
        try:
            found = read_lines(resolve_file(file, case.manifest), lines)
        except EvidenceRefError:
            continue                       # a moved evidence file: the reference still shows
        for line in lines:
            if line in found:
                out[f"{file}:{line}"] = found[line]
    return out


def write_report(case, *, findings: list[dict], result: dict, folder: str | os.PathLike,
                 seed_note: str | None = None, title: str = "Zimbra compromise investigation") -> Path:
    """Write ``report.html`` and ``iocs.csv`` into ``folder``; returns the report path."""
    folder = Path(folder)
    view = pivot_view(case.graph, result)
    refs: list[str] = []
    for finding in findings:
        refs += [f"{e['file']}:{e['line']}" for e in (finding.get("evidence") or [])[:8]]
    strong = sorted(view["edges"], key=lambda e: (not str(e["from"]).startswith("ip:"), -e["count"], e["id"]))
    for edge in strong:
        refs += edge["evidence"][:3]
    refs = list(dict.fromkeys(refs))[:EVIDENCE_LINE_BUDGET]
    lines = evidence_text(case, refs)
    model = report_model(case, findings=findings, pivot=result, iocs_file=str(folder / "iocs.csv"),
                         evidence_lines=lines, seed_note=seed_note)
    write_text_atomic(folder / "iocs.csv", iocs_csv(model["iocs"]))
    subtitle = (f"case {case.folder} · {len(case.events):,} events · {len(case.messages):,} messages · "
                f"generated by zimgraph")
    report = folder / "report.html"
    write_text_atomic(report, render_page(view, title=title, subtitle=subtitle, report=model, evidence_lines=lines))
    return report

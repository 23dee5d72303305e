"""``zimgraph graph``: node/edge counts of the evidence graph, and export for Gephi/Cytoscape."""

from __future__ import annotations

from collections import Counter

import click
from rich.console import Console
from rich.table import Table

from zimgraph.casedata import load_case
from zimgraph.console import err_console
from zimgraph.graph.export import FORMATS, export_graph
from zimgraph.graph.model import EDGE_TYPES, NODE_KINDS


@click.command()
@click.option("--case", "case_dir", required=True, help="Case folder made by 'zimgraph ingest'.")
@click.option("--stats", is_flag=True, help="Print node and edge counts by kind (the default).")
@click.option("--export", "export", nargs=2, metavar="FORMAT FILE",
              help=f"Write the graph: FORMAT is one of {', '.join(FORMATS)}.")
@click.option("--internal-domain", "internal_domains", multiple=True, metavar="DOMAIN",
              help="A mail domain hosted here (repeatable); replaces the learned list and is remembered.")
@click.option("--infra-ip", "infra_ips", multiple=True, metavar="IP",
              help="An address of the platform itself (repeatable): never treated as a client; remembered.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, writable=True),
              help="Write the interactive graph (offline HTML): the pivot view with --seed, else the whole graph capped.")
@click.option("--seed", "seed_texts", multiple=True, metavar="KIND:VALUE",
              help="With --html: draw the pivot from these seeds (repeatable), e.g. ip:203.0.113.9.")
def graph(case_dir, stats, export, internal_domains, infra_ips, html_file, seed_texts):
    """Build the evidence graph of a case; print its counts or export it.

    Messages are stitched across re-queues and login sessions grouped first; both are saved
    in the case (messages.parquet, sessions.parquet) and reused until the events change.

    \b
    Example:
      zimgraph graph --case case/ --stats
      zimgraph graph --case case/ --export graphml case/graph.graphml
      zimgraph graph --case case/ --html case/graph.html --seed ip:203.0.113.45
    """
    if export and export[0] not in FORMATS:
        raise click.BadParameter(f"{export[0]!r}: write --export graphml FILE or --export json FILE",
                                 param_hint="--export")
    case = load_case(case_dir, internal_domains=list(internal_domains) or None,
                     infrastructure_ips=list(infra_ips) or None)
    with err_console.status("stitching messages, grouping sessions, building the graph"):
        g = case.graph
    if stats or not (export or html_file):
        print_stats(Console(), case, g)
    if html_file:
        write_html(case, g, html_file, seed_texts)
    if export:
        fmt, path = export
        export_graph(g, fmt, path)
        err_console.print(f"wrote {g.number_of_nodes():,} nodes and {g.number_of_edges():,} edges to {path} ({fmt})",
                          highlight=False)


def write_html(case, g, path: str, seed_texts: tuple[str, ...]) -> None:
    """The pivot view from the seeds, or (no seed) the whole graph with its hubs capped."""
    from zimgraph.report.graphview import build_view
    from zimgraph.report.render import pivot_view, write_graph_html
    if seed_texts:
        from zimgraph.pivot.run import pivot
        from zimgraph.pivot.seeds import parse_seed
        result = pivot(g, [parse_seed(text) for text in seed_texts])
        view, title = pivot_view(g, result), "pivot from " + ", ".join(seed_texts)
    else:
        # people and machines first: messages and amavis sessions only where they link them
        ranked = sorted(g.nodes, key=lambda n: (-g.degree(n), n))
        view, title = build_view(g, roots=ranked[:1]), f"graph of {case.folder}"
    write_graph_html(path, view, title=title, subtitle=f"case {case.folder}")
    err_console.print(f"graph written to {path} ({len(view['nodes']):,} nodes shown of {g.number_of_nodes():,})",
                      highlight=False, markup=False)


def print_stats(console: Console, case, g) -> None:
    nodes = Counter(attrs.get("kind") for _n, attrs in g.nodes(data=True))
    edges = Counter(key for _u, _v, key in g.edges(keys=True))
    table = Table(title=f"graph of {case.folder}", title_justify="left")
    table.add_column("node kind")
    table.add_column("count", justify="right")
    for kind in NODE_KINDS:
        table.add_row(kind, f"{nodes.get(kind, 0):,}")
    console.print(table)
    table = Table()
    table.add_column("edge type")
    table.add_column("count", justify="right")
    table.add_column("evidence records", justify="right")
    for edge_type in EDGE_TYPES:
        records = sum(d["count"] for _u, _v, k, d in g.edges(keys=True, data=True) if k == edge_type)
        table.add_row(edge_type, f"{edges.get(edge_type, 0):,}", f"{records:,}")
    console.print(table)
    infra = case.topology.infrastructure
    console.print(f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges; "
                  f"{len(case.messages):,} messages, {len(case.sessions):,} login sessions", highlight=False)
    console.print(f"internal domains: {', '.join(sorted(case.topology.internal_domains)) or '(none found)'}",
                  highlight=False)
    console.print("infrastructure (never a client): "
                  + (", ".join(f"{ip} ({role})" for ip, role in sorted(infra.items())) or "(none found)"),
                  highlight=False)

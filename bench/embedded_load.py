"""Benchmark: load a case graph with 1 million relationships into the embedded Cypher engine.

Builds a synthetic graph shaped like docs/model.md (IPs, accounts, user-agents; LOGGED_IN,
AUTH_FAILED, ACCESSED and USED_UA edges with the usual attributes; seeded), then times the three
steps ``zimgraph query`` takes on a fresh case: networkx graph -> typed rows, bulk COPY into ladybug,
and two library queries on the result. Prints one line per step and peak RSS.

Usage: python bench/embedded_load.py [--relationships 1000000] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from zimgraph.neo4j.rows import graph_rows
from zimgraph.query.embedded import build_database, run_cypher
from zimgraph.query.library import find_query
from zimgraph.query.run import bind_params

EDGE_TYPES = ("LOGGED_IN", "AUTH_FAILED", "ACCESSED", "USED_UA")


def synthetic_graph(relationships: int, *, seed: int) -> nx.MultiDiGraph:
    """About relationships/10 IPs, relationships/40 accounts, 2,000 user-agents; unique (src, dst, type) edges."""
    rng = random.Random(seed)
    n_ips, n_accounts, n_uas = max(relationships // 10, 10), max(relationships // 40, 10), 2000
    g = nx.MultiDiGraph()
    stamp = {"first_seen": "2026-10-24T08:00:00.000Z", "last_seen": "2026-10-26T18:00:00.000Z", "count": 1}
    g.add_nodes_from((f"ip:10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
                      {"kind": "IP", "value": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
                       "infrastructure": i < 3, "role": "proxy" if i < 3 else None, "private": True, **stamp})
                     for i in range(n_ips))
    g.add_nodes_from((f"account:user{i}@example.gov", {"kind": "Account", "value": f"user{i}@example.gov",
                                                        "internal": True, **stamp}) for i in range(n_accounts))
    g.add_nodes_from((f"ua:agent/{i}", {"kind": "UserAgent", "value": f"agent/{i}", **stamp}) for i in range(n_uas))
    ips, accounts, uas = list(g.nodes)[:n_ips], list(g.nodes)[n_ips:n_ips + n_accounts], list(g.nodes)[n_ips + n_accounts:]
    made = 0
    while made < relationships:
        rel = EDGE_TYPES[made % 4]
        src = rng.choice(ips)
        dst = rng.choice(uas) if rel == "USED_UA" else rng.choice(accounts)
        if g.has_edge(src, dst, key=rel):
            continue
        g.add_edge(src, dst, key=rel, type=rel, count=rng.randint(1, 50), protocols=["imap", "soap"],
                   outcomes=["failure" if rel == "AUTH_FAILED" else "success"],
                   evidence=[f"mailbox.log:{made}"], **{k: stamp[k] for k in ("first_seen", "last_seen")})
        made += 1
    return g


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="Write the database here instead of a temporary folder.")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    graph = synthetic_graph(args.relationships, seed=args.seed)
    print(f"synthetic graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} relationships "
          f"in {time.perf_counter() - started:.1f} s (setup, not part of the load)")

    started = time.perf_counter()
    rows = graph_rows(graph, case_name="bench")
    rows_s = time.perf_counter() - started
    print(f"graph -> typed rows:        {rows_s:6.1f} s  ({rows.relationship_count() / rows_s:,.0f} relationships/s)")

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="zimgraph-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    path = build_database(graph, folder / "bench.lbug", case_name="bench", rows=rows)
    load_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.glob("bench.lbug*"))
    print(f"bulk COPY into ladybug:     {load_s:6.1f} s  ({rows.relationship_count() / load_s:,.0f} relationships/s, "
          f"{size / 1e6:,.0f} MB on disk)")

    columns, counted = run_cypher(path, "MATCH ()-[r]->() RETURN count(r) AS n", {})
    assert counted[0][0] == rows.relationship_count(), (counted, rows.relationship_count())
    for name, params in (("logins-from-ip", {"ip": "10.0.0.7"}), ("failures-then-success-per-ip", {})):
        query = find_query(name)
        started = time.perf_counter()
        _, result = run_cypher(path, query.text, bind_params(query, params))
        print(f"query {name:<28} {time.perf_counter() - started:6.2f} s  ({len(result):,} rows)")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB; database: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

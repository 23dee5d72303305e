#!/usr/bin/env python3
"""Graph benchmark: stitch messages, group sessions and build the graph for ~1 million events.

    python3 bench/graph.py [--scale 37] [--out bench/out] [--json FILE]

Generates (once, cached in ``--out``) the example scenario at ``--scale`` (37 gives about 1M
events), ingests it once into a cached case, then times each derived stage on a fresh load:
reading the events, learning the topology, stitching messages, grouping login sessions and
building the networkx graph, and the second ``load_case(...).graph`` that reads the cached
tables. Prints events, messages, sessions, nodes, edges, seconds per stage and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def prepare(out: str, scale: float) -> str:
    """Evidence and case for ``scale`` (made once); returns the case folder."""
    base = os.path.join(out, f"graph-seed1-scale{scale:g}")
    case = os.path.join(base, "case")
    if not os.path.exists(os.path.join(base, ".complete")):
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(base)
        subprocess.run([sys.executable, os.path.join(ROOT, "examples", "generate.py"), os.path.join(base, "evidence"),
                        "--seed", "1", "--scale", f"{scale:g}"], check=True)
        subprocess.run([sys.executable, "-m", "zimgraph", "ingest", os.path.join(base, "evidence"), "--case", case,
                        "--tz", "Europe/Paris", "-q"], check=True)
        open(os.path.join(base, ".complete"), "w").close()
    for name in ("derived.json", "messages.parquet", "sessions.parquet", "topology.json"):
        path = os.path.join(case, name)
        if os.path.exists(path):
            os.remove(path)
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=37.0)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--json")
    args = parser.parse_args()
    case_dir = prepare(args.out, args.scale)

    from zimgraph.casedata import load_case
    from zimgraph.correlate.messages import stitch_messages
    from zimgraph.correlate.sessions import login_sessions
    from zimgraph.correlate.topology import learn_topology
    from zimgraph.graph.build import build_graph

    figures: dict = {}

    def timed(name, fn):
        start = time.perf_counter()
        value = fn()
        figures[name] = round(time.perf_counter() - start, 2)
        print(f"{name:<22} {figures[name]:>7.2f} s", flush=True)
        return value

    case = load_case(case_dir)
    events = timed("read events", lambda: case.events)
    topology = timed("learn topology", lambda: learn_topology(events))
    messages = timed("stitch messages", lambda: stitch_messages(events, topology))
    sessions = timed("login sessions", lambda: login_sessions(events, topology))
    graph = timed("build graph", lambda: build_graph(events, messages, topology=topology))
    timed("first load_case.graph", lambda: load_case(case_dir).graph)        # derives and caches the tables
    timed("cached load_case.graph", lambda: load_case(case_dir).graph)
    figures.update(events=len(events), messages=len(messages), sessions=len(sessions),
                   nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
                   peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    total = figures["learn topology"] + figures["stitch messages"] + figures["login sessions"] + figures["build graph"]
    figures["derive_total_s"] = round(total, 2)
    print(f"{figures['events']:,} events -> {figures['messages']:,} messages, {figures['sessions']:,} sessions, "
          f"{figures['nodes']:,} nodes, {figures['edges']:,} edges; derive total {total:.1f} s; "
          f"peak RSS {figures['peak_rss_mb']:,} MB")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Hunt benchmark: every hunt over a case of at least ``--min-events`` events (default 5 million).

    python3 bench/hunts.py --case CASE [--min-events 5000000] [--json FILE]

CASE is an ingested case, e.g. the example generated at a larger scale::

    python3 examples/generate.py --seed 1 --scale 190 /tmp/bench-ev
    zimgraph ingest /tmp/bench-ev --case /tmp/bench-case --tz Europe/Paris -q

When the case holds fewer events than ``--min-events``, its events and messages are replicated
(each copy shifted in time past the previous one; the last copy only its earliest part)
until it does. Prints the time to load the
tables, the events and messages counts, the seconds of each hunt and of all hunts, the findings
by severity and the peak RSS, with PASS/FAIL against the target (all hunts in under 60 s).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from types import SimpleNamespace

import pandas as pd

from zimgraph.casedata import load_case
from zimgraph.hunts import HUNTS, run_hunts

TARGET_SECONDS = 60.0


def replicate(events: pd.DataFrame, messages: pd.DataFrame, minimum: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Copies of the tables shifted in time until there are ``minimum`` events."""
    if len(events) >= minimum or events.empty:
        return events, messages, 1
    copies = -(-minimum // len(events))
    start = events["ts"].min()
    span = events["ts"].max() - start + pd.Timedelta(days=1)
    ev_parts, msg_parts = [], []
    for k in range(copies):
        ev, msg = events, messages
        missing = minimum - sum(len(p) for p in ev_parts)
        if missing < len(events):            # the last copy: only the earliest part that is still needed
            cut = events["ts"].iloc[missing]
            ev, msg = events[events["ts"] <= cut], messages[messages["first_seen"] <= cut]
        ev_parts.append(ev.assign(ts=ev["ts"] + span * k))
        msg_parts.append(msg.assign(first_seen=msg["first_seen"] + span * k, last_seen=msg["last_seen"] + span * k,
                                    message_key=msg["message_key"] + f"#{k}"))
    return pd.concat(ev_parts, ignore_index=True), pd.concat(msg_parts, ignore_index=True), copies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", required=True)
    parser.add_argument("--min-events", type=int, default=5_000_000)
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    case = load_case(args.case)
    events, messages, topology = case.events, case.messages, case.topology
    load_s = time.perf_counter() - started
    events, messages, copies = replicate(events, messages, args.min_events)
    bench_case = SimpleNamespace(events=events, messages=messages, topology=topology, sessions=None)
    print(f"case {args.case}: {len(events):,} events, {len(messages):,} messages"
          f"{f' (replicated: {copies} time-shifted copies, the last partial)' if copies > 1 else ''}; tables loaded/derived in {load_s:.1f} s", flush=True)

    per_hunt = {}
    for name in HUNTS:
        t = time.perf_counter()
        run_hunts(bench_case, [name], {"ip": "203.0.113.45"} if name == "logins" else None)
        per_hunt[name] = time.perf_counter() - t
        print(f"  {name:<24} {per_hunt[name]:7.2f} s", flush=True)

    bench_case = SimpleNamespace(events=events.copy(deep=False), messages=messages, topology=topology, sessions=None)
    t = time.perf_counter()            # a new events object: nothing cached from the runs above
    findings = run_hunts(bench_case, None, {"ip": "203.0.113.45"})
    all_s = time.perf_counter() - t
    severities = Counter(f.severity for f in findings)
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    verdict = "PASS" if all_s < TARGET_SECONDS and len(events) >= args.min_events else "FAIL"
    print(f"all hunts: {all_s:.1f} s over {len(events):,} events ({len(events) / all_s:,.0f} events/s); "
          f"{len(findings)} findings {dict(sorted(severities.items()))}; peak RSS {rss_gb:.2f} GB; "
          f"target < {TARGET_SECONDS:.0f} s: {verdict}")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump({"events": len(events), "messages": len(messages), "copies": copies, "load_s": load_s,
                       "per_hunt_s": per_hunt, "all_hunts_s": all_s, "findings": len(findings),
                       "peak_rss_gb": rss_gb, "verdict": verdict}, fh, indent=2)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

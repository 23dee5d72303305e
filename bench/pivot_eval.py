#!/usr/bin/env python3
"""Precision and recall of ``zimgraph pivot`` on the generated example scenario, per algorithm.

For each generator seed, writes the example evidence, ingests it, builds the graph, then pivots
from each attacker IP alone (``ground_truth.json`` → ``attacker_ips``) with every algorithm and
prints: precision and recall of the ``compromised`` verdict, how many compromised accounts have a
path back to the seed, infrastructure / office-NAT / carrier IPs among the returned indicators,
and which planted traps leaked (``ground_truth.json`` → ``traps``).

    python bench/pivot_eval.py                      # generator seeds 1 2 3, scale 1
    python bench/pivot_eval.py --seeds 1 2 3 4 5 --scale 0.5 --work /tmp/pivot-eval

Targets (issue 4): precision ≥ 0.95 and recall ≥ 0.95 from a single attacker-IP seed, no
infrastructure/NAT/carrier IP among the indicators, every compromised account explained by a path.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from zimgraph import load_case  # noqa: E402
from zimgraph.ingest import ingest  # noqa: E402
from zimgraph.pivot import ALGORITHMS, pivot  # noqa: E402


def build_case(work: Path, seed: int, scale: float) -> tuple[dict, object]:
    evidence, case_dir = work / f"evidence-{seed}", work / f"case-{seed}"
    for path in (evidence, case_dir):
        shutil.rmtree(path, ignore_errors=True)
    subprocess.run([sys.executable, str(REPO / "examples" / "generate.py"), str(evidence), "--seed", str(seed),
                    "--scale", str(scale)], check=True, capture_output=True)
    ingest([str(evidence)], str(case_dir), default_zone="Europe/Paris", workers=1)
    truth = json.loads((evidence / "ground_truth.json").read_text())
    return truth, load_case(case_dir)


def score(result: dict, truth: dict) -> dict:
    """Precision/recall of compromised, explained accounts, hub IPs among indicators, leaked traps."""
    compromised = set(truth["compromised_accounts"])
    got = {a["account"] for a in result["accounts"] if a["verdict"] == "compromised"}
    hits = got & compromised
    precision = len(hits) / len(got) if got else 0.0
    recall = len(hits) / len(compromised) if compromised else 1.0
    explained = sum(1 for a in result["accounts"] if a["verdict"] == "compromised" and a["paths"]
                    and any(p and p[0] in {s["seed"] for s in result["seeds"]} for p in a["paths"]))
    ips = {i["value"] for i in result["indicators"] if i["kind"] == "ip"}
    infra = set(truth["proxy_ips"]) | set(truth["mailstore_ips"]) | set(truth["mta_ips"])
    nat, carriers = {truth["office_nat_ip"]}, set(truth["carrier_ips"])
    hubs = sorted(ips & (infra | nat | carriers))
    traps, leaked = truth["traps"], []
    verdict = {a["account"]: a["verdict"] for a in result["accounts"]}
    values = {i["value"] for i in result["indicators"]}
    if ips & nat:
        leaked.append("office NAT among indicators")
    if traps["compromised_also_from_office_nat"] not in got:
        leaked.append("compromised user also on the NAT missed")
    if traps["forged_xff"]["account"] not in got:
        leaked.append("forged X-Forwarded-For account missed")
    for account in traps["attacker_ua_benign_accounts"]:
        if verdict.get(account) == "compromised":
            leaked.append(f"benign user of the attacker UA called compromised ({account})")
    if ips & carriers:
        leaked.append(f"carrier IP among indicators ({', '.join(sorted(ips & carriers))})")
    if {traps["newsletter"]["sha1"], traps["newsletter"]["sender"]} & values:
        leaked.append("newsletter among indicators")
    for account in truth["lockout_accounts"]:
        if verdict.get(account) == "compromised":
            leaked.append(f"benign lockout called compromised ({account})")
    if set(traps["second_campaign"]["ips"]) & ips:
        leaked.append("second campaign's IP among indicators")
    benign_home = {d["home_ip"] for d in truth["account_details"] if d["name"] not in compromised} - nat
    if ips & benign_home:
        leaked.append(f"benign home IP among indicators ({', '.join(sorted(ips & benign_home))})")
    return {"precision": precision, "recall": recall, "flagged": len(got), "explained": explained,
            "compromised_true": len(compromised & got), "hub_ips": hubs, "leaked": leaked,
            "indicators": len(result["indicators"]), "targeted": sum(v == "targeted" for v in verdict.values())}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="generator seeds")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS), choices=ALGORITHMS)
    p.add_argument("--work", help="working folder (default: a temporary one, removed at the end)")
    p.add_argument("--json", dest="json_out", help="also write every row as JSON to this file")
    a = p.parse_args(argv)
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="pivot-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"{'gen':>3} {'algorithm':<9} {'seed IP':<15} {'P':>5} {'R':>5} {'flag':>4} {'expl':>4} "
          f"{'ind':>4} {'ms':>6}  hub IPs / leaked traps")
    try:
        for gen in a.seeds:
            truth, case = build_case(work, gen, a.scale)
            graph = case.graph
            for algorithm in a.algorithms:
                for ip in truth["attacker_ips"]:
                    started = time.perf_counter()
                    result = pivot(graph, [f"ip:{ip}"], algorithm=algorithm)
                    elapsed = (time.perf_counter() - started) * 1000
                    row = {"generator_seed": gen, "algorithm": algorithm, "seed": ip, "ms": round(elapsed, 1),
                           **score(result, truth)}
                    rows.append(row)
                    notes = "; ".join(([f"hub IPs: {', '.join(row['hub_ips'])}"] if row["hub_ips"] else []) + row["leaked"])
                    print(f"{gen:>3} {algorithm:<9} {ip:<15} {row['precision']:>5.2f} {row['recall']:>5.2f} "
                          f"{row['flagged']:>4} {row['explained']:>4} {row['indicators']:>4} {elapsed:>6.0f}  {notes[:120]}")
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    print("\nsummary per algorithm (over every generator seed and attacker-IP seed):")
    print(f"{'algorithm':<9} {'runs':>4} {'mean P':>7} {'min P':>6} {'mean R':>7} {'min R':>6} {'hub-IP runs':>11} "
          f"{'leaky runs':>10} {'all explained':>13}")
    for algorithm in a.algorithms:
        mine = [r for r in rows if r["algorithm"] == algorithm]
        if not mine:
            continue
        print(f"{algorithm:<9} {len(mine):>4} {sum(r['precision'] for r in mine) / len(mine):>7.3f} "
              f"{min(r['precision'] for r in mine):>6.2f} {sum(r['recall'] for r in mine) / len(mine):>7.3f} "
              f"{min(r['recall'] for r in mine):>6.2f} {sum(bool(r['hub_ips']) for r in mine):>11} "
              f"{sum(bool(r['leaked']) for r in mine):>10} "
              f"{sum(r['explained'] == r['flagged'] for r in mine):>8}/{len(mine)}")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

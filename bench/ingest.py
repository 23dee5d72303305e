#!/usr/bin/env python3
"""Ingest benchmark: ``zimgraph ingest`` against ``grep -c`` on the same generated evidence.

    python3 bench/ingest.py [--size-mb 1000] [--out bench/out] [--json FILE] [--seed 1]

1. Generates (once; cached in ``--out`` keyed by the arguments) an example collection with
   ``examples/generate.py``, choosing ``--scale`` so that the uncompressed text is about
   ``--size-mb`` MB.
2. Times ``grep -c -F`` with a fixed string over every file (``zcat -f FILE | grep -c`` for
   ``.gz``), as the floor of what reading the evidence costs.
3. Runs ``python -m zimgraph ingest DIR --case <fresh temporary case> --tz Europe/Paris -q``
   as a subprocess, sampling VmRSS of the child and all its descendants every 0.2 s
   (peak of the largest single process and peak of the sum over the process tree).
4. Prints lines, MB (uncompressed and on disk), wall time, lines/s, MB/s, peak RSS, the ratio
   to grep, and the targets (>= 250,000 lines/s, peak RSS < 1.5 GB) with PASS/FAIL.
   ``--json FILE`` saves the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "examples", "generate.py")
GREP_STRING = "example.gov"
TARGET_LINES_PER_S = 250_000
TARGET_RSS_BYTES = 1.5 * 1024**3
CALIBRATION_SCALES = (1.0, 4.0)  # size is about a + b * scale (the attacks are a fixed part)
MB = 1e6


# ----------------------------------------------------------------------------------------------
# Evidence
# ----------------------------------------------------------------------------------------------

def generate(dest: str, seed: int, scale: float) -> dict:
    """Run the generator into ``dest`` (reused when complete); return its ground truth."""
    done = os.path.join(dest, ".complete")
    truth_path = os.path.join(dest, "evidence", "ground_truth.json")
    if not os.path.exists(done):
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        cmd = [sys.executable, GENERATOR, os.path.join(dest, "evidence"), "--seed", str(seed), "--scale", f"{scale:g}"]
        print(f"generating: {' '.join(cmd)}", flush=True)
        subprocess.run(cmd, check=True)
        open(done, "w").close()
    with open(truth_path, encoding="utf-8") as fh:
        return json.load(fh)


def text_mb(truth: dict) -> float:
    return sum(f["text_bytes"] for f in truth["files"]) / MB


def set_dir(out: str, seed: int, scale: float) -> str:
    """Cache folder keyed by the generator's arguments and its source (a changed generator regenerates)."""
    with open(GENERATOR, "rb") as fh:
        version = hashlib.sha256(fh.read()).hexdigest()[:10]
    return os.path.join(out, f"seed{seed}-scale{scale:g}-gen{version}")


def evidence_for(size_mb: float, out: str, seed: int) -> tuple[str, dict]:
    """Fit size = a + b·scale on two small scales, then generate about ``size_mb`` MB (all cached)."""
    (s1, s2) = CALIBRATION_SCALES
    m1, m2 = (text_mb(generate(set_dir(out, seed, s), seed, s)) for s in CALIBRATION_SCALES)
    slope = (m2 - m1) / (s2 - s1)
    scale = round(max((size_mb - (m1 - slope * s1)) / slope, 0.05), 2)
    dest = set_dir(out, seed, scale)
    return os.path.join(dest, "evidence"), generate(dest, seed, scale)


# ----------------------------------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------------------------------

def grep_count(root: str, files: list[str]) -> tuple[int, float]:
    """``grep -c -F`` over every file (through ``zcat -f`` for .gz); returns (matches, wall s)."""
    total, t0 = 0, time.perf_counter()
    for rel in files:
        path = os.path.join(root, rel)
        if path.endswith(".gz"):
            zcat = subprocess.Popen(["zcat", "-f", path], stdout=subprocess.PIPE)
            res = subprocess.run(["grep", "-c", "-F", GREP_STRING], stdin=zcat.stdout, capture_output=True, text=True)
            zcat.stdout.close()
            zcat.wait()
        else:
            res = subprocess.run(["grep", "-c", "-F", GREP_STRING, path], capture_output=True, text=True)
        total += int(res.stdout.strip() or 0)
    return total, time.perf_counter() - t0


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> tuple[int, int]:
    """(largest single VmRSS, sum of VmRSS) over ``root`` and its descendants."""
    kids, todo, sizes = _children_map(), [root], []
    while todo:
        pid = todo.pop()
        sizes.append(_rss_bytes(pid))
        todo.extend(kids.get(pid, []))
    return max(sizes, default=0), sum(sizes)


def run_ingest(python: str, evidence: str, case: str) -> dict:
    """Run the ingest as a subprocess and sample its memory every 0.2 s."""
    cmd = [python, "-m", "zimgraph", "ingest", evidence, "--case", case, "--tz", "Europe/Paris", "-q"]
    peak = {"single": 0, "tree": 0, "samples": 0}
    t0 = time.perf_counter()
    # not cwd=ROOT: 'python -m' puts the working folder first on sys.path, and the source tree
    # would then shadow the zimgraph installed for --python (an A/B against another build)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=os.path.dirname(case))

    def sample() -> None:
        while proc.poll() is None:
            single, total = tree_rss(proc.pid)
            peak["single"], peak["tree"] = max(peak["single"], single), max(peak["tree"], total)
            peak["samples"] += 1
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.join()
    # The kernel's own high-water mark of the largest waited-for descendant (KiB on Linux).
    ru_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode != 0:
        sys.exit(f"error: zimgraph ingest failed (exit {proc.returncode}):\n{stderr.strip() or stdout.strip()}")
    return {"command": cmd, "wall_s": wall, "peak_rss_single_bytes": max(peak["single"], ru_max),
            "peak_rss_tree_bytes": max(peak["tree"], peak["single"], ru_max), "rss_samples": peak["samples"]}


def check_zimgraph(python: str) -> str:
    """Where ``python`` imports zimgraph from (exits with a hint when it cannot)."""
    res = subprocess.run([python, "-c", "import zimgraph.cli; print(zimgraph.cli.__file__)"],
                         capture_output=True, text=True, cwd=tempfile.gettempdir())
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["(no message)"])[-1]
        sys.exit(f"error: cannot import zimgraph with {python}: {last}\n"
                 f"install it (pip install -e {ROOT}) or pass --python /path/to/venv/bin/python")
    return os.path.dirname(res.stdout.strip())


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------

def manifest_totals(case: str) -> dict:
    with open(os.path.join(case, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    files, totals = manifest.get("files", []), manifest.get("totals") or {}
    if "lines_read" in totals:
        return {"lines_read": totals["lines_read"], "events": totals.get("events", 0),
                "rejected": totals.get("lines_rejected", 0), "ignored": totals.get("lines_ignored", 0),
                "accounting_ok": totals.get("accounting_ok")}
    return {"lines_read": sum(f.get("lines_read", 0) for f in files),
            "events": sum(f.get("events", 0) for f in files),
            "rejected": sum(sum((f.get("rejected_by_reason") or {}).values()) for f in files),
            "ignored": sum(sum((f.get("ignored_by_reason") or {}).values()) for f in files)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size-mb", type=float, default=1000, help="uncompressed size of the evidence (default 1000)")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "out"), help="cache folder for generated sets")
    p.add_argument("--json", help="save the figures to this file")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--python", default=sys.executable, help="interpreter with zimgraph installed")
    p.add_argument("--keep-case", action="store_true", help="keep the temporary case folder")
    a = p.parse_args(argv)

    package = check_zimgraph(a.python)
    evidence, truth = evidence_for(a.size_mb, os.path.abspath(a.out), a.seed)
    files = [f["path"] for f in truth["files"]]
    lines = sum(f["lines"] for f in truth["files"])
    mb_text, mb_disk = text_mb(truth), sum(f["disk_bytes"] for f in truth["files"]) / MB

    matches, grep_s = grep_count(evidence, files)
    case = tempfile.mkdtemp(prefix="zimgraph-bench-case-")
    os.rmdir(case)  # the ingest creates it: a fresh case
    try:
        run = run_ingest(a.python, evidence, case)
        totals = manifest_totals(case)
    finally:
        if not a.keep_case:
            shutil.rmtree(case, ignore_errors=True)

    wall = run["wall_s"]
    fig = {
        "evidence": evidence, "zimgraph": package, "seed": a.seed, "scale": truth["scale"], "files": len(files), "lines": lines,
        "mb_uncompressed": round(mb_text, 2), "mb_on_disk": round(mb_disk, 2),
        "grep": {"command": f"grep -c -F {GREP_STRING} (zcat -f | grep -c for .gz)", "matches": matches,
                 "wall_s": round(grep_s, 3), "lines_per_s": round(lines / grep_s)},
        "ingest": {"command": " ".join(run["command"][1:]), "wall_s": round(wall, 3), "lines_per_s": round(lines / wall),
                   "mb_per_s": round(mb_text / wall, 2), "peak_rss_single_mb": round(run["peak_rss_single_bytes"] / 2**20, 1),
                   "peak_rss_tree_mb": round(run["peak_rss_tree_bytes"] / 2**20, 1), "rss_samples": run["rss_samples"],
                   **totals},
        "ratio_to_grep": round(wall / grep_s, 2),
        "cpus": os.cpu_count(),
    }
    fig["targets"] = {
        "lines_per_s": {"target": TARGET_LINES_PER_S, "value": fig["ingest"]["lines_per_s"],
                        "pass": fig["ingest"]["lines_per_s"] >= TARGET_LINES_PER_S},
        "peak_rss": {"target_mb": TARGET_RSS_BYTES / 2**20, "value_mb": fig["ingest"]["peak_rss_tree_mb"],
                     "pass": run["peak_rss_tree_bytes"] < TARGET_RSS_BYTES},
    }
    report(fig)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(fig, fh, indent=1)
            fh.write("\n")
        print(f"figures saved to {a.json}")
    return 0


def report(fig: dict) -> None:
    g, i = fig["grep"], fig["ingest"]
    print(f"evidence   {fig['evidence']}  (seed {fig['seed']}, scale {fig['scale']:g}, {fig['files']} files, {fig['cpus']} CPUs)")
    print(f"zimgraph   {fig['zimgraph']}")
    print(f"size       {fig['lines']:,} lines, {fig['mb_uncompressed']:,.1f} MB uncompressed, {fig['mb_on_disk']:,.1f} MB on disk")
    print(f"grep -c    {g['wall_s']:8.2f} s  {g['lines_per_s']:>12,} lines/s  ({g['matches']:,} matches of {GREP_STRING!r})")
    print(f"ingest     {i['wall_s']:8.2f} s  {i['lines_per_s']:>12,} lines/s  {i['mb_per_s']:8.2f} MB/s  "
          f"= {fig['ratio_to_grep']:.1f} x grep")
    print(f"peak RSS   {i['peak_rss_single_mb']:,.0f} MB largest process, {i['peak_rss_tree_mb']:,.0f} MB process tree "
          f"({i['rss_samples']} samples)")
    print(f"accounting {i['lines_read']:,} lines read, {i['events']:,} events, {i['ignored']:,} ignored, {i['rejected']:,} rejected")
    for name, t in fig["targets"].items():
        want = f">= {t['target']:,} lines/s" if name == "lines_per_s" else f"< {t['target_mb']:,.0f} MB"
        have = f"{t['value']:,}" if name == "lines_per_s" else f"{t['value_mb']:,.0f} MB"
        print(f"target     {name:<12} {want:<20} {have:<14} {'PASS' if t['pass'] else 'FAIL'}")


if __name__ == "__main__":
    sys.exit(main())

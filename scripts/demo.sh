#!/usr/bin/env bash
# Installs zimgraph into .venv and runs the main job on the bundled example evidence:
# the example generator writes a multi-node collection (deterministic, seed 1), then
# 'zimgraph investigate' ingests it, runs every hunt, pivots (from the strongest hunt
# indicators: no seed is given) and writes the offline report; the timeline is exported too.
# Usage: bash scripts/demo.sh [CASE_DIR]       (default: cases/example)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
CASE="${1:-cases/example}"
EVIDENCE=examples/evidence
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
if [ ! -f "$EVIDENCE/ground_truth.json" ]; then
    rm -rf "$EVIDENCE"
    .venv/bin/python examples/generate.py "$EVIDENCE" --seed 1
fi
.venv/bin/zimgraph investigate "$EVIDENCE" --case "$CASE" --tz Europe/Paris
.venv/bin/zimgraph timeline --case "$CASE" --format timesketch -o "$CASE/timeline.jsonl"
echo "case ready: $CASE (report.html, iocs.csv, findings.json, pivot.json, timeline.jsonl, manifest.json, ...)"
echo "open the report (works offline): $CASE/report.html"
echo "what the example attacks were: $EVIDENCE/ground_truth.json"

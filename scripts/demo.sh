#!/usr/bin/env bash
# Installs zimgraph into .venv and runs the main job on the bundled example evidence.
# Usage: bash scripts/demo.sh [CASE_DIR]       (default: cases/example)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
CASE="${1:-cases/example}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
.venv/bin/zimgraph ingest examples/evidence --case "$CASE" --tz Europe/Paris
.venv/bin/zimgraph timeline --case "$CASE" --format timesketch -o "$CASE/timeline.jsonl"
echo "case ready: $CASE (manifest.json, events.parquet/, rejects.jsonl, timeline.jsonl)"

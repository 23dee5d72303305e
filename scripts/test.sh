#!/usr/bin/env bash
# Installs zimgraph with its test dependencies into .venv and runs the whole default test suite.
# Usage: bash scripts/test.sh [pytest args]      (CI: .ci/run calls exactly this)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# Neo4j's own Cypher front end validates the query library and the exporter's statements (pinned lock file)
if [ ! -d tools/cypher-lint/node_modules/@neo4j-cypher/language-support ]; then
    (cd tools/cypher-lint && npm ci --no-audit --no-fund --loglevel=error)
fi
exec .venv/bin/python -m pytest -m "not slow" -q "$@"

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
# The report tests open the HTML in a real headless Chromium (Debian's package; Playwright drives it).
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
    echo "installing chromium (apt-get) for the browser tests" >&2
    $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/python -m pytest -m "not slow" -q "$@"

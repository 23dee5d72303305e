"""Runs tools/cypher-lint (Neo4j's own Cypher 5 front end, on Node.js) over statements from the tests.

``bash scripts/test.sh`` installs it (``npm ci``) when missing; a test that needs it fails, never
skips, when it is not installed, saying what to type.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from zimgraph.neo4j.vocabulary import lint_schema

TOOL = Path(__file__).resolve().parents[1] / "tools" / "cypher-lint"


def lint(statements: dict[str, tuple[str, list[str]]]) -> dict[str, dict]:
    """{id: (text, declared parameters)} -> {id: {"diagnostics": [...], "parameters_used": [...]}}."""
    node = shutil.which("node")
    assert node, "Node.js is needed to validate Cypher with Neo4j's front end (apt-get install nodejs)"
    assert (TOOL / "node_modules" / "@neo4j-cypher" / "language-support").is_dir(), \
        f"the Cypher front end is not installed: run 'npm ci' in {TOOL} (bash scripts/test.sh does)"
    payload = {"schema": lint_schema(),
               "statements": [{"id": key, "text": text, "parameters": list(params)}
                              for key, (text, params) in statements.items()]}
    done = subprocess.run([node, str(TOOL / "lint.mjs")], input=json.dumps(payload), capture_output=True,
                          text=True, check=True, timeout=300)
    return {result["id"]: result for result in json.loads(done.stdout)}

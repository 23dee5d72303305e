"""The generated example case (seed 1), ingested once per test session, with every hunt's findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zimgraph.casedata import load_case
from zimgraph.hunts import run_hunts
from zimgraph.ingest import ingest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def example(tmp_path_factory):
    """(ground truth, case folder, CaseData, findings of all hunts)."""
    root = tmp_path_factory.mktemp("hunts-example")
    subprocess.run([sys.executable, str(REPO / "examples" / "generate.py"), str(root / "evidence"), "--seed", "1"],
                   check=True, capture_output=True)
    truth = json.loads((root / "evidence" / "ground_truth.json").read_text())
    ingest([str(root / "evidence")], str(root / "case"), default_zone="Europe/Paris", workers=1)
    case = load_case(root / "case")
    return truth, root / "case", case, run_hunts(case)

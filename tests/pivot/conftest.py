"""A generated example case shared by the pivot tests (seed 1, half scale), pivoted from each attacker IP."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zimgraph import load_case
from zimgraph.ingest import ingest
from zimgraph.pivot import pivot

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def example_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("pivot-example")
    subprocess.run([sys.executable, str(REPO / "examples" / "generate.py"), str(root / "evidence"), "--seed", "1",
                    "--scale", "0.5"], check=True, capture_output=True)
    ingest([str(root / "evidence")], str(root / "case"), default_zone="Europe/Paris", workers=1)
    truth = json.loads((root / "evidence" / "ground_truth.json").read_text())
    return truth, root / "case"


@pytest.fixture(scope="session")
def example_pivots(example_case):
    truth, case_dir = example_case
    graph = load_case(case_dir).graph
    return truth, {ip: pivot(graph, [f"ip:{ip}"]) for ip in truth["attacker_ips"]}

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "formats" / "samples"


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared format samples are not beside the checkout ({SAMPLES})")
    return SAMPLES


def pytest_sessionstart(session):
    """Refuse to test stale compiled parsers: a mypyc-built .so shadows its .py (see setup.py)."""
    stale = []
    for compiled in (REPO / "zimgraph").rglob("*.so"):
        source = compiled.with_name(compiled.name.split(".", 1)[0] + ".py")
        if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
            stale.append(str(source.relative_to(REPO)))
    if stale:
        raise pytest.UsageError(
            f"compiled modules older than their source: {', '.join(sorted(stale))}; "
            "rebuild with 'pip install -e .' (bash scripts/test.sh does) or delete zimgraph/**/*.so")


@pytest.fixture(scope="session")
def example_case(tmp_path_factory):
    """The bundled scenario (generator seed 1, full scale) ingested once: (ground truth, case folder).

    Tests must treat the case as read-only (derived caches may be written by load_case).
    """
    import json
    import subprocess
    import sys

    from zimgraph.ingest import ingest

    root = tmp_path_factory.mktemp("example_case")
    subprocess.run([sys.executable, str(REPO / "examples" / "generate.py"), str(root / "evidence"), "--seed", "1"],
                   check=True, capture_output=True)
    ingest([str(root / "evidence")], str(root / "case"), default_zone="Europe/Paris", workers=1)
    truth = json.loads((root / "evidence" / "ground_truth.json").read_text(encoding="utf-8"))
    return truth, root / "case"

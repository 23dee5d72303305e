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

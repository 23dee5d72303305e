"""The real sample lines in ../shared/formats/samples, for the parser tests."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES


def sample_lines(name: str) -> list[str]:
    """The non-blank lines of one sample file; skips the test when the samples are not beside the checkout."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample file {path} not found (shared/formats/samples is outside the repo)")
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

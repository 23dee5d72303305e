"""Every golden fixture parses to exactly its reviewed expected events (see tests/fixtures/golden.py)."""

import json

import pytest

from tests.fixtures import golden
from zimgraph.sources.registry import SOURCES


@pytest.mark.parametrize("fixture", golden.fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_matches_expected(fixture):
    expected = golden.expected_path(fixture)
    assert expected.is_file(), f"no expected output: run python tests/fixtures/golden.py and review {expected.name}"
    got = golden.render(fixture).splitlines()
    want = expected.read_text(encoding="utf-8").splitlines()
    assert json.loads(got[0]) == json.loads(want[0]), "accounting differs"
    assert len(got) == len(want), f"{len(got) - 1} events, expected {len(want) - 1}"
    for number, (g, w) in enumerate(zip(got[1:], want[1:]), start=1):
        assert json.loads(g) == json.loads(w), f"event {number} differs"


def test_every_source_has_a_golden_fixture():
    covered = {p.parent.name for p in golden.fixtures()}
    assert set(SOURCES) <= covered, set(SOURCES) - covered

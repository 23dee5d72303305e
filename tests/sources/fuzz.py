"""Shared pieces of the parsers' property tests (hypothesis)."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from hypothesis import strategies as st

from zimgraph.events import EVENT_KINDS, PARSER_COLUMNS
from zimgraph.sources.base import Ignored, ParseError


def mutations(lines: list[str], *, reach: int = 250) -> st.SearchStrategy[str]:
    """Real lines with a random slice (within ``reach`` characters) replaced by random text."""
    return st.builds(lambda line, i, j, s: line[:i] + s + line[j:],
                     st.sampled_from(lines), st.integers(0, reach), st.integers(0, reach), st.text(max_size=12))


def check_result(out) -> None:
    """A parser's result is an Ignored or events with known columns, a known kind and an int ts."""
    assert isinstance(out, (list, Ignored))
    for event in out if isinstance(out, list) else ():
        assert set(event) <= PARSER_COLUMNS
        assert event["event"] in EVENT_KINDS
        assert isinstance(event["ts"], int)
        assert event.get("size") is None or isinstance(event["size"], int)


def tally(lines: Iterable[str], parse_one: Callable[[str], object]) -> tuple[Counter, Counter]:
    """(lines with events / ignored / error, event kinds) over ``lines`` parsed one by one."""
    counts: Counter = Counter()
    kinds: Counter = Counter()
    for line in lines:
        try:
            result = parse_one(line)
        except ParseError:
            counts["error"] += 1
            continue
        if isinstance(result, Ignored):
            counts["ignored"] += 1
        else:
            counts["lines_with_events"] += 1
            kinds.update(event["event"] for event in result)
    return counts, kinds

"""convertd.log: no public sample, read leniently as log4j."""

from hypothesis import given, strategies as st

from zimgraph.sources import convertd
from zimgraph.sources.base import ParseContext, ParseError


def test_is_recognised_by_name_only():
    assert convertd.sniff("2026-11-12 10:00:00,000 INFO  [main] [] convertd - started") is False


@given(st.text())
def test_property_only_parse_errors(text):
    try:
        convertd.parse(text, ParseContext.for_tests())
    except ParseError:
        pass

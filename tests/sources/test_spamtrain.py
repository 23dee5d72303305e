"""spamtrain.log (zmtrainsa output): RECONSTRUCTED shapes, untimed sa-learn lines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import spamtrain
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own

# RECONSTRUCTED from zm-core-utils src/bin/zmtrainsa (timestampit) and sa-learn (FORMATS.md 6)
START = "20261112230001 Starting spam/ham extraction from system accounts."
LEARNED = "Learned tokens from 3 message(s) (3 message(s) examined)"
USER_START = "20261112230105 Starting spamassassin spam training for Alice@Example.com using folder junk"
FINISHED = "20261112230210 Finished spamassassin training."


def utc_ms(*fields: int) -> int:
    return int(dt.datetime(*fields, tzinfo=dt.timezone.utc).timestamp() * 1000)


def test_timestamped_and_untimed_lines():
    ctx = ParseContext.for_tests("Europe/Paris")
    [ev] = spamtrain.parse(START, ctx)
    assert ev == {"ts": utc_ms(2026, 11, 12, 22, 0, 1), "event": "spamtrain", "program": "zmtrainsa",
                  "outcome": None, "level": None, "account": None,
                  "detail": "Starting spam/ham extraction from system accounts."}
    [ev] = spamtrain.parse(LEARNED, ctx)
    assert (ev["ts"], ev["event"], ev["detail"]) == (utc_ms(2026, 11, 12, 22, 0, 1), "spamtrain", LEARNED)
    [ev] = spamtrain.parse(FINISHED, ctx)
    assert ev["ts"] == utc_ms(2026, 11, 12, 22, 2, 10)


def test_per_user_training_fills_account():
    [ev] = spamtrain.parse(USER_START, ParseContext.for_tests())
    assert ev["account"] == "alice@example.com"
    assert ev["ts"] == utc_ms(2026, 11, 12, 23, 1, 5)


def test_error_lines():
    ctx = ParseContext.for_tests()
    spamtrain.parse(START, ctx)
    [ev] = spamtrain.parse("ERROR: the Bayes learn function returned an error", ctx)
    assert (ev["outcome"], ev["level"]) == ("failure", "ERROR")


def test_before_first_timestamp_blank_and_bad_date():
    ctx = ParseContext.for_tests()
    out = spamtrain.parse(LEARNED, ctx)
    assert isinstance(out, Ignored) and out.reason == "spamtrain: line before the first timestamp"
    assert spamtrain.parse("  ", ctx) is BLANK
    with pytest.raises(ParseError):
        spamtrain.parse("20261399230001 Starting spam/ham extraction from system accounts.", ctx)


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(spamtrain, (START, LEARNED, USER_START, FINISHED))


def test_module_contract():
    assert (spamtrain.NAME, spamtrain.FILENAMES, spamtrain.FRAMING) == ("spamtrain", ("spamtrain.log",), "line")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(), mutations([START, LEARNED, USER_START, FINISHED])), max_size=5))
def test_arbitrary_text_raises_only_parse_error(texts):
    ctx = ParseContext.for_tests()
    for text in texts:
        try:
            out = spamtrain.parse(text, ctx)
        except ParseError:
            continue
        check_result(out)
        spamtrain.sniff(text)

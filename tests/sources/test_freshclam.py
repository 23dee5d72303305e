"""freshclam.log: untimed status lines take the last start time; separators ignored."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import freshclam
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own, sample_lines


START_2024 = "ClamAV update process started at Sun Feb 18 17:00:00 2024"
UP_TO_DATE = "daily.cld database is up-to-date (version: 27189, sigs: 2053641, f-level: 90, builder: raynman)"
OLD_UP_TO_DATE = "main.cvd is up to date (version: 55, sigs: 2424225, f-level: 60, builder: neo)"
WARNING = "WARNING: Can't query current.cvd.clamav.net"
SEPARATOR = "--------------------------------------"


def utc_ms(*fields: int) -> int:
    return int(dt.datetime(*fields, tzinfo=dt.timezone.utc).timestamp() * 1000)



def test_sample_file_in_order():
    ctx = ParseContext.for_tests()
    results = [freshclam.parse(line, ctx) for line in sample_lines("freshclam.log")]
    summary = [r.reason if isinstance(r, Ignored) else (r[0]["ts"], r[0]["outcome"], r[0]["level"])
               for r in results]
    t2024, t2014 = utc_ms(2024, 2, 18, 17, 0, 0), utc_ms(2014, 11, 1, 10, 27, 30)
    assert summary == [
        "freshclam: separator",
        (t2024, "info", None),                   # the start line itself
        (t2024, "success", None), (t2024, "success", None), (t2024, "success", None),
        (t2014, "info", None),
        (t2014, "info", "WARNING"), (t2014, "info", "WARNING"),
        "freshclam: progress line", (t2014, "success", None),
        "freshclam: progress line", (t2014, "success", None),
        "freshclam: progress line", (t2014, "success", None),
    ]
    assert results[2][0] == {"ts": t2024, "event": "av_update", "outcome": "success", "level": None,
                             "program": "freshclam", "detail": UP_TO_DATE}


def test_start_time_is_local():
    ctx = ParseContext.for_tests("Europe/Paris")
    [ev] = freshclam.parse(START_2024, ctx)
    assert ev["ts"] == utc_ms(2024, 2, 18, 16, 0, 0)       # 17:00 CET
    [ev] = freshclam.parse(OLD_UP_TO_DATE, ctx)
    assert ev["ts"] == utc_ms(2024, 2, 18, 16, 0, 0)


def test_lines_before_any_start_are_ignored():
    ctx = ParseContext.for_tests()
    out = freshclam.parse(UP_TO_DATE, ctx)
    assert isinstance(out, Ignored) and out.reason == "freshclam: line before the first timestamp"


def test_logtime_prefixed_lines():
    ctx = ParseContext.for_tests()
    [ev] = freshclam.parse(f"Sun Feb 18 17:00:02 2024 -> {UP_TO_DATE}", ctx)
    assert (ev["ts"], ev["outcome"], ev["detail"]) == (utc_ms(2024, 2, 18, 17, 0, 2), "success", UP_TO_DATE)
    assert isinstance(freshclam.parse(f"Sun Feb 18 17:00:02 2024 -> {SEPARATOR}", ctx), Ignored)


def test_errors_and_updates():
    ctx = ParseContext.for_tests()
    freshclam.parse(START_2024, ctx)
    [ev] = freshclam.parse("ERROR: Update failed for database: daily", ctx)
    assert (ev["outcome"], ev["level"]) == ("failure", "ERROR")
    [ev] = freshclam.parse("daily.cvd updated (version: 19529, sigs: 1220144, f-level: 63, builder: neo)", ctx)
    assert ev["outcome"] == "success"
    [ev] = freshclam.parse("Clamd successfully notified about the update.", ctx)
    assert (ev["outcome"], ev["event"]) == ("info", "av_update")


def test_blank_separator_and_bad_start():
    ctx = ParseContext.for_tests()
    assert freshclam.parse("", ctx) is BLANK
    assert freshclam.parse(SEPARATOR, ctx).reason == "freshclam: separator"
    with pytest.raises(ParseError):
        freshclam.parse("ClamAV update process started at yesterday", ctx)


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(freshclam, (START_2024, UP_TO_DATE, OLD_UP_TO_DATE, f"Sun Feb 18 17:00:02 2024 -> {UP_TO_DATE}"))


def test_module_contract():
    assert (freshclam.NAME, freshclam.FILENAMES, freshclam.FRAMING) == ("freshclam", ("freshclam.log",), "line")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(), mutations([START_2024, UP_TO_DATE, WARNING, SEPARATOR,
                                                  f"Sun Feb 18 17:00:02 2024 -> {UP_TO_DATE}"])),
                max_size=5))
def test_arbitrary_text_raises_only_parse_error(texts):
    ctx = ParseContext.for_tests()
    for text in texts:
        try:
            out = freshclam.parse(text, ctx)
        except ParseError:
            continue
        check_result(out)
        freshclam.sniff(text)

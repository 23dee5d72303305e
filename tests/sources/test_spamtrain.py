"""spamtrain.log (zmtrainsa output): RECONSTRUCTED shapes, untimed sa-learn lines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import access_log, clamd, freshclam, nginx_access, nginx_error, spamtrain
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations

# RECONSTRUCTED from zm-core-utils src/bin/zmtrainsa (timestampit) and sa-learn (FORMATS.md 6)
START = "20261112230001 Starting spam/ham extraction from system accounts."
LEARNED = "Learned tokens from 3 message(s) (3 message(s) examined)"
USER_START = "20261112230105 Starting spamassassin spam training for Alice@Example.com using folder junk"
FINISHED = "20261112230210 Finished spamassassin training."
FOREIGN = {
    "access_log": ('[attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST /service/soap HTTP/1.0" 401 299 '
                   '"-" "curl" 7'),
    "nginx_access": ('203.0.113.7 - - [12/Nov/2013:10:15:02 +0100]  "GET /zimbra/ HTTP/1.1" 200 512 "-" '
                     '"Mozilla/5.0" "-"'),
    "nginx_error": "2026/11/12 10:00:00 [notice] 4320#4320: signal process started",
    "clamd": "Wed Jun  3 13:30:06 2020 -> SelfCheck: Database status OK.",
    "freshclam": "ClamAV update process started at Sun Feb 18 17:00:00 2024",
    "mailbox": "2017-10-25 00:28:22,509 INFO  [qtp1-2] [ip=1.2.3.4;] soap - AuthRequest",
    "syslog": "Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from x[1.2.3.4]",
}


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
    for line in (START, LEARNED, USER_START, FINISHED):
        assert spamtrain.sniff(line)
        for other in (access_log, nginx_access, nginx_error, clamd, freshclam):
            assert not other.sniff(line), other.NAME
    for name, line in FOREIGN.items():
        assert not spamtrain.sniff(line), name


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

"""cbpolicyd: the syslog message parser and the cbpolicyd.log file source."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.clock import utc_ms
from zimgraph.events import COLUMNS, EVENT_KINDS
from zimgraph.sources import cbpolicyd
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from zimgraph.sources.syslog import parse_header
from tests.sources.samples import sample_lines

CTX = ParseContext.for_tests()



def syslog_message(needle: str) -> str:
    [line] = [line for line in sample_lines("mail.log") if needle in line]
    header = parse_header(line, ParseContext.for_tests())
    assert header.program == "cbpolicyd"
    return header.message


# --- syslog form -----------------------------------------------------------------------------

def test_quota_update():
    assert cbpolicyd.parse_message(syslog_message("module=Quotas"), CTX) == [{
        "event": "policy", "outcome": "info", "client_ip": "209.85.161.48",
        "helo": "mail-yw1-f48.google.com", "sender": "nguyenvanminhkma@gmail.com",
        "recipient": "admin@supportdao.com", "verdict": "update",
        "detail": "module=Quotas, reason=quota_update, policy=1, "
                  "track=Sender:nguyenvanminhkma@gmail.com, counter=MessageCount, quota=1.53/5 (30.5%)"}]


def test_access_control_reject():
    assert cbpolicyd.parse_message(syslog_message("module=AccessControl"), CTX) == [{
        "event": "policy", "outcome": "reject", "client_ip": "209.85.161.48",
        "helo": "mail-yw1-f48.google.com", "sender": "nguyenvanminhkma@gmail.com",
        "recipient": "minhkma@supportdao.com", "verdict": "reject",
        "detail": "module=AccessControl, reason=verdict"}]


def test_quota_breach_defer_tracks_sasl_user():
    # RECONSTRUCTED from Quotas.pm: a breach logs action=defer|reject, reason=quota_match
    [ev] = cbpolicyd.parse_message(
        "module=Quotas, action=defer, host=2001:db8::7, helo=pc1, from=Boss@Example.com, to=x@y.example, "
        "reason=quota_match, policy=2, quota=5, limit=7, track=SASLUsername:Boss@Example.com, "
        "counter=MessageCount, quota=101.00/100 (101.0%)", CTX)
    assert ev == {"event": "policy", "outcome": "defer", "client_ip": "2001:db8::7", "helo": "pc1",
                  "sender": "boss@example.com", "recipient": "x@y.example", "account": "boss@example.com",
                  "verdict": "defer",
                  "detail": "module=Quotas, reason=quota_match, policy=2, track=SASLUsername:Boss@Example.com, "
                            "counter=MessageCount, quota=101.00/100 (101.0%)"}


def test_non_module_message_is_ignored():
    result = cbpolicyd.parse_message("Got request #2 (pipelined)", CTX)
    assert isinstance(result, Ignored) and result.reason == "cbpolicyd: daemon status"


# --- cbpolicyd.log ---------------------------------------------------------------------------

def test_file_source_attributes():
    assert (cbpolicyd.NAME, cbpolicyd.FILENAMES, cbpolicyd.FRAMING) == ("cbpolicyd", ("cbpolicyd.log",), "line")


def test_sniff():
    assert all(cbpolicyd.sniff(line) for line in sample_lines("cbpolicyd.log"))
    assert not cbpolicyd.sniff("Mar 12 03:15:01 svr02 cbpolicyd[3960]: module=Quotas, mode=update")
    assert not cbpolicyd.sniff("2017-10-25 00:00:04,365 INFO  [qtp-1] [] soap - x")


def test_file_line_local_time_to_utc():
    ctx = ParseContext.for_tests("Asia/Jakarta")                  # UTC+7, no DST
    line = next(line for line in sample_lines("cbpolicyd.log") if "quota_create" in line)
    [ev] = cbpolicyd.parse(line, ctx)
    assert ev == {"event": "policy", "outcome": "info", "client_ip": "127.0.0.1", "helo": "mail",
                  "sender": "admin@imanudin.net", "recipient": "ahmadiman@gmail.com", "verdict": "create",
                  "detail": "module=Quotas, reason=quota_create, policy=6, track=Sender:admin@imanudin.net, "
                            "counter=MessageCount, quota=1.00/200 (0.5%)",
                  "ts": utc_ms(2014, 9, 8, 21, 32, 39, offset_minutes=7 * 60),
                  "level": "INFO", "program": "cbpolicyd"}


def test_whole_sample_file():
    counts: Counter = Counter()
    for line in sample_lines("cbpolicyd.log"):
        result = cbpolicyd.parse(line + "\n", CTX)
        if isinstance(result, Ignored):
            counts[result.reason] += 1
        else:
            for ev in result:
                assert set(ev) <= set(COLUMNS) and ev["event"] in EVENT_KINDS
                counts[ev["event"]] += 1
    assert counts == Counter({"cbpolicyd: daemon status": 11, "policy": 2})


def test_blank_and_broken_records():
    assert cbpolicyd.parse("   \n", CTX) is BLANK
    with pytest.raises(ParseError):
        cbpolicyd.parse("[2014/13/08-21:32:39 - 4871] [CORE] INFO: module=Quotas, mode=update", CTX)
    with pytest.raises(ParseError):
        cbpolicyd.parse("Use of uninitialized value in concatenation at Quotas.pm line 500.", CTX)


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["", "module=", "module=Quotas, action=", "[2014/09/08-21:32:39 - 1] [CORE] INFO: ",
                               "[2014/09/08-21:32:39 - 1] [CORE] INFO: module=", "["]),
       text=st.text())
def test_arbitrary_text_only_raises_parse_error(prefix, text):
    for call in (cbpolicyd.parse_message, cbpolicyd.parse):
        try:
            result = call(prefix + text, CTX)
        except ParseError:
            continue
        assert isinstance(result, (list, Ignored))
    assert isinstance(cbpolicyd.sniff(prefix + text), bool)


def test_doctests():
    assert doctest.testmod(cbpolicyd).failed == 0

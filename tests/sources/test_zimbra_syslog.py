"""zimbra.log as a whole: header, dispatch by program, syslog copies of mailbox lines."""

from hypothesis import given, strategies as st

from zimgraph.sources import syslog, zimbra_syslog
from zimgraph.sources.base import Ignored, ParseContext, ParseError

CTX = ParseContext.for_tests("UTC", year=2026)


def test_rfc3339_header_with_offset():
    header = syslog.parse_header("2015-05-25T13:24:54.306708-03:00 mta-in-01 postfix/smtp[31504]: x", CTX)
    assert header.ts == 1432571094306 and header.host == "mta-in-01" and header.pid == "31504"


def test_imfile_copy_of_a_mailbox_line(samples):
    line = (samples / "mailbox.syslog-forwarded.log").read_text().strip()
    [event] = zimbra_syslog.parse(line, CTX)
    assert (event["event"], event["account"], event["client_ip"], event["host"]) == \
        ("imap_login", "djd123@sjtu.edu.cn", "220.181.15.247", "mailstore21")


def test_local0_copy_without_own_timestamp_takes_the_syslog_time():
    [event] = zimbra_syslog.parse("Oct 25 09:46:00 mbx01 mailboxd: INFO  [qtp1-30:https://m/service/soap/AuthRequest] "
                                  "[name=bob@example.gov;oip=203.0.113.10;] soap - AuthRequest elapsed=4", CTX)
    assert event["soap_request"] == "AuthRequest" and event["ts"] == 1792921560000


def test_programs_not_analysed_are_ignored_with_one_reason():
    out = zimbra_syslog.parse("Dec 17 06:29:10 sm02 zmconfigd[91758]: Watchdog: service antivirus status is OK.", CTX)
    assert isinstance(out, Ignored) and out.reason == "syslog: program not analysed"


def test_impossible_date_is_a_parse_error():
    try:
        zimbra_syslog.parse("Feb 30 10:00:00 mta01 postfix/smtpd[1]: connect from x[1.2.3.4]", CTX)
    except ParseError as exc:
        assert "impossible date" in str(exc)
    else:
        raise AssertionError("Feb 30 accepted")


@given(st.text())
def test_property_only_parse_errors(text):
    try:
        zimbra_syslog.parse(text, CTX)
    except ParseError:
        pass


@given(st.sampled_from(["postfix/smtpd", "amavis", "saslauthd", "cbpolicyd", "mailboxd", "slapd"]), st.text())
def test_property_any_message_of_any_program(program, message):
    try:
        zimbra_syslog.parse(f"Oct 25 09:46:00 mta01 {program}[12]: {message}", CTX)
    except ParseError:
        pass

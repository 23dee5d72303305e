"""The shared syslog header: the positional fast path must agree with the regex it stands in for."""

from hypothesis import given, settings, strategies as st

from tests.sources.fuzz import mutations
from zimgraph.sources import syslog

TRICKY = [
    "Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from mail.tubui.xyz[103.124.94.220]",
    "Mar  5 09:16:40 mail postfix/smtpd[9392]: padded day",
    "Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unpadded day, one space",
    "Dec 17 06:29:08 sm02 /postfix-script[115413]: the Postfix mail system is running",
    "Sep 18 00:21:18 mailstore21 mailboxlog 2018-09-18 00:21:18,787 INFO [x] [] imap - y",
    "Oct 25 02:30:00 mta01 amavis[2526]:no space after the colon",
    "Oct 25 02:30:00 mta01 amavis[2526]:",
    "Oct 25 02:30:00 mta01 amavis[]: empty pid",
    "Oct 25 02:30:00 mta01 amavis[2x]: letter in pid",
    "Oct 25 02:30:00 mta01 amavis[٣]: arabic digit pid",
    "Oct 25 02:30:00 mta01 am[avis]: bracket inside the program",
    "Oct 25 02:30:00 mta01 prog: no pid",
    "Oct 25 02:30:00 mta01 [123]: no program",
    "Oct 25 02:30:00 mta01  postfix/smtp[1]: two spaces before the program",
    "Oct 25 02:30:00  mta01 postfix/smtp[1]: two spaces before the host",
    "Oct 25 02:30:00.123 mta01 postfix/smtp[1]: fraction",
    "Oct 25 2:30:00 mta01 postfix/smtp[1]: one-digit hour",
    "Oct 25 02:30:00 mta\t01 postfix/smtp[1]: tab in the host",
    "Oct 25 02:30:00 mta\u00a001 postfix/smtp[1]: no-break space in the host",
    "Oct 25 02:30:00 mta01 post fix[1]: space in the program",
    "Oct 25 02:30:00 mta01 postfix/smtp[1]:  two spaces after the colon",
    "Oct ٢5 02:30:00 mta01 postfix/smtp[1]: arabic digit day",
    "Foo 25 02:30:00 mta01 postfix/smtp[1]: unknown month",
    "OCT 25 02:30:00 mta01 postfix/smtp[1]: upper-case month",
    "Oct 25 02:30:00 mta01 postfix/smtp[1]: multi\nline",
    "Oct 25 02:30:00 mta01",
    "Oct 25 02:30:00 mta01 ",
    "",
]


def regex_fields(line: str):
    m = syslog.BSD_HEADER.match(line)
    return None if m is None else m.groups()


def agrees(line: str) -> bool:
    fast = syslog.bsd_fields(line)
    return fast is None or fast == regex_fields(line)


def test_tricky_shapes_agree_with_the_regex():
    assert [line for line in TRICKY if not agrees(line)] == []


def test_the_fast_path_takes_the_common_shapes():
    assert syslog.bsd_fields(TRICKY[0]) == regex_fields(TRICKY[0])
    assert syslog.bsd_fields(TRICKY[1])[1] == "5"
    assert syslog.bsd_fields("Oct 25 02:30:00 mta01 prog: no pid")[5] is None


def test_every_sample_line_agrees(samples):
    lines = [line for name in ("zimbra.log", "mail.log", "amavis.msg-fragments.log", "postfix.msg-fragments.log")
             for line in (samples / name).read_text(encoding="utf-8", errors="replace").splitlines()]
    assert lines and [line for line in lines if not agrees(line)] == []
    headers = [line for line in lines if regex_fields(line) is not None]
    assert sum(syslog.bsd_fields(line) is not None for line in headers) > 0.9 * len(headers)


@settings(max_examples=600)
@given(mutations(TRICKY[:4] + TRICKY[11:12], reach=40))
def test_mutated_lines_agree(line):
    assert agrees(line)


@given(st.text(alphabet="Oct 0123456789:[]/ab. \t-\u00a0٣", max_size=40))
def test_header_alphabet_soup_agrees(tail):
    assert agrees("Oct 25 " + tail)

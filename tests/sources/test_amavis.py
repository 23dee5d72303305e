"""amavis message parser: real lines from formats/samples, exact field values."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.events import COLUMNS, EVENT_KINDS, OUTCOMES
from zimgraph.sources import amavis
from zimgraph.sources.base import Ignored, ParseContext, ParseError
from zimgraph.sources.syslog import parse_header
from tests.sources.fuzz import tally
from tests.sources.samples import sample_lines, syslog_headers

CTX = ParseContext.for_tests()



def sample(name: str, needle: str) -> str:
    """The amavis message of the one line of ``name`` that contains ``needle``."""
    found = [line for line in sample_lines(name) if needle in line]
    assert len(found) == 1, f"{needle!r} matches {len(found)} lines of {name}"
    return parse_header(found[0], ParseContext.for_tests()).message


def fragment(needle: str) -> str:
    """``(00001-01) `` + the one line of amavis.msg-fragments.log that contains ``needle``."""
    found = [line for line in sample_lines("amavis.msg-fragments.log") if needle in line]
    assert len(found) == 1, f"{needle!r} matches {len(found)} fragment lines"
    return "(00001-01) " + found[0]


def parse(message: str):
    return amavis.parse_message(message, CTX)


# --- verdict lines ---------------------------------------------------------------------------

def test_verdict_with_every_default_field():
    assert parse(sample("zimbra.log", "(10050-10) Passed CLEAN")) == [{
        "event": "amavis_verdict", "outcome": "success", "verdict": "CLEAN",
        "sender": "admin@tubui.xyz", "recipient": "tubui16091999@gmail.com",
        "client_ip": "103.124.94.220", "proxy_ip": "127.0.0.1",
        "queue_id": "9B378160D71",
        "message_id": "<556380065.11.1647310600386.JavaMail.zimbra@tubui.xyz>",
        "mail_id": "LTo-eHGIVjxE", "score": 4.099, "size": 2200, "queued_as": "1EF3E160D70",
        "detail": "{RelayedOutbound}, ORIGINATING_POST/MYNETS, LOCAL, "
                  "dkim_sd: 0E3AF0A4-A377-11EC-9010-6D41164FB587:tubui.xyz",
        "amavis_id": "10050-10"}]


def test_verdict_inbound_same_ip_keeps_port_and_no_proxy():
    [ev] = parse(sample("zimbra.log", "(11463-01) Passed CLEAN"))
    assert (ev["client_ip"], ev["client_port"], "proxy_ip" in ev, "score" in ev) == \
        ("209.85.210.173", "44683", False, False)            # Hits: - -> no score
    assert ev["detail"] == "{RelayedInbound}, dkim_sd: 20210112:gmail.com"


def test_verdict_infected_with_actions_and_quarantine():
    assert parse(sample("mail.log", "Porcupine.Phishing")) == [{
        "event": "amavis_verdict", "outcome": "reject", "verdict": "INFECTED",
        "sender": "someone1@something1.com", "recipient": "someon2@something2.com",
        "client_ip": "192.168.0.1", "client_port": "1434", "queue_id": "83B741009CD35",
        "message_id": "<20240223075525.8CD9941B67@xxx.xxx.shop>", "mail_id": "26W2lJY63nCZ",
        "size": 28646,
        "detail": "(Porcupine.Phishing.55542.UNOFFICIAL), {DiscardedInbound,Quarantined}, "
                  "quarantine: 2/virus-26W2lJY63nCZ",
        "amavis_id": "4051607-09"}]


def test_verdict_banned_detail_and_minimal_26_form():
    [ev] = parse(sample("mail.log", "Blocked BANNED"))
    assert ev == {"event": "amavis_verdict", "outcome": "reject", "verdict": "BANNED",
                  "sender": "some-account@gmail.com", "recipient": "test.djoven@icecrown.es",
                  "client_ip": "127.0.0.1",
                  "message_id": "<CAHOKk5uyuTatJ4c7_qp9oZsovphBziK_YDbUfHtO7Jkg89P5yQ@mail.gmail.com>",
                  "detail": "(application/x-shellscript,.asc,sample-script.sh)",
                  "amavis_id": "18438-02"}
    [ev] = parse(sample("mail.log", "Hits: -5.947"))
    assert ev == {"event": "amavis_verdict", "outcome": "success", "verdict": "CLEAN",
                  "sender": "some-account@gmail.com", "recipient": "test.djoven@icecrown.es",
                  "client_ip": "127.0.0.1",
                  "message_id": "<CAHOKk5tCux0aM8WgNr_RQJ7YXBr1H6Er37AT5j9vvyJ1ZORSKw@mail.gmail.com>",
                  "score": -5.947, "amavis_id": "18438-01"}


def test_verdict_banned_nested_parentheses_in_detail():
    [ev] = parse(fragment("FTP=5FFile"))
    assert ev["detail"] == ("(multipart/mixed | application/octet-stream,.asc,"
                            "=?iso-8859-1?Q?FTP=5FFile=5F (1)=File(1).reg), quarantine: virus-SCwJcs")
    assert (ev["verdict"], ev["client_ip"], ev["recipient"]) == ("BANNED", "192.168.0.0", "to@sample.us")


def test_verdict_verbose_template_multiple_recipients_tests():
    [ev] = parse(sample("mail.log", "Blocked SPAM, DEFAULT"))
    assert ev["recipient"] == "e.e@ugent.be,m.m@ugent.be"
    assert (ev["client_ip"], ev["proxy_ip"], ev["score"]) == ("172.129.36.105", "82.57.200.97", 27.617)
    assert ev["tests"].startswith("CMAE_1=10,DKIM_ADSP_CUSTOM_MED=0.001,FAKE_REPLY_C=0.001,")
    assert ev["tests"].endswith(",XMAILER_MIMEOLE_OL_1ECD5=2.448") and " " not in ev["tests"]
    assert ev["detail"] == ('DEFAULT, Subject: "Re:Youve won", From: "Yahoo_Asia"<info@yahoo.com.tw>, '
                            'X-Mailer: Microsoft_Outlook_Express_6.00.2800.1081, autolearn: disabled')


def test_verdict_user_agent_and_local():
    [ev] = parse(sample("mail.log", "(26387-87) Passed CLEAN"))
    assert ev["tests"] == "HTML_MESSAGE=0.001,HTML_TAG_BALANCE_BODY=0.712"
    assert ev["detail"] == (
        'DEFAULT, LOCAL, Subject: "Re: xxxxxx", From: =?windows-1252?Q?xxxxxPll=E9e?=_<xxxx@xxxx.xxt.be>, '
        "User-Agent: Mozilla/5.0_(Windows_NT_6.1;_WOW64;_rv:17.0)_Gecko/20130307_Thunderbird/17.0.4, "
        "autolearn: disabled")


def test_verdict_ipv6_connecting_mta():
    [ev] = parse(fragment("[IPv6:2001:630:d0:f102"))
    assert (ev["client_ip"], ev["proxy_ip"]) == ("192.168.0.1", "2001:630:d0:f102:230:48ff:fe77:96e")


def test_verdict_without_originating_ip_and_two_quarantines():
    [ev] = parse(sample("zimbra.log", "RelayedInternal,Archived"))
    assert (ev["client_ip"], ev["client_port"], ev["queue_id"], ev["queued_as"]) == \
        ("192.168.0.152", "33696", "0CCC62816D5", "31D4F2816E1")
    assert ev["detail"] == ("{RelayedInternal,Archived}, ORIGINATING/MYNETS, LOCAL, "
                            "quarantine: deugenin-20150309@itlinux.cl.archive")


def test_verdict_oldest_forms():
    [ev] = parse(fragment("Passed, <from@example.com> -> <to@sample.net>, Message-ID: <652."))
    assert ev == {"event": "amavis_verdict", "outcome": "success", "sender": "from@example.com",
                  "recipient": "to@sample.net", "message_id": "<652.44494541@example.com>",
                  "score": 4.377, "amavis_id": "00001-01"}
    [ev] = parse(fragment("Passed UNCHECKED"))                 # no comma before Message-ID
    assert (ev["message_id"], ev["mail_id"], ev["queued_as"]) == \
        ("<002e01c759c7$5de437b0$0a02a8c0@somehost>", "7vtR-7BAvHZV", "B5420C2E10")


def test_verdict_field_values_cannot_inject_fields():
    [ev] = parse("(01234-01) Passed CLEAN {RelayedInbound}, [192.0.2.1]:1234 [192.0.2.1] <a@b.example> -> "
                 "<c@d.example>, Queue-ID: 1234ABCD, Message-ID: <x, Hits: -99, size: 1>, mail_id: m1, "
                 "Hits: 1.5, size: 77, 12 ms")
    assert (ev["message_id"], ev["score"], ev["size"]) == ("<x, Hits: -99, size: 1>", 1.5, 77)


def test_verdict_alert_mark_goes_into_detail():
    [ev] = parse("(02869-03) (!)Blocked INFECTED (Eicar-Test-Signature), LOCAL [127.0.0.1] [127.0.0.1] "
                 "<cesar@example.com> -> <something@gmail.com>, Hits: -, size: 1013, 365 ms")
    assert ev["detail"] == "(!) (Eicar-Test-Signature), LOCAL"


def test_broken_verdict_is_a_parse_error():
    with pytest.raises(ParseError):
        parse("(02869-03) Passed CLEAN, [127.0.0.1] and no addresses")


# --- session start, Checking, forwards --------------------------------------------------------

def test_esmtp_session_keeps_temp_dir():
    assert parse(sample("zimbra.log", "(11463-01) ESMTP")) == [{
        "event": "amavis_check", "outcome": "info", "protocol": "smtp",
        "sender": "tubui16091999@gmail.com", "recipient": "admin@tubui.xyz", "size": 2569,
        "detail": "ESMTP :10024 /opt/zimbra/data/amavisd/tmp/amavis-20220315T092515-11463-hc9Wg8UR",
        "amavis_id": "11463-01"}]


@pytest.mark.parametrize("needle, protocol, detail, recipient", [
    ("LMTP::10024", "lmtp", "LMTP::10024 /var/spool/amavis/tmp/amavis-20070119T144757-09086", "to@sample.net"),
    ("SMTP:[127.0.0.1]:10024", "smtp", "SMTP:[127.0.0.1]:10024 /var/spool/amavis/tmp/amavis-20070119T144757-09086",
     "to@sample.net,recip@sample.net"),
    ("SMTP::10024", "smtp", "SMTP::10024 /var/lib/amavis/tmp/amavis-27-26927", "to@example.net"),
])
def test_session_variants(needle, protocol, detail, recipient):
    [ev] = parse(fragment(needle))
    assert (ev["event"], ev["protocol"], ev["detail"], ev["recipient"]) == \
        ("amavis_check", protocol, detail, recipient)


def test_esmtp_double_colon_form():
    [ev] = parse(sample("mail.log", "ESMTP::10024"))
    assert ev["detail"] == "ESMTP::10024 /var/lib/amavis/tmp/amavis-20110113T103359-07876"


def test_checking():
    assert parse(sample("zimbra.log", "Checking: 2mwr_Uo4Q4fX")) == [{
        "event": "amavis_check", "outcome": "info", "mail_id": "2mwr_Uo4Q4fX",
        "sender": "admin@tubui.xyz", "recipient": "tubui16091999@gmail.com",
        "client_ip": "103.124.94.220", "detail": "ORIGINATING/MYNETS", "amavis_id": "02526-20"}]


def test_fwd_with_mail_id():
    assert parse(sample("zimbra.log", "LTo-eHGIVjxE FWD")) == [{
        "event": "amavis_fwd", "outcome": "success", "mail_id": "LTo-eHGIVjxE",
        "sender": "admin@tubui.xyz", "recipient": "tubui16091999@gmail.com",
        "queued_as": "1EF3E160D70",
        "detail": "BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 1EF3E160D70",
        "amavis_id": "10050-10"}]


def test_fwd_old_forms():
    [ev] = parse(sample("mail.log", "FWD via SMTP"))
    assert (ev["sender"], ev["recipient"], ev["queued_as"], "mail_id" in ev) == \
        ("prvs=1987d421e7=will.oden@tn.gov", "lmooney@jmchd.com", "AD87E122C077", False)
    [ev] = parse(sample("zimbra.log", "(16426-04) FWD from"))
    assert (ev["recipient"], ev["queued_as"]) == ("mukeshkumar76@hotmail.com", "E6806280D72")


def test_send_notification_joins_parent_mail_id():
    [ev] = parse(sample("mail.log", "jkDgUKQwzSN1(BVbKQQ9S3o7N) SEND"))
    assert ev == {"event": "amavis_fwd", "outcome": "success", "mail_id": "BVbKQQ9S3o7N",
                  "sender": "", "recipient": "some-account@gmail.com", "queued_as": "B0E32FEF75",
                  "detail": "SEND notification jkDgUKQwzSN1: BODY=7BIT "
                            "ENVID=AM.jkDgUKQwzSN1.20230218T103130Z@arthas.icecrown.es 250 2.0.0 "
                            "from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as B0E32FEF75",
                  "amavis_id": "18438-02"}


# --- MIME parts and banned names -------------------------------------------------------------

def test_part_lines_of_26():
    assert parse(fragment("abc.pdf")) == [{
        "event": "amavis_part", "outcome": "info", "content_type": "application/octet-stream",
        "size": 3045836, "filename": "abc.pdf", "detail": "p002 1/2", "amavis_id": "00001-01"}]
    assert parse(sample("mail.log", "p001 1/1 Content-Type")) == [{
        "event": "amavis_part", "outcome": "info", "content_type": "text/plain", "size": 1890,
        "detail": "p001 1/1", "amavis_id": "07876-10"}]
    assert parse(sample("mail.log", "p003 1 Content-Type")) == [{
        "event": "amavis_part", "outcome": "info", "content_type": "multipart/alternative",
        "detail": "p003 1", "amavis_id": "07876-10"}]


def test_part_line_with_sha1_digest_reconstructed():
    # RECONSTRUCTED from amavisd-new >= 2.11 mime_traverse: "%s %s Content-Type: %s, %s, size: %d%s%s"
    message = ("(12345-01) p003 1/2 Content-Type: application/pdf, base64, size: 84172, "
               "SHA1 digest: 3F786850E387550FDAB836ED7E6DC881DE23001B, name: invoice 2026.pdf")
    assert parse(message) == [{
        "event": "amavis_part", "outcome": "info", "content_type": "application/pdf", "size": 84172,
        "filename": "invoice 2026.pdf", "sha1": "3f786850e387550fdab836ed7e6dc881de23001b",
        "detail": "p003 1/2", "amavis_id": "12345-01"}]


def test_part_line_with_other_digest_and_no_name():
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    [ev] = parse(f"(12345-01) p001 1/1 Content-Type: text/plain, QP, size: 812, SHA-256 digest: {digest}")
    assert ev == {"event": "amavis_part", "outcome": "info", "content_type": "text/plain", "size": 812,
                  "detail": f"p001 1/1, SHA-256 digest: {digest}", "amavis_id": "12345-01"}


def test_p_path_banned():
    assert parse(sample("mail.log", "p.path BANNED")) == [{
        "event": "amavis_banned", "outcome": "info", "verdict": "BANNED",
        "recipient": "test.djoven@icecrown.es", "filename": "sample-script.sh",
        "content_type": "application/x-shellscript",
        "detail": 'P=p004,L=1,M=multipart/mixed | P=p003,L=1/2,M=application/x-shellscript,T=asc,'
                  'N=sample-script.sh, matching_key="(?^i:\\\\.sh$)"',
        "amavis_id": "18438-02"}]


def test_p_path_not_banned_is_a_trace():
    result = parse('(18438-02) p.path <a@b.example>: "P=p003,L=1/2,M=application/pdf,T=pdf,N=x.pdf"')
    assert isinstance(result, Ignored) and result.reason == "amavis: banned-check trace"


# --- AV and spam -----------------------------------------------------------------------------

def test_run_av_and_virus_scan():
    assert parse(sample("mail.log", "run_av (ClamAV-clamd)")) == [{
        "event": "av_hit", "outcome": "info", "verdict": "Eicar-Test-Signature",
        "detail": "ClamAV-clamd /var/lib/amavis/tmp/amavis-20120815T191147-02869/parts",
        "amavis_id": "02869-03"}]
    assert parse(sample("mail.log", "virus_scan:")) == [{
        "event": "av_hit", "outcome": "info", "verdict": "Eicar-Test-Signature",
        "detail": "detected by 1 scanners: ClamAV-clamd", "amavis_id": "02869-03"}]
    [ev] = parse(fragment("virus_scan: (Worm.SomeFool.D"))
    assert ev["verdict"] == "Worm.SomeFool.D"                     # duplicates collapsed
    [ev] = parse(fragment("run_av (NAI McAfee AntiVirus (uvscan)): INFECTED"))
    assert (ev["verdict"], ev["detail"]) == ("W32/Zhelatin.gen!eml", "NAI McAfee AntiVirus (uvscan)")


def test_spam_tag_with_brackets():
    assert parse(fragment("No, score=-0.069")) == [{
        "event": "spam_tag", "outcome": "info", "verdict": "No", "sender": "from@example.com",
        "recipient": "to@sample.net", "score": -0.069, "required": 6.31,
        "tests": "BAYES_00=-2.599,FROM_ENDS_IN_NUMS=2.53", "detail": "SPAM-TAG",
        "amavis_id": "00001-01"}]


def test_spam_tag_without_brackets():
    [ev] = parse(fragment("hits=6.159"))
    assert (ev["verdict"], ev["score"], ev["required"], ev["tests"]) == \
        ("Yes", 6.159, 3.4, "BAYES_99=3.5,FUZZY_CPILL=0.518,HTML_MESSAGE=0.001,URIBL_WS_SURBL=2.14")
    [ev] = parse(fragment("MANGLED_TAKE"))
    assert (ev["score"], ev["required"], ev["tests"]) == (8.1, 7.0, "MANGLED_TAKE,UPPERCASE_25_50")


def test_old_spam_line_uses_tag2_as_required():
    [ev] = parse(fragment("score=17.709"))
    assert (ev["verdict"], ev["score"], ev["required"], ev["tests"], ev["detail"]) == \
        ("Yes", 17.709, 6.31, "AWL=-0.678,BAYES_99=4", "SPAM, autolearn=spam")


def test_spam_scan_reconstructed():
    # RECONSTRUCTED from FORMATS.md 5.4 (level >= 3): spam_scan: score=.. autolearn=.. tests=[..] recips=..
    assert parse("(12345-01) spam_scan: score=7.3 autolearn=no tests=[BAYES_99=3.5,URIBL_DBL_PHISH=2.5,"
                 "HTML_MESSAGE=0.001] recips=2") == [{
        "event": "spam_tag", "outcome": "info", "score": 7.3,
        "tests": "BAYES_99=3.5,URIBL_DBL_PHISH=2.5,HTML_MESSAGE=0.001",
        "detail": "spam_scan, autolearn=no, recips=2", "amavis_id": "12345-01"}]


# --- other lines, continuation ---------------------------------------------------------------

@pytest.mark.parametrize("message, reason", [
    ("(11202-06) TIMING-SA [total 8782 ms, cpu 3158 ms] - parse: 22 (0.2%)", "amavis: timing"),
    ("(18438-01) SA info: util: setuid: ruid=128 euid=128", "amavis: SpamAssassin diagnostics"),
    ("(11463-01) extra modules loaded: Mozilla/CA.pm", "amavis: startup/config"),
    ("(02869-03) checking/creating quarantine subdirs under /var/lib/amavis/virusmails/",
     "amavis: quarantine bookkeeping"),
    ("(02869-03) local delivery: <c@e.com> -> virus-quarantine, mbx=/var/lib/amavis/virusmails/K/v",
     "amavis: quarantine bookkeeping"),
    ("(00001-01) BAD HEADER from <bogus@example.com>: MIME error: error: part did not end with expected "
     "boundary", "amavis: header check detail"),
    ("(00001-01) OS_fingerprint: 10.47.2.155 -1.312 MYNETWORKS", "amavis: OS fingerprint"),
    ("(02526-20) ...nued, 260 ms", "amavis: continuation fragment"),
])
def test_ignored_lines(message, reason):
    result = parse(message)
    assert isinstance(result, Ignored) and result.reason == reason


def test_error_mark_without_event_is_kept_as_service():
    assert parse("(00001-01) (!!)ClamAV-clamd av-scanner FAILED: timed out") == [{
        "event": "service", "outcome": "failure", "level": "ERROR",
        "detail": "ClamAV-clamd av-scanner FAILED: timed out", "amavis_id": "00001-01"}]


def test_continuation_regex():
    m = amavis.CONTINUATION.match("(02526-20) ...queued_as: 9B378160D71, 223 ms")
    assert (m["id"], m["mark"], m["rest"]) == ("02526-20", None, "queued_as: 9B378160D71, 223 ms")
    m = amavis.CONTINUATION.match("(4051607-09) (!)...rest of a warning")
    assert (m["id"], m["mark"], m["rest"]) == ("4051607-09", "(!)", "rest of a warning")
    assert amavis.CONTINUATION.match("(02526-20) Passed CLEAN ...") is None
    # a verdict split after 120 characters and re-joined as first[:-3] + rest parses as the whole
    whole = sample("zimbra.log", "(02526-20) Passed CLEAN")
    first, rest = whole[:120] + "...", "(02526-20) ..." + whole[120:]
    joined = first[:-3] + amavis.CONTINUATION.match(rest)["rest"]
    assert parse(joined) == parse(whole)


# --- whole files -----------------------------------------------------------------------------

def test_every_amavis_line_of_the_syslog_samples():
    counts: Counter = Counter()
    for header in syslog_headers("zimbra.log", "mail.log"):
        if header.program != "amavis":
            continue
        result = parse(header.message)
        if isinstance(result, Ignored):
            counts["ignored"] += 1
            continue
        for ev in result:
            assert set(ev) <= set(COLUMNS) and ev["event"] in EVENT_KINDS
            assert ev["outcome"] in OUTCOMES and ev["amavis_id"]
            counts[ev["event"]] += 1
    assert counts == Counter({"amavis_verdict": 15, "amavis_check": 12, "amavis_fwd": 9,
                              "amavis_part": 3, "av_hit": 2, "amavis_banned": 1, "ignored": 5})


def test_message_fragments():
    """Every line of amavis.msg-fragments.log behind a ``(id) `` prefix; counts checked by eye."""
    counts, kinds = tally(sample_lines("amavis.msg-fragments.log"), lambda line: parse("(00001-01) " + line))
    assert counts == Counter({"ignored": 130, "lines_with_events": 71})
    assert kinds == Counter({"amavis_verdict": 29, "service": 17, "spam_tag": 10, "av_hit": 7,
                             "amavis_part": 5, "amavis_check": 3})


@settings(max_examples=400, deadline=None)
@given(prefix=st.sampled_from(["", "(02526-20) ", "(02526-20) (!)", "(1-2) Passed CLEAN, ",
                               "(1-2) Blocked INFECTED (", "(1-2) Checking: ", "(1-2) p001 1/2 Content-Type: ",
                               "(1-2) p.path BANNED:1 ", "(1-2) SPAM-TAG, <", "(1-2) ESMTP :10024 /",
                               "(1-2) run_av (x): INFECTED: ", "(1-2) spam_scan: score="]),
       text=st.text())
def test_arbitrary_text_only_raises_parse_error(prefix, text):
    try:
        result = amavis.parse_message(prefix + text, CTX)
    except ParseError:
        return
    assert isinstance(result, (list, Ignored))


def test_doctests():
    assert doctest.testmod(amavis).failed == 0


def test_forward_line_whose_mail_id_looks_like_a_part_number():
    """A mail_id may start with 'p' and a digit: it is still a FWD line, not a MIME part."""
    [event] = amavis.parse_message(
        "(03001-01) p2lypfj7K_Df FWD from <a@b.example> -> <c@d.example>, BODY=7BIT 250 2.0.0 from "
        "MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5B2C3D4E5F", ParseContext.for_tests())
    assert (event["event"], event["mail_id"], event["queued_as"]) == ("amavis_fwd", "p2lypfj7K_Df", "5B2C3D4E5F")

"""postfix message parser: real lines from formats/samples, exact field values."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.events import COLUMNS, EVENT_KINDS, OUTCOMES
from zimgraph.sources import postfix
from zimgraph.sources.base import Ignored, ParseContext, ParseError
from zimgraph.sources.syslog import parse_header
from tests.sources.fuzz import tally
from tests.sources.samples import sample_lines, syslog_headers

CTX = ParseContext.for_tests()



def sample(name: str, needle: str) -> tuple[str, str]:
    """(program, message) of the one syslog line of ``name`` that contains ``needle``."""
    found = [line for line in sample_lines(name) if needle in line]
    assert len(found) == 1, f"{needle!r} matches {len(found)} lines of {name}"
    header = parse_header(found[0], ParseContext.for_tests())
    return header.program, header.message


def parse(program: str, message: str):
    return postfix.parse_message(program, message, CTX)


def parse_sample(name: str, needle: str):
    return parse(*sample(name, needle))


# --- connections ---------------------------------------------------------------------------

def test_connect_from():
    assert parse_sample("zimbra.log", "smtpd[9392]: connect from") == [{
        "event": "smtp_connect", "outcome": "info", "protocol": "smtp",
        "client_ip": "103.124.94.220", "detail": "mail.tubui.xyz"}]


def test_connect_ipv6_and_unknown():
    assert parse("postfix/smtpd", "connect from unknown[2001:980:cfb1:1:82f:f74e:a45c:3033]") == [{
        "event": "smtp_connect", "outcome": "info", "protocol": "smtp",
        "client_ip": "2001:980:cfb1:1:82f:f74e:a45c:3033", "detail": "unknown"}]
    # postfix writes unknown[unknown] when it has no address: no client_ip then
    assert parse("postfix/smtpd", "connect from unknown[unknown]") == [{
        "event": "smtp_connect", "outcome": "info", "protocol": "smtp", "detail": "unknown"}]


def test_postscreen_connect_and_pass():
    assert parse_sample("zimbra.log", "CONNECT from [209.85.210.173]:44683") == [{
        "event": "smtp_connect", "outcome": "info", "protocol": "smtp",
        "client_ip": "209.85.210.173", "client_port": "44683",
        "detail": "CONNECT to [103.124.94.220]:25"}]
    assert parse_sample("zimbra.log", "PASS NEW") == [{
        "event": "smtp_connect", "outcome": "info", "protocol": "smtp",
        "client_ip": "209.85.210.173", "client_port": "44683", "detail": "PASS NEW"}]
    [ev] = parse_sample("zimbra.log", "ALLOWLISTED")
    assert (ev["client_ip"], ev["client_port"], ev["detail"]) == ("103.124.94.220", "59578", "ALLOWLISTED")
    [ev] = parse("postfix/postscreen", "WHITELISTED [192.0.2.1]:4711")
    assert ev["detail"] == "WHITELISTED"
    [ev] = parse("postfix/postscreen", "DNSBL rank 3 for [192.0.2.7]:51234")
    assert (ev["client_ip"], ev["detail"]) == ("192.0.2.7", "DNSBL rank 3")


@pytest.mark.parametrize("message", ["DISCONNECT [192.0.2.7]:51234",
                                     "HANGUP after 0.5 from [192.0.2.7]:51234 in tests after SMTP handshake"])
def test_postscreen_bookkeeping_is_ignored(message):
    result = parse("postfix/postscreen", message)
    assert isinstance(result, Ignored) and result.reason == "postfix: postscreen bookkeeping"


def test_disconnect_is_bookkeeping():
    result = parse_sample("mail.log", "disconnect from unknown[186.185.3.41]")
    assert isinstance(result, Ignored) and result.reason == "postfix: connection bookkeeping"


def test_disconnect_auth_without_accepted_rcpt_is_a_login():
    # a credential check: AUTH succeeded, nothing was queued, so no client= line names it
    assert parse("postfix/submission/smtpd",
                 "disconnect from unknown[198.51.100.7] ehlo=1 auth=1 rset=1 quit=1 commands=4") == [{
        "event": "smtp_auth", "outcome": "success", "protocol": "smtp", "client_ip": "198.51.100.7",
        "detail": "AUTH without accepted RCPT: ehlo=1 auth=1 rset=1 quit=1 commands=4"}]
    # failed AUTH: the SASL warning line already counted it
    assert isinstance(parse("postfix/smtpd", "disconnect from unknown[198.51.100.7] ehlo=1 "
                                             "auth=0/1 quit=1 commands=2/3"), Ignored)
    # AUTH and an accepted RCPT: the client=..., sasl_username= line carries it
    assert isinstance(parse("postfix/smtpd", "disconnect from unknown[198.51.100.7] ehlo=1 "
                                             "auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6"), Ignored)


# --- client= and SMTP AUTH -------------------------------------------------------------------

def test_client_with_sasl_username_emits_client_and_auth():
    assert parse_sample("mail.log", "680141B80946: client=") == [
        {"event": "smtp_client", "outcome": "success", "protocol": "smtp",
         "queue_id": "680141B80946", "client_ip": "212.95.7.65", "account": "michel.grenier",
         "detail": "212095007065.public.telering.at"},
        {"event": "smtp_auth", "outcome": "success", "protocol": "smtp",
         "queue_id": "680141B80946", "client_ip": "212.95.7.65", "account": "michel.grenier",
         "detail": "LOGIN"},
    ]


def test_client_plain():
    assert parse_sample("zimbra.log", "E511C160D75: client=") == [{
        "event": "smtp_client", "outcome": "success", "protocol": "smtp",
        "queue_id": "E511C160D75", "client_ip": "209.85.210.173",
        "detail": "mail-pf1-f173.google.com"}]


@pytest.mark.parametrize("message, ip, port, detail", [
    ("client=unknown[192.168.0.1]:10025", "192.168.0.1", "10025", "unknown"),
    ("client=unknown[192.168.0.1]:unknown", "192.168.0.1", None, "unknown"),
    ("client=mail.example.com[2001:dead:beef::1]", "2001:dead:beef::1", None, "mail.example.com"),
    ("client=localhost[127.0.0.1], sasl_sender=someone@example.com", "127.0.0.1", None,
     "localhost, sasl_sender=someone@example.com"),
])
def test_client_fragments(message, ip, port, detail):
    lines = sample_lines("postfix.msg-fragments.log")
    assert message in lines
    [ev] = parse("postfix/smtpd", message)
    assert (ev["client_ip"], ev.get("client_port"), ev["detail"]) == (ip, port, detail)


def test_client_with_xforward_orig_client():
    # amavis re-injects with XFORWARD: the real client and the previous queue id are logged
    [ev] = parse("postfix/amavisd/smtpd", "3pJjgB6dpKz1JBPW: client=localhost[127.0.0.1], "
                 "orig_queue_id=3pJjg82Vycz1JBJG, orig_client=wursti.dovecot.fi[87.106.245.223]")
    assert ev == {"event": "smtp_client", "outcome": "success", "protocol": "smtp",
                  "queue_id": "3pJjgB6dpKz1JBPW", "client_ip": "87.106.245.223",
                  "proxy_ip": "127.0.0.1",
                  "detail": "localhost, orig_queue_id=3pJjg82Vycz1JBJG, "
                            "orig_client=wursti.dovecot.fi[87.106.245.223]"}


# every SASL failure line of mail.log: (client_ip, client_port, account, detail)
SASL_FAILURES = {
    "HOSTNAME[1.1.1.1]": ("1.1.1.1", None, None, "authentication failure"),
    "unknown[82.221.106.233]": ("82.221.106.233", None, None, "UGFzc3dvcmQ6"),
    "unknown[192.0.2.237]:55729": ("192.0.2.237", "55729", None, "authentication failure"),
    "unknown[192.0.2.150]": ("192.0.2.150", None, None, None),
    "unknown[1.1.1.1]": ("1.1.1.1", None, None, "Connection lost to authentication server"),
    "unknown[192.0.2.152]": ("192.0.2.152", None, "admin", "(reason unavailable)"),
    "unknown[203.0.113.42]": ("203.0.113.42", None, None, "authentication failure"),
}


def test_all_sasl_failures_of_mail_log():
    lines = [line for line in sample_lines("mail.log") if "authentication failed" in line]
    assert len(lines) == len(SASL_FAILURES)
    for line in lines:
        header = parse_header(line, ParseContext.for_tests())
        [ev] = parse(header.program, header.message)
        key = header.message.split(": ")[1]
        ip, port, account, detail = SASL_FAILURES[key]
        assert ev["event"] == "smtp_auth" and ev["outcome"] == "failure" and ev["protocol"] == "smtp"
        assert (ev["client_ip"], ev.get("client_port"), ev.get("account"), ev.get("detail")) == \
            (ip, port, account, detail), line


def test_sasl_failure_without_reason_and_other_mechanism():
    [ev] = parse("postfix/smtpd", "warning: example.com[192.168.0.1]: SASL DIGEST-MD5 authentication failed")
    assert ev == {"event": "smtp_auth", "outcome": "failure", "protocol": "smtp",
                  "client_ip": "192.168.0.1"}


def test_sasl_username_is_lower_cased():
    [ev] = parse("postfix/smtps/smtpd", "warning: unknown[2001:db8::5]:50123: SASL PLAIN "
                 "authentication failed: UGFzc3dvcmQ6, sasl_username=Admin@Example.COM")
    assert (ev["client_ip"], ev["client_port"], ev["account"], ev["detail"]) == \
        ("2001:db8::5", "50123", "admin@example.com", "UGFzc3dvcmQ6")


def test_other_warnings_are_ignored():
    result = parse_sample("mail.log", "does not resolve to address 186.185.3.41")
    assert isinstance(result, Ignored) and result.reason == "postfix: warning"


# --- queue: message-id, qmgr, deliveries ------------------------------------------------------

def test_message_id():
    assert parse_sample("zimbra.log", "7663A160D70: message-id=") == [{
        "event": "msg_received", "outcome": "info", "queue_id": "7663A160D70",
        "message_id": "<556380065.11.1647310600386.JavaMail.zimbra@tubui.xyz>"}]
    [ev] = parse("postfix/cleanup", "ABCDEF1234: resent-message-id=<ARF+DXZwLECdxm@mail.example.com>")
    assert (ev["message_id"], ev["detail"]) == ("<ARF+DXZwLECdxm@mail.example.com>", "resent-message-id")


def test_long_queue_id():
    [ev] = parse("postfix/cleanup", "48rT2v1hQrz1J0N: message-id=<a@b>")
    assert ev["queue_id"] == "48rT2v1hQrz1J0N"


def test_qmgr_from():
    assert parse_sample("zimbra.log", "7663A160D70: from=<admin@tubui.xyz>") == [{
        "event": "msg_received", "outcome": "info", "queue_id": "7663A160D70",
        "sender": "admin@tubui.xyz", "size": 1115, "detail": "nrcpt=1"}]


def test_removed_is_ignored():
    result = parse_sample("zimbra.log", "7663A160D70: removed")
    assert isinstance(result, Ignored) and result.reason == "postfix: queue file removed"


def test_delivery_to_amavis_chains_queue_ids():
    assert parse_sample("zimbra.log", "E511C160D75: to=<admin@tubui.xyz>") == [{
        "event": "msg_sent", "outcome": "success", "protocol": "smtp", "queue_id": "E511C160D75",
        "recipient": "admin@tubui.xyz", "relay": "127.0.0.1[127.0.0.1]:10024", "status": "sent",
        "detail": "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 30056160D76",
        "queued_as": "30056160D76"}]


def test_lmtp_hand_off_to_mailbox():
    assert parse_sample("zimbra.log", "30056160D76: to=<admin@tubui.xyz>") == [{
        "event": "msg_sent", "outcome": "success", "protocol": "lmtp", "queue_id": "30056160D76",
        "recipient": "admin@tubui.xyz", "relay": "mail.tubui.xyz[103.124.94.220]:7025",
        "status": "sent", "detail": "250 2.1.5 Delivery OK"}]


def test_rfc3339_delivery_chain():
    [ev] = parse_sample("zimbra.log", "31D4F2816E1: to=")
    assert (ev["queue_id"], ev["queued_as"]) == ("31D4F2816E1", "5261B2816D5")


def test_amavis_bounce_reply_names_the_session():
    [ev] = parse_sample("mail.log", "79C12FEF59: to=")
    assert (ev["amavis_id"], ev["detail"]) == ("18438-02", "250 2.5.0 Ok, id=18438-02, BOUNCE")


def test_bounced_with_orig_to_and_notification():
    assert parse_sample("mail.log", "50527122C078: to=") == [{
        "event": "msg_sent", "outcome": "bounce", "queue_id": "50527122C078",
        "recipient": "root@mail.jmchd.com", "relay": "virtual", "status": "bounced",
        "detail": 'unknown user: "root@mail.jmchd.com" [orig_to=<root>]'}]
    assert parse_sample("mail.log", "sender non-delivery notification") == [{
        "event": "msg_bounce", "outcome": "bounce", "queue_id": "50527122C078",
        "queued_as": "585F8122C07F", "detail": "sender non-delivery notification"}]


def test_deferred_and_expired():
    [ev] = parse("postfix/smtp", "ABC123DEF: to=<to@example.com>, relay=none, delay=141602, "
                 "status=deferred (connect to mx1.example.com[10.0.0.1]: Connection refused)")
    assert (ev["outcome"], ev["status"], ev["detail"]) == \
        ("defer", "deferred", "connect to mx1.example.com[10.0.0.1]: Connection refused")
    [ev] = parse("postfix/qmgr", "ABC123DEF: from=<from@example.com>, status=expired, returned to sender")
    assert ev == {"event": "msg_bounce", "outcome": "bounce", "queue_id": "ABC123DEF",
                  "sender": "from@example.com", "status": "expired", "detail": "returned to sender"}


def test_pickup_is_a_local_submission():
    assert parse_sample("mail.log", "uid=0 from=<root>") == [{
        "event": "msg_received", "outcome": "info", "queue_id": "50527122C078",
        "sender": "root", "detail": "uid=0"}]


def test_delivery_without_status_is_a_parse_error():
    with pytest.raises(ParseError):
        parse("postfix/smtp", "ABC123DEF: to=<to@example.com>, relay=none, delay=1")


# --- rejects and filters ---------------------------------------------------------------------

def test_noqueue_reject():
    assert parse_sample("mail.log", "NOQUEUE: reject") == [{
        "event": "smtp_reject", "outcome": "reject", "protocol": "smtp",
        "client_ip": "109.91.181.221", "verdict": "reject", "status": "554",
        "detail": "RCPT: 554 5.7.1 <jessicawoetke@gmail.com>: Relay access denied",
        "sender": "michel.grenier@wm-mw.org", "recipient": "jessicawoetke@gmail.com",
        "helo": "ZI32-01"}]


def test_reject_with_semicolons_in_reply_and_4xx_defer():
    [ev] = parse("postfix/smtpd", "NOQUEUE: reject: RCPT from unknown[192.0.2.9]:4567: 554 5.7.1 "
                 "Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org; "
                 "https://www.spamhaus.org/query/ip/192.0.2.9; from=<a@b.example> to=<c@d.example> "
                 "proto=ESMTP helo=<x>")
    assert ev["detail"] == ("RCPT: 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked "
                            "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.9")
    assert (ev["client_port"], ev["sender"], ev["recipient"]) == ("4567", "a@b.example", "c@d.example")
    [ev] = parse("postfix/smtpd", "NOQUEUE: reject: RCPT from host[10.0.0.1]: 450 4.1.2 <to@example.com>: "
                 "Recipient address rejected: Domain not found; from=<f@sample.net> to=<to@example.com> "
                 "proto=ESMTP helo=<sample.net>")
    assert (ev["outcome"], ev["status"]) == ("defer", "450")


def test_postscreen_reject_with_comma_separated_envelope():
    [ev] = parse("postfix/postscreen", "NOQUEUE: reject: RCPT from [192.0.2.1]:4567: 550 5.7.1 Service "
                 "unavailable; client [192.0.2.1] blocked using zen.spamhaus.org; from=<a@b.example>, "
                 "to=<c@d.example>, proto=ESMTP, helo=<x.example>")
    assert (ev["client_ip"], ev["client_port"], ev["sender"], ev["recipient"], ev["helo"]) == \
        ("192.0.2.1", "4567", "a@b.example", "c@d.example", "x.example")


def test_reject_warning_is_not_enforced():
    [ev] = parse("postfix/smtpd", "NOQUEUE: reject_warning: RCPT from host[10.0.0.1]: 554 5.7.1 "
                 "<to@sample.net>: Relay access denied; from=<f@example.com> to=<to@sample.net> "
                 "proto=ESMTP helo=<example.com>")
    assert (ev["event"], ev["outcome"], ev["verdict"]) == ("smtp_reject", "info", "reject_warning")


def test_cleanup_header_check_reject():
    [ev] = parse("postfix/cleanup", "4C1A8D23A: reject: header Subject: Cheap pills from "
                 "mail.example.com[10.0.0.1]; from=<a@example.com> to=<b@example.net> proto=ESMTP "
                 "helo=<example.com>: 5.7.1 message content rejected")
    assert ev == {"event": "smtp_reject", "outcome": "reject", "protocol": "smtp",
                  "queue_id": "4C1A8D23A", "client_ip": "10.0.0.1", "verdict": "reject",
                  "detail": "header Subject: Cheap pills: 5.7.1 message content rejected",
                  "sender": "a@example.com", "recipient": "b@example.net", "helo": "example.com"}


def test_noqueue_filter_is_ignored():
    lines = [line for line in sample_lines("zimbra.log") if "NOQUEUE: filter:" in line]
    assert len(lines) == 4
    for line in lines:
        header = parse_header(line, ParseContext.for_tests())
        result = parse(header.program, header.message)
        assert isinstance(result, Ignored) and result.reason == "postfix: FILTER routing"


def test_tls_and_lost_connection_are_ignored():
    result = parse_sample("zimbra.log", "Anonymous TLS connection established")
    assert isinstance(result, Ignored) and result.reason == "postfix: TLS"
    result = parse_sample("mail.log", "lost connection after RCPT")
    assert isinstance(result, Ignored) and result.reason == "postfix: connection bookkeeping"


# --- whole files -----------------------------------------------------------------------------

def test_every_postfix_line_of_the_syslog_samples():
    counts: Counter = Counter()
    for header in syslog_headers("zimbra.log", "mail.log"):
        if not header.program.startswith("postfix/"):
            continue
        result = parse(header.program, header.message)
        if isinstance(result, Ignored):
            counts["ignored"] += 1
            continue
        for ev in result:
            assert set(ev) <= set(COLUMNS) and ev["event"] in EVENT_KINDS
            assert ev["outcome"] in OUTCOMES
            assert not {"ts", "host", "program"} & set(ev)
            counts[ev["event"]] += 1
    assert counts == Counter({"msg_received": 34, "smtp_connect": 20, "smtp_client": 17,
                              "msg_sent": 15, "smtp_auth": 10, "smtp_reject": 1, "msg_bounce": 1,
                              "ignored": 32})


def test_message_fragments():
    """Every line of postfix.msg-fragments.log: only ParseError may escape; counts checked by eye."""
    counts, kinds = tally(sample_lines("postfix.msg-fragments.log"), lambda line: parse("postfix/smtpd", line))
    assert counts == Counter({"ignored": 201, "lines_with_events": 137})
    assert kinds == Counter({"smtp_reject": 69, "msg_sent": 39, "smtp_client": 9, "msg_received": 9,
                             "msg_bounce": 5, "smtp_connect": 4, "smtp_auth": 4})


@settings(max_examples=400, deadline=None)
@given(program=st.sampled_from(["postfix/smtpd", "postfix/postscreen", "postfix/qmgr", "postfix/lmtp"]),
       prefix=st.sampled_from(["", "7663A160D70: ", "NOQUEUE: ", "warning: ", "NOQUEUE: reject: ",
                               "ABCDEF123: to=<", "client=", "connect from ", "disconnect from "]),
       text=st.text())
def test_arbitrary_text_only_raises_parse_error(program, prefix, text):
    try:
        result = postfix.parse_message(program, prefix + text, CTX)
    except ParseError:
        return
    assert isinstance(result, (list, Ignored))


def test_doctests():
    assert doctest.testmod(postfix).failed == 0

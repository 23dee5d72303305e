"""nginx.log (zimbra-proxy error_log, mail proxy): RECONSTRUCTED shapes, lenient parsing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import nginx_error
from zimgraph.sources.base import BLANK, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own

# RECONSTRUCTED from nginx ngx_mail_log_error / Zimbra's nginx fork (no public Zimbra line)
ZMAUTH_FAILED = ('2026/11/12 10:15:02 [error] 4321#0: *77 An error occurred in mail zmauth: LOGIN failed '
                 'while in mail zmauth state, client: 203.0.113.7:51234, server: 0.0.0.0:993, '
                 'login: "Alice@Example.com"')
HTTP_AUTH_FAILED = ('2026/11/12 10:15:02 [info] 4321#0: *78 client login failed: "Invalid login or '
                    'password" while in http auth state, client: 2001:db8::7:51234, server: 0.0.0.0:110, '
                    'login: "bob"')
CONNECTED = "2026/11/12 10:15:01 [info] 4321#0: *77 client 203.0.113.7:51234 connected to 0.0.0.0:993"
PROXYING = ('2026/11/12 10:17:00 [info] 4321#0: *90 client closed connection while in mail proxy state, '
            'client: 198.51.100.4:5555 using starttls, server: 0.0.0.0:587, login: "carol", upstream: '
            '10.0.0.5:7025 (198.51.100.4:5555->10.0.0.4:587) <=> (10.0.0.4:40000->10.0.0.5:7025)')
HTTP_ERROR = ('2026/11/12 10:16:00 [error] 4321#0: *80 upstream timed out (110: Connection timed out) '
              'while reading response header from upstream, client: 2001:db8::1:443, server: '
              'mail.example.com, request: "POST /service/soap/AuthRequest HTTP/1.1", upstream: '
              '"https://10.0.0.5:8443/service/soap/AuthRequest", host: "mail.example.com"')
NOTICE = "2026/11/12 10:00:00 [notice] 4320#4320: signal process started"
OWN = (ZMAUTH_FAILED, HTTP_AUTH_FAILED, CONNECTED, PROXYING, HTTP_ERROR, NOTICE)


def parse_one(line: str, ctx: ParseContext | None = None) -> dict:
    out = nginx_error.parse(line, ctx or ParseContext.for_tests())
    assert isinstance(out, list) and len(out) == 1, out
    return out[0]


def test_zimbra_zmauth_login_failure_is_an_auth_event():
    ev = parse_one(ZMAUTH_FAILED, ParseContext.for_tests("Europe/Paris"))
    assert ev == {
        "ts": int(dt.datetime(2026, 11, 12, 9, 15, 2, tzinfo=dt.timezone.utc).timestamp() * 1000),
        "event": "auth",
        "outcome": "failure",
        "level": "ERROR",
        "program": "nginx",
        "protocol": "imap",                        # from the listener port 993
        "client_ip": "203.0.113.7",
        "client_port": "51234",
        "account": "alice@example.com",
        "account_typed": "Alice@Example.com",
        "method": None,
        "url": None,
        "host": None,
        "relay": None,
        "detail": "An error occurred in mail zmauth: LOGIN failed while in mail zmauth state; conn=77; "
                  "server=0.0.0.0:993",
    }


def test_generic_http_auth_failure_ipv6_client_with_port():
    ev = parse_one(HTTP_AUTH_FAILED)
    assert (ev["event"], ev["outcome"], ev["protocol"]) == ("auth", "failure", "pop3")
    assert (ev["client_ip"], ev["client_port"], ev["account"]) == ("2001:db8::7", "51234", "bob")
    assert ev["account_typed"] is None
    assert ev["detail"].startswith('client login failed: "Invalid login or password" while in http auth')


def test_connected_line():
    ev = parse_one(CONNECTED)
    assert (ev["event"], ev["protocol"], ev["client_ip"], ev["client_port"]) == (
        "proxy_error", "imap", "203.0.113.7", "51234")
    assert ev["ts"] == int(dt.datetime(2026, 11, 12, 10, 15, 1, tzinfo=dt.timezone.utc).timestamp() * 1000)


def test_proxy_session_with_starttls_and_upstream_relationship():
    ev = parse_one(PROXYING)
    assert (ev["event"], ev["protocol"]) == ("proxy_error", "smtp")
    assert (ev["client_ip"], ev["client_port"], ev["account"]) == ("198.51.100.4", "5555", "carol")
    assert ev["relay"] == "10.0.0.5:7025"


def test_http_context_without_client_port():
    ev = parse_one(HTTP_ERROR)
    assert (ev["event"], ev["protocol"], ev["level"]) == ("proxy_error", "http", "ERROR")
    assert (ev["client_ip"], ev["client_port"]) == ("2001:db8::1:443", None)   # HTTP logs no port
    assert (ev["method"], ev["url"], ev["host"]) == ("POST", "/service/soap/AuthRequest", "mail.example.com")
    assert ev["relay"] == "https://10.0.0.5:8443/service/soap/AuthRequest"


def test_line_without_connection_or_context():
    ev = parse_one(NOTICE)
    assert (ev["event"], ev["level"], ev["detail"], ev["client_ip"]) == (
        "proxy_error", "NOTICE", "signal process started", None)


def test_login_with_quotes_and_commas_is_kept():
    line = ZMAUTH_FAILED.replace('"Alice@Example.com"', '"x", y: "z"')
    assert parse_one(line)["account"] == 'x", y: "z'


def test_blank_and_garbage():
    ctx = ParseContext.for_tests()
    assert nginx_error.parse("", ctx) is BLANK
    with pytest.raises(ParseError):
        nginx_error.parse("nginx: [emerg] bind() to 0.0.0.0:443 failed", ctx)
    with pytest.raises(ParseError):
        nginx_error.parse(NOTICE.replace("2026/11/12", "2026/13/12"), ctx)


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(nginx_error, OWN)


def test_module_contract():
    assert (nginx_error.NAME, nginx_error.FILENAMES, nginx_error.FRAMING) == (
        "nginx_error", ("nginx.log",), "line")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), mutations(list(OWN), reach=300)))
def test_arbitrary_text_raises_only_parse_error(text):
    try:
        out = nginx_error.parse(text, ParseContext.for_tests())
    except ParseError:
        return
    check_result(out)
    nginx_error.sniff(text)

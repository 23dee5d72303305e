"""nginx.access.log (zimbra-proxy): the three log_formats, client ports, upstreams, escapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import nginx_access
from zimgraph.sources.base import BLANK, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "samples"

# RECONSTRUCTED (FORMATS.md 4.2: no public Zimbra line exists); one per historical log_format
LINE_2017 = ('203.0.113.7:51234 - - [12/Nov/2026:10:15:02 +0100]  "POST https://mail.example.com/service/'
             'soap/AuthRequest HTTP/1.1" 200 1234 "https://mail.example.com/" "Mozilla/5.0 (X11)" '
             '"10.0.0.5:8443" "10.0.0.4:443"')
LINE_2014 = ('203.0.113.7:51234 - - [12/Nov/2014:10:15:02 +0100]  "GET /zimbra/?client=advanced HTTP/1.1" '
             '302 512 "-" "Mozilla/5.0" "10.0.0.5:8080"')
LINE_2013 = ('203.0.113.7 - - [12/Nov/2013:10:15:02 +0100]  "GET /zimbra/ HTTP/1.1" 200 512 "-" '
             '"Mozilla/5.0" "-"')
JETTY = ('[attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST [snipped]/service/extension/backup/'
         'mboximport?account-name=admin&ow=1&no-switch=true HTTP/1.0" 401 299 "[snipped]" '
         '"Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0" 7')


def utc_ms(*fields: int) -> int:
    return int(dt.datetime(*fields, tzinfo=dt.timezone.utc).timestamp() * 1000)


def parse_one(line: str, ctx: ParseContext | None = None) -> dict:
    out = nginx_access.parse(line, ctx or ParseContext.for_tests())
    assert isinstance(out, list) and len(out) == 1, out
    return out[0]


def line_2017(addr="203.0.113.7:51234", user="-", request="GET https://mail.example.com/ HTTP/1.1",
              ua="Mozilla/5.0", upstream="10.0.0.5:8443") -> str:
    return (f'{addr} - {user} [12/Nov/2026:10:15:02 +0100]  "{request}" 200 10 "-" "{ua}" '
            f'"{upstream}" "10.0.0.4:443"')


def test_format_2017_absolute_url_and_server():
    ev = parse_one(LINE_2017)
    assert ev == {
        "ts": utc_ms(2026, 11, 12, 9, 15, 2),       # +0100
        "event": "http",
        "protocol": "http",
        "client_ip": "203.0.113.7",
        "client_port": "51234",
        "account": None,
        "method": "POST",
        "url": "/service/soap/AuthRequest",
        "host": "mail.example.com",
        "status": "200",
        "size": 1234,
        "user_agent": "Mozilla/5.0 (X11)",
        "relay": "10.0.0.5:8443",
        "detail": ("proto=HTTP/1.1; request=https://mail.example.com/service/soap/AuthRequest; "
                   "referer=https://mail.example.com/; server=10.0.0.4:443"),
    }


def test_format_2014_port_relative_request():
    ev = parse_one(LINE_2014)
    assert (ev["client_ip"], ev["client_port"]) == ("203.0.113.7", "51234")
    assert (ev["method"], ev["url"], ev["host"]) == ("GET", "/zimbra/?client=advanced", None)
    assert (ev["status"], ev["size"], ev["relay"]) == ("302", 512, "10.0.0.5:8080")
    assert ev["ts"] == utc_ms(2014, 11, 12, 9, 15, 2)
    assert ev["detail"] == "proto=HTTP/1.1"


def test_format_2013_no_port_no_upstream():
    ev = parse_one(LINE_2013)
    assert (ev["client_ip"], ev["client_port"]) == ("203.0.113.7", None)
    assert ev["relay"] is None                       # "-": served locally
    assert (ev["method"], ev["url"]) == ("GET", "/zimbra/")


def test_sample_folder_has_no_nginx_line_but_jetty_is_refused():
    path = SAMPLES / "access_log"
    if not path.exists():
        pytest.skip(f"sample file {path} not found (the shared/formats/samples folder is absent)")
    for line in path.read_text(encoding="utf-8").splitlines():
        assert not nginx_access.sniff(line)
        with pytest.raises(ParseError):
            nginx_access.parse(line, ParseContext.for_tests())


@pytest.mark.parametrize("addr, ip, port", [
    ("203.0.113.7:51234", "203.0.113.7", "51234"),
    ("2001:db8::7:51234", "2001:db8::7", "51234"),
    ("2001:DB8::1:443", "2001:db8::1", "443"),          # the 2017 form always has a port
    ("::ffff:192.0.2.1:4433", "192.0.2.1", "4433"),
])
def test_client_with_port_split_on_last_colon(addr, ip, port):
    ev = parse_one(line_2017(addr=addr))
    assert (ev["client_ip"], ev["client_port"]) == (ip, port)


def test_ipv6_with_port_in_the_2014_format():
    line = LINE_2014.replace("203.0.113.7:51234", "2001:db8::7:51234")
    ev = parse_one(line)
    assert (ev["client_ip"], ev["client_port"]) == ("2001:db8::7", "51234")


def test_ipv6_without_port_in_the_2013_format():
    ctx = ParseContext.for_tests()
    parse_one(LINE_2013, ctx)                            # a bare IPv4: this file has no ports
    ev = parse_one(LINE_2013.replace("203.0.113.7", "2001:db8::1:443"), ctx)
    assert (ev["client_ip"], ev["client_port"]) == ("2001:db8::1:443", None)
    ev = parse_one(LINE_2013.replace("203.0.113.7", "2001:db8::a"), ctx)
    assert (ev["client_ip"], ev["client_port"]) == ("2001:db8::a", None)


def test_ambiguous_ipv6_without_file_evidence_assumes_a_port():
    ev = parse_one(LINE_2014.replace("203.0.113.7:51234", "2001:db8::1:443"))
    assert (ev["client_ip"], ev["client_port"]) == ("2001:db8::1", "443")


@pytest.mark.parametrize("upstream, relay", [
    ("-", None),
    ("10.0.0.5:8443", "10.0.0.5:8443"),
    ("10.0.0.5:8443, 10.0.0.6:8443", "10.0.0.5:8443, 10.0.0.6:8443"),    # retried next upstream
    ("10.0.0.5:8443 : 10.0.0.6:8443", "10.0.0.5:8443 : 10.0.0.6:8443"),  # internal redirect
])
def test_upstream_forms(upstream, relay):
    assert parse_one(line_2017(upstream=upstream))["relay"] == relay


def test_remote_user_backslash_unescaped():
    assert parse_one(line_2017(user=r"EXAMPLE\x5CAlice"))["account"] == "example\\alice"
    assert parse_one(line_2017(user="Bob@Example.com"))["account"] == "bob@example.com"


def test_attacker_user_agent_with_quotes_and_html():
    ua = r"Mozilla/5.0 \x22><img src=x onerror=alert(1)> \x22x\x22"
    ev = parse_one(line_2017(ua=ua))
    assert ev["user_agent"] == 'Mozilla/5.0 "><img src=x onerror=alert(1)> "x"'
    ev = parse_one(line_2017(ua="<script>alert('x')</script>"))
    assert ev["user_agent"] == "<script>alert('x')</script>"


def test_control_bytes_stay_escaped_in_junk_request():
    line = LINE_2013.replace("GET /zimbra/ HTTP/1.1", r"\x16\x03\x01\x00\xA5\x01")
    ev = parse_one(line)
    assert ev["method"] is None
    assert ev["url"] == r"\x16\x03\x01\x00\xa5\x01"     # control chars and invalid UTF-8 as text


def test_junk_request_in_the_2017_format():
    ev = parse_one(line_2017(request=" https://mail.example.com "))
    assert ev["method"] is None and ev["host"] is None
    assert ev["url"] == " https://mail.example.com "


def test_absolute_url_without_path():
    ev = parse_one(line_2017(request="GET https://Mail.Example.com HTTP/1.1"))
    assert (ev["url"], ev["host"]) == (None, "mail.example.com")
    assert "request=https://Mail.Example.com" in ev["detail"]


def test_blank_and_garbage():
    ctx = ParseContext.for_tests()
    assert nginx_access.parse("", ctx) is BLANK
    with pytest.raises(ParseError):
        nginx_access.parse("GET / HTTP/1.1", ctx)
    with pytest.raises(ParseError):
        nginx_access.parse(LINE_2013.replace("Nov", "Foo"), ctx)


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(nginx_access, (LINE_2017, LINE_2014, LINE_2013))


def test_module_contract():
    assert (nginx_access.NAME, nginx_access.FILENAMES, nginx_access.FRAMING) == (
        "nginx_access", ("nginx.access.log",), "line")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(), mutations([LINE_2017, LINE_2014, LINE_2013])), max_size=4))
def test_arbitrary_text_raises_only_parse_error(texts):
    ctx = ParseContext.for_tests()
    for text in texts:
        try:
            out = nginx_access.parse(text, ctx)
        except ParseError:
            continue
        check_result(out)
        nginx_access.sniff(text)


# --- split_line, the positional reader, against LINE ------------------------------------------
SHAPES = [LINE_2017, LINE_2014, LINE_2013, JETTY,
          line_2017(request="GET / HTTP/1.1"), line_2017(request="GET  HTTP/1.1"), line_2017(request="GET /x"),
          line_2017(request="GET"), line_2017(request="GET "), line_2017(request=""), line_2017(request="\\x16\\x03\\x01"),
          line_2017(request="get /x HTTP/1.1"), line_2017(request="GET /x HTTP/1.1 extra"),
          line_2017(request="GET /x http/1.1"), line_2017(request="GET /x HTTP/1.123456"),
          line_2017(request="GET /x HTTP/..."), line_2017(request="GET /x HTTP/1/1"), line_2017(request="GET /x H/1.1"),
          line_2017(request="GET https://h HTTP/1.1"), line_2017(request="GET https://h?q=1 HTTP/1.1"),
          line_2017(request="GET 1http://h/ HTTP/1.1"), line_2017(request="GET averyveryverylongscheme://h/ HTTP/1.1"),
          line_2017(request="GET sip:nm SIP/2.0"), line_2017(request="CONNECT h:443 HTTP/1.1"),
          line_2017(request="GET ht_tp://h/ HTTP/1.1"), line_2017(request="GET a+b.c-d://h/x?y HTTP/1.1"),
          line_2017(request="A" * 32 + " / HTTP/1.1"), line_2017(request="A" * 33 + " / HTTP/1.1"),
          line_2017(request="M-SEARCH_X / HTTP/1.1"), line_2017(request="GÉT / HTTP/1.1"),
          line_2017(user="EXAMPLE\\x5Calice"), line_2017(user="a [b"), line_2017(user=""), line_2017(addr="[::1]:5"),
          LINE_2013 + "  ", LINE_2017 + ' "extra"', LINE_2017[:-1], LINE_2017 + " x",
          LINE_2013.replace("+0100", "0100"), LINE_2013.replace("Nov", "N0v"), LINE_2013.replace(" 200 ", " 20 "),
          LINE_2013.replace(" 512 ", " -5 "), LINE_2013.replace(" 512 ", "  512 "), LINE_2013.replace("]  ", "] "),
          LINE_2013.replace("2013:", "２013:"), LINE_2013.replace(" 200 ", " ２00 "),
          LINE_2013.replace("203.0.113.7 ", "203.0.113.7\t"), LINE_2013 + "\r", ""]


def fields_by_regex(line: str):
    m = nginx_access.LINE.match(line)
    return None if m is None else tuple(m[name] for name in (
        "addr", "user", "ts", "method", "scheme", "host", "target", "proto", "raw", "status", "size",
        "ref", "ua", "upstream", "server"))


def split_agrees(line: str) -> bool:
    fast = nginx_access.split_line(line)
    return fast is None or fast == fields_by_regex(line)


def test_split_line_agrees_with_the_regex_on_every_shape():
    assert [line for line in SHAPES if not split_agrees(line)] == []


def test_split_line_takes_the_usual_lines():
    usual = [LINE_2017, LINE_2014, LINE_2013, line_2017(request="GET https://h?q=1 HTTP/1.1"),
             line_2017(request="\\x16\\x03\\x01"), line_2017(request="GET /x HTTP/1.1 extra")]
    assert all(nginx_access.split_line(line) == fields_by_regex(line) is not None for line in usual)


def test_generated_proxy_lines_agree_and_all_take_the_fast_path(example_case):
    _, case = example_case
    lines = [line for path in (case.parent / "evidence").rglob("nginx.access.log*") if path.suffix != ".gz"
             for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 1000 and [line for line in lines if not split_agrees(line)] == []
    assert sum(nginx_access.split_line(line) is not None for line in lines) == len(lines)


@settings(max_examples=800)
@given(mutations(SHAPES[:4] + SHAPES[18:20], reach=300))
def test_mutated_lines_split_as_the_regex_does(line):
    assert split_agrees(line)


@given(st.text(alphabet='GETPOS /:?-_+."hxH.0123456789TP\t', max_size=40))
def test_request_alphabet_soup_splits_as_the_regex_does(request):
    assert split_agrees(line_2017(request=request))

"""access_log (Jetty NCSA): real lines, time offsets, junk requests, sniffing, robustness."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import access_log
from zimgraph.sources.base import BLANK, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own, sample_lines


JETTY_OLD = ('10.72.186.147 -  -  [06/May/2009:00:00:05 +0000] "GET /zimbra/img/logo/blank.ico HTTP/1.1" '
             '200 894 "-" "Mozilla/5.0 (Macintosh; U; Intel Mac OS X; en-US; rv:1.8.1.20) Gecko/20081217 '
             'Firefox/2.0.0.20"')
JETTY_NEW = ('[attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST [snipped]/service/extension/backup/'
             'mboximport?account-name=admin&ow=1&no-switch=true HTTP/1.0" 401 299 "[snipped]" '
             '"Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0" 7')


def parse_one(line: str, ctx: ParseContext | None = None) -> dict:
    out = access_log.parse(line, ctx or ParseContext.for_tests())
    assert isinstance(out, list) and len(out) == 1, out
    return out[0]



def test_sample_file_lines_all_parse():
    lines = sample_lines("access_log")
    assert lines == [JETTY_OLD, JETTY_NEW]
    for line in lines:
        assert access_log.sniff(line)
        assert parse_one(line)["event"] == "http"


def test_new_jetty_line_with_latency():
    ev = parse_one(JETTY_NEW)
    assert ev == {
        "ts": 1656567198000,             # 2022-06-30T05:33:18Z
        "event": "http",
        "protocol": "http",
        "client_ip": "[attacker_ip]",    # anonymised placeholder kept as written
        "forwarded_for": None,
        "account": None,
        "method": "POST",
        "url": "[snipped]/service/extension/backup/mboximport?account-name=admin&ow=1&no-switch=true",
        "status": "401",
        "size": 299,
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0",
        "detail": "proto=HTTP/1.0; referer=[snipped]; latency_ms=7",
    }


def test_old_jetty_line_double_spaces_no_latency():
    ev = parse_one(JETTY_OLD)
    assert ev["ts"] == 1241568005000     # 2009-05-06T00:00:05Z
    assert ev["client_ip"] == "10.72.186.147"
    assert ev["account"] is None
    assert (ev["method"], ev["url"], ev["status"], ev["size"]) == (
        "GET", "/zimbra/img/logo/blank.ico", "200", 894)
    assert ev["user_agent"].endswith("Firefox/2.0.0.20")
    assert ev["detail"] == "proto=HTTP/1.1"     # referer "-" left out, no latency


def test_offset_plus_0100_converted_to_utc():
    line = '192.0.2.9 - - [12/Nov/2026:10:15:02 +0100] "GET / HTTP/1.1" 200 10 "-" "ua" 3'
    assert parse_one(line)["ts"] == int(dt.datetime(2026, 11, 12, 9, 15, 2, tzinfo=dt.timezone.utc)
                                        .timestamp() * 1000)
    line = '192.0.2.9 - - [12/Nov/2026:10:15:02 -0530] "GET / HTTP/1.1" 200 10 "-" "ua" 3'
    assert parse_one(line)["ts"] == int(dt.datetime(2026, 11, 12, 15, 45, 2, tzinfo=dt.timezone.utc)
                                        .timestamp() * 1000)


def test_user_forwarded_for_chain_and_ipv6():
    line = ('198.51.100.1, 2001:DB8::5 - Alice@Example.COM [12/Nov/2026:10:15:02 +0000] '
            '"GET /home/alice/?fmt=tgz HTTP/1.1" 200 - "-" "-" 12')
    ev = parse_one(line)
    assert ev["client_ip"] == "2001:db8::5"             # the last element: what the proxy saw
    assert ev["forwarded_for"] == "198.51.100.1, 2001:DB8::5"
    assert ev["account"] == "alice@example.com"
    assert ev["size"] is None and ev["user_agent"] is None
    assert ev["detail"] == "proto=HTTP/1.1; latency_ms=12"


@pytest.mark.parametrize("request_text", [
    "\\x16\\x03\\x01\\x02\\x00\\x01\\x00",   # TLS hello sent to a plain port
    "-",
    "SSH-2.0-Go",
    "GET /a b c HTTP/1.1",
    "",
])
def test_junk_request_kept_raw_without_method(request_text):
    line = f'203.0.113.66 - - [12/Nov/2026:10:15:02 +0000] "{request_text}" 400 - "-" "-"'
    ev = parse_one(line)
    assert ev["method"] is None
    assert ev["url"] == (request_text or None)
    assert ev["status"] == "400"


def test_attacker_user_agent_with_quotes_and_html_kept_verbatim():
    ua = 'Mozilla/5.0 "><img src=x onerror=alert(1)> "quoted"'
    line = f'203.0.113.66 - - [12/Nov/2026:10:15:02 +0000] "GET /zimbra/ HTTP/1.1" 200 5 "-" "{ua}" 4'
    ev = parse_one(line)
    assert ev["user_agent"] == ua
    assert ev["detail"] == "proto=HTTP/1.1; latency_ms=4"


def test_http_09_request_and_no_extended_fields():
    ev = parse_one('203.0.113.66 - - [12/Nov/2026:10:15:02 +0000] "GET /" 200 5')
    assert (ev["method"], ev["url"], ev["detail"], ev["user_agent"]) == ("GET", "/", None, None)


def test_blank_and_garbage():
    ctx = ParseContext.for_tests()
    assert access_log.parse("", ctx) is BLANK
    assert access_log.parse("   \t", ctx) is BLANK
    with pytest.raises(ParseError):
        access_log.parse("hello world", ctx)
    with pytest.raises(ParseError):      # unknown month
        access_log.parse('1.2.3.4 - - [12/Foo/2026:10:15:02 +0000] "GET / HTTP/1.1" 200 5', ctx)
    with pytest.raises(ParseError):      # impossible date
        access_log.parse('1.2.3.4 - - [31/Feb/2026:10:15:02 +0000] "GET / HTTP/1.1" 200 5', ctx)


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(access_log, (JETTY_OLD, JETTY_NEW))


def test_module_contract():
    assert access_log.NAME == "access_log"
    assert access_log.FILENAMES == ("access_log",)
    assert access_log.FRAMING == "line"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), mutations([JETTY_OLD, JETTY_NEW])))
def test_arbitrary_text_raises_only_parse_error(text):
    try:
        out = access_log.parse(text, ParseContext.for_tests())
    except ParseError:
        return
    check_result(out)
    access_log.sniff(text)


# --- split_line, the positional reader, against LINE ------------------------------------------
def jetty(client="1.2.3.4", user="-", request="GET /x HTTP/1.1", status="200", size="5", tail=' "-" "ua" 7'):
    return f'{client} - {user} [30/Jun/2022:06:33:18 +0100] "{request}" {status} {size}{tail}'


SHAPES = [JETTY_OLD, JETTY_NEW, jetty(), jetty(tail=""), jetty(tail=" 7"), jetty(tail="  -7  "), jetty(tail=' "-" "ua"'),
          jetty(tail=' "a" "b" "c" 7'), jetty(tail=' "a" "ua with "quotes"" 7'), jetty(tail=' "a"b" "ua" 7'),
          jetty(tail=' "-" "ua" 7x'), jetty(tail=' "-" "ua" 7 8'), jetty(tail=' "-" "ua"7'), jetty(tail=' "-"  "ua" 7'),
          jetty(tail=' "-" "ua'), jetty(tail=' "x'), jetty(tail=" x"), jetty(status="-"), jetty(status="-1"),
          jetty(status="2x"), jetty(size="-"), jetty(size="-5"), jetty(size=""), jetty(request="GET"), jetty(request="GET "),
          jetty(request="GET  /x"), jetty(request="get /x HTTP/1.1"), jetty(request="GET /x HTTP/1.1 x"),
          jetty(request='GET /x" 200 5 "a'), jetty(request="-"), jetty(request=""), jetty(request="\x16\x03"),
          jetty(client="10.0.0.1, 203.0.113.9"), jetty(client="a - b"), jetty(client="a  - b"), jetty(client=" a"),
          jetty(user="a [b"), jetty(user="a  [b"), jetty(user=" a"), jetty(user="x - y"),
          JETTY_NEW.replace("+0000", "0000"), JETTY_NEW.replace("] ", "]  "), JETTY_NEW.replace("Jun", "J1n"),
          JETTY_NEW.replace("2022", "２022"), JETTY_NEW + "\t", ""]

FIELDS = ("client", "user", "ts", "method", "target", "proto", "raw", "status", "size", "ref", "ua", "lat")


def fields_by_regex(line: str):
    m = access_log.LINE.match(line)
    return None if m is None else tuple(m[name] for name in FIELDS)


def split_agrees(line: str) -> bool:
    fast = access_log.split_line(line)
    return fast is None or fast == fields_by_regex(line)


def test_split_line_agrees_with_the_regex_on_every_shape():
    assert [line for line in SHAPES if not split_agrees(line)] == []


def test_split_line_takes_the_usual_lines():
    usual = [JETTY_NEW, jetty(), jetty(tail=""), jetty(tail=' "a" "ua with "quotes"" 7'), jetty(request="-"),
             jetty(client="10.0.0.1, 203.0.113.9")]
    assert all(access_log.split_line(line) == fields_by_regex(line) is not None for line in usual)


def test_sample_and_generated_lines_agree_and_take_the_fast_path(samples, example_case):
    _, case = example_case
    generated = [line for path in (case.parent / "evidence").rglob("access_log*") if path.suffix != ".gz"
                 for line in path.read_text(encoding="utf-8").splitlines()]
    real = (samples / "access_log").read_text(encoding="utf-8", errors="replace").splitlines()
    assert len(generated) > 1000 and [line for line in real + generated if not split_agrees(line)] == []
    assert sum(access_log.split_line(line) is not None for line in generated) == len(generated)


@settings(max_examples=800)
@given(mutations(SHAPES[:3] + SHAPES[7:9], reach=200))
def test_mutated_lines_split_as_the_regex_does(line):
    assert split_agrees(line)


@given(st.text(alphabet='GETPOS /:?-"x.0123456789HTP ', max_size=30), st.text(alphabet='"- 0123456789ax', max_size=16))
def test_request_and_tail_soup_splits_as_the_regex_does(request, tail):
    assert split_agrees(jetty(request=request, tail=tail))

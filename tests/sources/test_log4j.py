"""The shared log4j grammar: context block escaping, key order, oip chains, lenient headers."""

import pytest
from hypothesis import given, strategies as st

from zimgraph.sources import log4j
from zimgraph.sources.base import ParseContext, ParseError

CTX = ParseContext.for_tests()


def test_semicolons_doubled_in_user_agent_are_unescaped():
    rec = log4j.parse_record(
        "2026-11-12 10:00:00,000 INFO  [qtp1-2:https://m/service/soap/AuthRequest] "
        "[name=a@example.gov;oip=203.0.113.9;ua=Mozilla/5.0 (Windows NT 10.0;; Win64;; x64) AppleWebKit/537.36;soapId=1a2b;] "
        "soap - AuthRequest elapsed=3", CTX)
    assert rec.context["ua"] == "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
    assert rec.context["soapId"] == "1a2b"
    assert rec.category == "soap" and rec.message == "AuthRequest elapsed=3"


def test_key_order_does_not_matter():
    a = log4j.parse_context("Cmd=Sync;DeviceID=X1;Version=12.1;")
    b = log4j.parse_context("DeviceID=X1;Cmd=Sync;Version=12.1;")
    assert a == b


def _split_context(block: str) -> dict[str, str] | None:
    """The context block read with split/partition (the definition the fast path mirrors);
    None where parse_context falls back to the regex (odd items, repeated keys, escapes)."""
    if ";;" in block:
        return None
    context: dict[str, str] = {}
    for item in block.split(";"):
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals or key in context:
            return None
        context[key] = value
    return context


@given(st.lists(st.tuples(st.sampled_from(["name", "ua", "ip", "oip", "", " ", "a=b", "mid"]),
                          st.text(alphabet="ab=; ,()", max_size=6)), max_size=6),
       st.booleans())
def test_context_read_by_position_equals_split_and_partition(pairs, trailing):
    block = ";".join(f"{k}={v}" if k else v for k, v in pairs) + (";" if trailing else "")
    expected = _split_context(block)
    if expected is None:
        expected = log4j._first_wins(
            log4j.CONTEXT_PAIR.findall(block) if ";;" in block else log4j.SIMPLE_CONTEXT_PAIR.findall(block))
        if ";;" in block:
            expected = {k: v.replace(";;", ";") for k, v in expected.items()}
    assert log4j.parse_context(block) == expected


def test_ua_containing_dash_separator_is_not_split_early():
    rec = log4j.parse_record(
        "2017-10-25 00:00:04,365 INFO  [qtp649734728-21794:http://server1.mydomain.com/service/soap/SearchRequest] "
        "[name=user1@mydomain.com;mid=443;oip=129.113.231.190;port=56632;ua=ZimbraWebClient - FF56 (Win)/8.8.3_GA_1872;] "
        "soap - SearchRequest elapsed=2", CTX)
    assert rec.context["ua"] == "ZimbraWebClient - FF56 (Win)/8.8.3_GA_1872"
    assert rec.message == "SearchRequest elapsed=2"


@pytest.mark.parametrize("context, client, proxy, chain", [
    ({"oip": "198.51.100.77, 203.0.113.9"}, "203.0.113.9", None, "198.51.100.77, 203.0.113.9"),
    ({"ip": "10.4.4.138", "oip": "72.83.144.255"}, "72.83.144.255", "10.4.4.138", None),
    ({"ip": "68.98.153.60"}, "68.98.153.60", None, None),
    ({"oip": "2001:DB8::8"}, "2001:db8::8", None, None),
    ({"oip": "[2001:db8::8]"}, "2001:db8::8", None, None),
    ({"oip": "0:0:0:0:0:0:0:1"}, "::1", None, None),
])
def test_client_is_last_oip_element_forged_first_element_never_wins(context, client, proxy, chain):
    out = log4j.attribution(context)
    assert out["client_ip"] == client
    assert out.get("proxy_ip") == proxy
    assert out.get("forwarded_for") == chain


def test_account_canonical_lower_case_and_delegation():
    out = log4j.attribution({"name": "Samd@Example.com", "aname": "abcadmin@example.com"})
    assert out["account"] == "samd@example.com"
    assert out["auth_account"] == "abcadmin@example.com"


def test_missing_thread_bracket_read_with_fallback():
    rec = log4j.parse_record(
        "2013-07-18 15:22:01,495 INFO  [btpool0-4361://localhost/service/soap/MsgActionRequest "
        "[name=user@domain.com;mid=2538;oip=258.236.789.647;ua=zclient/7.2.4_GA_2900;] "
        "mailop - moving Message (id=339) to Folder Trash (id=3)", CTX)
    assert rec.complete and rec.category == "mailop"
    assert rec.context["oip"] == "258.236.789.647"


def test_no_space_between_thread_and_context():
    rec = log4j.parse_record(
        "2013-01-15 15:52:20,426 WARN [qtp1-91:https://x/Microsoft-Server-ActiveSync?User=z&Cmd=FolderSync]"
        "[name=z@domain.com;mid=64;ip=71.194.89.54;Cmd=FolderSync;] sync - Service exception", CTX)
    assert rec.complete and rec.category == "sync" and rec.context["ip"] == "71.194.89.54"


def test_cut_header_is_read_leniently():
    rec = log4j.parse_record(
        "2024-01-02 13:44:21,085 WARN  [qtp758013696-5095:https://xxxx.xxxx.xx/service/soap/] "
        "[name=xxxxxxx;mid=3;ip=xxxxxxxxxxxxxxxx;port=32940;ua=Outlook/16.0 (16.0.5401.1>\n"
        "com.zimbra.cs.account.AccountServiceException: no such account: 0", CTX)
    assert not rec.complete
    assert rec.context["name"] == "xxxxxxx" and rec.context["port"] == "32940"
    assert rec.rest.startswith("com.zimbra")


def test_not_log4j_raises_parse_error():
    with pytest.raises(ParseError):
        log4j.parse_record("hello world", CTX)


def test_impossible_timestamp_is_a_parse_error():
    with pytest.raises(ParseError, match="impossible timestamp"):
        log4j.parse_record("2026-13-45 10:00:00,000 INFO  [t] [] soap - X elapsed=1", CTX)


def test_thread_url_variants():
    assert log4j.thread_url("qtp93314457-324:smtp://smtp.test.fr:7073/service/admin/soap/") == \
        "smtp://smtp.test.fr:7073/service/admin/soap/"
    assert log4j.thread_url("qtp1874154700-1886919:") == ""
    assert log4j.thread_url("ImapServer-723") == ""


@given(st.text())
def test_any_text_parses_or_raises_parse_error(text):
    try:
        log4j.parse_record(text, CTX)
    except ParseError:
        pass


def test_header_cut_before_the_context_is_rejected():
    with pytest.raises(ParseError, match="truncated"):
        log4j.parse_record("2026-10-25 04:00:01,000 INFO  [tru", CTX)

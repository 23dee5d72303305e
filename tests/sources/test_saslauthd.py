"""saslauthd message parser (auth_zimbra and the generic do_auth lines)."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import saslauthd
from zimgraph.sources.base import Ignored, ParseContext, ParseError
from zimgraph.sources.syslog import parse_header

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "samples"
CTX = ParseContext.for_tests()


def sample(name: str, needle: str) -> str:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample file {path} not found (formats/samples is shared, outside the repo)")
    [line] = [line for line in path.read_text(encoding="utf-8").splitlines() if needle in line]
    header = parse_header(line, ParseContext.for_tests())
    assert header.program == "saslauthd"
    return header.message


def test_auth_zimbra_failure_from_sample():
    assert saslauthd.parse_message(sample("zimbra.log", "auth_zimbra"), CTX) == [{
        "event": "auth", "outcome": "failure", "protocol": "smtp",
        "account": "contabilidad@example.com", "account_typed": "contabilidad@maquinet.cl",
        "detail": "authentication failed for [contabilidad@maquinet.cl]"}]


def test_auth_zimbra_failure_same_name_has_no_account_typed():
    [ev] = saslauthd.parse_message("auth_zimbra: Bob@Example.com auth failed: authentication failed "
                                   "for [bob@example.com]", CTX)
    assert ev == {"event": "auth", "outcome": "failure", "protocol": "smtp", "account": "bob@example.com",
                  "detail": "authentication failed for [bob@example.com]"}


def test_auth_zimbra_failure_other_reason():
    [ev] = saslauthd.parse_message("auth_zimbra: bob auth failed: account lockout", CTX)
    assert (ev["account"], ev["detail"], "account_typed" in ev) == ("bob", "account lockout", False)


def test_auth_zimbra_success():
    assert saslauthd.parse_message("auth_zimbra: chernandez auth OK", CTX) == [{
        "event": "auth", "outcome": "success", "protocol": "smtp", "account": "chernandez"}]


def test_generic_do_auth_lines():
    assert saslauthd.parse_message("do_auth         : auth failure: [user=Jane] [service=smtp] [realm=] "
                                   "[mech=zimbra] [reason=Unknown]", CTX) == [{
        "event": "auth", "outcome": "failure", "protocol": "smtp", "account": "jane", "detail": "Unknown"}]
    [ev] = saslauthd.parse_message("do_auth         : auth success: [user=jane] [service=imap] [realm=] "
                                   "[mech=pam]", CTX)
    assert (ev["outcome"], ev["protocol"], ev["account"]) == ("success", "imap", "jane")


@pytest.mark.parametrize("message", [
    "zmauth: authenticating against elected url 'https://mail.example.com:7071/service/admin/soap/' ...",
    "server_exit     : master exited: 29157",
    "",
])
def test_other_lines_are_ignored(message):
    result = saslauthd.parse_message(message, CTX)
    assert isinstance(result, Ignored) and result.reason == "saslauthd: diagnostics"


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["", "auth_zimbra: ", "auth_zimbra: x auth failed: ", "do_auth : auth failure: "]),
       text=st.text())
def test_arbitrary_text_only_raises_parse_error(prefix, text):
    try:
        result = saslauthd.parse_message(prefix + text, CTX)
    except ParseError:
        return
    assert isinstance(result, (list, Ignored))


def test_doctests():
    assert doctest.testmod(saslauthd).failed == 0

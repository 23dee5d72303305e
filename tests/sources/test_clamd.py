"""clamd.log: real lines, the amavis temp-dir pivot, local time, sniffing, robustness."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zimgraph.sources import clamd
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError
from tests.sources.fuzz import check_result, mutations
from tests.sources.samples import assert_sniffs_only_its_own, sample_lines


FOUND_2020 = ("Wed Jun  3 13:38:51 2020 -> /opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-"
              "BGyhxkrX/parts/p006: Win.Trojan.Hacktool-1505 FOUND")
FOUND_2007 = ("Mon Jun  4 22:39:07 2007 -> /var/lib/amavis/tmp/amavis-20070604T223858-21685/parts/p001: "
              "HTML.Phishing.Bank-1092 FOUND")
SELFCHECK = "Wed Jun  3 13:30:06 2020 -> SelfCheck: Database status OK."
STARTED = "Tue Jun  5 00:01:48 2007 -> +++ Started at Tue Jun  5 00:01:48 2007"
VERSION = "Tue Jun  5 00:01:48 2007 -> clamd daemon 0.90.2 (OS: linux-gnu, ARCH: i386, CPU: i486)"


def utc_ms(*fields: int) -> int:
    return int(dt.datetime(*fields, tzinfo=dt.timezone.utc).timestamp() * 1000)


def parse_one(line: str, ctx: ParseContext | None = None) -> dict:
    out = clamd.parse(line, ctx or ParseContext.for_tests())
    assert isinstance(out, list) and len(out) == 1, out
    return out[0]



def test_sample_file():
    ctx = ParseContext.for_tests()
    results = [clamd.parse(line, ctx) for line in sample_lines("clamd.log")]
    kinds = [r.reason if isinstance(r, Ignored) else r[0]["event"] for r in results]
    assert kinds == ["clamd: SelfCheck database status OK", "av_hit", "av_hit", "av_hit",
                     "clamd: SelfCheck database status OK", "av_hit", "service", "service", "service"]
    assert all(clamd.sniff(line) for line in sample_lines("clamd.log"))


def test_found_in_zimbra_amavis_part():
    ev = parse_one(FOUND_2020, ParseContext.for_tests("Europe/Paris"))
    assert ev == {
        "ts": utc_ms(2020, 6, 3, 11, 38, 51),          # 13:38:51 CEST
        "event": "av_hit",
        "program": "clamd",
        "verdict": "Win.Trojan.Hacktool-1505",
        "filename": "/opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-BGyhxkrX/parts/p006",
        "size": None,
        "detail": "amavis_pid=08980; amavis_part=p006; amavis_tmp=amavis-20200603T133848-08980-BGyhxkrX",
    }


def test_found_in_old_amavis_tmp_without_random_suffix():
    ev = parse_one(FOUND_2007)
    assert ev["ts"] == utc_ms(2007, 6, 4, 22, 39, 7)
    assert ev["verdict"] == "HTML.Phishing.Bank-1092"
    assert ev["detail"] == "amavis_pid=21685; amavis_part=p001; amavis_tmp=amavis-20070604T223858-21685"


def test_found_outside_amavis_and_extended_detection_info():
    ev = parse_one("Wed Jun  3 13:38:51 2020 -> /tmp/eicar.com: "
                   "Eicar-Signature(44d88612fea8a8f36de82e1278abb02f:68) FOUND")
    assert (ev["verdict"], ev["filename"], ev["size"]) == ("Eicar-Signature", "/tmp/eicar.com", 68)
    assert ev["detail"] == "md5=44d88612fea8a8f36de82e1278abb02f"


def test_service_lines():
    ev = parse_one(STARTED)
    assert (ev["event"], ev["detail"], ev["level"]) == ("service", "+++ Started at Tue Jun  5 00:01:48 2007", None)
    assert parse_one(VERSION)["detail"] == "clamd daemon 0.90.2 (OS: linux-gnu, ARCH: i386, CPU: i486)"
    ev = parse_one("Wed Jun  3 13:38:51 2020 -> /tmp/x/p001: lstat() failed: No such file or directory. ERROR")
    assert (ev["event"], ev["level"]) == ("service", "ERROR")
    ev = parse_one("Wed Jun  3 13:38:51 2020 -> WARNING: Ignoring deprecated option AllowSupplementaryGroups")
    assert ev["level"] == "WARNING"


def test_selfcheck_ignored_and_blank():
    ctx = ParseContext.for_tests()
    assert isinstance(clamd.parse(SELFCHECK, ctx), Ignored)
    assert clamd.parse("", ctx) is BLANK
    with pytest.raises(ParseError):
        clamd.parse("SelfCheck: Database status OK.", ctx)      # no timestamp
    with pytest.raises(ParseError):
        clamd.parse("Wed Jun 31 13:38:51 2020 -> x", ctx)       # impossible date


def test_sniff_own_lines_and_not_the_others():
    assert_sniffs_only_its_own(clamd, (FOUND_2020, FOUND_2007, SELFCHECK, STARTED, VERSION))


def test_module_contract():
    assert (clamd.NAME, clamd.FILENAMES, clamd.FRAMING) == ("clamd", ("clamd.log",), "line")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), mutations([FOUND_2020, FOUND_2007, SELFCHECK, STARTED, VERSION])))
def test_arbitrary_text_raises_only_parse_error(text):
    try:
        out = clamd.parse(text, ParseContext.for_tests("Europe/Paris"))
    except ParseError:
        return
    check_result(out)
    clamd.sniff(text)

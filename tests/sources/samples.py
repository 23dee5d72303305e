"""The real sample lines in ../shared/formats/samples, for the parser tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.conftest import SAMPLES
from zimgraph.sources.base import ParseContext, ParseError
from zimgraph.sources.registry import SOURCES
from zimgraph.sources.syslog import SyslogHeader, parse_header

#: the line-framed sources whose lines look alike (NCSA-style, ctime-style): each must refuse the others'
PEERS = ("access_log", "nginx_access", "nginx_error", "clamd", "freshclam", "spamtrain")

#: real lines (some shortened) of every source, for the sniff cross-checks
FOREIGN_LINES: dict[str, tuple[str, ...]] = {
    'access_log': (
        '[attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST /service/soap HTTP/1.0" 401 299 "-" "curl" 7',
        '[attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST [snipped]/service/extension/backup/mboximport?account-name=admin&ow=1&no-switch=true HTTP/1.0" 401 299 "[snipped]" "Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0" 7',
        '10.72.186.147 -  -  [06/May/2009:00:00:05 +0000] "GET /zimbra/img/logo/blank.ico HTTP/1.1" 200 894 "-" "Mozilla/5.0"',
    ),
    'cbpolicyd': (
        '[2020/06/03-13:38:51 - 1234] [CORE] INFO: Process Backgrounded',
    ),
    'clamd': (
        'Wed Jun  3 13:30:06 2020 -> SelfCheck: Database status OK.',
        'Wed Jun  3 13:38:51 2020 -> /opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-BGyhxkrX/parts/p006: Win.Trojan.Hacktool-1505 FOUND',
    ),
    'freshclam': (
        'ClamAV update process started at Sun Feb 18 17:00:00 2024',
        'Sun Feb 18 17:00:02 2024 -> daily.cld database is up-to-date (version: 27189, sigs: 2053641, f-level: 90, builder: raynman)',
    ),
    'mailbox': (
        '2017-10-25 00:28:22,509 INFO  [qtp1-2] [ip=1.2.3.4;] soap - AuthRequest',
    ),
    'nginx_access': (
        '203.0.113.7:51234 - - [12/Nov/2026:10:15:02 +0100]  "POST https://mail.example.com/service/soap/AuthRequest HTTP/1.1" 200 1234 "https://mail.example.com/" "Mozilla/5.0" "10.0.0.5:8443" "10.0.0.4:443"',
        '203.0.113.7 - - [12/Nov/2013:10:15:02 +0100]  "GET /zimbra/ HTTP/1.1" 200 512 "-" "Mozilla/5.0" "-"',
        '203.0.113.7:51234 - - [12/Nov/2026:10:15:02 +0100]  "GET https://m.example.com/ HTTP/1.1" 200 1 "-" "x" "-" "10.0.0.4:443"',
    ),
    'nginx_error': (
        '2026/11/12 10:15:02 [info] 4321#0: *77 client login failed: "x" while in http auth state, client: 203.0.113.7, server: 0.0.0.0:993, login: "alice"',
        '2026/11/12 10:00:00 [notice] 4320#4320: signal process started',
    ),
    'spamtrain': (
        '20261112230001 Starting spam/ham extraction from system accounts.',
    ),
    'zimbra_syslog': (
        'Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from x[1.2.3.4]',
    ),
}


def sample_lines(name: str) -> list[str]:
    """The non-blank lines of one sample file; skips the test when the samples are not beside the checkout."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample file {path} not found (shared/formats/samples is outside the repo)")
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def syslog_headers(*names: str) -> Iterator[SyslogHeader]:
    """The parsed header (program, message, …) of every syslog line of the named sample files."""
    for name in names:
        for line in sample_lines(name):
            try:
                yield parse_header(line, ParseContext.for_tests())
            except ParseError:
                continue


def assert_sniffs_only_its_own(module, own_lines) -> None:
    """``module`` recognises ``own_lines``, its peers do not, and it refuses every other source's lines."""
    for line in own_lines:
        assert module.sniff(line), line
        for name in PEERS:
            if name != module.NAME:
                assert not SOURCES[name].sniff(line), name
    for name, lines in FOREIGN_LINES.items():
        if name != module.NAME:
            for line in lines:
                assert not module.sniff(line), (name, line)

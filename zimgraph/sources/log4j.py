"""Shared grammar of mailboxd's log4j files (mailbox.log, audit.log, sync.log, convertd.log).

Layout ``%d %-5p [%t] [%z] %c{1} - %m`` (FORMATS.md 1.1): timestamp, level, thread,
context block ``[k=v;k=v;]`` with ``;;`` escaping and any key order, category, message.
A record is one header line plus the lines that follow it without a timestamp (stack
traces, DEBUG payloads).

>>> rec = parse_record("2017-10-25 00:00:04,365 INFO  [qtp1-2:http://s/service/soap/SearchRequest] "
...                    "[name=User1@mydomain.com;oip=10.0.0.9, 129.113.231.190;ua=Mozilla (X;; Y);] soap - SearchRequest elapsed=2")
>>> rec.category, rec.message, rec.context["ua"]
('soap', 'SearchRequest elapsed=2', 'Mozilla (X; Y)')
>>> attribution(rec.context)["client_ip"]
'129.113.231.190'
"""

from __future__ import annotations

from typing import Final

import re
from urllib.parse import parse_qsl

from zimgraph.normalize import canonical_ip, split_forwarded_for
from zimgraph.sources.base import ParseContext, ParseError

# A record starts with "YYYY-MM-DD HH:MM:SS,mmm " (logFileAnalyzer.pl uses the same rule):
# 2017-10-25 00:28:22,509 INFO  [Pop3Server-13] [ip=10.1.1.136;oip=222.173.186.17;] pop - ...
RECORD_START: Final = re.compile(r"\d{4}-\d\d-\d\d\ \d\d:\d\d:\d\d[,.]\d{3}", re.VERBOSE)

# 2017-10-25 00:00:04,365 INFO  [qtp649734728-21794:http://server1.mydomain.com/service/soap/SearchRequest] [name=user1@mydomain.com;mid=443;oip=129.113.231.190;port=56632;ua=ZimbraWebClient - FF56 (Win)/8.8.3_GA_1872;] soap - SearchRequest elapsed=2
# 2013-01-15 15:52:20,426 WARN [qtp1-91:https://x/Microsoft-Server-ActiveSync?...&Cmd=FolderSync][name=zsupport2@domain.com;...] sync - ...   (no space between the blocks)
# 2007-06-25 01:56:18,725 INFO [main] [] soap - Servlet SoapServlet starting up    (empty context)
HEADER: Final = re.compile(r"""
    (?P<ts>\d{4}-\d\d-\d\d\ \d\d:\d\d:\d\d[,.]\d{3})\s+
    (?P<level>[A-Z]+)\s+
    \[(?P<thread>[^\]]*)\]\s*
    \[(?P<context>[^\]]*(?:\](?!\s)[^\]]*)*)\]\s+     # a ']' not followed by a blank stays inside
    (?P<category>\S+)\ -(?:\ (?P<message>.*))?$
    """, re.VERBOSE)

# The thread's closing ']' is missing (edited admin-guide example):
# 2013-07-18 15:22:01,495 INFO  [btpool0-4361://localhost/service/soap/MsgActionRequest [name=user@domain.com;mid=2538;] mailop - moving Message (id=339) to Folder Trash (id=3)
HEADER_NO_THREAD_END: Final = re.compile(r"""
    (?P<ts>\d{4}-\d\d-\d\d\ \d\d:\d\d:\d\d[,.]\d{3})\s+
    (?P<level>[A-Z]+)\s+
    \[(?P<thread>[^\[\]]*?)\s*
    \[(?P<context>[^\]]*)\]\s+
    (?P<category>\S+)\ -(?:\ (?P<message>.*))?$
    """, re.VERBOSE)

# Anything else that starts with a timestamp and a level: the header was cut (terminal paste)
# 2024-01-02 13:44:21,085 WARN  [qtp758013696-5095:https://xxxx/service/soap/] [name=xxxxxxx;mid=3;ip=xxxx;port=32940;ua=Outlook/16.0 (16.0.5401.1>
HEADER_LENIENT: Final = re.compile(r"""
    (?P<ts>\d{4}-\d\d-\d\d\ \d\d:\d\d:\d\d[,.]\d{3})\s+
    (?P<level>[A-Z]+)\s+
    (?:\[(?P<thread>[^\]]*)\]?\s*)?
    (?:\[(?P<context>.*))?$
    """, re.VERBOSE)

# one key=value; pair of the context block, ';;' is an escaped ';':
# ua=Mozilla/5.0 (Windows NT 10.0;; Win64;; x64);
CONTEXT_PAIR: Final = re.compile(r"([A-Za-z_]+)=((?:[^;]|;;)*);", re.VERBOSE)

# the same without escapes (the common case, and faster): name=a@b;mid=3;oip=1.2.3.4;
SIMPLE_CONTEXT_PAIR: Final = re.compile(r"\s*([^=;\s]+)=([^;]*);?", re.VERBOSE)


class Log4jRecord:
    """One parsed record. A plain class, not a NamedTuple: compiled, it is built in native
    code for every line."""

    __slots__ = ("ts", "level", "thread", "context", "category", "message", "rest", "complete")

    def __init__(self, ts: int, level: str, thread: str, context: dict[str, str], category: str,
                 message: str, rest: str, complete: bool) -> None:
        self.ts = ts                # UTC epoch ms
        self.level = level
        self.thread = thread
        self.context = context
        self.category = category    # '' when the header was cut
        self.message = message      # first line of the message
        self.rest = rest            # continuation lines (stack trace, payload), '' when none
        self.complete = complete    # False when the header was cut or malformed and read leniently


def parse_context(block: str) -> dict[str, str]:
    """Decode ``k=v;k=v;`` into a dict (first value of a repeated key wins, ``;;`` → ``;``).

    >>> parse_context("name=a@b;ua=X (A;; B);mid=3;")
    {'name': 'a@b', 'ua': 'X (A; B)', 'mid': '3'}
    """
    if ";;" not in block:
        # no escapes: a value cannot contain ';', so no key can be smuggled in. Read by
        # position (as block.split(";") and item.partition("=") would, without the
        # intermediate strings: this runs for every mailbox, sync and audit record)
        context: dict[str, str] = {}
        start = 0
        end = len(block)
        while start < end:
            semi = block.find(";", start)
            if semi < 0:
                semi = end
            if semi > start:
                equals = block.find("=", start, semi)
                key = block[start:equals]
                if equals < 0 or key in context:      # an item without '=', or a repeated key
                    return _first_wins(SIMPLE_CONTEXT_PAIR.findall(block))
                context[key] = block[equals + 1:semi]
            start = semi + 1
        return context
    pairs: dict[str, str] = {}
    for key, value in CONTEXT_PAIR.findall(block):
        pairs.setdefault(key, value.replace(";;", ";"))
    return pairs


def _first_wins(pairs: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def parse_record(text: str, ctx: ParseContext | None = None) -> Log4jRecord:
    """Parse one record (header line + continuation lines). Raises ParseError."""
    first, _, rest = text.partition("\n")
    m = HEADER.match(first)
    if m is not None:   # the common case, kept short
        ts_text, level, thread, context_block, category, message = m.groups()
        clock = ctx.clock if ctx is not None else _UTC_CONTEXT.clock
        try:
            ts = clock.log4j_ms(ts_text)
        except ValueError as exc:
            raise ParseError(f"impossible timestamp {ts_text!r}: {exc}") from None
        return Log4jRecord(ts, level, thread, parse_context(context_block) if context_block else {},
                           category, message or "", rest, True)
    complete = True
    m = HEADER_NO_THREAD_END.match(first)
    if m is None:
        m = HEADER_LENIENT.match(first)
        if m is None:
            raise ParseError("not a log4j record (no 'YYYY-MM-DD hh:mm:ss,mmm LEVEL [thread]' header)")
        if "=" not in (m["context"] or ""):
            raise ParseError("truncated or malformed log4j header (no context block)")
        complete = False
    clock = ctx.clock if ctx is not None else _UTC_CONTEXT.clock
    try:
        ts = clock.log4j_ms(m["ts"])
    except ValueError as exc:
        raise ParseError(f"impossible timestamp {m['ts']!r}: {exc}") from None
    groups = m.groupdict()
    context_block = groups.get("context") or ""
    return Log4jRecord(
        ts=ts, level=m["level"], thread=groups.get("thread") or "",
        context=parse_context(context_block) if context_block else {},
        category=groups.get("category") or "", message=groups.get("message") or "",
        rest=rest, complete=complete)


def attribution(context: dict[str, str]) -> dict[str, str]:
    """Who made the request, from the context keys (FORMATS.md 1.4).

    ``client_ip`` is the last element of ``oip`` (earlier elements are client-supplied
    X-Forwarded-For values), else ``ip``; ``ip`` becomes ``proxy_ip`` when ``oip`` exists.

    >>> attribution({"ip": "10.4.4.138", "oip": "192.168.1.1, 72.83.144.255", "name": "U@D"})["proxy_ip"]
    '10.4.4.138'
    """
    out: dict[str, str] = {}
    oip = context.get("oip")
    ip = context.get("ip")
    if oip:
        if "," in oip:
            chain = split_forwarded_for(oip)
            if chain:
                out["client_ip"] = canonical_ip(chain[-1])
            if len(chain) > 1:
                out["forwarded_for"] = oip
        else:
            out["client_ip"] = canonical_ip(oip)
        if ip:
            out["proxy_ip"] = canonical_ip(ip)
        port = context.get("oport") or context.get("port")
    elif ip:
        out["client_ip"] = canonical_ip(ip)
        port = context.get("port")
    else:
        port = context.get("oport") or context.get("port")
    if port:
        out["client_port"] = port
    name = context.get("name")
    if name:
        out["account"] = name.strip().lower()
    aname = context.get("aname")
    if aname and aname.strip().lower() != out.get("account"):
        out["auth_account"] = aname.strip().lower()
    for key, column in (("ua", "user_agent"), ("via", "via"), ("soapId", "soap_id"),
                        ("DeviceID", "device_id")):
        value = context.get(key)
        if value:
            out[column] = value
    if context.get("oproto") == "smtp":
        out["protocol"] = "smtp"
    return out


def thread_url(thread: str) -> str:
    """The request URL carried by a Jetty thread name, '' when none.

    >>> thread_url("qtp1606304070-168://localhost:8080/service/soap/GetInfoRequest")
    '//localhost:8080/service/soap/GetInfoRequest'
    """
    name, sep, url = thread.partition(":")
    return url if sep and (name.startswith(("qtp", "btpool"))) else ""


def url_query(url: str) -> dict[str, str]:
    """Query parameters of a thread URL (ActiveSync User/DeviceId/DeviceType/Cmd), any order.

    The same URLs come back on every request of a device, so results are cached; the
    returned dict is shared and must not be modified.

    >>> url_query("http://h/Microsoft-Server-ActiveSync?Cmd=Sync&User=s4&DeviceId=SEC1")["DeviceId"]
    'SEC1'
    """
    found = _QUERY_CACHE.get(url)
    if found is None:
        _, sep, query = url.partition("?")
        found = dict(parse_qsl(query, keep_blank_values=True)) if sep else {}
        if len(_QUERY_CACHE) >= 10_000:
            _QUERY_CACHE.clear()
        _QUERY_CACHE[url] = found
    return found


_QUERY_CACHE: Final[dict[str, dict[str, str]]] = {}
_UTC_CONTEXT: Final = ParseContext()

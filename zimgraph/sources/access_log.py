"""access_log: mailboxd's Jetty ``NCSARequestLog`` (extended, with latency), ZCS 5 to 10.

One line per HTTP request (FORMATS.md 4.1)::

    <client> - <user|-> [dd/MMM/yyyy:HH:mm:ss Z] "<METHOD> <URI> <PROTO>" <status> <bytes|-> "<referer>" "<user-agent>" <latency_ms>

Jetty 6 (ZCS <= 7) pads with double spaces and has no latency. The time carries its own
UTC offset, so the node's zone is not needed.

``<client>`` is the X-Forwarded-For header when present (``preferProxiedForAddress``),
written as received: behind zimbra-proxy a client-supplied header comes first and the
address the proxy saw comes last. So ``client_ip`` is the **last** element (as for
mailbox.log ``oip``) and the whole chain goes to ``forwarded_for``. Jetty escapes nothing:
the user-agent may hold quotes, so it is matched greedily up to the optional latency.

Columns: ``url`` is the request target as written (path and query), ``detail`` holds
``proto=``, ``referer=`` and ``latency_ms=`` (``; ``-separated, absent parts left out).
A request that is not ``METHOD TARGET [PROTO]`` (scanner junk, ``-``, binary) gives
``method`` None and the raw request in ``url``.

The request parsing (:func:`split_request`) and the NCSA time (:func:`ncsa_ms`) are also
used by :mod:`zimgraph.sources.nginx_access`.
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.clock import MONTHS, utc_ms
from zimgraph.normalize import canonical_ip, is_ip
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "access_log"
FILENAMES: Final = ("access_log",)
FRAMING: Final = "line"

# [attacker_ip] - - [30/Jun/2022:05:33:18 +0000] "POST [snipped]/service/extension/backup/mboximport?account-name=admin&ow=1&no-switch=true HTTP/1.0" 401 299 "[snipped]" "Mozilla/5.0 (X11; Linux x86_64; rv:101.0) Gecko/20100101 Firefox/101.0" 7
# 10.72.186.147 -  -  [06/May/2009:00:00:05 +0000] "GET /zimbra/img/logo/blank.ico HTTP/1.1" 200 894 "-" "Mozilla/5.0 (Macintosh; ...) Firefox/2.0.0.20"
LINE: Final = re.compile(r"""
    (?P<client>\S.*?)\ +-\ +(?P<user>\S.*?)\ +
    \[(?P<ts>(?P<day>\d\d)/(?P<mon>[A-Za-z]{3})/(?P<year>\d{4})
             :(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)\ (?P<tz>[+-]\d{4}))\]
    \ "(?:
        (?P<method>[A-Z][A-Z0-9_-]{0,31})\ (?P<target>[^\s"]+)(?:\ (?P<proto>[A-Z]{2,10}/[0-9.]{1,5}))?
      | (?P<raw>.*?)                                   # not a request line: kept as written
    )"\ (?P<status>-?\d+|-)\ (?P<size>\d+|-)
    (?:\ "(?P<ref>.*?)"\ "(?P<ua>.*)")?                 # user-agent may hold quotes (greedy)
    (?:\ +(?P<lat>-?\d+))?\ *$
    """, re.VERBOSE | re.ASCII)

# GET /service/soap/AuthRequest HTTP/1.1      (also: GET / (HTTP/0.9), OPTIONS sip:nm SIP/2.0)
REQUEST: Final = re.compile(r"""
    (?P<method>[A-Z][A-Z0-9_-]{0,31})\ (?P<target>\S+)(?:\ (?P<proto>[A-Z]{2,10}/[0-9.]{1,5}))?$
    """, re.VERBOSE | re.ASCII)


def sniff(line: str) -> bool:
    """A Jetty NCSA line: one space after ``]`` where zimbra-proxy's nginx writes two."""
    return "] \"" in line and LINE.match(line) is not None


def split_request(request: str) -> tuple[str | None, str | None, str | None]:
    """``(method, target, protocol)`` of an HTTP request line; junk is ``(None, raw, None)``.

    >>> split_request("GET /zimbra/ HTTP/1.1"), split_request("SSH-2.0-Go")
    (('GET', '/zimbra/', 'HTTP/1.1'), (None, 'SSH-2.0-Go', None))
    """
    m = REQUEST.match(request)
    if m is None:
        return None, request or None, None
    return m["method"], m["target"], m["proto"]


_TS_CACHE: Final[dict[str, int]] = {}
_DAY_CACHE: Final[dict[str, int]] = {}
_CLIENT_CACHE: Final[dict[str, str]] = {}


def ncsa_ms(ts: str) -> int:
    """UTC ms of the ``ts`` group (``day mon year h mi s tz``) of an NCSA ``[dd/MMM/yyyy:HH:mm:ss Z]``.

    The time carries its offset, so results are cached by text across files (the
    second, and the start of the day at that offset). The group has a fixed layout
    (``30/Jun/2022:06:33:18 +0100``), so its parts are read by position.
    Raises ParseError for an unknown month name or an impossible date.
    """
    found = _TS_CACHE.get(ts)
    if found is not None:
        return found
    day_key = ts[0:11] + ts[20:]
    day_ms = _DAY_CACHE.get(day_key)
    if day_ms is None:
        month = MONTHS.get(ts[3:6])
        if month is None:
            raise ParseError("unknown month name in [dd/MMM/yyyy:HH:mm:ss Z]")
        offset = int(ts[22:24]) * 60 + int(ts[24:26])
        try:
            day_ms = utc_ms(int(ts[7:11]), month, int(ts[0:2]),
                            offset_minutes=-offset if ts[21] == "-" else offset)
        except (ValueError, OverflowError):
            raise ParseError("impossible date in [dd/MMM/yyyy:HH:mm:ss Z]") from None
        if len(_DAY_CACHE) > 4096:
            _DAY_CACHE.clear()
        _DAY_CACHE[day_key] = day_ms
    ms = day_ms + int(ts[12:14]) * 3_600_000 + int(ts[15:17]) * 60_000 + int(ts[18:20]) * 1000
    if len(_TS_CACHE) > 4096:
        _TS_CACHE.clear()
    _TS_CACHE[ts] = ms
    return ms


def client_address(text: str) -> str:
    """Canonical IP when ``text`` is one, else ``text`` as written (``[attacker_ip]`` stays)."""
    found = _CLIENT_CACHE.get(text)
    if found is not None:
        return found
    ip = canonical_ip(text)
    if ip != text and not is_ip(ip):
        ip = text
    if len(_CLIENT_CACHE) > 100_000:
        _CLIENT_CACHE.clear()
    _CLIENT_CACHE[text] = ip
    return ip


def _clients(field: str) -> tuple[str, str | None]:
    """``(client_ip, forwarded_for)`` from the client field (an X-Forwarded-For chain or one address)."""
    if "," not in field:
        return client_address(field), None
    last = field.rsplit(",", 1)[1].strip()
    return client_address(last) if last else field, field


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One Jetty access_log line -> one ``http`` event.

    >>> line = ('1.2.3.4 - - [30/Jun/2022:06:33:18 +0100] "POST /service/soap HTTP/1.1" '
    ...         '401 299 "-" "curl/8.0" 7')
    >>> [ev] = parse(line, ParseContext.for_tests())
    >>> ev["ts"], ev["client_ip"], ev["method"], ev["url"], ev["status"], ev["detail"]
    (1656567198000, '1.2.3.4', 'POST', '/service/soap', '401', 'proto=HTTP/1.1; latency_ms=7')
    """
    m = LINE.match(record)
    if m is None:
        if not record or record.isspace():
            return BLANK
        raise ParseError("not a Jetty NCSA access_log line")
    client_ip, forwarded_for = _clients(m["client"])
    user = m["user"]
    method = m["method"]
    if method is None:
        url, proto = m["raw"] or None, None
    else:
        url, proto = m["target"], m["proto"]
    size = m["size"]
    ref, ua, lat = m["ref"], m["ua"], m["lat"]
    detail = f"proto={proto}" if proto else ""
    if ref and ref != "-":
        detail = f"{detail}; referer={ref}" if detail else f"referer={ref}"
    if lat is not None:
        detail = f"{detail}; latency_ms={lat}" if detail else f"latency_ms={lat}"
    return [{
        "ts": ncsa_ms(m["ts"]),
        "event": "http",
        "protocol": "http",
        "client_ip": client_ip,
        "forwarded_for": forwarded_for,
        "account": user.lower() if user != "-" else None,
        "method": method,
        "url": url,
        "status": m["status"],
        "size": int(size) if size != "-" else None,
        "user_agent": ua if ua and ua != "-" else None,
        "detail": detail or None,
    }]

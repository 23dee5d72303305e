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


#: re.ASCII's \s besides the space: a line holding one goes to the regex
OTHER_BLANKS: Final = ("\t", "\n", "\r", "\f", "\v")


def has_other_blank(line: str) -> bool:
    """Whether ``line`` holds a blank (re.ASCII's \\s) other than the space."""
    for blank in OTHER_BLANKS:
        if blank in line:
            return True
    return False
#: request words already checked against LINE's classes (a handful per file)
_METHODS_SEEN: Final[set[str]] = set()
_PROTOCOLS_SEEN: Final[set[str]] = set()


def remember(seen: set[str], word: str) -> None:
    """Add ``word`` to a cache of checked words (emptied when it grows past 1,000)."""
    if len(seen) > 1000:
        seen.clear()
    seen.add(word)


def is_method(word: str) -> bool:
    """Whether ``word`` is a request method as the regexes take one: ``[A-Z][A-Z0-9_-]{0,31}``."""
    if word in _METHODS_SEEN:
        return True
    ok = (1 <= len(word) <= 32 and word.isascii() and "A" <= word[0] <= "Z" and word.upper() == word
          and word.replace("_", "").replace("-", "").isalnum())
    if ok:
        remember(_METHODS_SEEN, word)
    return ok


def is_protocol(word: str) -> bool:
    """Whether ``word`` is a request protocol as the regexes take one: ``[A-Z]{2,10}/[0-9.]{1,5}``."""
    if word in _PROTOCOLS_SEEN:
        return True
    name, slash, version = word.partition("/")
    ok = (bool(slash) and 2 <= len(name) <= 10 and name.isascii() and name.isalpha() and name.isupper()
          and 1 <= len(version) <= 5 and version.isascii() and (version.replace(".", "").isdigit()
                                                                or version.strip(".") == ""))
    if ok:
        remember(_PROTOCOLS_SEEN, word)
    return ok


#: (client, user, ts, method, target, proto, raw, status, size, ref, ua, lat)
LineFields = tuple[str, str, str, "str | None", "str | None", "str | None", "str | None", str, str,
                   "str | None", "str | None", "str | None"]


def is_ncsa_time(ts: str) -> bool:
    """Whether ``ts`` is the NCSA time group ``dd/MMM/yyyy:HH:mm:ss +zzzz`` (ASCII digits and letters)."""
    return (len(ts) == 26 and ts.isascii() and ts[2] == "/" and ts[6] == "/" and ts[11] == ":"
            and ts[14] == ":" and ts[17] == ":" and ts[20] == " " and (ts[21] == "+" or ts[21] == "-")
            and ts[3:6].isalpha()
            and (ts[0:2] + ts[7:11] + ts[12:14] + ts[15:17] + ts[18:20] + ts[22:26]).isdigit())


def is_number(text: str, *, signed: bool) -> bool:
    """``-?\\d+`` (``signed``) or ``\\d+``, ASCII digits."""
    if signed and text.startswith("-"):
        text = text[1:]
    return text != "" and text.isascii() and text.isdigit()


def split_line(line: str) -> LineFields | None:
    """LINE's groups read by position for the usual lines; None sends the line to LINE.

    LINE and its lazy fields cost most of a line's parse. Every check mirrors it, so a
    line accepted here gives LINE's groups (tests/sources/test_access_log.py holds the two
    to each other).

    >>> split_line('1.2.3.4 - - [30/Jun/2022:06:33:18 +0100] "GET /x HTTP/1.1" 200 5 "-" "ua" 7')[3:]
    ('GET', '/x', 'HTTP/1.1', None, '200', '5', '-', 'ua', '7')
    """
    if has_other_blank(line):
        return None
    dash = line.find(" - ")
    if dash < 1 or line[0] == " " or line[dash - 1] == " " or line[dash + 3:dash + 4] in (" ", ""):
        return None
    bracket = line.find(" [", dash + 3)
    if bracket < 0 or line[bracket - 1] == " ":
        return None
    ts = line[bracket + 2:bracket + 28]
    if not is_ncsa_time(ts) or line[bracket + 28:bracket + 31] != '] "':
        return None
    start = bracket + 31
    quote = line.find('"', start)
    if quote < 0 or line[quote + 1:quote + 2] != " ":
        return None
    status_end = line.find(" ", quote + 2)
    status = line[quote + 2:status_end]
    if status_end < 0 or (status != "-" and not is_number(status, signed=True)):
        return None
    size_end = line.find(" ", status_end + 1)
    if size_end < 0:
        size_end = len(line)
    size = line[status_end + 1:size_end]
    if size != "-" and not is_number(size, signed=False):
        return None
    ref: str | None = None
    ua: str | None = None
    tail = line[size_end:]
    if tail.startswith(' "'):
        ref_end = line.find('" "', size_end + 2)
        last_quote = line.rfind('"')
        if ref_end < 0 or last_quote < ref_end + 3:
            return None
        ref, ua, tail = line[size_end + 2:ref_end], line[ref_end + 3:last_quote], line[last_quote + 1:]
    number = tail.strip(" ")
    lat: str | None = None
    if number != "":
        if not tail.startswith(" ") or not is_number(number, signed=True):
            return None
        lat = number
    request = line[start:quote]
    method: str | None = None
    target: str | None = None
    proto: str | None = None
    raw: str | None = request
    space = request.find(" ")
    if space >= 1 and is_method(request[:space]):
        rest = request[space + 1:]
        end = rest.find(" ")
        word: str = rest if end < 0 else rest[:end]
        protocol: str | None = None if end < 0 else rest[end + 1:]
        if word and (protocol is None or is_protocol(protocol)):
            method, target, proto, raw = request[:space], word, protocol, None
    return (line[:dash], line[dash + 3:bracket], ts, method, target, proto, raw, status, size, ref, ua, lat)


def _regex_fields(line: str) -> LineFields | None:
    m = LINE.match(line)
    if m is None:
        return None
    return (m["client"], m["user"], m["ts"], m["method"], m["target"], m["proto"], m["raw"], m["status"],
            m["size"], m["ref"], m["ua"], m["lat"])


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
    fields = split_line(record)
    if fields is None:
        fields = _regex_fields(record)
        if fields is None:
            if not record or record.isspace():
                return BLANK
            raise ParseError("not a Jetty NCSA access_log line")
    client, user, ts, method, target, proto, raw, status, size, ref, ua, lat = fields
    client_ip, forwarded_for = _clients(client)
    if method is None:
        url = raw or None
    else:
        url = target
    detail = f"proto={proto}" if proto else ""
    if ref and ref != "-":
        detail = f"{detail}; referer={ref}" if detail else f"referer={ref}"
    if lat is not None:
        detail = f"{detail}; latency_ms={lat}" if detail else f"latency_ms={lat}"
    return [{
        "ts": ncsa_ms(ts),
        "event": "http",
        "protocol": "http",
        "client_ip": client_ip,
        "forwarded_for": forwarded_for,
        "account": user.lower() if user != "-" else None,
        "method": method,
        "url": url,
        "status": status,
        "size": int(size) if size != "-" else None,
        "user_agent": ua if ua and ua != "-" else None,
        "detail": detail or None,
    }]

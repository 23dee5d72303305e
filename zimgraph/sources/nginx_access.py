"""nginx.access.log: zimbra-proxy's ``log_format upstream``, in its three historical shapes.

FORMATS.md 4.2 (zm-nginx-conf ``nginx.conf.web.template``)::

    2013 (bug 79966)  $remote_addr - $remote_user [$time_local]  "$request" $status $bytes_sent "$http_referer" "$http_user_agent" "$upstream_addr"
    2014 (bug 85073)  $remote_addr:$remote_port - ...same...
    2017 (e7c4c21)    $remote_addr:$remote_port - $remote_user [$time_local]  "$request_method $scheme://$host$request_uri $server_protocol" ... "$upstream_addr" "$server_addr:$server_port"

Two spaces after ``]``. nginx escapes ``"``, ``\\`` and non-printable bytes as ``\\xHH`` in
every variable; :func:`unescape` decodes them (``DOMAIN\\x5Cuser`` -> ``DOMAIN\\user``,
``\\x22`` -> ``"``) so that values compare with other logs, but keeps control characters
and invalid UTF-8 as ``\\xHH`` text.

The client port is unbracketed, so ``2001:db8::7:51234`` is split on the **last** colon.
Whether a port is present is decided by the shape: the 2017 form always has one, an IPv4
``a.b.c.d:p`` has one, a bare IPv4 marks the file as the 2013 form (remembered in
``ctx.state``). An IPv6 address whose last group is decimal (``2001:db8::1:443``) is
ambiguous in the 2013/2014 forms: it is split unless the file showed a portless IPv4 before,
or splitting leaves no valid address (valid whole and invalid when split: kept whole).

Columns: ``client_ip``, ``client_port``, ``account`` (``$remote_user``), ``host``
(``$host`` of the absolute URL, or of an absolute-form request), ``url`` (path and query),
``method``, ``status``, ``size`` (``$bytes_sent``, headers included), ``user_agent``,
``relay`` (``$upstream_addr`` as written: ``a:p``, ``a:p, b:p`` or ``a:p : b:p``; None for
``-``), ``detail`` (``proto=``, ``request=`` full absolute URL, ``referer=``, ``server=``).
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import is_ip
from zimgraph.sources.access_log import (client_address, has_other_blank, is_method, is_ncsa_time, is_number,
                                         is_protocol, ncsa_ms, remember)
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "nginx_access"
FILENAMES: Final = ("nginx.access.log",)
FRAMING: Final = "line"

# RECONSTRUCTED from the 2017 template (FORMATS.md 4.2, no public line):
# 203.0.113.7:51234 - - [12/Nov/2026:10:15:02 +0100]  "POST https://mail.example.com/service/soap/AuthRequest HTTP/1.1" 200 1234 "https://mail.example.com/" "Mozilla/5.0 (...)" "10.0.0.5:8443" "10.0.0.4:443"
# RECONSTRUCTED 2013 form: 203.0.113.7 - - [12/Nov/2013:10:15:02 +0100]  "GET /zimbra/ HTTP/1.1" 200 512 "-" "Mozilla/5.0" "-"
LINE: Final = re.compile(r"""
    (?P<addr>[^\s"]+)\ -\ (?P<user>.*?)\ 
    \[(?P<ts>(?P<day>\d\d)/(?P<mon>[A-Za-z]{3})/(?P<year>\d{4})
             :(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)\ (?P<tz>[+-]\d{4}))\]
    \ \ "(?:
        (?P<method>[A-Z][A-Z0-9_-]{0,31})\ 
        (?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,15})://(?P<host>[^/?\s"]*))?   # 2017: $scheme://$host
        (?P<target>[^\s"]*)
        (?:\ (?P<proto>[A-Z]{2,10}/[0-9.]{1,5}))?
      | (?P<raw>[^"]*)                                  # not a request line: kept as written
    )"\ (?P<status>\d{3})\ (?P<size>\d+|-)
    \ "(?P<ref>[^"]*)"\ "(?P<ua>[^"]*)"\ "(?P<upstream>[^"]*)"
    (?:\ "(?P<server>[^"]*)")?\ *$                     # 2017: "$server_addr:$server_port"
    """, re.VERBOSE | re.ASCII)

# DOMAIN\x5Cuser, Mozilla/5.0 \x22><img src=x onerror=alert(1)>
#: (addr, user, ts, method, scheme, host, target, proto, raw, status, size, ref, ua, upstream, server)
LineFields = tuple[str, str, str, "str | None", "str | None", "str | None", "str | None", "str | None",
                   "str | None", str, str, str, str, str, "str | None"]

#: request schemes already checked against LINE's class (a handful per file)
_SCHEMES_SEEN: Final[set[str]] = set()


def _is_scheme(word: str) -> bool:
    """[A-Za-z][A-Za-z0-9+.-]{0,15}"""
    if word in _SCHEMES_SEEN:
        return True
    rest = word[1:].replace("+", "").replace(".", "").replace("-", "")
    ok = (1 <= len(word) <= 16 and word.isascii() and word[0].isalpha() and (rest == "" or rest.isalnum()))
    if ok:
        remember(_SCHEMES_SEEN, word)
    return ok


def _request_fields(request: str) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None]:
    """(method, scheme, host, target, proto, raw) as LINE's two request alternatives give them."""
    space = request.find(" ")
    if space < 1 or not is_method(request[:space]):
        return None, None, None, None, None, request
    rest = request[space + 1:]
    end = rest.find(" ")
    target = rest
    proto: str | None = None
    if end >= 0:
        target, proto = rest[:end], rest[end + 1:]
        if not is_protocol(proto):
            return None, None, None, None, None, request
    scheme: str | None = None
    host: str | None = None
    colon = target.find("://")
    if 1 <= colon <= 16 and _is_scheme(target[:colon]):
        after = target[colon + 3:]
        slash, question = after.find("/"), after.find("?")
        host_end = len(after)
        if 0 <= slash < host_end:
            host_end = slash
        if 0 <= question < host_end:
            host_end = question
        scheme, host, target = target[:colon], after[:host_end], after[host_end:]
    return request[:space], scheme, host, target, proto, None


def split_line(line: str) -> LineFields | None:
    """LINE's groups read by position for the usual lines; None sends the line to LINE.

    LINE costs most of a line's parse. Every check mirrors it, so a line accepted here
    gives LINE's groups (tests/sources/test_nginx_access.py holds the two to each other).

    >>> split_line('192.0.2.1:443 - - [12/Nov/2026:10:15:02 +0100]  "GET /x HTTP/1.1" 200 5 "-" "ua" "-"')[:9]
    ('192.0.2.1:443', '-', '12/Nov/2026:10:15:02 +0100', 'GET', None, None, '/x', 'HTTP/1.1', None)
    """
    if has_other_blank(line):
        return None
    space = line.find(" ")
    addr = line[:space]
    if space < 1 or line[space:space + 3] != " - " or '"' in addr or not addr.isprintable():
        return None
    bracket = line.find(" [", space + 3)
    if bracket < 0:
        return None
    ts = line[bracket + 2:bracket + 28]
    if not is_ncsa_time(ts) or line[bracket + 28:bracket + 32] != ']  "':
        return None
    start = bracket + 32
    quote = line.find('"', start)
    if quote < 0 or line[quote + 1:quote + 2] != " " or line[quote + 5:quote + 6] != " ":
        return None
    status = line[quote + 2:quote + 5]
    if not is_number(status, signed=False):
        return None
    size_end = line.find(" ", quote + 6)
    size = line[quote + 6:size_end]
    if (size_end < 0 or (size != "-" and not is_number(size, signed=False))
            or line[size_end + 1:size_end + 2] != '"'):
        return None
    ref_end = line.find('"', size_end + 2)
    if ref_end < 0 or line[ref_end:ref_end + 3] != '" "':
        return None
    ua_end = line.find('"', ref_end + 3)
    if ua_end < 0 or line[ua_end:ua_end + 3] != '" "':
        return None
    upstream_end = line.find('"', ua_end + 3)
    if upstream_end < 0:
        return None
    tail = line[upstream_end + 1:]
    server: str | None = None
    if tail.startswith(' "'):
        server_end = tail.find('"', 2)
        if server_end < 0:
            return None
        server, tail = tail[2:server_end], tail[server_end + 1:]
    if tail.strip(" "):
        return None
    method, scheme, host, target, proto, raw = _request_fields(line[start:quote])
    return (addr, line[space + 3:bracket], ts, method, scheme, host, target, proto, raw, status, size,
            line[size_end + 2:ref_end], line[ref_end + 3:ua_end], line[ua_end + 3:upstream_end], server)


def _regex_fields(line: str) -> LineFields | None:
    m = LINE.match(line)
    if m is None:
        return None
    return (m["addr"], m["user"], m["ts"], m["method"], m["scheme"], m["host"], m["target"], m["proto"],
            m["raw"], m["status"], m["size"], m["ref"], m["ua"], m["upstream"], m["server"])


ESCAPES: Final = re.compile(r"(?:\\x[0-9A-Fa-f]{2})+", re.VERBOSE)

_PORT_STATE: Final = "nginx_access.has_port"


def sniff(line: str) -> bool:
    """A zimbra-proxy line: two spaces after ``]`` and a quoted ``$upstream_addr`` at the end."""
    return "]  \"" in line and LINE.match(line) is not None


def _decode_run(m: re.Match) -> str:
    text = bytes.fromhex(m.group().replace("\\x", "")).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else "".join(f"\\x{b:02X}" for b in c.encode("utf-8"))
                   for c in text)


def unescape(text: str) -> str:
    r"""Decode nginx's ``\xHH`` escapes, keeping non-printable characters escaped.

    >>> unescape(r"EXAMPLE\x5Calice"), unescape(r"a\x22b\x0Ac"), unescape(r"caf\xC3\xA9")
    ('EXAMPLE\\alice', 'a"b\\x0Ac', 'café')
    """
    if "\\x" not in text:
        return text
    return ESCAPES.sub(_decode_run, text)


def split_client(addr: str, has_server_field: bool, state: dict) -> tuple[str, str | None]:
    """``(ip, port)`` from ``$remote_addr`` or ``$remote_addr:$remote_port`` (see module doc).

    >>> split_client("2001:db8::7:51234", False, {}), split_client("192.0.2.1:443", False, {})
    (('2001:db8::7', '51234'), ('192.0.2.1', '443'))
    """
    head, colon, port = addr.rpartition(":")
    if not colon or not (port.isascii() and port.isdecimal()):
        if colon == "" and "." in addr:
            state.setdefault(_PORT_STATE, False)   # a bare IPv4: the 2013 format
        return addr, None
    if ":" not in head:                            # IPv4 (or a name) with a port
        state[_PORT_STATE] = True
        return head, port
    if has_server_field or state.get(_PORT_STATE):
        return head, port
    whole_ok, head_ok = is_ip(addr), is_ip(head)
    if whole_ok and (not head_ok or state.get(_PORT_STATE) is False):
        return addr, None
    return head, port


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One zimbra-proxy access line (any of the three formats) -> one ``http`` event.

    >>> line = ('2001:db8::7:51234 - - [12/Nov/2026:10:15:02 +0100]  "GET https://mail.example.com'
    ...         '/zimbra/?x=1 HTTP/1.1" 200 512 "-" "curl/8" "10.0.0.5:8443" "10.0.0.4:443"')
    >>> [ev] = parse(line, ParseContext.for_tests())
    >>> ev["ts"], ev["client_ip"], ev["client_port"], ev["host"], ev["url"], ev["relay"]
    (1794474902000, '2001:db8::7', '51234', 'mail.example.com', '/zimbra/?x=1', '10.0.0.5:8443')
    """
    fields = split_line(record)
    if fields is None:
        fields = _regex_fields(record)
        if fields is None:
            if not record or record.isspace():
                return BLANK
            raise ParseError("not a zimbra-proxy nginx access line")
    (addr, user, ts, method, scheme, host, target, proto, raw, status, size, ref, ua, upstream,
     server) = fields
    ip, port = split_client(addr, server is not None, ctx.state)
    if method is None:
        url, proto, request = unescape(raw or "") or None, None, None
    else:
        url = unescape(target or "") or None
        request = f"{scheme}://{host}{url or ''}" if scheme is not None else None
    detail = f"proto={proto}" if proto else ""
    if request:
        detail = f"{detail}; request={request}" if detail else f"request={request}"
    if ref and ref != "-":
        ref = unescape(ref)
        detail = f"{detail}; referer={ref}" if detail else f"referer={ref}"
    if server:
        detail = f"{detail}; server={server}" if detail else f"server={server}"
    return [{
        "ts": ncsa_ms(ts),
        "event": "http",
        "protocol": "http",
        "client_ip": client_address(ip) if ip else None,
        "client_port": port,
        "account": unescape(user).lower() if user and user != "-" else None,
        "method": method,
        "url": url,
        "host": host.lower() if host else None,
        "status": status,
        "size": int(size) if size != "-" else None,
        "user_agent": unescape(ua) if ua and ua != "-" else None,
        "relay": upstream if upstream and upstream != "-" else None,
        "detail": detail or None,
    }]


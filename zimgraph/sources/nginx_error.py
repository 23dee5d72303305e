"""nginx.log: zimbra-proxy's nginx ``error_log``, including the IMAP/POP mail proxy.

No Zimbra line was ever published (FORMATS.md 4.2): every shape below is RECONSTRUCTED
from nginx's ``ngx_log_error`` layout and Zimbra's nginx fork, so the parser is lenient::

    YYYY/MM/DD HH:MM:SS [level] pid#tid: [*conn ]<message>[ while <action>][, client: ..., server: ...[, login: "..."]...]

The context after ``, client:`` is ``key: value`` pairs: mail proxy ``client`` (Zimbra's
fork appends ``:port``), ``server`` (listener ``addr:port``), ``login`` (quoted, as typed),
``upstream`` (``addr:port (peer->local) <=> (local->peer)`` in the fork); HTTP ``client``
(no port), ``server`` (server_name), ``request``/``upstream``/``host``/``referrer`` (quoted).

Events: ``auth`` / outcome ``failure`` for mail-proxy login failures (``client login
failed: "..."``, Zimbra's ``An error occurred in mail zmauth: LOGIN failed``, any
``authentication failed``), protocol from the listener port (143/993 imap, 110/995
pop3, 25/465/587 smtp) or the action text; ``proxy_error`` for every other line.
Local time without offset: ``ctx.clock``. ``detail`` is the message, then ``conn=``
(nginx connection number, ties the lines of one session) and ``server=``.
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import is_ip
from zimgraph.sources.access_log import client_address, split_request
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "nginx_error"
FILENAMES: Final = ("nginx.log",)
FRAMING: Final = "line"

# RECONSTRUCTED (nginx mail proxy + Zimbra zmauth):
# 2026/11/12 10:15:02 [error] 4321#0: *77 An error occurred in mail zmauth: LOGIN failed while in mail zmauth state, client: 203.0.113.7:51234, server: 0.0.0.0:993, login: "alice@example.com"
# 2026/11/12 10:15:01 [info] 4321#0: *77 client 203.0.113.7:51234 connected to 0.0.0.0:993
# 2026/11/12 10:00:00 [notice] 4320#0: signal process started
HEAD: Final = re.compile(r"""
    (?P<year>\d{4})/(?P<mo>\d\d)/(?P<d>\d\d)\ (?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)\ 
    \[(?P<level>[a-z]+)\]\ (?P<pid>\d+)\#(?P<tid>\d+):\ ?(?:\*(?P<conn>\d+)\ )?(?P<msg>.*)$
    """, re.VERBOSE | re.ASCII)

_KEYS: Final = "client|server|login|upstream|request|subrequest|host|referrer"
# client: 203.0.113.7:51234 using starttls, server: 0.0.0.0:993, login: "alice", upstream: 10.0.0.5:7143 (...) <=> (...)
# client: 203.0.113.7, server: mail.example.com, request: "GET /x HTTP/1.1", upstream: "https://10.0.0.5:8443/x", host: "mail.example.com"
CONTEXT_ITEM: Final = re.compile(rf"""
    (?P<key>{_KEYS}):\ (?:"(?P<quoted>.*?)"|(?P<plain>.*?))(?=,\ (?:{_KEYS}):\ |$)
    """, re.VERBOSE | re.ASCII)

# client 203.0.113.7:51234 connected to 0.0.0.0:993      (Zimbra fork, RECONSTRUCTED)
CONNECTED: Final = re.compile(r"client\ (?P<client>\S+)\ connected\ to\ (?P<server>\S+)$", re.VERBOSE | re.ASCII)

PORT_PROTOCOLS: Final = {"143": "imap", "993": "imap", "7143": "imap", "7993": "imap",
                  "110": "pop3", "995": "pop3", "7110": "pop3", "7995": "pop3",
                  "25": "smtp", "465": "smtp", "587": "smtp",
                  "80": "http", "443": "http", "8080": "http", "8443": "http"}


def sniff(line: str) -> bool:
    """nginx error_log: ``YYYY/MM/DD HH:MM:SS [level] pid#tid:``."""
    return HEAD.match(line) is not None


def _client(text: str, mail: bool) -> tuple[str | None, str | None]:
    """``(client_ip, port)``: the mail proxy of Zimbra's fork writes ``ip:port``, HTTP only ``ip``."""
    text = text.removesuffix(" using starttls").strip()
    if not text:
        return None, None
    head, colon, port = text.rpartition(":")
    if colon and port.isascii() and port.isdecimal():
        if ":" not in head:
            return client_address(head), port
        if mail and is_ip(head) or not is_ip(text):
            return client_address(head), port
    return client_address(text), None


def _protocol(server: str | None, action: str, http: bool) -> str | None:
    if http:
        return "http"
    if server:
        found = PORT_PROTOCOLS.get(server.rpartition(":")[2])
        if found:
            return found
    action = action.lower()
    for name in ("imap", "pop3", "smtp"):
        if name in action:
            return name
    return None


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One nginx error_log line -> one ``auth`` (login failure) or ``proxy_error`` event.

    >>> line = ('2026/11/12 10:15:02 [info] 4321#0: *77 client login failed: "Invalid login" '
    ...         'while in http auth state, client: 203.0.113.7, server: 0.0.0.0:993, login: "Alice"')
    >>> [ev] = parse(line, ParseContext.for_tests())
    >>> ev["event"], ev["outcome"], ev["protocol"], ev["account"], ev["client_ip"]
    ('auth', 'failure', 'imap', 'alice', '203.0.113.7')
    """
    m = HEAD.match(record)
    if m is None:
        if not record or record.isspace():
            return BLANK
        raise ParseError("not an nginx error_log line (no 'YYYY/MM/DD HH:MM:SS [level] pid#tid:')")
    try:
        ts = ctx.clock.local_ms(int(m["year"]), int(m["mo"]), int(m["d"]),
                                int(m["h"]), int(m["mi"]), int(m["s"]))
    except (ValueError, OverflowError):
        raise ParseError("impossible date in nginx error_log line") from None
    msg = m["msg"]
    values: dict[str, str] = {}
    pos = msg.find(", client: ")
    if pos >= 0:
        for item in CONTEXT_ITEM.finditer(msg, pos + 2):
            quoted = item["quoted"]
            values.setdefault(item["key"], quoted if quoted is not None else item["plain"])
        text = msg[:pos]
    else:
        text = msg
        if text.startswith("client ") and " connected to " in text:
            c = CONNECTED.match(text)
            if c is not None:
                values = {"client": c["client"], "server": c["server"]}
    action = ""
    cut = text.rfind(" while ")
    if cut >= 0:
        action = text[cut + 7:]
    request, server = values.get("request"), values.get("server")
    http = request is not None or "host" in values
    client_ip, port = _client(values["client"], not http) if "client" in values else (None, None)
    method = url = None
    if request is not None:
        method, url, _proto = split_request(request)
    lower = text.lower()
    failed = "login failed" in lower or "authentication failed" in lower
    login = values.get("login")
    account = login.strip().lower() if login else ""
    upstream = values.get("upstream")
    detail = text
    if m["conn"]:
        detail = f"{detail}; conn={m['conn']}"
    if server:
        detail = f"{detail}; server={server}"
    return [{
        "ts": ts,
        "event": "auth" if failed else "proxy_error",
        "outcome": "failure" if failed else None,
        "level": m["level"].upper(),
        "program": "nginx",
        "protocol": _protocol(server, action, http),
        "client_ip": client_ip,
        "client_port": port,
        "account": account or None,
        "account_typed": login if account and login != account else None,
        "method": method,
        "url": url,
        "host": values.get("host") or (server if http else None) or None,
        "relay": upstream.partition(" ")[0] or None if upstream else None,
        "detail": detail or None,
    }]

"""Postfix messages from zimbra.log: connections, SMTP AUTH, queue ids, deliveries, rejects.

``parse_message(program, message, ctx)`` gets the syslog program (``postfix/smtpd``,
``postfix/submission/smtpd``, ``postfix/amavisd/smtpd``, ``postfix/qmgr``, ...) and the
message after ``program[pid]: ``; the syslog wrapper adds ``ts``, ``host`` and ``program``.
An optional leading queue id (``7663A160D70: ``, long form ``48rT2v1hQrz1J0N: ``) or
``NOQUEUE: `` goes to ``queue_id``; the rest is dispatched on cheap literal prefixes.

Events (``protocol`` is "smtp" for smtpd/postscreen/smtp lines, "lmtp" for the LMTP hand-off):

* ``connect from host[ip]``, postscreen ``CONNECT``/``PASS NEW``/``PASS OLD``/``ALLOWLISTED``/
  ``WHITELISTED``/``DENYLISTED``/``DNSBL rank``/``PREGREET``: ``smtp_connect``, outcome "info";
  detail is the reverse-DNS name (smtpd) or the postscreen verb and its arguments.
* ``QID: client=host[ip][:port][, sasl_method=M, sasl_username=U][, orig_queue_id=Q, orig_client=h[ip]]``:
  ``smtp_client`` (detail: host name and the extra attributes as logged); with ``orig_client``
  (XFORWARD from amavis) ``client_ip`` is the original client and ``proxy_ip`` the connecting
  peer. With ``sasl_username`` a second event ``smtp_auth`` outcome "success",
  ``account`` = lower-case user name, ``detail`` = SASL method.
* ``warning: host[ip]: SASL M authentication failed: reason[, sasl_username=U]``: ``smtp_auth``
  outcome "failure", ``detail`` = reason.
* ``disconnect from ... auth=N[/M] ...`` (postfix >= 3.0 statistics): ignored as connection
  bookkeeping, because every failed AUTH already has its own ``SASL ... authentication failed``
  warning and every successful AUTH that sent mail has its ``client=..., sasl_username=`` line.
  The one exception: a session whose AUTH succeeded but that had no accepted RCPT never got a
  queue file, hence no ``client=`` line; that credential check is kept as ``smtp_auth``
  outcome "success" without ``account`` and with the statistics in ``detail``.
* ``QID: message-id=<...>`` / ``resent-message-id=``: ``msg_received`` with ``message_id``.
  qmgr ``QID: from=<s>, size=N, nrcpt=N (queue active)``: ``msg_received`` (sender, size,
  detail "nrcpt=N"); pickup ``QID: uid=N from=<s>``: ``msg_received`` (detail "uid=N", local
  submission); qmgr ``from=<s>, status=expired, returned to sender``: ``msg_bounce``.
* ``QID: to=<r>[, orig_to=<o>], relay=R, ..., status=S (text)``: ``msg_sent`` with recipient,
  relay, status, ``detail`` = the text (``[orig_to=<o>]`` appended when logged); outcome
  sent -> success, bounced/expired/undeliverable -> bounce, deferred/SOFTBOUNCE -> defer,
  else info. ``queued as NEXTQID`` goes to ``queued_as``; an amavis reply ``id=PID-NN`` to
  ``amavis_id``.
* ``QID: sender non-delivery notification: NEWQID`` (and delay / delivery status notices):
  ``msg_bounce`` with ``queued_as`` = the notification's queue id.
* ``NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 ...; from=<> to=<> proto= helo=<>`` and the
  same shape for ``milter-reject``, ``proxy-reject``, ``discard``, ``reject_warning``, plus the
  cleanup header/body check form ``QID: reject: header ... from host[ip]; from=<> ...: text``:
  ``smtp_reject`` with ``verdict`` = the action, ``status`` = the SMTP reply code,
  ``detail`` = "STAGE: reply text"; outcome "defer" for 4xx replies, "info" for
  ``reject_warning`` (not enforced), else "reject".
* ``NOQUEUE: filter: RCPT from ...: Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10026``
  is ignored ("postfix: FILTER routing"): Zimbra logs it for every recipient of every message
  to route it to amavis; client, sender and recipient come again in the ``client=``, qmgr,
  delivery and amavis lines of the same message.

Everything else is an :class:`Ignored` with one of a few fixed reasons.

>>> ctx = ParseContext.for_tests()
>>> parse_message("postfix/smtpd", "connect from mail.tubui.xyz[103.124.94.220]", ctx)
[{'event': 'smtp_connect', 'outcome': 'info', 'protocol': 'smtp', 'client_ip': '103.124.94.220', 'detail': 'mail.tubui.xyz'}]
>>> parse_message("postfix/qmgr", "7663A160D70: removed", ctx)
Ignored('postfix: queue file removed')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import canonical_address, canonical_ip
from zimgraph.sources.base import Ignored, ParseContext, ParseError

# --- grammar ------------------------------------------------------------------------------

# 7663A160D70: client=...         48rT2v1hQrz1J0N: to=<...>
# (short hex ids; long ids: base-52 time without vowels, 'z', base-51 inode number)
QUEUE_ID: Final = re.compile(r"""
    (?P<qid>[0-9A-F]{6,}
           |[0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy]{10,}z[0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy]+)
    :\ """, re.VERBOSE)

# connect from mail.tubui.xyz[103.124.94.220]
# connect from mail.example.com[2001:dead:beef::1]
CONNECT: Final = re.compile(r"""
    connect\ from\ (?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\d+))?
    """, re.VERBOSE)

# disconnect from unknown[186.185.3.41] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6
DISCONNECT: Final = re.compile(r"""
    disconnect\ from\ (?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\d+))?
    \ (?P<stats>.*)$
    """, re.VERBOSE | re.DOTALL)

# auth=0/1   rcpt=1   (counters in the disconnect statistics: ok[/attempted])
COUNTER: Final = re.compile(r"""(?P<name>auth(?<=\bauth)|rcpt(?<=\brcpt))=(?P<ok>\d+)(?:/(?P<tried>\d+))?""", re.VERBOSE)

# CONNECT from [103.124.94.220]:59578 to [103.124.94.220]:25
# PASS NEW [209.85.210.173]:44683
# DNSBL rank 3 for [192.0.2.7]:51234
POSTSCREEN: Final = re.compile(r"""
    (?P<verb>CONNECT\ from|PASS\ NEW|PASS\ OLD|ALLOWLISTED|WHITELISTED|DENYLISTED|BLACKLISTED
            |DNSBL\ rank\ \d+\ for|PREGREET\ \d+\ after\ [\d.]+\ from)
    \ \[(?P<ip>[^\]\s]*)\]:(?P<port>\d+)(?P<rest>.*)$
    """, re.VERBOSE | re.DOTALL)

# client=212095007065.public.telering.at[212.95.7.65], sasl_method=LOGIN, sasl_username=michel.grenier
# client=localhost[127.0.0.1], orig_queue_id=3pJjg82Vycz1JBJG, orig_client=wursti.dovecot.fi[87.106.245.223]
CLIENT: Final = re.compile(r"""
    client=(?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\w+))?
    (?P<extra>,\ .*)?$
    """, re.VERBOSE | re.DOTALL)

# , sasl_method=LOGIN    , orig_client=wursti.dovecot.fi[87.106.245.223]
CLIENT_ATTR: Final = re.compile(r""",\ (?P<key>[a-z_]+)=(?P<value>[^,]*)""", re.VERBOSE)

# wursti.dovecot.fi[87.106.245.223]    (value of orig_client=)
HOST_ADDR: Final = re.compile(r"""(?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\d+))?""", re.VERBOSE)

# warning: unknown[82.221.106.233]: SASL LOGIN authentication failed: UGFzc3dvcmQ6
# warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure
# warning: unknown[192.0.2.152]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin
# warning: example.com[192.168.0.1]: SASL DIGEST-MD5 authentication failed
SASL_FAILED: Final = re.compile(r"""
    warning:\ (?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\d+))?:\ SASL\ (?P<mech>\S+)
    \ authentication\ failed
    (?::\ ?(?P<reason>.*?))?
    (?:,\ sasl_username=(?P<user>[^,]*))?$
    """, re.VERBOSE | re.DOTALL)

# from=<admin@tubui.xyz>, size=1115, nrcpt=1 (queue active)
QMGR_FROM: Final = re.compile(r"""
    from=<(?P<sender>.*?)>,\ size=(?P<size>\d+),\ nrcpt=(?P<nrcpt>\d+)
    """, re.VERBOSE | re.DOTALL)

# from=<from@example.com>, status=expired, returned to sender
QMGR_EXPIRED: Final = re.compile(r"""
    from=<(?P<sender>.*?)>,\ status=expired,\ (?P<text>.*)$
    """, re.VERBOSE | re.DOTALL)

# uid=0 from=<root>      (postfix/pickup: mail submitted with the local sendmail command)
PICKUP: Final = re.compile(r"""uid=(?P<uid>\d+)\ from=<(?P<sender>.*)>$""", re.VERBOSE | re.DOTALL)

# to=<tubui16091999@gmail.com>, relay=127.0.0.1[127.0.0.1]:10026, delay=0.26, delays=0.02/0.01/0.01/0.22, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10030): 250 2.0.0 Ok: queued as 9B378160D71)
# to=<root@mail.jmchd.com>, orig_to=<root>, relay=virtual, delay=0.06, delays=0.04/0/0/0.02, dsn=5.1.1, status=bounced (unknown user: "root@mail.jmchd.com")
DELIVERY: Final = re.compile(r"""
    to=<(?P<to>[^>]*)>,
    (?:\s*orig_to=<(?P<orig_to>[^>]*)>,)?
    \s*relay=(?P<relay>[^,\s]*),
    .*?status(?<=\bstatus)=(?P<status>[A-Za-z-]+)   # boundary checked after the literal (faster scan)
    \s*(?P<text>.*)$
    """, re.VERBOSE | re.DOTALL)

# ... 250 2.0.0 Ok: queued as 9B378160D71
QUEUED_AS: Final = re.compile(r"""queued\ as\ (?P<qid>[0-9A-Za-z]+)""", re.VERBOSE)

# ... (250 2.5.0 Ok, id=18438-02, BOUNCE)      (amavis' reply names its session id)
AMAVIS_ID: Final = re.compile(r"""id(?<=\bid)=(?P<id>\d+-\d+(?:-\d+)*)""", re.VERBOSE)

# sender non-delivery notification: 585F8122C07F
NOTIFICATION: Final = re.compile(r"""
    (?P<kind>(?:sender|postmaster)\ (?:non-delivery|delivery\ status|delay)\ notification)
    :\ (?P<qid>[0-9A-Za-z]+)\s*$
    """, re.VERBOSE)

# reject: RCPT from ip-109-91-181-221.hsi12.unitymediagroup.de[109.91.181.221]: 554 5.7.1 <jessicawoetke@gmail.com>: Relay access denied; from=<michel.grenier@wm-mw.org> to=<jessicawoetke@gmail.com> proto=ESMTP helo=<ZI32-01>
# milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: 5.7.1 ...; from=<a@b> to=<c@d> proto=ESMTP helo=<h>
# proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=11912-03 - INFECTED: Eicar-Test-Signature; from=<a@b> ...
SMTPD_ACTION: Final = re.compile(r"""
    (?P<action>[a-z_-]+):\s+(?P<stage>[A-Z][A-Z-]*)
    (?:\s+from\s+(?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::(?P<port>\d+))?)?
    :\s*(?P<text>.*)$
    """, re.VERBOSE | re.DOTALL)

# reject: header Subject: Cheap pills from hb.example.com[10.0.0.1]; from=<a@example.com> to=<b@sample.net> proto=ESMTP helo=<example.com>: 5.7.1 spam
# reject: body Subject: Cheap cialis from local; from=<root@localhost>: optional text
CONTENT_ACTION: Final = re.compile(r"""
    (?P<action>[a-z_-]+):\s+(?P<what>header|body|content)\s+(?P<text>.*)
    \ from\ (?:(?P<host>[^\s\[\]]*)\[(?P<ip>[^\]\s]*)\](?::\d+)?|local);\s*
    (?P<envelope>.*)$
    """, re.VERBOSE | re.DOTALL)

# from=<michel.grenier@wm-mw.org> to=<jessicawoetke@gmail.com> proto=ESMTP helo=<ZI32-01>
# from=<a@b>, to=<c@d>, proto=ESMTP, helo=<x>                    (postscreen separates with ', ')
# from=<efrom@example.com> to=<eto@sample.net> proto=ESMTP helo=<example.com>: optional text
ENVELOPE: Final = re.compile(r"""
    (?:from=<(?P<sender>[^>]*)>[,\s]*)?
    (?:to=<(?P<to>[^>]*)>[,\s]*)?
    (?:proto=(?P<proto>[A-Za-z]+)[,\s]*)?
    (?:helo=<(?P<helo>[^>]*)>)?
    (?::\s*(?P<reply>.*))?
    """, re.VERBOSE | re.DOTALL)

# ...: Relay access denied; from=<a@b> to=<c@d> proto=ESMTP helo=<h>   (the last match starts the
# envelope; the reply text before it may itself contain '; ', e.g. DNSBL URLs)
ENVELOPE_START: Final = re.compile(r""";\s+(?=from=<|to=<|proto=|helo=<)""", re.VERBOSE)

# 554 5.7.1 <x@y>: Relay access denied        (the SMTP reply code at the start of a reply)
REPLY_CODE: Final = re.compile(r"""(?P<code>[245]\d\d)\b""", re.VERBOSE)


#: actions that refuse (or silently drop) a message or recipient
_REJECTING: Final = frozenset({"reject", "milter-reject", "proxy-reject", "discard", "milter-discard",
                        "reject_warning"})
#: access(5)/header_checks(5)/milter actions that route or annotate, never refuse
_ROUTING: Final = frozenset({"hold", "milter-hold", "redirect", "bcc", "warn", "prepend",
                      "replace", "info", "proxy-accept", "dunno", "permit"})

#: client= attributes that have their own column (the others stay in detail)
_CLIENT_COLUMNS: Final = frozenset({"sasl_method", "sasl_username", "helo"})

_DELIVERY_OUTCOME: Final = {
    "sent": "success", "delivered": "success",
    "bounced": "bounce", "expired": "bounce", "undeliverable": "bounce",
    "undeliverable-but-not-cached": "bounce",
    "deferred": "defer", "SOFTBOUNCE": "defer",
}

_NOTIFICATION_OUTCOME: Final = {"non-delivery": "bounce", "delay": "defer"}

IGNORED_REMOVED: Final = Ignored("postfix: queue file removed")
IGNORED_BOOKKEEPING: Final = Ignored("postfix: connection bookkeeping")
IGNORED_OUTBOUND: Final = Ignored("postfix: outbound connection")
IGNORED_TLS: Final = Ignored("postfix: TLS")
IGNORED_WARNING: Final = Ignored("postfix: warning")
IGNORED_FILTER: Final = Ignored("postfix: FILTER routing")
IGNORED_ACTION: Final = Ignored("postfix: access or content action")
IGNORED_POSTSCREEN: Final = Ignored("postfix: postscreen bookkeeping")
IGNORED_OTHER: Final = Ignored("postfix: other")

_BOOKKEEPING_PREFIXES: Final = ("lost connection after", "timeout after", "too many errors after",
                         "improper command pipelining", "discarding EHLO keywords")
_OUTBOUND_PREFIXES: Final = ("connect to ", "lost connection with ", "conversation with ", "host ",
                      "enabling PIX", "SASL authentication failed;", "SASL [CACHED]")
_TLS_PREFIXES: Final = ("SSL_", "TLS ", "Cannot start TLS", "cannot load Certificate", "Host offered STARTTLS",
                 "Unverified: subject_CN", "Verified TLS", "Trusted TLS", "Untrusted TLS",
                 "Anonymous TLS")


# --- entry point --------------------------------------------------------------------------

def parse_message(program: str, message: str, ctx: ParseContext) -> list[dict] | Ignored:
    """Events for one postfix message (the text after ``postfix/xxx[pid]: ``).

    >>> ctx = ParseContext.for_tests()
    >>> ev = parse_message("postfix/smtpd", "680141B80946: client=x.telering.at[212.95.7.65], "
    ...                    "sasl_method=LOGIN, sasl_username=Michel.Grenier", ctx)
    >>> [(e["event"], e.get("account")) for e in ev]
    [('smtp_client', 'michel.grenier'), ('smtp_auth', 'michel.grenier')]
    """
    queue_id = None
    body = message
    if body.startswith("NOQUEUE: "):
        body = body[9:]
    else:
        m = QUEUE_ID.match(body)
        if m is not None:
            queue_id = m["qid"]
            body = body[m.end():]

    if body.startswith("client="):
        return _client(body, queue_id)
    if body.startswith("message-id="):
        return [_msg_id(body[11:], queue_id, None)]
    if body.startswith("from=<"):
        return _qmgr(body, queue_id)
    if body.startswith("to=<"):
        return [_delivery(program, body, queue_id)]
    if body.startswith("removed"):
        return IGNORED_REMOVED
    if body.startswith("connect from "):
        return _connect(body)
    if body.startswith("disconnect from "):
        return _disconnect(body)
    if body.startswith("warning: "):
        return _warning(body)
    if body.startswith("resent-message-id="):
        return [_msg_id(body[18:], queue_id, "resent-message-id")]
    if body.startswith("uid="):
        return _pickup(body, queue_id)
    if " notification: " in body:
        return _notification(body, queue_id)
    action, sep, _ = body.partition(":")
    if sep:
        if action in _REJECTING:
            return _reject(action, body, queue_id)
        if action == "filter":
            return IGNORED_FILTER
        if action in _ROUTING:
            return IGNORED_ACTION
    if body.startswith(_BOOKKEEPING_PREFIXES):
        return IGNORED_BOOKKEEPING
    if body.startswith(_TLS_PREFIXES) or " TLS connection established" in body:
        return IGNORED_TLS
    if body.startswith(_OUTBOUND_PREFIXES):
        return IGNORED_OUTBOUND
    if program.endswith("postscreen"):
        return _postscreen(body)
    return IGNORED_OTHER


# --- one function per line shape ----------------------------------------------------------

def _event(**fields) -> dict:
    """An event dict without the unset (None) fields."""
    return {key: value for key, value in fields.items() if value is not None}


def _ip(text: str | None) -> str | None:
    """Canonical IP, or None for postfix's 'unknown' / an empty bracket."""
    if not text or text == "unknown":
        return None
    return canonical_ip(text)


def _connect(body: str) -> list[dict] | Ignored:
    m = CONNECT.match(body)
    if m is None:
        raise ParseError("postfix: 'connect from' without host[address]")
    return [_event(event="smtp_connect", outcome="info", protocol="smtp",
                   client_ip=_ip(m["ip"]), client_port=m["port"], detail=m["host"] or None)]


def _disconnect(body: str) -> list[dict] | Ignored:
    """Ignored, except an AUTH that succeeded in a session without any accepted RCPT."""
    m = DISCONNECT.match(body)
    if m is None or "auth=" not in m["stats"]:
        return IGNORED_BOOKKEEPING
    counters = {c["name"]: int(c["ok"]) for c in COUNTER.finditer(m["stats"])}
    if counters.get("auth", 0) < 1 or counters.get("rcpt", 0) > 0:
        return IGNORED_BOOKKEEPING
    return [_event(event="smtp_auth", outcome="success", protocol="smtp",
                   client_ip=_ip(m["ip"]), client_port=m["port"],
                   detail="AUTH without accepted RCPT: " + m["stats"].strip())]


def _postscreen(body: str) -> list[dict] | Ignored:
    m = POSTSCREEN.match(body)
    if m is None:
        return IGNORED_POSTSCREEN
    verb = m["verb"].removesuffix(" from").removesuffix(" for")
    return [_event(event="smtp_connect", outcome="info", protocol="smtp",
                   client_ip=_ip(m["ip"]), client_port=m["port"],
                   detail=(verb + m["rest"]).strip())]


def _client(body: str, queue_id: str | None) -> list[dict]:
    m = CLIENT.match(body)
    if m is None:
        raise ParseError("postfix: 'client=' without host[address]")
    client_ip, port, proxy_ip = _ip(m["ip"]), m["port"], None
    if port is not None and not port.isdigit():
        port = None                                   # client=unknown[192.168.0.1]:unknown
    attrs = {a["key"]: a["value"].strip() for a in CLIENT_ATTR.finditer(m["extra"] or "")}
    extras = [f"{k}={v}" for k, v in attrs.items() if k not in _CLIENT_COLUMNS]
    orig = HOST_ADDR.match(attrs.get("orig_client", ""))
    if orig is not None and _ip(orig["ip"]):
        proxy_ip, client_ip, port = client_ip, _ip(orig["ip"]), orig["port"]
    user = attrs.get("sasl_username") or None
    account = user.lower() if user else None
    detail = ", ".join([m["host"]] + extras) if m["host"] or extras else None
    events = [_event(event="smtp_client", outcome="success", protocol="smtp", queue_id=queue_id,
                     client_ip=client_ip, client_port=port, proxy_ip=proxy_ip, account=account,
                     helo=attrs.get("helo") or None, detail=detail)]
    if account:
        events.append(_event(event="smtp_auth", outcome="success", protocol="smtp",
                             queue_id=queue_id, client_ip=client_ip, client_port=port,
                             proxy_ip=proxy_ip, account=account,
                             detail=attrs.get("sasl_method") or None))
    return events


def _warning(body: str) -> list[dict] | Ignored:
    if " authentication failed" not in body:
        return IGNORED_WARNING
    m = SASL_FAILED.match(body)
    if m is None:
        return IGNORED_WARNING                          # e.g. SASL library diagnostics
    user = (m["user"] or "").strip()
    return [_event(event="smtp_auth", outcome="failure", protocol="smtp",
                   client_ip=_ip(m["ip"]), client_port=m["port"],
                   account=user.lower() or None, detail=(m["reason"] or "").strip() or None)]


def _msg_id(value: str, queue_id: str | None, kind: str | None) -> dict:
    return _event(event="msg_received", outcome="info", queue_id=queue_id,
                  message_id=value.strip() or None,
                  detail=kind if value.strip() else "empty message-id")


def _qmgr(body: str, queue_id: str | None) -> list[dict]:
    m = QMGR_FROM.match(body)
    if m is not None:
        return [_event(event="msg_received", outcome="info", queue_id=queue_id,
                       sender=canonical_address(m["sender"]), size=int(m["size"]),
                       detail=f"nrcpt={m['nrcpt']}")]
    m = QMGR_EXPIRED.match(body)
    if m is not None:
        return [_event(event="msg_bounce", outcome="bounce", queue_id=queue_id,
                       sender=canonical_address(m["sender"]), status="expired",
                       detail=m["text"].strip() or None)]
    raise ParseError("postfix: 'from=<...>' line without size= or status=expired")


def _pickup(body: str, queue_id: str | None) -> list[dict] | Ignored:
    m = PICKUP.match(body)
    if m is None:
        return IGNORED_OTHER
    return [_event(event="msg_received", outcome="info", queue_id=queue_id,
                   sender=canonical_address(m["sender"]), detail=f"uid={m['uid']}")]


def _delivery(program: str, body: str, queue_id: str | None) -> dict:
    m = DELIVERY.match(body)
    if m is None:
        raise ParseError("postfix: 'to=<...>' delivery line without relay= or status=")
    status, relay, text = m["status"], m["relay"], m["text"].strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    queued = QUEUED_AS.search(text) if "queued as" in text else None
    amavis = AMAVIS_ID.search(text) if "id=" in text else None
    if program.endswith("lmtp") or relay.endswith(":7025") or "Delivery OK" in text:
        protocol = "lmtp"
    elif program.endswith("/smtp"):
        protocol = "smtp"
    else:
        protocol = None
    if m["orig_to"] is not None:
        text = f"{text} [orig_to=<{m['orig_to']}>]".strip()
    return _event(event="msg_sent", outcome=_DELIVERY_OUTCOME.get(status, "info"),
                  protocol=protocol, queue_id=queue_id, recipient=canonical_address(m["to"]),
                  relay=relay or None, status=status, detail=text or None,
                  queued_as=queued["qid"] if queued else None,
                  amavis_id=amavis["id"] if amavis else None)


def _notification(body: str, queue_id: str | None) -> list[dict] | Ignored:
    m = NOTIFICATION.match(body)
    if m is None:
        return IGNORED_OTHER
    kind = m["kind"]
    outcome = "info"
    for word, value in _NOTIFICATION_OUTCOME.items():
        if word in kind:
            outcome = value
    return [_event(event="msg_bounce", outcome=outcome, queue_id=queue_id,
                   queued_as=m["qid"], detail=kind)]


def _reject(action: str, body: str, queue_id: str | None) -> list[dict]:
    m = SMTPD_ACTION.match(body)
    if m is not None:
        return [_smtpd_reject(action, m, queue_id)]
    m = CONTENT_ACTION.match(body)
    if m is not None:
        return [_content_reject(action, m, queue_id)]
    raise ParseError(f"postfix: '{action}:' line without 'STAGE from host[address]:'")


def _smtpd_reject(action: str, m: re.Match, queue_id: str | None) -> dict:
    """smtpd/postscreen/milter/proxy refusal: ``STAGE from host[ip]: reply; envelope``."""
    reply, envelope = _split_envelope(m["text"])
    code = REPLY_CODE.match(reply)
    return _event(event="smtp_reject", outcome=_reject_outcome(action, reply), protocol="smtp",
                  queue_id=queue_id, client_ip=_ip(m["ip"]), client_port=m["port"],
                  verdict=action, status=code["code"] if code else None,
                  detail=f"{m['stage']}: {reply}" if reply else m["stage"],
                  **_envelope_fields(_envelope(envelope)))


def _content_reject(action: str, m: re.Match, queue_id: str | None) -> dict:
    """cleanup header/body check: ``header <text> from host[ip]; envelope: reply``."""
    env = _envelope(m["envelope"])
    reply = (env["reply"] or "").strip()
    code = REPLY_CODE.match(reply)
    detail = f"{m['what']} {m['text'].strip()}"
    return _event(event="smtp_reject", outcome=_reject_outcome(action, reply), protocol="smtp",
                  queue_id=queue_id, client_ip=_ip(m["ip"]), verdict=action,
                  status=code["code"] if code else None,
                  detail=f"{detail}: {reply}" if reply else detail,
                  **_envelope_fields(env))


def _envelope(text: str) -> re.Match:
    """ENVELOPE matched at the start of ``text`` (every part of it is optional, so it always does)."""
    m = ENVELOPE.match(text)
    if m is None:  # pragma: no cover - the pattern matches the empty string
        raise ParseError("unreadable envelope")
    return m


def _reject_outcome(action: str, reply: str) -> str:
    """'info' for reject_warning (not enforced), 'defer' for a 4xx reply, else 'reject'."""
    if action == "reject_warning":
        return "info"
    return "defer" if reply.startswith("4") else "reject"


def _envelope_fields(env: re.Match) -> dict:
    """sender / recipient / helo of an ENVELOPE match (None when not logged)."""
    sender, to, helo = env["sender"], env["to"], env["helo"]
    return {"sender": canonical_address(sender) if sender is not None else None,
            "recipient": canonical_address(to) if to is not None else None,
            "helo": helo or None}


def _split_envelope(text: str) -> tuple[str, str]:
    """('reply text', 'from=<..> to=<..> proto=.. helo=<..>') split at the envelope start."""
    start = None
    for start in ENVELOPE_START.finditer(text):
        pass
    if start is None:
        return text.strip(), ""
    return text[:start.start()].strip(), text[start.end():]

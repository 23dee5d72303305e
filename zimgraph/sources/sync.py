"""sync.log: ActiveSync requests, devices and their user-agents (Network Edition).

log4j layout; the thread URL carries ``User``, ``DeviceId``, ``DeviceType`` and ``Cmd``
(any order), the context ``Cmd``, ``DeviceID`` and ``Version`` (FORMATS.md 3). DEBUG
records carry XML payloads; a ``SendMail`` payload is the whole RFC 822 message, whose
Message-Id and To are kept to link EAS sends to the MTA.

>>> ctx = ParseContext.for_tests()
>>> [ev] = parse("2013-11-15 03:12:29,406 INFO  [qtp662845511-10445:http://10.112.205.194:80/Microsoft-Server-ActiveSync?"
...              "User=matt@qa.zimbra.in&DeviceId=ApplDNPHG6NVDT9V&DeviceType=iPhone&Cmd=SendMail&SaveInSent=T] "
...              "[name=matt@qa.zimbra.in;mid=17;ip=10.112.205.193;Cmd=SendMail;DeviceID=ApplDNPHG6NVDT9V;Version=12.1;] sync - HTTP/1.1 200 OK", ctx)
>>> ev["event"], ev["account"], ev["device_id"], ev["device_type"], ev["soap_request"], ev["status"]
('sync', 'matt@qa.zimbra.in', 'ApplDNPHG6NVDT9V', 'iPhone', 'SendMail', '200')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import canonical_address
from zimgraph.sources import log4j
from zimgraph.sources.base import BLANK, Ignored, ParseContext

NAME: Final = "sync"
FILENAMES: Final = ("sync.log",)
FRAMING: Final = "log4j"

# sync - User=matt; DeviceID=ApplJ3049BA2Z38; DeviceType=iPad; UA=Apple-iPad1C1/902.206; Protocol=12.1; PolicyKey=313665661
DEVICE_SUMMARY: Final = re.compile(r"""
    User=(?P<user>[^;]*);\ DeviceID=(?P<device>[^;]*);\ DeviceType=(?P<type>[^;]*);
    \ UA=(?P<ua>[^;]*)(?:;\ Protocol=(?P<protocol>[^;]*))?
    """, re.VERBOSE)

# sync - HTTP/1.1 200 OK
HTTP_STATUS: Final = re.compile(r"HTTP/\d\.\d\ (?P<status>\d{3})", re.VERBOSE)

# RFC 822 headers in a SendMail DEBUG payload:
# Message-Id: <B44F75D7-CA91-464B-9EA6-98D5DDAF3D73@qa.zimbra.in>
# To: admin <admin@qa.zimbra.in>
PAYLOAD_HEADER: Final = re.compile(r"""
    ^(?P<name>Message-I[Dd]|To|Cc|Subject):[ \t]*(?P<value>.*)$
    """, re.VERBOSE | re.MULTILINE)
# an address inside a header value: To: admin <admin@qa.zimbra.in>
ADDRESS: Final = re.compile(r"[^\s<>,;\"']+@[^\s<>,;\"']+", re.VERBOSE)


def sniff(line: str) -> bool:
    """A sync.log line: log4j header with the sync category or an ActiveSync thread."""
    return log4j.RECORD_START.match(line) is not None and (
        " sync - " in line or " sync -\n" in line or line.endswith(" sync -")
        or "Microsoft-Server-ActiveSync" in line)


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    if not record.strip():
        return BLANK
    return parse_sync_record(log4j.parse_record(record, ctx))


def parse_sync_record(rec: log4j.Log4jRecord) -> list[dict] | Ignored:
    """Events of one parsed ``sync`` record (also used for sync lines in mailbox.log)."""
    event = {"ts": rec.ts, "level": rec.level, "program": rec.category or None,
             "protocol": "activesync"}
    event.update(log4j.attribution(rec.context))
    url = log4j.thread_url(rec.thread)
    query = log4j.url_query(url) if url else {}
    command = rec.context.get("Cmd") or query.get("Cmd")
    if url:
        event["url"] = url
    if command:
        event["soap_request"] = command
    device = rec.context.get("DeviceID") or query.get("DeviceId")
    if device:
        event["device_id"] = device
    if query.get("DeviceType"):
        event["device_type"] = query["DeviceType"]
    if "account" not in event and query.get("User"):
        event["account"] = query["User"].lower()
    message = rec.message
    m = DEVICE_SUMMARY.search(message)
    if m is not None:
        event.update(event="sync_device", outcome="success", device_id=m["device"],
                     device_type=m["type"], user_agent=m["ua"],
                     detail=f"protocol={m['protocol']}" if m["protocol"] else None)
        event.setdefault("account", m["user"].lower())
        return [event]
    m = HTTP_STATUS.match(message)
    if m is not None:
        status = m["status"]
        event.update(event="sync", status=status,
                     outcome="success" if status < "400" else "failure")
        return [event]
    if rec.rest and command == "SendMail" and not message.strip():
        return [_sendmail_payload(event, rec.rest)]
    if rec.level in ("WARN", "ERROR", "FATAL") or message.startswith("Service exception"):
        event.update(event="error", outcome="failure", detail=message[:2000])
        return [event]
    if not message.strip() and rec.rest:
        return Ignored("sync: DEBUG payload")
    if "account" in event:
        event.update(event="sync", detail=message[:2000] or None)
        return [event]
    return Ignored("sync: line without account, not analysed")


def _sendmail_payload(event: dict, payload: str) -> dict:
    event.update(event="sync", outcome="success", detail="SendMail payload")
    head = payload.split("\n\n", 1)[0]
    recipients: list[str] = []
    for m in PAYLOAD_HEADER.finditer(head):
        name, value = m["name"], m["value"].strip()
        if name.lower() == "message-id":
            event["message_id"] = value
        elif name in ("To", "Cc"):
            recipients.extend(canonical_address(a) for a in ADDRESS.findall(value))
    if recipients:
        event["recipient"] = ",".join(recipients)
    return event

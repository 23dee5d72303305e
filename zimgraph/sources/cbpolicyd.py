"""cbpolicyd (Policyd v2): rate-limit and access-control decisions, from syslog and from cbpolicyd.log.

Two entry points:

* :func:`parse_message` for the message of a ``cbpolicyd[pid]: `` syslog line;
* the file-level source (:data:`NAME`, :data:`FILENAMES`, :data:`FRAMING`, :func:`sniff`,
  :func:`parse`) for ``/opt/zimbra/log/cbpolicyd.log``, whose lines read
  ``[2014/09/08-21:32:39 - 4871] [CORE] INFO: <message>`` in local time.

A module line ``module=Quotas, mode=update, host=<ip>, helo=<h>, from=<s>, to=<r>, reason=...,
policy=1, quota=3, limit=4, track=Sender:<s>, counter=MessageCount, quota=1.53/5 (30.5%)``
becomes a ``policy`` event: ``client_ip`` = host, ``helo``, ``sender``, ``recipient``,
``verdict`` = the action (``action=``) or else the mode (``mode=``); outcome "reject" /
"defer" when the action says so (a Quotas breach is ``action=defer|reject, reason=quota_match``),
else "info"; ``account`` = the tracked SASL user for ``track=SASLUsername:<user>``; ``detail``
keeps module, reason, policy, track, counter and the quota usage (``1.53/5 (30.5%)``).
Other lines (session tracking, Net::Server start-up, request counters) are ignored.

>>> ctx = ParseContext.for_tests()
>>> [ev] = parse_message("module=AccessControl, action=reject, host=209.85.161.48, "
...                      "helo=mail-yw1-f48.google.com, from=a@gmail.com, to=b@x.com, reason=verdict", ctx)
>>> (ev["event"], ev["outcome"], ev["verdict"], ev["client_ip"])
('policy', 'reject', 'reject', '209.85.161.48')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import canonical_address, canonical_ip
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "cbpolicyd"
FILENAMES: Final = ("cbpolicyd.log",)
FRAMING: Final = "line"

# [2014/09/08-21:32:39 - 4871] [CORE] INFO: module=Quotas, mode=create, host=127.0.0.1, ...
# [2016/11/14-08:56:11 - 27354] [CBPOLICYD] NOTICE: Session tracking is ENABLED.
FILE_LINE: Final = re.compile(r"""
    \[(?P<year>\d{4})/(?P<month>\d\d)/(?P<day>\d\d)-(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)
    \ -\ (?P<pid>\d+)\]\ \[(?P<tag>[^\]]*)\]\ (?P<level>[A-Z]+):\ ?(?P<message>.*)$
    """, re.VERBOSE | re.DOTALL)

# module=Quotas, mode=update, host=209.85.161.48, helo=mail-yw1-f48.google.com, from=a@b, ...
PAIR: Final = re.compile(r"""(?:^|,\ )(?P<key>[a-z_]+)=(?P<value>[^,]*)""", re.VERBOSE)

#: key=value pairs copied into detail, in this order (the usage quota= is added last)
_DETAIL_KEYS: Final = ("module", "reason", "policy", "track", "counter")

_ACTION_OUTCOME: Final = {"reject": "reject", "defer": "defer", "discard": "reject"}

IGNORED_STATUS: Final = Ignored("cbpolicyd: daemon status")


def parse_message(message: str, ctx: ParseContext) -> list[dict] | Ignored:
    """Events for one cbpolicyd message (syslog ``cbpolicyd[pid]: `` or after ``LEVEL: `` in the file).

    >>> ctx = ParseContext.for_tests()
    >>> parse_message("Got request #2 (pipelined)", ctx)
    Ignored('cbpolicyd: daemon status')
    """
    if not message.startswith("module="):
        return IGNORED_STATUS
    fields: dict[str, str] = {}
    usage = None
    for pair in PAIR.finditer(message):
        key, value = pair["key"], pair["value"].strip()
        if key == "quota" and "/" in value:
            usage = value                               # second quota=: used/limit (pct)
        else:
            fields.setdefault(key, value)
    action, mode = fields.get("action"), fields.get("mode")
    track = fields.get("track", "")
    account = None
    if track.startswith("SASLUsername:"):
        account = track.split(":", 1)[1].strip().lower() or None
    detail = [f"{key}={fields[key]}" for key in _DETAIL_KEYS if fields.get(key)]
    if usage is not None:
        detail.append(f"quota={usage}")
    host, sender, recipient = fields.get("host"), fields.get("from"), fields.get("to")
    return [_event(event="policy", outcome=_ACTION_OUTCOME.get((action or "").lower(), "info"),
                   client_ip=canonical_ip(host) if host else None, helo=fields.get("helo") or None,
                   sender=canonical_address(sender) if sender else None,
                   recipient=canonical_address(recipient) if recipient else None,
                   account=account, verdict=action or mode or None,
                   detail=", ".join(detail) or None)]


def sniff(line: str) -> bool:
    """True when ``line`` looks like a cbpolicyd.log line.

    >>> sniff("[2016/11/14-08:56:11 - 27354] [CBPOLICYD] NOTICE: Session tracking is ENABLED.")
    True
    """
    return line.startswith("[") and FILE_LINE.match(line.rstrip("\r\n")) is not None


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """Events for one cbpolicyd.log line; ``ts`` from the local time via ``ctx.clock``.

    >>> ctx = ParseContext.for_tests("UTC")
    >>> [ev] = parse("[2014/09/08-21:32:39 - 4871] [CORE] INFO: module=Quotas, mode=update, "
    ...              "host=127.0.0.1, from=admin@imanudin.net, quota=2.00/200 (1.0%)", ctx)
    >>> (ev["ts"], ev["level"], ev["verdict"], ev["detail"])
    (1410211959000, 'INFO', 'update', 'module=Quotas, quota=2.00/200 (1.0%)')
    """
    line = record.rstrip("\r\n")
    if not line.strip():
        return BLANK
    m = FILE_LINE.match(line)
    if m is None:
        raise ParseError("cbpolicyd: not a '[YYYY/MM/DD-HH:MM:SS - pid] [TAG] LEVEL: message' line")
    try:
        ts = ctx.clock.local_ms(int(m["year"]), int(m["month"]), int(m["day"]),
                                int(m["hour"]), int(m["minute"]), int(m["second"]))
    except (ValueError, OverflowError) as exc:          # month 13, hour 25, ...
        raise ParseError(f"cbpolicyd: impossible timestamp: {exc}") from None
    result = parse_message(m["message"], ctx)
    if isinstance(result, Ignored):
        return result
    for ev in result:
        ev["ts"] = ts
        ev["level"] = m["level"]
        ev["program"] = "cbpolicyd"
    return result


def _event(**fields) -> dict:
    """An event dict without the unset (None) fields."""
    return {key: value for key, value in fields.items() if value is not None}

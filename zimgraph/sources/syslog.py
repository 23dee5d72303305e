"""Shared grammar: the syslog header (BSD without year, and the RFC 3339 variant).

The header is parsed once here; the program's own module parses the message.
The BSD form has neither year nor zone: the year comes from ``ctx.years`` (reference
date of the file, Dec -> Jan rollover), the zone from ``ctx.clock``.

>>> ctx = ParseContext.for_tests("UTC", year=2022)
>>> h = parse_header("Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from x[1.2.3.4]", ctx)
>>> (h.host, h.program, h.pid, h.message)
('mail', 'postfix/smtpd', '9392', 'connect from x[1.2.3.4]')
"""

from __future__ import annotations

import re

from zimgraph.clock import MONTHS, utc_ms
from zimgraph.sources.base import ParseContext, ParseError

# Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from mail.tubui.xyz[103.124.94.220]
# Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: ...          (unpadded day, seen in sample data)
# Dec 17 06:29:08 sm02 /postfix-script[115413]: the Postfix mail system is running
# Sep 18 00:21:18 mailstore21 mailboxlog 2018-09-18 00:21:18,787 INFO [...]   (imfile: no colon)
BSD_HEADER = re.compile(r"""
    (?P<mon>[A-Z][a-z]{2})\ +(?P<day>\d{1,2})\ (?P<time>\d\d:\d\d:\d\d)(?:\.\d+)?\ +
    (?P<host>\S+)\ +
    (?P<prog>[A-Za-z0-9_.\-/]+)               # program: may contain and start with '/'; greedy, as the
                                              # class excludes the '[', ':' and ' ' that follow it
    (?:\[(?P<pid>\d+)\])?
    (?::\ ?|\ (?=\d{4}-\d\d-\d\d\ ))          # ': ' or, for imfile copies, a space before a date
    (?P<msg>.*)$
    """, re.VERBOSE | re.DOTALL)

# 2015-05-25T13:24:54.306708-03:00 mta-in-01 postfix/smtp[31504]: ...
RFC3339_HEADER = re.compile(r"""
    (?P<date>\d{4}-\d\d-\d\d)T(?P<time>\d\d:\d\d:\d\d)(?:\.(?P<frac>\d+))?
    (?P<tz>Z|[+-]\d\d:?\d\d)\ +
    (?P<host>\S+)\ +
    (?P<prog>[A-Za-z0-9_.\-/]+)
    (?:\[(?P<pid>\d+)\])?
    :\ ?(?P<msg>.*)$
    """, re.VERBOSE | re.DOTALL)


#: ``ctx.state`` key: (mon, day, time, ts) of the last BSD header read, when its hour was an
#: ordinary one. Lines come many per second: the next line with the same text gets the same
#: ts without the year and clock arithmetic (their state would not change: same month, and
#: an ordinary hour is not counted). Any other header drops it before touching that state.
_LAST_STAMP = "syslog: last stamp"


class SyslogHeader:
    """The parsed header and the message (a plain class, built natively when compiled)."""

    __slots__ = ("ts", "host", "program", "pid", "message")

    def __init__(self, ts: int, host: str, program: str, pid: str | None, message: str) -> None:
        self.ts = ts            # UTC epoch milliseconds
        self.host = host
        self.program = program
        self.pid = pid
        self.message = message


def looks_like_syslog(line: str) -> bool:
    """Cheap content check used when recognising a file."""
    return bool(BSD_HEADER.match(line) or RFC3339_HEADER.match(line))


def parse_header(line: str, ctx: ParseContext) -> SyslogHeader:
    """Split a syslog line into its header and message; raises ParseError if it is not one."""
    m = BSD_HEADER.match(line)
    if m is not None:
        mon, day, t, host, program, pid, message = m.groups()
        state = ctx.state
        last = state.get(_LAST_STAMP)
        if last is not None and last[2] == t and last[1] == day and last[0] == mon:
            ts = last[3]                    # same second as the line before: same result
            ctx.clock.prev_ms = ts
            return SyslogHeader(ts, host, program, pid, message)
        if last is not None:
            del state[_LAST_STAMP]
        month = MONTHS.get(mon)
        if month is None:
            raise ParseError(f"unknown month {mon!r} in syslog header")
        clock = ctx.clock
        odd_hours = clock.ambiguous + clock.nonexistent
        try:
            ts = clock.local_ms(ctx.years.year_for(month), month, int(day),
                                int(t[0:2]), int(t[3:5]), int(t[6:8]))
        except ValueError as exc:  # Feb 30, hour 25, ...
            raise ParseError(f"impossible date in syslog header: {exc}") from None
        if clock.ambiguous + clock.nonexistent == odd_hours:
            state[_LAST_STAMP] = (mon, day, t, ts)
        return SyslogHeader(ts, host, program, pid, message)
    m = RFC3339_HEADER.match(line)
    if m is not None:
        d, t, zone = m["date"], m["time"], m["tz"]
        offset = 0
        if zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        milli = int((m["frac"] or "0")[:3].ljust(3, "0"))
        try:
            ts = utc_ms(int(d[0:4]), int(d[5:7]), int(d[8:10]), int(t[0:2]), int(t[3:5]),
                        int(t[6:8]), milli, offset_minutes=offset)
        except ValueError as exc:
            raise ParseError(f"impossible date in syslog header: {exc}") from None
        return SyslogHeader(ts, m["host"], m["prog"], m["pid"], m["msg"])
    raise ParseError("not a syslog line (no 'Mon dd hh:mm:ss host program:' header)")

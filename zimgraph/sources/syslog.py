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

from typing import Final

import re

from zimgraph.clock import MONTHS, utc_ms
from zimgraph.sources.base import ParseContext, ParseError

# Mar 15 09:16:40 mail postfix/smtpd[9392]: connect from mail.tubui.xyz[103.124.94.220]
# Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: ...          (unpadded day, seen in sample data)
# Dec 17 06:29:08 sm02 /postfix-script[115413]: the Postfix mail system is running
# Sep 18 00:21:18 mailstore21 mailboxlog 2018-09-18 00:21:18,787 INFO [...]   (imfile: no colon)
BSD_HEADER: Final = re.compile(r"""
    (?P<mon>[A-Z][a-z]{2})\ +(?P<day>\d{1,2})\ (?P<time>\d\d:\d\d:\d\d)(?:\.\d+)?\ +
    (?P<host>\S+)\ +
    (?P<prog>[A-Za-z0-9_.\-/]+)               # program: may contain and start with '/'; greedy, as the
                                              # class excludes the '[', ':' and ' ' that follow it
    (?:\[(?P<pid>\d+)\])?
    (?::\ ?|\ (?=\d{4}-\d\d-\d\d\ ))          # ': ' or, for imfile copies, a space before a date
    (?P<msg>.*)$
    """, re.VERBOSE | re.DOTALL)

# 2015-05-25T13:24:54.306708-03:00 mta-in-01 postfix/smtp[31504]: ...
RFC3339_HEADER: Final = re.compile(r"""
    (?P<date>\d{4}-\d\d-\d\d)T(?P<time>\d\d:\d\d:\d\d)(?:\.(?P<frac>\d+))?
    (?P<tz>Z|[+-]\d\d:?\d\d)\ +
    (?P<host>\S+)\ +
    (?P<prog>[A-Za-z0-9_.\-/]+)
    (?:\[(?P<pid>\d+)\])?
    :\ ?(?P<msg>.*)$
    """, re.VERBOSE | re.DOTALL)


_PROGRAM_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/")
#: program names already checked against _PROGRAM_CHARS (there are a handful per file)
_PROGRAMS_SEEN: Final[set[str]] = set()

BsdFields = tuple[str, str, str, str, str, "str | None", str]


def _split_bsd(line: str) -> BsdFields | None:
    """BSD_HEADER's groups read by position, the digits of day and time not yet checked.

    The common shape only: ``Mar 15 09:16:40 host prog[pid]: msg``, one space between
    fields, day as ``15`` or `` 5``. None for anything else (the regex decides then).
    """
    if (len(line) < 20 or line[3] != " " or line[6] != " " or line[9] != ":" or line[12] != ":"
            or line[15] != " " or line[16] == " "):
        return None
    mon = line[0:3]
    if mon not in MONTHS:
        return None
    day = line[5:6] if line[4] == " " else line[4:6]
    host_end = line.find(" ", 16)
    if host_end < 0 or line[host_end + 1:host_end + 2] == " ":
        return None
    host = line[16:host_end]
    if not host.isprintable():           # \S+: no whitespace of any kind in the host
        return None
    colon = line.find(":", host_end + 1)
    if colon < 0:
        return None
    program = line[host_end + 1:colon]
    pid: str | None = None
    if program.endswith("]"):
        bracket = program.find("[")
        if bracket < 0:
            return None
        program, pid = program[:bracket], program[bracket + 1:-1]
        if not pid.isdecimal():          # \d+
            return None
    if program not in _PROGRAMS_SEEN:
        if not program or any(ch not in _PROGRAM_CHARS for ch in program):
            return None
        if len(_PROGRAMS_SEEN) > 10_000:
            _PROGRAMS_SEEN.clear()
        _PROGRAMS_SEEN.add(program)
    start = colon + 2 if line[colon + 1:colon + 2] == " " else colon + 1
    return mon, day, line[7:15], host, program, pid, line[start:]


def _stamp_digits(day: str, time: str) -> bool:
    """Day and time are digits where BSD_HEADER wants them (\\d: any Unicode decimal digit)."""
    return (day.isdecimal() and time[0:2].isdecimal() and time[3:5].isdecimal()
            and time[6:8].isdecimal())


def bsd_fields(line: str) -> BsdFields | None:
    """BSD_HEADER's groups (mon, day, time, host, prog, pid, msg) read by position, or None.

    The regex costs a third of a postfix line's parse; this reads the common shape
    without it. Every check mirrors the regex, so a line it accepts gives the regex's
    groups (tests/sources/test_syslog.py holds the two to each other); anything else is
    None and goes to the regex.

    >>> bsd_fields("Mar  5 09:16:40 mail postfix/smtpd[9392]: connect from x")
    ('Mar', '5', '09:16:40', 'mail', 'postfix/smtpd', '9392', 'connect from x')
    """
    fields = _split_bsd(line)
    if fields is None or not _stamp_digits(fields[1], fields[2]):
        return None
    return fields


#: ``ctx.state`` key: (mon, day, time, ts) of the last BSD header read, when its hour was an
#: ordinary one. Lines come many per second: the next line with the same text gets the same
#: ts without the year and clock arithmetic (their state would not change: same month, and
#: an ordinary hour is not counted). Any other header drops it before touching that state.
_LAST_STAMP: Final = "syslog: last stamp"


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


def _same_second(last: tuple, fields: BsdFields) -> bool:
    """Whether the header's (mon, day, time) text is that of the stamp remembered last."""
    return last[2] == fields[2] and last[1] == fields[1] and last[0] == fields[0]


def parse_header(line: str, ctx: ParseContext) -> SyslogHeader:
    """Split a syslog line into its header and message; raises ParseError if it is not one."""
    state = ctx.state
    last: tuple | None = state.get(_LAST_STAMP)
    fields = _split_bsd(line)
    if fields is not None and not ((last is not None and _same_second(last, fields))
                                   or _stamp_digits(fields[1], fields[2])):
        fields = None                       # digits the positional read does not take: the regex decides
    if fields is None:
        m = BSD_HEADER.match(line)
        if m is not None:
            fields = (m["mon"], m["day"], m["time"], m["host"], m["prog"], m["pid"], m["msg"])
    if fields is not None:
        mon, day, t, host, program, pid, message = fields
        if last is not None and _same_second(last, fields):
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

"""Time is evidence: local wall-clock times to UTC, explicitly.

Zimbra's log4j files (mailbox.log, audit.log, sync.log) carry local time with no offset,
syslog carries neither offset nor year. A :class:`LocalClock` turns the wall-clock
fields of one file into UTC milliseconds for one IANA zone, resolving the autumn hour
that occurs twice from line order (time going backwards by about an hour inside the
repeated hour means the second pass). A :class:`SyslogYear` supplies the year for
year-less syslog lines from a reference date, rolling over Dec -> Jan.

>>> clock = LocalClock("Europe/Paris")
>>> clock.log4j_ms("2026-10-25 02:30:00,000") == utc_ms(2026, 10, 25, 0, 30)   # first pass (CEST)
True
>>> clock.log4j_ms("2026-10-25 02:05:00,000") == utc_ms(2026, 10, 25, 1, 5)    # back in time: CET
True
"""

from __future__ import annotations

from typing import Final

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS: Final = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_HOUR_MS: Final = 3_600_000
#: how far a time may step back (out-of-order threads) and still be the same pass
_BACKSTEP_TOLERANCE_MS: Final = 5 * 60_000
_NORMAL, _AMBIGUOUS, _NONEXISTENT = 0, 1, 2


class TimeZoneError(ValueError):
    """An unknown time-zone name."""


def get_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` or raise :class:`TimeZoneError` with a hint.

    >>> get_zone("UTC").key
    'UTC'
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise TimeZoneError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Paris or UTC") from None


def utc_ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0, milli: int = 0, *, offset_minutes: int = 0) -> int:
    """Milliseconds since the epoch for a wall-clock time at a fixed UTC offset.

    >>> utc_ms(1970, 1, 1, 1, offset_minutes=60)
    0
    """
    days = dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    return ((days * 24 + hour) * 60 + minute - offset_minutes) * 60_000 + second * 1000 + milli


def _offset(aware: dt.datetime) -> int:
    """UTC offset of an aware datetime in milliseconds (a ZoneInfo always has one)."""
    offset = aware.utcoffset()
    return int(offset.total_seconds() * 1000) if offset is not None else 0


class LocalClock:
    """Converts the wall-clock times of one file, read in order, to UTC milliseconds.

    One instance per file (and per worker): it remembers the previous result to place
    times of the repeated autumn hour. ``ambiguous`` counts records that fell in such an
    hour, ``nonexistent`` those that fell in the skipped spring hour (kept at the
    pre-transition offset); both are reported in the manifest.
    """

    def __init__(self, zone: str | ZoneInfo = "UTC") -> None:
        self.zone = zone if isinstance(zone, ZoneInfo) else get_zone(zone)
        self._hours: dict[object, tuple[int, int, int, int]] = {}
        self.prev_ms: int | None = None
        self.ambiguous = 0
        self.nonexistent = 0

    def _hour(self, key: object, year: int, month: int, day: int,
              hour: int) -> tuple[int, int, int, int]:
        """(naive epoch ms of the hour, offset fold 0, offset fold 1, kind) for one local hour.

        kind is _NORMAL, _AMBIGUOUS (autumn, occurs twice) or _NONEXISTENT (spring gap).
        """
        found = self._hours.get(key)
        if found is None:
            naive = dt.datetime(year, month, day, hour, 30)
            off0 = _offset(naive.replace(tzinfo=self.zone))
            off1 = _offset(naive.replace(tzinfo=self.zone, fold=1))
            # zoneinfo: in the repeated hour fold 0 has the larger (summer) offset; in the
            # skipped hour fold 0 has the smaller (pre-transition) one
            kind = _NORMAL if off0 == off1 else _AMBIGUOUS if off0 > off1 else _NONEXISTENT
            found = (utc_ms(year, month, day, hour), off0, off1, kind)
            if len(self._hours) > 100_000:
                self._hours.clear()
            self._hours[key] = found
        return found

    def _resolve(self, hour_info: tuple[int, int, int, int], within_hour_ms: int) -> int:
        base, off0, off1, kind = hour_info
        local = base + within_hour_ms
        if kind == _NORMAL:
            ms = local - off0
        elif kind == _NONEXISTENT:
            self.nonexistent += 1
            ms = local - off0
        else:
            self.ambiguous += 1
            # logs move forward: take the earliest reading not before the previous record
            # (less a little tolerance for threads writing out of order)
            first, second = local - off0, local - off1
            prev = self.prev_ms
            ms = first if prev is None or first >= prev - _BACKSTEP_TOLERANCE_MS else second
        self.prev_ms = ms
        return ms

    def local_ms(self, year: int, month: int, day: int, hour: int, minute: int,
                 second: int, milli: int = 0) -> int:
        """UTC ms for local wall-clock fields."""
        info = self._hour((year, month, day, hour), year, month, day, hour)
        return self._resolve(info, (minute * 60 + second) * 1000 + milli)

    def log4j_ms(self, text: str) -> int:
        """UTC ms for ``YYYY-MM-DD HH:MM:SS,mmm`` (``.`` also accepted before the millis).

        Raises ValueError on a malformed or impossible date.
        """
        key = text[:13]
        info = self._hours.get(key)
        if info is None:
            info = self._hour(key, int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]))
        return self._resolve(info, (int(text[14:16]) * 60 + int(text[17:19])) * 1000 + int(text[20:23]))


class SyslogYear:
    """Supplies the year of year-less syslog lines of one file, read in order.

    The first line gets the reference date's year, or the year before when its month is
    later than the reference month (a file rotated in January starting in December).
    Each later step from a late month back to an early one (Dec -> Jan) adds a year.
    ``forced`` (``--year``) fixes the year of the first line instead.

    >>> years = SyslogYear(dt.date(2027, 1, 2))
    >>> [years.year_for(m) for m in (12, 12, 1, 1)]
    [2026, 2026, 2027, 2027]
    """

    def __init__(self, reference: dt.date, *, forced: int | None = None) -> None:
        self.reference = reference
        self.forced = forced
        self.year: int | None = None
        self.first_year: int | None = None
        self.last_month = 0
        self.rollovers = 0

    def year_for(self, month: int) -> int:
        if self.year is None:
            if self.forced is not None:
                self.year = self.forced
            else:
                self.year = self.reference.year - (1 if month > self.reference.month else 0)
            self.first_year = self.year
        elif month < self.last_month and self.last_month - month >= 6:
            self.year += 1
            self.rollovers += 1
        self.last_month = month
        return self.year

"""Local time of every log: Europe/Paris by the EU rule (last Sunday of March/October, 01:00 UTC),
without a tz database, and the timestamp formats the logs use.

    >>> ts_syslog(local_midnight(dt.date(2026, 10, 25)) + 3 * 3600)
    'Oct 25 02:00:00'
"""

from __future__ import annotations

import datetime as dt
import functools
import time

def _last_sunday_utc1(year: int, month: int) -> float:
    d = dt.date(year, month, 31)
    d -= dt.timedelta(days=(d.weekday() + 1) % 7)
    return dt.datetime(d.year, d.month, d.day, 1, tzinfo=dt.timezone.utc).timestamp()


@functools.lru_cache(maxsize=None)
def _summer(year: int) -> tuple[float, float]:
    return _last_sunday_utc1(year, 3), _last_sunday_utc1(year, 10)


def utc_offset(t: float) -> int:
    begin, end = _summer(time.gmtime(t).tm_year)
    return 7200 if begin <= t < end else 3600


def local_to_utc(naive: float) -> float:
    """Local wall-clock seconds (as if UTC) → epoch; the first pass for a repeated hour."""
    return naive - 7200 if utc_offset(naive - 7200) == 7200 else naive - 3600


@functools.lru_cache(maxsize=1 << 16)
def _local(sec: int) -> tuple[time.struct_time, int]:
    off = utc_offset(sec)
    return time.gmtime(sec + off), off


def ts_log4j(t: float) -> str:
    st, _ = _local(int(t))
    return time.strftime("%Y-%m-%d %H:%M:%S", st) + ",%03d" % int((t % 1) * 1000)


def ts_clf(t: float) -> str:
    st, off = _local(int(t))
    return time.strftime("%d/%b/%Y:%H:%M:%S", st) + " +%02d00" % (off // 3600)


def ts_syslog(t: float) -> str:
    st, _ = _local(int(t))
    return time.strftime("%b ", st) + "%2d " % st.tm_mday + time.strftime("%H:%M:%S", st)


def ts_rfc2822(t: float) -> str:
    st, off = _local(int(t))
    return time.strftime("%a, %d %b %Y %H:%M:%S", st) + (" +0200 (CEST)" if off == 7200 else " +0100 (CET)")


def local_date(t: float) -> dt.date:
    st, _ = _local(int(t))
    return dt.date(st.tm_year, st.tm_mon, st.tm_mday)


def local_hour(t: float) -> float:
    st, _ = _local(int(t))
    return st.tm_hour + st.tm_min / 60


def local_midnight(day: dt.date) -> float:
    return local_to_utc(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def ts_compact(t: float) -> str:
    """Local ``YYYYmmddTHHMMSS``, as in amavis temporary folder names."""
    st, _ = _local(int(t))
    return time.strftime("%Y%m%dT%H%M%S", st)

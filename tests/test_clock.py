"""Time is evidence: zones, the repeated DST hour, the skipped hour, syslog years."""

import datetime as dt

import pytest

from zimgraph.clock import LocalClock, SyslogYear, TimeZoneError, get_zone, utc_ms


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def test_paris_summer_and_winter_offsets():
    clock = LocalClock("Europe/Paris")
    assert iso(clock.log4j_ms("2026-07-01 12:00:00,000")) == "2026-07-01 10:00:00"
    assert iso(clock.log4j_ms("2026-12-01 12:00:00,000")) == "2026-12-01 11:00:00"


def test_repeated_dst_hour_resolved_by_line_order():
    """2026-10-25 Europe/Paris: 02:00-03:00 local happens twice (CEST then CET)."""
    clock = LocalClock("Europe/Paris")
    local = ["2026-10-25 01:59:00,000", "2026-10-25 02:10:00,000", "2026-10-25 02:59:59,000",
             "2026-10-25 02:00:05,000", "2026-10-25 02:10:00,000", "2026-10-25 02:59:00,000",
             "2026-10-25 03:00:00,000"]
    utc = [iso(clock.log4j_ms(t)) for t in local]
    assert utc == ["2026-10-24 23:59:00", "2026-10-25 00:10:00", "2026-10-25 00:59:59",
                   "2026-10-25 01:00:05", "2026-10-25 01:10:00", "2026-10-25 01:59:00",
                   "2026-10-25 02:00:00"]
    assert utc == sorted(utc)
    assert clock.ambiguous == 5


def test_repeated_hour_tolerates_small_out_of_order_lines():
    clock = LocalClock("Europe/Paris")
    first = clock.log4j_ms("2026-10-25 02:30:10,000")
    back = clock.log4j_ms("2026-10-25 02:30:01,000")   # another thread, 9 s earlier: same pass
    assert first - back == 9_000


def test_repeated_hour_seen_only_in_second_pass_defaults_to_first_pass():
    """A file that starts inside the repeated hour has no earlier line to go by: fold 0."""
    clock = LocalClock("Europe/Paris")
    assert iso(clock.log4j_ms("2026-10-25 02:30:00,000")) == "2026-10-25 00:30:00"


def test_skipped_spring_hour_counted():
    clock = LocalClock("Europe/Paris")
    assert iso(clock.log4j_ms("2026-03-29 02:30:00,000")) == "2026-03-29 01:30:00"
    assert clock.nonexistent == 1


def test_utc_and_offsets():
    assert utc_ms(2026, 1, 1, 0, 0, 0, offset_minutes=60) == utc_ms(2025, 12, 31, 23)
    assert LocalClock("UTC").local_ms(2026, 1, 1, 0, 0, 1) == utc_ms(2026, 1, 1, 0, 0, 1)


def test_unknown_zone_says_what_to_type():
    with pytest.raises(TimeZoneError, match="IANA name such as Europe/Paris"):
        get_zone("Paris")


def test_impossible_date_raises_value_error():
    with pytest.raises(ValueError):
        LocalClock("UTC").log4j_ms("2026-02-30 10:00:00,000")


def test_year_rollover_dec_to_jan_in_one_file():
    years = SyslogYear(dt.date(2027, 1, 1))
    assert [years.year_for(m) for m in (12, 12, 12, 1, 1)] == [2026, 2026, 2026, 2027, 2027]
    assert years.rollovers == 1 and years.first_year == 2026


def test_year_from_reference_same_month():
    years = SyslogYear(dt.date(2026, 11, 13))
    assert years.year_for(11) == 2026


def test_year_forced_applies_to_first_line_and_still_rolls_over():
    years = SyslogYear(dt.date(2030, 6, 1), forced=2019)
    assert [years.year_for(m) for m in (12, 1)] == [2019, 2020]


def test_small_month_step_back_is_not_a_rollover():
    years = SyslogYear(dt.date(2026, 12, 31))
    assert [years.year_for(m) for m in (3, 2, 3)] == [2026, 2026, 2026]

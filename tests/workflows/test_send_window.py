"""The patient-local send window: exact next allowed moments, DST days included (America/Chicago unless noted)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from workflows.journeys.send_window import (
    intersect_windows, next_allowed_moment, parse_clock, parse_weekdays, resolve_timezone, spread_release,
)

UTC = timezone.utc
CHICAGO = "America/Chicago"
SUNDAY = frozenset({7})
NONE_CLOSED: frozenset[int] = frozenset()
# The jitter for one key is pinned: changing the hash would reshuffle every deferred message at once.
PINNED_OFFSET = 740


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


CASES = [
    # id, now (UTC), tz, window, closed weekdays, holidays, expected (UTC)
    ("inside_the_window_is_now", utc(2026, 11, 3, 16, 0), CHICAGO, ("08:00", "20:00"), SUNDAY, set(),
     utc(2026, 11, 3, 16, 0)),
    ("exactly_at_window_start_is_now", utc(2026, 11, 3, 14, 0), CHICAGO, ("08:00", "20:00"), SUNDAY, set(),
     utc(2026, 11, 3, 14, 0)),
    ("one_second_before_window_end_is_now", utc(2026, 11, 4, 1, 59, 59), CHICAGO, ("08:00", "20:00"), SUNDAY, set(),
     utc(2026, 11, 4, 1, 59, 59)),
    ("exactly_at_window_end_waits_for_next_morning", utc(2026, 11, 4, 2, 0), CHICAGO, ("08:00", "20:00"), SUNDAY,
     set(), utc(2026, 11, 4, 14, 0)),
    ("early_morning_waits_for_window_start", utc(2026, 11, 3, 12, 30), CHICAGO, ("08:00", "20:00"), SUNDAY, set(),
     utc(2026, 11, 3, 14, 0)),
    ("late_evening_waits_for_next_morning", utc(2026, 11, 4, 4, 14), CHICAGO, ("08:00", "20:00"), SUNDAY, set(),
     utc(2026, 11, 4, 14, 0)),
    ("saturday_night_skips_closed_sunday_across_fall_back", utc(2026, 11, 1, 2, 0), CHICAGO, ("08:00", "20:00"),
     SUNDAY, set(), utc(2026, 11, 2, 14, 0)),
    ("closed_sunday_then_holiday_monday", utc(2026, 12, 27, 3, 0), CHICAGO, ("08:00", "20:00"), SUNDAY,
     {date(2026, 12, 28)}, utc(2026, 12, 29, 14, 0)),
    ("holiday_during_window_hours_waits_for_next_day", utc(2026, 12, 25, 16, 0), CHICAGO, ("08:00", "20:00"),
     SUNDAY, {date(2026, 12, 25)}, utc(2026, 12, 26, 14, 0)),
    ("spring_forward_day_opens_at_eight_daylight_time", utc(2027, 3, 14, 3, 0), CHICAGO, ("08:00", "20:00"),
     NONE_CLOSED, set(), utc(2027, 3, 14, 13, 0)),
    ("window_start_in_skipped_hour_opens_when_the_gap_ends", utc(2027, 3, 14, 7, 0), CHICAGO, ("02:30", "20:00"),
     NONE_CLOSED, set(), utc(2027, 3, 14, 8, 0)),
    ("window_entirely_in_skipped_hour_moves_to_next_day", utc(2027, 3, 14, 7, 0), CHICAGO, ("02:00", "02:45"),
     NONE_CLOSED, set(), utc(2027, 3, 15, 7, 0)),
    ("fall_back_window_start_uses_first_occurrence", utc(2026, 11, 1, 5, 30), CHICAGO, ("01:30", "20:00"),
     NONE_CLOSED, set(), utc(2026, 11, 1, 6, 30)),
    ("fall_back_inside_first_repeated_hour_is_now", utc(2026, 11, 1, 6, 45), CHICAGO, ("01:30", "20:00"),
     NONE_CLOSED, set(), utc(2026, 11, 1, 6, 45)),
    ("fall_back_second_pass_before_start_uses_second_occurrence", utc(2026, 11, 1, 7, 15), CHICAGO,
     ("01:30", "20:00"), NONE_CLOSED, set(), utc(2026, 11, 1, 7, 30)),
    ("fall_back_day_opens_at_eight_standard_time", utc(2026, 11, 1, 12, 0), CHICAGO, ("08:00", "20:00"),
     NONE_CLOSED, set(), utc(2026, 11, 1, 14, 0)),
    ("los_angeles_patient_waits_for_their_own_morning", utc(2026, 11, 3, 13, 0), "America/Los_Angeles",
     ("08:00", "20:00"), SUNDAY, set(), utc(2026, 11, 3, 16, 0)),
    ("los_angeles_patient_still_open_when_chicago_is_closed", utc(2026, 11, 4, 3, 30), "America/Los_Angeles",
     ("08:00", "20:00"), SUNDAY, set(), utc(2026, 11, 4, 3, 30)),
    ("plain_weekday_window_nine_to_five", utc(2026, 6, 10, 22, 5), CHICAGO, ("09:00", "17:00"), SUNDAY, set(),
     utc(2026, 6, 11, 14, 0)),
]


@pytest.mark.parametrize("now, tz, window, closed, holidays, expected", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_next_allowed_moment(now, tz, window, closed, holidays, expected):
    result = next_allowed_moment(now, tz=tz, window_start=parse_clock(window[0]), window_end=parse_clock(window[1]),
                                 closed_weekdays=closed, holidays=frozenset(holidays))
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_next_allowed_moment_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed_moment(datetime(2026, 11, 3, 10, 0), tz=CHICAGO, window_start=time(8), window_end=time(20),
                            closed_weekdays=SUNDAY, holidays=frozenset())


def test_next_allowed_moment_refuses_a_window_crossing_midnight():
    with pytest.raises(ValueError, match="cannot cross midnight"):
        next_allowed_moment(utc(2026, 11, 3, 16), tz=CHICAGO, window_start=time(20), window_end=time(8),
                            closed_weekdays=SUNDAY, holidays=frozenset())


def test_next_allowed_moment_gives_up_when_every_weekday_is_closed():
    with pytest.raises(ValueError, match="no open day in the next 370 days"):
        next_allowed_moment(utc(2026, 11, 3, 16), tz=CHICAGO, window_start=time(8), window_end=time(20),
                            closed_weekdays=frozenset(range(1, 8)), holidays=frozenset())


def test_spread_release_is_deterministic_and_pinned():
    start = utc(2027, 1, 5, 14, 0)
    assert spread_release(start, "enrollment-1:step-remind", 900) == spread_release(start, "enrollment-1:step-remind",
                                                                                    900)
    assert spread_release(start, "enrollment-1:step-remind", 900) == start + timedelta(seconds=PINNED_OFFSET)


def test_spread_release_spreads_five_thousand_deferred_messages_over_the_interval():
    start = utc(2027, 1, 5, 14, 0)
    releases = [spread_release(start, f"enrollment-{i}:step-remind", 900) for i in range(5000)]
    offsets = [(release - start).total_seconds() for release in releases]
    assert min(offsets) >= 0 and max(offsets) < 900
    busiest_second = max(offsets.count(second) for second in set(offsets))
    assert len(set(offsets)) >= 880
    assert busiest_second <= 20


def test_spread_release_without_spread_returns_the_moment_itself():
    start = utc(2027, 1, 5, 14, 0)
    assert spread_release(start, "enrollment-1:step-remind", 0) == start


@pytest.mark.parametrize("text, expected", [("08:00", time(8, 0)), ("19:30", time(19, 30)), (" 7:05 ", time(7, 5))])
def test_parse_clock_reads_hours_and_minutes(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["8", "25:00", "eight", ""])
def test_parse_clock_rejects_bad_values_with_the_value_named(text):
    with pytest.raises(ValueError, match="is not HH:MM"):
        parse_clock(text)


@pytest.mark.parametrize("text, expected", [("7", {7}), ("6,7", {6, 7}), ("", set()), (" 1, 3 ", {1, 3})])
def test_parse_weekdays_reads_iso_numbers(text, expected):
    assert parse_weekdays(text) == frozenset(expected)


def test_parse_weekdays_rejects_zero():
    with pytest.raises(ValueError, match="ISO numbers 1-7"):
        parse_weekdays("0,7")


@pytest.mark.parametrize("patient_tz, expected", [
    ("America/Los_Angeles", "America/Los_Angeles"), (None, CHICAGO), ("", CHICAGO), ("Mars/Olympus_Mons", CHICAGO),
])
def test_resolve_timezone_prefers_a_valid_patient_zone(patient_tz, expected):
    assert resolve_timezone(patient_tz, CHICAGO) == expected


@pytest.mark.parametrize("step, expected", [
    (None, (time(8), time(20))),
    ((time(9), time(12)), (time(9), time(12))),
    ((time(6), time(10)), (time(8), time(10))),
    ((time(21), time(22)), None),
])
def test_intersect_windows_keeps_the_narrower_overlap(step, expected):
    assert intersect_windows((time(8), time(20)), step) == expected

"""wait_until moments: anchors moved by local calendar days, at local times, across DST nights and time zones."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from workflows.journeys.anchors import anchor_moment, next_birthday
from workflows.journeys.definition import WaitUntilStep

UTC = timezone.utc
STARTED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def step(anchor="appointment.start", offset="PT0S", at=None, **extra) -> WaitUntilStep:
    return WaitUntilStep(id="w", kind="wait_until", anchor=anchor, offset=offset, at=at, **extra)


@pytest.mark.parametrize(("appointment_utc", "offset", "at", "tz", "expected_utc"), [
    # Tuesday 10 March 2026 09:00 CDT; two days before at 10:00 is Sunday 8 March, the spring-forward day (CDT)
    ("2026-03-10T14:00:00+00:00", "-P2D", "10:00", "America/Chicago", datetime(2026, 3, 8, 15, 0, tzinfo=UTC)),
    # Monday 9 March 09:00 CDT; two days before is Saturday 09:00 CST = 15:00 UTC (48 hours earlier would be 08:00)
    ("2026-03-09T14:00:00+00:00", "-P2D", None, "America/Chicago", datetime(2026, 3, 7, 15, 0, tzinfo=UTC)),
    # 02:30 does not exist on 8 March in Chicago: the end of the gap (03:00 CDT = 08:00 UTC)
    ("2026-03-10T14:00:00+00:00", "-P2D", "02:30", "America/Chicago", datetime(2026, 3, 8, 8, 0, tzinfo=UTC)),
    # 01:30 happens twice on 1 November: the first occurrence (CDT, 06:30 UTC)
    ("2026-11-03T15:00:00+00:00", "-P2D", "01:30", "America/Chicago", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    # Sunday 1 November 09:00 CST: a day before is 09:00 CDT Saturday, but 24 elapsed hours before is 10:00 CDT
    ("2026-11-01T15:00:00+00:00", "-P1D", None, "America/Chicago", datetime(2026, 10, 31, 14, 0, tzinfo=UTC)),
    ("2026-11-01T15:00:00+00:00", "-PT24H", None, "America/Chicago", datetime(2026, 10, 31, 15, 0, tzinfo=UTC)),
    # the day after at 10:00 for a patient in Berlin, whatever the practice's zone
    ("2026-06-15T07:00:00+00:00", "P1D", "10:00", "Europe/Berlin", datetime(2026, 6, 16, 8, 0, tzinfo=UTC)),
    # late-evening appointment in Los Angeles: its local date is the day before the UTC date
    ("2026-06-16T03:30:00+00:00", "-P1D", "09:00", "America/Los_Angeles", datetime(2026, 6, 14, 16, 0, tzinfo=UTC)),
])
def test_appointment_anchors_move_on_the_patients_local_calendar(appointment_utc, offset, at, tz, expected_utc):
    moment = anchor_moment(step(offset=offset, at=at), {"appointment.start": appointment_utc}, tz=tz,
                           started_at=STARTED)
    assert moment == expected_utc


def test_a_recall_due_date_means_nine_in_the_morning_local_unless_a_time_is_given():
    facts = {"recall.due": "2026-07-01"}
    assert anchor_moment(step("recall.due"), facts, tz="America/New_York", started_at=STARTED) == datetime(
        2026, 7, 1, 13, 0, tzinfo=UTC)
    assert anchor_moment(step("recall.due", "-P7D", "16:30"), facts, tz="America/New_York",
                         started_at=STARTED) == datetime(2026, 6, 24, 20, 30, tzinfo=UTC)


def test_a_fixed_date_anchor_uses_the_date_on_the_step():
    fixed = WaitUntilStep.model_validate({"id": "w", "kind": "wait_until", "anchor": "date", "date": "2026-12-24",
                                          "at": "08:00"})
    assert anchor_moment(fixed, {}, tz="Europe/London", started_at=STARTED) == datetime(2026, 12, 24, 8, 0, tzinfo=UTC)


def test_a_birthday_anchor_is_the_next_birthday_from_the_start_of_the_run():
    moment = anchor_moment(step("patient.birthday", at="10:00"), {"patient.birthday": "01-05"}, tz="Asia/Tokyo",
                           started_at=STARTED)
    assert moment == datetime(2027, 1, 5, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("month_day", "after", "expected"), [
    ("02-29", date(2026, 1, 1), date(2026, 2, 28)),
    ("02-29", date(2027, 3, 1), date(2028, 2, 29)),
    ("05-17", date(2026, 5, 17), date(2026, 5, 17)),
    ("05-17", date(2026, 5, 18), date(2027, 5, 17)),
])
def test_next_birthday_handles_leap_days_and_today(month_day, after, expected):
    assert next_birthday(month_day, after) == expected


def test_a_missing_anchor_gives_no_moment():
    assert anchor_moment(step(), {"appointment.start": None}, tz="UTC", started_at=STARTED) is None
    assert anchor_moment(step("recall.due"), {}, tz="UTC", started_at=STARTED) is None

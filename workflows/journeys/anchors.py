"""When a wait_until step ends: an anchor (appointment start, recall due date, birthday, a fixed date) moved by an
offset, optionally at a local time of day, all on the patient's wall clock so DST nights come out right.

Rules:
- the offset's days move the local calendar date ("-P2D" = two days before, at the same local time), its
  hours/minutes/seconds are elapsed time added afterwards;
- `at` sets the local time of day (then the offset must be whole days); date anchors without `at` use 09:00;
- a local time skipped by a spring-forward night resolves to the first instant after the gap, a time that occurs
  twice on a fall-back night to its first occurrence;
- a birthday anchor means the next birthday on or after the day the run started (29 Feb -> 28 Feb in other years).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from workflows.journeys.definition import WaitUntilStep
from workflows.journeys.durations import parse_offset
from workflows.journeys.send_window import instants_at

DEFAULT_DATE_TIME = time(9, 0)
# The fact each anchor reads; values are ISO text so they travel through Temporal as plain strings.
ANCHOR_FACTS = {"appointment.start": "appointment.start", "recall.due": "recall.due",
                "patient.birthday": "patient.birthday"}


def anchor_moment(step: WaitUntilStep, facts: Mapping[str, Any], *, tz: str, started_at: datetime) -> datetime | None:
    """The UTC instant the step waits for, or None when the patient has no such anchor (e.g. no recall)."""
    base = anchor_value(step, facts, tz=tz, started_at=started_at)
    if base is None:
        return None
    return shift(base, step.offset, at=_clock(step.at), tz=tz)


def shift(base: datetime | date, offset_text: str, *, at: time | None, tz: str) -> datetime:
    """Move an anchor by an ISO offset on the local calendar, then set the local time of day when given."""
    zone = ZoneInfo(tz)
    offset = parse_offset(offset_text)
    if isinstance(base, datetime):
        wall = base.astimezone(zone).replace(tzinfo=None)
    else:
        wall = datetime.combine(base, at or DEFAULT_DATE_TIME)
    wall += timedelta(days=offset.days)
    if at is not None:
        wall = wall.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return local_instant(wall, zone) + timedelta(seconds=offset.seconds)


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock reading (first occurrence; end of a DST gap)."""
    return instants_at(wall.date(), wall.time(), zone)[0].astimezone(timezone.utc)


def anchor_value(step: WaitUntilStep, facts: Mapping[str, Any], *, tz: str,
                 started_at: datetime) -> datetime | date | None:
    """The anchor itself: the appointment's start (UTC), or a date; None when the patient has none."""
    if step.anchor == "date":
        return step.on_date
    raw = facts.get(ANCHOR_FACTS[step.anchor])
    if not raw:
        return None
    if step.anchor == "appointment.start":
        return datetime.fromisoformat(raw).astimezone(timezone.utc)
    if step.anchor == "recall.due":
        return date.fromisoformat(raw)
    return next_birthday(raw, started_at.astimezone(ZoneInfo(tz)).date())


def next_birthday(month_day: str, on_or_after: date) -> date:
    """The next 'MM-DD' on or after a date; 29 Feb falls on 28 Feb outside leap years."""
    month, day = (int(part) for part in month_day.split("-"))
    for year in (on_or_after.year, on_or_after.year + 1):
        candidate = _birthday_in(year, month, day)
        if candidate >= on_or_after:
            return candidate
    raise AssertionError("unreachable: next year's birthday is always later")


def _birthday_in(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 2, 28)


def _clock(text: str | None) -> time | None:
    if text is None:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))

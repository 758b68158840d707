"""Patient-local send windows: when a message may go out, computed with zoneinfo so DST days are right.

Rules (all evaluated on the patient's local wall clock and calendar):
- a moment is open when its local time t satisfies start <= t < end (the end is exclusive), its ISO weekday
  is not a closed weekday and its local date is not a holiday;
- windows must not cross midnight (start < end);
- a window start that falls in a skipped DST hour (spring forward) opens at the first instant after the gap;
- a window start that happens twice (fall back) opens at its first occurrence that is still in the future;
- a message that must not come later (it speaks of a visit) moves to an earlier allowed moment instead of waiting
  for the next one (`latest_allowed_moment`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A year of closed days in a row means the settings are wrong, not that the message should wait longer.
MAX_DAYS_AHEAD = 370
# A message moved earlier (it must not come after the visit it speaks of) goes back at most a week ...
MAX_DAYS_EARLIER = 7
# ... and, moved to the end of a day's window, this long before the window closes.
LAST_CALL = timedelta(minutes=15)


def parse_clock(text: str) -> time:
    """'08:00' -> time(8, 0); raises ValueError naming the bad value."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"send window time {text!r} is not HH:MM") from exc


def parse_weekdays(text: str) -> frozenset[int]:
    """'6,7' -> {6, 7} (ISO weekdays, 1=Mon ... 7=Sun); blank means none."""
    days = frozenset(int(part) for part in text.replace(" ", "").split(",") if part)
    if not days <= frozenset(range(1, 8)):
        raise ValueError(f"closed weekdays {text!r} must be ISO numbers 1-7")
    return days


def resolve_timezone(patient_tz: str | None, practice_tz: str) -> str:
    """The patient's own zone when set and valid, otherwise the practice's."""
    if patient_tz:
        try:
            ZoneInfo(patient_tz)
            return patient_tz
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a bad imported zone must not stop messages: the practice's zone is the documented fallback
    ZoneInfo(practice_tz)
    return practice_tz


def intersect_windows(first: tuple[time, time], second: tuple[time, time] | None) -> tuple[time, time] | None:
    """The narrower window both allow; None when they do not overlap."""
    if second is None:
        return first
    start, end = max(first[0], second[0]), min(first[1], second[1])
    return (start, end) if start < end else None


def is_open(local: datetime, *, window_start: time, window_end: time, closed_weekdays: Collection[int],
            holidays: Collection[date]) -> bool:
    """True when a local (zone-aware) moment lies inside the window on an open day."""
    if local.isoweekday() in closed_weekdays or local.date() in holidays:
        return False
    return window_start <= local.time() < window_end


def next_allowed_moment(now: datetime, *, tz: str, window_start: time, window_end: time,
                        closed_weekdays: frozenset[int], holidays: Collection[date]) -> datetime:
    """`now` itself when sending is allowed now, else the first later instant (UTC) that is allowed."""
    _require_aware(now)
    if not window_start < window_end:
        raise ValueError("send window start must be before its end (windows cannot cross midnight)")
    zone = ZoneInfo(tz)
    rules = dict(window_start=window_start, window_end=window_end, closed_weekdays=closed_weekdays,
                 holidays=holidays)
    if is_open(now.astimezone(zone), **rules):
        return now
    day = now.astimezone(zone).date()
    for _ in range(MAX_DAYS_AHEAD):
        if day.isoweekday() not in closed_weekdays and day not in holidays:
            for candidate in instants_at(day, window_start, zone):
                if candidate > now and is_open(candidate.astimezone(zone), **rules):
                    return candidate
        day += timedelta(days=1)
    raise ValueError(f"no open day in the next {MAX_DAYS_AHEAD} days: check closed weekdays and holidays")


def latest_allowed_moment(moment: datetime, *, tz: str, window_start: time, window_end: time,
                          closed_weekdays: Collection[int], holidays: Collection[date],
                          earliest: datetime) -> datetime | None:
    """The moment to send instead of a closed `moment` when the message must not come later (it speaks of a visit).

    `moment` itself when it is allowed; else the same local time of day on the nearest earlier open day, brought
    inside the window (a time after the window's end becomes LAST_CALL before that end; on `moment`'s own day only a
    window that closed before it counts), looking back at most MAX_DAYS_EARLIER days; `earliest` when that day's time has
    already passed but sending is allowed at `earliest`; None when nothing is allowed between `earliest` and `moment`.
    """
    _require_aware(moment)
    _require_aware(earliest)
    zone = ZoneInfo(tz)
    rules = dict(window_start=window_start, window_end=window_end, closed_weekdays=closed_weekdays,
                 holidays=holidays)
    if moment < earliest:
        return None
    if is_open(moment.astimezone(zone), **rules):
        return moment
    wanted = moment.astimezone(zone)
    last_call = _last_call(window_start, window_end)
    for back in range(MAX_DAYS_EARLIER + 1):
        day = wanted.date() - timedelta(days=back)
        if day.isoweekday() in closed_weekdays or day in holidays:
            continue
        if back == 0 and wanted.time() < window_end:
            continue  # the window opens later that day, after the moment
        clock = last_call if back == 0 else min(max(wanted.time().replace(tzinfo=None), window_start), last_call)
        candidate = instants_at(day, clock, zone)[0]
        if candidate >= earliest:
            return candidate
        return earliest if is_open(earliest.astimezone(zone), **rules) else None
    return None


def why_closed(local: datetime, *, closed_weekdays: Collection[int], holidays: Mapping[date, str]) -> str:
    """Why nothing is sent at a local moment: 'holiday (Christmas Day)', 'practice closed on Sunday', 'quiet hours'."""
    if local.date() in holidays:
        name = holidays[local.date()]
        return f"holiday ({name})" if name else "practice holiday"
    if local.isoweekday() in closed_weekdays:
        return f"practice closed on {local:%A}"
    return f"quiet hours (patient's time {local:%H:%M})"


def _last_call(window_start: time, window_end: time) -> time:
    """The latest time of day a moved message is set for: LAST_CALL before the window closes (not before it opens)."""
    end = datetime.combine(date(2000, 1, 1), window_end) - LAST_CALL
    return max(end.time(), window_start)


def instants_at(day: date, clock: time, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants at which the local clock reads `clock` on `day` (two on fall back, the gap's end on spring forward)."""
    naive = datetime.combine(day, clock)
    found: list[datetime] = []
    for fold in (0, 1):
        instant = naive.replace(tzinfo=zone, fold=fold).astimezone(timezone.utc)
        if instant.astimezone(zone).replace(tzinfo=None) == naive and instant not in found:
            found.append(instant)
    if found:
        return sorted(found)
    return [_end_of_gap(naive, zone)]


def _end_of_gap(naive: datetime, zone: ZoneInfo) -> datetime:
    """The first instant after a skipped local hour: the earliest moment whose wall clock is past `naive`."""
    bounds = sorted(int(naive.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (0, 1))
    low, high = bounds  # the zone's offset changes somewhere between these two readings
    before = datetime.fromtimestamp(low, timezone.utc).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, timezone.utc).astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, timezone.utc)


def spread_release(not_before: datetime, key: str, spread_seconds: int) -> datetime:
    """`not_before` plus a jitter in [0, spread_seconds) fixed by `key`, so deferred sends do not fire together."""
    _require_aware(not_before)
    if spread_seconds <= 0:
        return not_before
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return not_before + timedelta(seconds=int.from_bytes(digest[:8], "big") % spread_seconds)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("send window math needs a timezone-aware datetime")

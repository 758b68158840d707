"""When a wait_until step really ends: its anchor moment, or, with `if_closed: "earlier"`, the previous moment the
practice sends at when the anchor moment falls on a closed day, a holiday or in quiet hours.

A message before a visit must not slip towards (or past) the visit: "the day before at 10:00" on a closed Sunday
becomes Saturday 10:00, not Monday 08:00 with the visit at 09:00. The send window, closed weekdays and holidays are
facts (facts.send_rule_facts) and the math is the guard's own (send_window.latest_allowed_moment), so the workflow
and the dry-run move the same waits. Bounds:
- never earlier than now, never more than send_window.MAX_DAYS_EARLIER days back, and never across the anchor
  (a moment after the visit stays after it);
- when nothing is allowed in between, the wait keeps its moment and the send right after it is skipped with
  "no allowed time before the visit"; so is a run that reaches the moment late, at a closed time or after the anchor.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from workflows.journeys.anchors import anchor_moment, anchor_value, local_instant
from workflows.journeys.definition import WaitUntilStep
from workflows.journeys.send_window import (
    intersect_windows, is_open, latest_allowed_moment, parse_clock, why_closed,
)

ANCHOR_PHRASES = {"appointment.start": "the visit", "recall.due": "the recall due date",
                  "patient.birthday": "the birthday", "date": "the date"}


@dataclass(frozen=True)
class SendRules:
    window_start: time
    window_end: time
    closed_weekdays: frozenset[int]
    holidays: dict[date, str]

    def as_kwargs(self) -> dict:
        return dict(window_start=self.window_start, window_end=self.window_end,
                    closed_weekdays=self.closed_weekdays, holidays=self.holidays)


@dataclass(frozen=True)
class WaitTarget:
    at: datetime  # when the wait ends (UTC)
    moved: str = ""  # why and where the moment was moved earlier, for the step log
    no_time: str = ""  # why the send after the wait must be skipped ("no allowed time before the visit")
    closed: str = ""  # the no_time reason, after what is closed when the run would have sent


def send_rules(facts: Mapping[str, Any], step_window: tuple[str, str] | None = None) -> SendRules | None:
    """The practice's send rules from the facts, narrowed by the next send step's own window; None when the facts
    were loaded before the rules were facts (such a run keeps the plain anchor moment)."""
    window = facts.get("practice.send_window")
    if not window:
        return None
    start, end = parse_clock(window[0]), parse_clock(window[1])
    narrowed = (parse_clock(step_window[0]), parse_clock(step_window[1])) if step_window else None
    start, end = intersect_windows((start, end), narrowed) or (start, end)  # the guard reports a disjoint one
    holidays = {date.fromisoformat(day): name for day, name in facts.get("practice.holidays", {}).items()}
    return SendRules(start, end, frozenset(facts.get("practice.closed_weekdays", ())), holidays)


def wait_target(step: WaitUntilStep, facts: Mapping[str, Any], *, tz: str, started_at: datetime, now: datetime,
                rules: SendRules | None) -> WaitTarget | None:
    """When the step's wait ends for this patient; None without an anchor (no appointment, no recall ...)."""
    moment = anchor_moment(step, facts, tz=tz, started_at=started_at)
    if moment is None:
        return None
    if step.if_closed != "earlier" or rules is None:
        return WaitTarget(moment)
    anchor = _anchor_instant(step, facts, tz=tz, started_at=started_at)
    zone = ZoneInfo(tz)
    if moment <= now:  # the moment has come (or passed while the run could not act): now or not at all
        closed_now = not is_open(now.astimezone(zone), **rules.as_kwargs())
        if closed_now or moment < anchor <= now:
            return _no_time(step, moment, anchor, zone, _closed_text(now, zone, rules) if closed_now else "")
        return WaitTarget(moment)
    earliest = max(now, anchor) if anchor < moment else now
    chosen = latest_allowed_moment(moment, tz=tz, earliest=earliest, **rules.as_kwargs())
    if chosen is None:  # wait for the moment all the same; the run then finds it closed and skips the send
        return _no_time(step, moment, anchor, zone, _closed_text(moment, zone, rules))
    if chosen == moment:
        return WaitTarget(moment)
    return WaitTarget(chosen, moved=f"to {_clock_text(chosen, zone)} ({_closed_text(moment, zone, rules)})")


def _no_time(step: WaitUntilStep, moment: datetime, anchor: datetime, zone: ZoneInfo, closed: str) -> WaitTarget:
    phrase = ANCHOR_PHRASES[step.anchor]
    reason = (f"no allowed time before {phrase}" if moment < anchor
              else f"no allowed time after {phrase} until {_clock_text(moment, zone)}")
    return WaitTarget(moment, no_time=reason, closed=f"{closed}; {reason}" if closed else reason)


def _anchor_instant(step: WaitUntilStep, facts: Mapping[str, Any], *, tz: str, started_at: datetime) -> datetime:
    """The anchor itself: the visit's start, or the start of the anchor's local day for date anchors."""
    value = anchor_value(step, facts, tz=tz, started_at=started_at)
    if isinstance(value, datetime):
        return value
    return local_instant(datetime.combine(value, time(0)), ZoneInfo(tz)).astimezone(timezone.utc)


def _closed_text(moment: datetime, zone: ZoneInfo, rules: SendRules) -> str:
    """'Sun 6 Dec 10:00: practice closed on Sunday'."""
    local = moment.astimezone(zone)
    why = why_closed(local, closed_weekdays=rules.closed_weekdays, holidays=rules.holidays)
    return f"{_clock_text(moment, zone)}: {why}"


def _clock_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"

"""One visit action from the appointment book, start to finish: the model's change, the dispatch, what it started.

No Reflex here, so the state stays a thin wrapper and tests drive the whole path with a real database and Temporal.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models.appointments import cancel_appointment, complete_appointment, mark_no_show
from models.db import session_scope
from models.queries.local_time import clock
from models.settings import Settings
from models.tables import Appointment, StaffUser
from portal.temporal_link import dispatch_report_now
from workflows.follow_ups import FollowUps, follow_ups, written_events

# action -> the confirm button's words
VISIT_ACTIONS = {"complete": "Mark completed", "no_show": "Mark no-show", "cancel": "Cancel visit"}
_CHANGES: dict[str, Callable] = {"complete": complete_appointment, "no_show": mark_no_show,
                                 "cancel": cancel_appointment}


def confirm_question(action: str, appointment: Appointment, tz: ZoneInfo) -> str:
    """What the confirm dialog asks, naming the visit by its time on the practice clock."""
    at = clock(appointment.start.astimezone(tz))
    if action == "complete":
        return f"This visit starts at {at}. Mark it completed now?"
    if action == "no_show":
        return f"Mark the {at} visit as a no-show? Journeys about this visit stop."
    return f"Cancel the {at} visit? Reminders about it stop."


def needs_asking(action: str, appointment: Appointment, tz: ZoneInfo, now: datetime) -> bool:
    """Whether to confirm first: always to cancel; a no-show once the visit has started (before, the model refuses
    at once); completing only a visit later today (a later day is refused at once)."""
    if action == "cancel":
        return True
    if action == "no_show":
        return appointment.start <= now
    return appointment.start > now and appointment.start.astimezone(tz).date() == now.astimezone(tz).date()


@dataclass(frozen=True)
class VisitOutcome:
    error: ValueError | None = None  # the model refused; nothing was written
    dispatched: bool = False  # the portal's own dispatch pass handled every pending event
    follow_ups: FollowUps | None = None  # for a completion: which journeys it started, and why others did not


def _change(action: str, appointment_id: int, user: StaffUser, session_factory: Callable) -> list[int]:
    """Apply the action in one transaction; the ids of the events it wrote."""
    with session_factory() as session:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None or appointment.practice_id != user.practice_id:
            raise ValueError(f"appointment {appointment_id} does not exist")
        with written_events(session) as event_ids:
            _CHANGES[action](session=session, appointment_id=appointment_id, user_id=user.id)
        return event_ids


async def run_visit_action(action: str, appointment_id: int, user: StaffUser, *, settings: Settings | None = None,
                           session_factory: Callable = session_scope) -> VisitOutcome:
    """Change the visit, dispatch at once, and for a completion read back which journeys started."""
    try:
        event_ids = _change(action, appointment_id, user, session_factory)
    except ValueError as exc:
        return VisitOutcome(error=exc)
    report = await dispatch_report_now(settings=settings, session_factory=session_factory)
    dispatched = report is not None and not report.failed_events
    if action != "complete":
        return VisitOutcome(dispatched=dispatched)
    with session_factory() as session:
        return VisitOutcome(dispatched=dispatched,
                            follow_ups=follow_ups(session=session, event_ids=event_ids, report=report))


def completed_toast(found: FollowUps) -> str:
    """'Completed. Started: Review request after a visit.' or why nothing started, in the journeys' own names."""
    parts = ["Completed."]
    if found.started:
        parts.append(f"Started: {', '.join(found.started)}.")
    if found.pending:
        parts.append("Follow-up journeys start when the worker is up.")
    if found.not_started and (found.started or found.pending):
        parts.append(f"Not started: {'; '.join(found.not_started)}.")
    elif found.not_started:
        parts.append(f"No journey started ({'; '.join(found.not_started)}).")
    elif not (found.started or found.pending):
        parts.append("No journey started for this visit.")
    return " ".join(parts)

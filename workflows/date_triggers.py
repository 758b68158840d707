"""Date-based triggers (recall due, birthday, unscheduled treatment, overdue balance) found by a scan and
emitted as DomainEvents with deterministic trigger refs, so a repeated scan emits nothing twice."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, extract, or_
from sqlmodel import Session, select

from models.events import EventKind, emit_event
from models.tables import Appointment, DomainEvent, Patient, Practice, Procedure, Recall, TreatmentPlan

RECALL_LEAD_DAYS = 30  # recall.due fires this long before the due date, so an invitation can go out in time
UNSCHEDULED_AFTER_DAYS = 14  # a presented plan with nothing booked after this long counts as unscheduled
_UPCOMING = ("scheduled", "confirmed")
_CHUNK = 500


@dataclass(frozen=True)
class DueTrigger:
    kind: EventKind
    patient_id: int
    entity_id: int
    trigger_ref: str  # "<entity>:<id>:<discriminator>", e.g. "recall:42:2027-01-15": same fact, same ref
    payload: dict


def _active_patients(practice_id: int):
    return and_(Patient.practice_id == practice_id, Patient.status == "active")


def due_recalls(*, session: Session, practice_id: int, today: date) -> list[DueTrigger]:
    """Recalls due within the lead window that nobody has booked yet."""
    rows = session.exec(select(Recall).join(Patient, Patient.id == Recall.patient_id).where(
        _active_patients(practice_id), Recall.disabled == False,  # noqa: E712
        Recall.scheduled_on == None, Recall.due_on >= today,  # noqa: E711
        Recall.due_on <= today + timedelta(days=RECALL_LEAD_DAYS)).order_by(Recall.id))
    return [DueTrigger(EventKind.RECALL_DUE, r.patient_id, r.id, f"recall:{r.id}:{r.due_on.isoformat()}",
                       {"recall_id": r.id, "due_on": r.due_on.isoformat()}) for r in rows]


def birthdays(*, session: Session, practice_id: int, today: date) -> list[DueTrigger]:
    """Patients whose birthday is today; those born on 29 February celebrate on the 28th in common years."""
    same_day = and_(extract("month", Patient.birthdate) == today.month, extract("day", Patient.birthdate) == today.day)
    leap_born = and_(extract("month", Patient.birthdate) == 2, extract("day", Patient.birthdate) == 29)
    celebrate_today = or_(same_day, leap_born) if _is_feb_28_of_common_year(today) else same_day
    rows = session.exec(select(Patient.id).where(_active_patients(practice_id), Patient.birthdate != None,  # noqa: E711
                                                 celebrate_today).order_by(Patient.id))
    return [DueTrigger(EventKind.BIRTHDAY, pid, pid, f"patient:{pid}:birthday-{today.year}", {"year": today.year})
            for pid in rows]


def _is_feb_28_of_common_year(day: date) -> bool:
    return (day.month, day.day) == (2, 28) and (day + timedelta(days=1)).month == 3


def unscheduled_treatment(*, session: Session, practice_id: int, today: date, now: datetime) -> list[DueTrigger]:
    """Presented or accepted plans with planned work, older than the grace period, and no visit booked."""
    planned_work = exists().where(Procedure.treatment_plan_id == TreatmentPlan.id, Procedure.status == "planned")
    booked = exists().where(Appointment.patient_id == TreatmentPlan.patient_id, Appointment.start >= now,
                            Appointment.status.in_(_UPCOMING))
    rows = session.exec(select(TreatmentPlan).join(Patient, Patient.id == TreatmentPlan.patient_id).where(
        _active_patients(practice_id), TreatmentPlan.status.in_(("presented", "accepted")),
        TreatmentPlan.presented_on <= today - timedelta(days=UNSCHEDULED_AFTER_DAYS),
        planned_work, ~booked).order_by(TreatmentPlan.id))
    return [DueTrigger(EventKind.TREATMENT_UNSCHEDULED, p.patient_id, p.id, f"treatment_plan:{p.id}:unscheduled",
                       {"treatment_plan_id": p.id}) for p in rows]


def overdue_balances(*, session: Session, practice_id: int, today: date) -> list[DueTrigger]:
    """Patients with a balance older than 30 days: at most one trigger per patient per calendar month."""
    rows = session.exec(select(Patient.id).where(_active_patients(practice_id), Patient.balance_overdue > 0)
                        .order_by(Patient.id))
    month = f"{today:%Y-%m}"
    return [DueTrigger(EventKind.BALANCE_OVERDUE, pid, pid, f"patient:{pid}:balance-{month}", {"month": month})
            for pid in rows]


def _existing_refs(session: Session, kind: str, entity_ids: list[int]) -> set[str]:
    """Trigger refs already emitted for these entities (looked up in chunks to stay under parameter limits)."""
    refs: set[str] = set()
    for start in range(0, len(entity_ids), _CHUNK):
        chunk = entity_ids[start:start + _CHUNK]
        for payload in session.exec(select(DomainEvent.payload).where(DomainEvent.kind == kind,
                                                                      DomainEvent.entity_id.in_(chunk))):
            refs.add(json.loads(payload).get("trigger_ref", ""))
    return refs


def emit_new(*, session: Session, practice_id: int, triggers: Iterable[DueTrigger]) -> int:
    """Emit the triggers not emitted before; returns how many were new."""
    triggers = list(triggers)
    emitted = 0
    for kind in {t.kind for t in triggers}:
        of_kind = [t for t in triggers if t.kind == kind]
        seen = _existing_refs(session, kind, sorted({t.entity_id for t in of_kind}))
        for trigger in of_kind:
            if trigger.trigger_ref in seen:
                continue
            emit_event(session=session, practice_id=practice_id, kind=kind, patient_id=trigger.patient_id,
                       entity_id=trigger.entity_id, payload={**trigger.payload, "trigger_ref": trigger.trigger_ref})
            seen.add(trigger.trigger_ref)
            emitted += 1
    return emitted


def scan_date_triggers(*, session: Session, now: datetime) -> dict[str, int]:
    """Emit every date-based trigger due at `now`, judged by each practice's local date; counts new events by kind."""
    counts = {kind.value: 0 for kind in (EventKind.RECALL_DUE, EventKind.BIRTHDAY, EventKind.TREATMENT_UNSCHEDULED,
                                         EventKind.BALANCE_OVERDUE)}
    for practice in session.exec(select(Practice).order_by(Practice.id)):
        today = now.astimezone(ZoneInfo(practice.timezone)).date()
        found = {
            EventKind.RECALL_DUE: due_recalls(session=session, practice_id=practice.id, today=today),
            EventKind.BIRTHDAY: birthdays(session=session, practice_id=practice.id, today=today),
            EventKind.TREATMENT_UNSCHEDULED: unscheduled_treatment(session=session, practice_id=practice.id,
                                                                   today=today, now=now),
            EventKind.BALANCE_OVERDUE: overdue_balances(session=session, practice_id=practice.id, today=today),
        }
        for kind, triggers in found.items():
            counts[kind.value] += emit_new(session=session, practice_id=practice.id, triggers=triggers)
    return counts

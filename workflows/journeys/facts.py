"""Facts about a patient and the thing that triggered their journey, as primitives the planner can read.

Only ids, codes, booleans, numbers and ISO dates: no names, phone numbers or notes. The same loader serves entry
decisions, the workflow (through an activity) and the dry-run, so all three see the same facts.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import (
    Appointment, AppointmentStatus, Patient, Practice, Procedure, Recall, Referral, Task, TreatmentPlan,
)
from workflows.journeys.send_facts import age_on, upcoming_holidays
from workflows.journeys.send_window import parse_weekdays, resolve_timezone


def parse_trigger_ref(trigger_ref: str) -> tuple[str, int | None]:
    """'appointment:42' -> ('appointment', 42); anything after a second ':' is a discriminator (e.g. a year)."""
    kind, _, rest = trigger_ref.partition(":")
    number = rest.split(":", 1)[0]
    return kind, int(number) if number.isdigit() else None


def load_facts(*, session: Session, patient_id: int, trigger_ref: str, now: datetime,
               task_id: int | None = None) -> dict[str, Any]:
    """Facts for conditions and anchors, loaded fresh (call again after an appointment moves)."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise LookupError(f"patient {patient_id} not found")
    practice = session.get(Practice, patient.practice_id)
    facts = patient_facts(session=session, patient=patient, practice=practice, now=now)
    facts.update(send_rule_facts(session=session, practice=practice,
                                 today=now.astimezone(ZoneInfo(facts["patient.tz"])).date()))
    kind, entity_id = parse_trigger_ref(trigger_ref)
    facts.update(_trigger_facts(session=session, patient=patient, kind=kind, entity_id=entity_id, now=now))
    if "recall.due" not in facts:
        facts.update(_recall_facts(_next_recall(session, patient.id), now=now, tz=facts["patient.tz"]))
    if task_id is not None:
        task = session.get(Task, task_id)
        facts["task.outcome"] = task.outcome or None if task is not None and task.status == "done" else None
    return facts


def patient_facts(*, session: Session, patient: Patient, practice: Practice, now: datetime) -> dict[str, Any]:
    tz = resolve_timezone(patient.timezone, practice.timezone)
    referral = session.exec(select(Referral).where(Referral.referred_patient_id == patient.id)).first()
    visits = session.exec(select(func.count(Appointment.id)).where(
        Appointment.patient_id == patient.id, Appointment.status == AppointmentStatus.COMPLETED)).one()
    today = now.astimezone(ZoneInfo(tz)).date()
    return {
        "patient.id": patient.id,
        "patient.tz": tz,
        "patient.anxious": bool(patient.anxious),
        "patient.age": age_on(patient.birthdate, today),
        "patient.birthday": patient.birthdate.strftime("%m-%d") if patient.birthdate else None,
        "patient.preferred_channel": patient.preferred_channel,
        "patient.language": patient.language,
        "patient.has_mobile": bool(patient.mobile_phone.strip()),
        "patient.has_email": bool(patient.email.strip()),
        "patient.sms_ok": bool(patient.sms_ok),
        "patient.status": patient.status,
        "patient.visit_count": int(visits),
        "patient.referred": referral is not None,
        "referrer.id": referral.referrer_patient_id if referral else None,
    }


def send_rule_facts(*, session: Session, practice: Practice, today: date) -> dict[str, Any]:
    """The practice's send window, closed weekdays and holidays from `today` on, for a wait_until step that must
    not end where nothing may be sent (`if_closed: "earlier"`): the planner moves it with the guard's own rules."""
    holidays = upcoming_holidays(session=session, practice_id=practice.id, since=today)
    return {
        "practice.send_window": [practice.send_window_start, practice.send_window_end],
        "practice.closed_weekdays": sorted(parse_weekdays(practice.closed_weekdays)),
        "practice.holidays": {day.isoformat(): name for day, name in sorted(holidays.items())},
    }


def _trigger_facts(*, session: Session, patient: Patient, kind: str, entity_id: int | None,
                   now: datetime) -> dict[str, Any]:
    if entity_id is None:
        return {}
    if kind == "appointment":
        return appointment_facts(session, _owned(session.get(Appointment, entity_id), patient))
    if kind == "procedure":
        procedure = _owned(session.get(Procedure, entity_id), patient)
        facts = {"procedure.id": procedure.id, "procedure.code": procedure.cdt_code} if procedure else {}
        if procedure is not None and procedure.appointment_id is not None:
            facts.update(appointment_facts(session, session.get(Appointment, procedure.appointment_id)))
        return facts
    if kind == "treatment_plan":
        plan = _owned(session.get(TreatmentPlan, entity_id), patient)
        return {"treatment_plan.id": plan.id, "treatment_plan.total_fee": plan.total_fee} if plan else {}
    if kind == "recall":
        recall = _owned(session.get(Recall, entity_id), patient)
        return _recall_facts(recall, now=now, tz=resolve_timezone(patient.timezone, _practice_tz(session, patient)))
    return {}


def _owned(row, patient: Patient):
    """A trigger row that belongs to someone else is treated as missing (never leak another patient's facts)."""
    return row if row is not None and row.patient_id == patient.id else None


def _practice_tz(session: Session, patient: Patient) -> str:
    return session.get(Practice, patient.practice_id).timezone


def appointment_facts(session: Session, appointment: Appointment | None) -> dict[str, Any]:
    if appointment is None:
        return {}
    codes = session.exec(select(Procedure.cdt_code).where(Procedure.appointment_id == appointment.id)).all()
    return {
        "appointment.id": appointment.id,
        "appointment.start": appointment.start.isoformat(),
        "appointment.status": appointment.status,
        "appointment.confirmed": bool(appointment.confirmed or appointment.status == AppointmentStatus.CONFIRMED),
        "appointment.is_new_patient": bool(appointment.is_new_patient),
        "appointment.is_hygiene": bool(appointment.is_hygiene),
        "appointment.virtual": bool(appointment.video_url),
        "appointment.procedure_codes": sorted(set(codes)),
    }


def _next_recall(session: Session, patient_id: int) -> Recall | None:
    return session.exec(select(Recall).where(Recall.patient_id == patient_id, Recall.disabled == False,  # noqa: E712
                                             Recall.due_on.is_not(None)).order_by(Recall.due_on)).first()


def _recall_facts(recall: Recall | None, *, now: datetime, tz: str) -> dict[str, Any]:
    if recall is None or recall.due_on is None:
        return {}
    today = now.astimezone(ZoneInfo(tz)).date()
    return {"recall.id": recall.id, "recall.due": recall.due_on.isoformat(),
            "recall.overdue_days": (today - recall.due_on).days}

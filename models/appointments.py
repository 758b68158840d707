"""Appointment lifecycle: each change writes its DomainEvent and an AuditLog row in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.events import EventKind, emit_event
from models.change_log import practice_today
from models.procedures import complete_procedure
from models.tables import Appointment, AppointmentStatus, AuditLog, Patient, Procedure
from models.types import utcnow

# Statuses after which an appointment can no longer change (except by booking a new one).
_CLOSED = frozenset({AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW})


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware")


def _load_open(session: Session, appointment_id: int, action: str) -> Appointment:
    """The appointment, or a ValueError saying why this action is not possible."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise ValueError(f"appointment {appointment_id} does not exist")
    if appointment.status in _CLOSED:
        raise ValueError(f"cannot {action} appointment {appointment_id}: it is already {appointment.status}")
    return appointment


def _record(session: Session, appointment: Appointment, kind: EventKind, user_id: int | None, detail: str,
            payload: dict | None = None) -> None:
    """Write the change's DomainEvent and AuditLog row next to it (ids and statuses only, no PHI)."""
    appointment.updated_at = utcnow()
    session.add(appointment)
    session.flush()
    emit_event(session=session, practice_id=appointment.practice_id, kind=kind, patient_id=appointment.patient_id,
               entity_id=appointment.id, payload={"appointment_id": appointment.id, **(payload or {})})
    session.add(AuditLog(practice_id=appointment.practice_id, user_id=user_id, action="change", entity="appointment",
                         entity_id=str(appointment.id), detail=detail))
    session.flush()


def book_appointment(*, session: Session, patient_id: int, start: datetime, duration_minutes: int = 60,
                     description: str = "", user_id: int | None = None) -> Appointment:
    """A new scheduled appointment for the patient."""
    _require_aware(start, "start")
    if duration_minutes <= 0:
        raise ValueError("duration_minutes must be positive")
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    appointment = Appointment(practice_id=patient.practice_id, patient_id=patient_id, start=start,
                              duration_minutes=duration_minutes, description=description)
    _record(session, appointment, EventKind.APPOINTMENT_BOOKED, user_id, "booked",
            {"start": start.isoformat()})
    return appointment


def complete_appointment(*, session: Session, appointment_id: int, user_id: int | None = None,
                         now: datetime | None = None) -> Appointment:
    """Mark the visit done; this is what starts review requests and recall journeys."""
    appointment = _load_open(session, appointment_id, "complete")
    today = practice_today(session=session, practice_id=appointment.practice_id, now=now)
    visit_day = practice_today(session=session, practice_id=appointment.practice_id, now=appointment.start)
    # A visit on a later day cannot be done yet: completing it early would send "how was your visit?" too soon.
    if visit_day > today:
        raise ValueError(f"cannot complete appointment {appointment_id}: it is on a later day")
    previous = appointment.status
    appointment.status = AppointmentStatus.COMPLETED
    appointment.completed_at = utcnow()
    _record(session, appointment, EventKind.APPOINTMENT_COMPLETED, user_id, f"status {previous} -> completed")
    # The work booked for this visit is done with it: each planned procedure completes (and emits its own event).
    planned = session.exec(select(Procedure.id).where(Procedure.appointment_id == appointment.id,
                                                      Procedure.status == "planned").order_by(Procedure.id)).all()
    for procedure_id in planned:
        complete_procedure(session=session, procedure_id=procedure_id, performed_on=visit_day, user_id=user_id)
    return appointment


def cancel_appointment(*, session: Session, appointment_id: int, user_id: int | None = None) -> Appointment:
    """Cancel; running reminder journeys for this appointment are told at once by the dispatcher."""
    appointment = _load_open(session, appointment_id, "cancel")
    previous = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    _record(session, appointment, EventKind.APPOINTMENT_CANCELLED, user_id, f"status {previous} -> cancelled")
    return appointment


def mark_no_show(*, session: Session, appointment_id: int, user_id: int | None = None,
                 now: datetime | None = None) -> Appointment:
    """The patient did not come."""
    appointment = _load_open(session, appointment_id, "mark as no-show")
    if appointment.start > (now or utcnow()):
        raise ValueError(f"cannot mark appointment {appointment_id} as a no-show: it has not started yet")
    previous = appointment.status
    appointment.status = AppointmentStatus.NO_SHOW
    _record(session, appointment, EventKind.APPOINTMENT_NO_SHOW, user_id, f"status {previous} -> no_show")
    return appointment


def confirm_appointment(*, session: Session, appointment_id: int, user_id: int | None = None) -> Appointment:
    """The patient confirmed; a second confirmation changes nothing and writes no event."""
    appointment = _load_open(session, appointment_id, "confirm")
    if appointment.status == AppointmentStatus.CONFIRMED:
        return appointment
    previous = appointment.status
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.confirmed = True
    _record(session, appointment, EventKind.APPOINTMENT_CONFIRMED, user_id, f"status {previous} -> confirmed")
    return appointment


def move_appointment(*, session: Session, appointment_id: int, new_start: datetime,
                     user_id: int | None = None) -> Appointment:
    """Reschedule; the earlier confirmation no longer holds, so the appointment is scheduled again."""
    _require_aware(new_start, "new_start")
    appointment = _load_open(session, appointment_id, "move")
    old_start = appointment.start
    appointment.start = new_start
    appointment.status = AppointmentStatus.SCHEDULED
    appointment.confirmed = False
    _record(session, appointment, EventKind.APPOINTMENT_MOVED, user_id, "moved",
            {"old_start": old_start.isoformat(), "new_start": new_start.isoformat()})
    return appointment

"""What the send guard needs to know from the database: recent sends, households, holidays, contact points, facts."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models.tables import Appointment, AppointmentStatus, Holiday, Message, MessageStatus, Patient

CAP_PERIOD = timedelta(days=7)
# Statuses that mean a message went (or is going) out; suppressed, deferred and failed ones do not count.
COUNTED_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.SENDING)
# Open Dental style statuses for which nothing should be sent at all; unknown statuses are treated as active.
INACTIVE_PATIENT_STATUSES = frozenset({"inactive", "archived", "deceased"})

# What an appointment must still be for a message about it to make sense.
UPCOMING = "upcoming"  # scheduled or confirmed, in the future, not moved (reminders)
UNCONFIRMED = "unconfirmed"  # upcoming and not yet confirmed (confirmation requests)
COMPLETED = "completed"  # the visit happened (review requests)
ACTIVE = "active"  # neither cancelled nor a no-show (everything else)
APPOINTMENT_RULES = frozenset({UPCOMING, UNCONFIRMED, COMPLETED, ACTIVE})
_RULE_BY_MESSAGE_TYPE = {"reminder": UPCOMING, "confirmation": UNCONFIRMED, "review": COMPLETED}
ADULT_AGE = 18


def age_on(birthdate: date | None, today: date) -> int | None:
    """Age in whole years on `today` (the patient's local date); None when the birthdate is unknown."""
    if birthdate is None:
        return None
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


def default_appointment_rule(message_type: str) -> str:
    """The appointment rule implied by a message type: reminders need an upcoming visit, reviews a completed one."""
    return _RULE_BY_MESSAGE_TYPE.get(message_type, ACTIVE)


def household_ids(*, session: Session, patient: Patient) -> list[int]:
    """The patient and everyone sharing their guarantor (the guarantor is their own household head)."""
    head = patient.guarantor_id or patient.id
    rows = session.exec(select(Patient.id).where(or_(Patient.id == head, Patient.guarantor_id == head))).all()
    return sorted(set(rows) | {patient.id})


def sent_in_last_week(*, session: Session, patient_ids: Iterable[int], now: datetime) -> int:
    """Outbound messages sent (or being sent) to these patients in the 7 days before `now`, across all journeys."""
    ids = list(patient_ids)
    if not ids:
        return 0
    went_out_at = func.coalesce(Message.sent_at, Message.created_at)
    statement = select(func.count(Message.id)).where(
        Message.patient_id.in_(ids),
        Message.direction == "out",
        Message.status.in_([str(status) for status in COUNTED_STATUSES]),
        went_out_at > now - CAP_PERIOD,
        went_out_at <= now,
    )
    return int(session.exec(statement).one())


def upcoming_holidays(*, session: Session, practice_id: int, since: date) -> dict[date, str]:
    """Holidays from `since` on (a deferral never looks further than a year ahead), by date."""
    rows = session.exec(select(Holiday).where(Holiday.practice_id == practice_id, Holiday.day >= since,
                                              Holiday.day <= since + timedelta(days=400))).all()
    return {row.day: row.name for row in rows}


def missing_contact(patient: Patient, channel: str) -> str:
    """Why the patient cannot be reached on the channel, or "" when they can."""
    if channel == "sms" and not patient.mobile_phone.strip():
        return "no mobile number"
    if channel == "email" and not patient.email.strip():
        return "no email address"
    if channel == "phone" and not any(p.strip() for p in (patient.mobile_phone, patient.home_phone, patient.work_phone)):
        return "no phone number"
    return ""


def patient_fact(patient: Patient) -> tuple[bool, str]:
    """Whether the patient record still wants messages at all."""
    if patient.status.strip().lower() in INACTIVE_PATIENT_STATUSES:
        return False, "patient record is not active"
    return True, ""


def appointment_fact(appointment: Appointment | None, *, rule: str, now: datetime,
                     expected_start: datetime | None = None) -> tuple[bool, str]:
    """Whether the appointment a message speaks of is still as the message assumes, with the reason when not."""
    if rule not in APPOINTMENT_RULES:
        raise ValueError(f"unknown appointment rule {rule!r}; use one of {', '.join(sorted(APPOINTMENT_RULES))}")
    if appointment is None:
        return False, "appointment no longer exists"
    status = appointment.status
    if status == AppointmentStatus.CANCELLED:
        return False, "appointment was cancelled"
    if status == AppointmentStatus.NO_SHOW:
        return False, "appointment was marked as a no-show"
    if rule == COMPLETED and status != AppointmentStatus.COMPLETED:
        return False, "appointment has not been completed"
    if rule in (UPCOMING, UNCONFIRMED):
        return _upcoming_fact(appointment, rule=rule, now=now, expected_start=expected_start)
    return True, ""


def _upcoming_fact(appointment: Appointment, *, rule: str, now: datetime,
                   expected_start: datetime | None) -> tuple[bool, str]:
    if appointment.status == AppointmentStatus.COMPLETED:
        return False, "appointment was already completed"
    if appointment.status == AppointmentStatus.ARRIVED:
        return False, "patient has already arrived"
    if expected_start is not None and appointment.start != expected_start:
        return False, "appointment was moved"
    if appointment.start <= now:
        return False, "appointment time has passed"
    if rule == UNCONFIRMED and (appointment.confirmed or appointment.status == AppointmentStatus.CONFIRMED):
        return False, "appointment is already confirmed"
    return True, ""

"""Factories for test rows: the one place tests build practices, patients and appointments."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import Session

from models.tables import Appointment, Patient, Practice


def make_practice(session: Session, **overrides) -> Practice:
    values = dict(name="Lakeside Dental", timezone="America/Chicago", review_url="https://example.com/review")
    values.update(overrides)
    practice = Practice(**values)
    session.add(practice)
    session.flush()
    return practice


def make_patient(session: Session, practice: Practice, **overrides) -> Patient:
    values = dict(practice_id=practice.id, first_name="Maria", last_name="Lopez", email="maria@example.com",
                  mobile_phone="(555) 201-3344", preferred_channel="sms", sms_ok=True, birthdate=date(1980, 5, 17))
    values.update(overrides)
    patient = Patient(**values)
    session.add(patient)
    session.flush()
    return patient


def make_appointment(session: Session, patient: Patient, **overrides) -> Appointment:
    values = dict(practice_id=patient.practice_id, patient_id=patient.id,
                  start=datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc), duration_minutes=60)
    values.update(overrides)
    appointment = Appointment(**values)
    session.add(appointment)
    session.flush()
    return appointment


def make_staff_user(session: Session, practice: Practice, **overrides):
    """A staff login; the password is 'correct horse battery' unless overridden."""
    from models.auth import create_user

    values = dict(practice_id=practice.id, email="desk@example.com", full_name="Dana Desk", role="front_desk",
                  password="correct horse battery")
    values.update(overrides)
    return create_user(session=session, **values)


def make_message(session: Session, patient: Patient, **overrides):
    from models.tables import Message

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, direction="out", channel="sms",
                  to_address=patient.mobile_phone, body="Hello", status="sent",
                  created_at=datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc))
    values.update(overrides)
    message = Message(**values)
    session.add(message)
    session.flush()
    return message


def make_journey(session: Session, practice: Practice, **overrides):
    """A journey with one published version (version 1, an empty definition)."""
    from models.tables import Journey, JourneyVersion

    values = dict(practice_id=practice.id, key="review_request", name="Review request",
                  trigger="appointment.completed", status="active")
    values.update(overrides)
    journey = Journey(**values)
    session.add(journey)
    session.flush()
    session.add(JourneyVersion(journey_id=journey.id, version=1, definition="{}"))
    session.flush()
    return journey


def make_enrollment(session: Session, journey, patient: Patient, **overrides):
    from sqlmodel import select

    from models.tables import Enrollment, JourneyVersion

    version = session.exec(select(JourneyVersion).where(JourneyVersion.journey_id == journey.id)
                           .order_by(JourneyVersion.version.desc())).first()
    values = dict(practice_id=patient.practice_id, journey_id=journey.id, version_id=version.id,
                  patient_id=patient.id, workflow_id=f"{journey.key}-p{patient.id}-t{overrides.get('trigger_ref', '')}",
                  started_at=datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    values.update(overrides)
    enrollment = Enrollment(**values)
    session.add(enrollment)
    session.flush()
    return enrollment


def make_holiday(session: Session, practice: Practice, day: date, name: str = ""):
    from models.tables import Holiday

    holiday = Holiday(practice_id=practice.id, day=day, name=name)
    session.add(holiday)
    session.flush()
    return holiday

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

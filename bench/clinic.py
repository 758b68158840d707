"""A throwaway SQLite practice for the benchmarks: N email patients and a published one-send journey."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401  (registers every table)
from models.db import make_engine
from models.tables import Enrollment, Journey, Patient, Practice
from workflows.journeys.versions import publish
from workflows.templates.seed import seed_templates

ONE_SEND = {"trigger": {"event": "appointment.completed"}, "entry": {"reentry": "never"},
            "steps": [{"id": "hello", "kind": "send", "channel": "email", "template": "review_request",
                       "message_type": "review"}]}


@dataclass
class Clinic:
    db_url: str
    journey_id: int
    patient_ids: list[int]

    def session_factory(self):
        engine = make_engine(self.db_url)
        return lambda: Session(engine, expire_on_commit=False)


def build_clinic(folder: Path, patients: int, *, timezone: str = "UTC", window: tuple[str, str] = ("00:00", "23:59"),
                 key: str = "bench_one_send") -> Clinic:
    """Create the database file and rows; the practice sends every day of the week inside `window`."""
    db_url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(db_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        practice = Practice(name="Bench Dental", timezone=timezone, send_window_start=window[0],
                            send_window_end=window[1], closed_weekdays="", review_url="https://example.com/r")
        s.add(practice)
        s.flush()
        seed_templates(session=s, practice_id=practice.id)
        journey = Journey(practice_id=practice.id, key=key, name="Bench", trigger="appointment.completed",
                          status="active")
        s.add(journey)
        s.flush()
        publish(session=s, journey_id=journey.id, definition=ONE_SEND)
        s.add_all([Patient(practice_id=practice.id, first_name=f"Bench{i}", last_name="Patient",
                           email=f"bench{i}@example.com", preferred_channel="email") for i in range(patients)])
        s.commit()
        journey_id = journey.id
        patient_ids = list(s.exec(select(Patient.id).order_by(Patient.id)))
    engine.dispose()
    return Clinic(db_url, journey_id, patient_ids)


def workflow_ids(clinic: Clinic) -> list[str]:
    with clinic.session_factory()() as s:
        return list(s.exec(select(Enrollment.workflow_id).order_by(Enrollment.id)))

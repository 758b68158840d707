"""Journeys with their run counts, and the runs (enrollments) of one journey."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.queries.step_words import StepInfo, pinned_steps
from models.tables import Enrollment, Journey, JourneyVersion, Patient


@dataclass(frozen=True)
class JourneySummary:
    id: int
    key: str
    name: str
    trigger: str
    status: str
    version: int | None  # newest published version, None while only a draft
    runs_by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total_runs(self) -> int:
        return sum(self.runs_by_status.values())


@dataclass(frozen=True)
class JourneyRun:
    enrollment_id: int
    workflow_id: str
    patient_id: int
    patient_name: str
    version: int
    started_at: datetime
    ended_at: datetime | None
    status: str
    current_step: str
    exit_reason: str
    steps: dict[str, StepInfo] = field(default_factory=dict)  # of the version the run is pinned to


def journey_overview(*, session: Session, practice_id: int) -> list[JourneySummary]:
    """Every journey of the practice by name, with its newest version and how many runs are in each status."""
    journeys = session.exec(select(Journey).where(Journey.practice_id == practice_id)
                            .order_by(Journey.name, Journey.id)).all()
    ids = [j.id for j in journeys]
    versions = dict(session.exec(select(JourneyVersion.journey_id, func.max(JourneyVersion.version))
                                 .where(JourneyVersion.journey_id.in_(ids)).group_by(JourneyVersion.journey_id)).all())
    counts: dict[int, dict[str, int]] = {}
    for journey_id, status, n in session.exec(
            select(Enrollment.journey_id, Enrollment.status, func.count())
            .where(Enrollment.journey_id.in_(ids)).group_by(Enrollment.journey_id, Enrollment.status)).all():
        counts.setdefault(journey_id, {})[status] = n
    return [JourneySummary(id=j.id, key=j.key, name=j.name, trigger=j.trigger, status=j.status,
                           version=versions.get(j.id), runs_by_status=counts.get(j.id, {})) for j in journeys]


def journey_runs(*, session: Session, journey_id: int, limit: int = 100) -> list[JourneyRun]:
    """The newest runs of a journey with the patient's name and the version each run is pinned to."""
    rows = session.exec(select(Enrollment, Patient.first_name, Patient.last_name, JourneyVersion.version)
                        .join(Patient, Patient.id == Enrollment.patient_id)
                        .join(JourneyVersion, JourneyVersion.id == Enrollment.version_id)
                        .where(Enrollment.journey_id == journey_id)
                        .order_by(Enrollment.started_at.desc(), Enrollment.id.desc()).limit(limit)).all()
    definitions = dict(session.exec(select(JourneyVersion.id, JourneyVersion.definition).where(
        JourneyVersion.id.in_({e.version_id for e, *_ in rows}))).all())
    steps = {version_id: pinned_steps(text) for version_id, text in definitions.items()}
    return [JourneyRun(enrollment_id=e.id, workflow_id=e.workflow_id, patient_id=e.patient_id,
                       patient_name=f"{first} {last}".strip(), version=version, started_at=e.started_at,
                       ended_at=e.ended_at, status=e.status, current_step=e.current_step, exit_reason=e.exit_reason,
                       steps=steps.get(e.version_id, {}))
            for e, first, last, version in rows]

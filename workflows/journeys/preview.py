"""The blast-radius preview before publishing: who the segment reaches today and which runs keep their version.

Segment conditions on the trigger's own facts (appointment.*, procedure.*, ...) can only be judged when the event
happens, so here they count as unknown (false, except `exists: false`); patient facts are judged as they are now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import Enrollment, EnrollmentStatus, Patient, Practice
from workflows.journeys.conditions import evaluate
from workflows.journeys.definition import JourneyDefinition, parse_definition
from workflows.journeys.facts import patient_facts
from workflows.journeys.versions import template_keys

INACTIVE = ("inactive", "archived", "deceased")


@dataclass(frozen=True)
class BlastRadius:
    trigger: str
    active_patients: int
    in_segment: int  # active patients the segment filter lets in today
    running_enrollments: int  # runs of this journey now; they stay on the version they started with
    sample_patient_ids: list[int] = field(default_factory=list)  # for dry-runs of the new version


def blast_radius(*, session: Session, practice_id: int, definition: dict | str | JourneyDefinition, now: datetime,
                 journey_id: int | None = None, sample: int = 10) -> BlastRadius:
    """Validate the definition (DefinitionError lists the problems), then count whom it would reach."""
    if not isinstance(definition, JourneyDefinition):
        definition = parse_definition(definition, template_keys=template_keys(session=session,
                                                                              practice_id=practice_id))
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise LookupError(f"practice {practice_id} not found")
    patients = session.exec(select(Patient).where(Patient.practice_id == practice_id,
                                                  Patient.status.not_in(INACTIVE)).order_by(Patient.id)).all()
    segment = definition.entry.segment
    matching = [p.id for p in patients
                if segment is None or evaluate(segment, patient_facts(session=session, patient=p, practice=practice,
                                                                      now=now))]
    running = 0
    if journey_id is not None:
        running = session.exec(select(func.count(Enrollment.id)).where(
            Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.RUNNING)).one()
    return BlastRadius(definition.trigger.event, len(patients), len(matching), int(running), matching[:sample])

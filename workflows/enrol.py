"""Enrol a patient in a journey exactly once: the Enrollment row (unique workflow id) is committed before the
workflow is started with that id, so a crash in between is repaired by the next attempt and never doubles a run."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from models.settings import get_settings
from models.tables import Enrollment, EnrollmentStatus, Journey
from models.types import utcnow
from workflows.journeys.entry import decide_entry, workflow_id_for
from workflows.journeys.payloads import JourneyInput
from workflows.journeys.versions import latest_version

WORKFLOW_NAME = "JourneyWorkflow"
_START_CONCURRENCY = 32


@dataclass(frozen=True)
class EnrolOutcome:
    patient_id: int
    workflow_id: str | None
    enrolled: bool  # this call wrote the Enrollment row
    reason: str  # "enrolled", "already enrolled", or why entry was refused


@dataclass
class SegmentReport:
    enrolled: int = 0
    already_enrolled: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (patient id, reason)


def _by_workflow_id(session: Session, workflow_id: str) -> Enrollment | None:
    return session.exec(select(Enrollment).where(Enrollment.workflow_id == workflow_id)).first()


def _insert(session: Session, journey: Journey, version_id: int, patient_id: int, workflow_id: str,
            trigger_ref: str, now: datetime) -> tuple[Enrollment, bool]:
    """Commit the Enrollment; when another dispatcher won the race, return theirs (inserted=False)."""
    row = Enrollment(practice_id=journey.practice_id, journey_id=journey.id, version_id=version_id,
                     patient_id=patient_id, workflow_id=workflow_id, trigger_ref=trigger_ref, started_at=now)
    session.add(row)
    try:
        session.commit()
        return row, True
    except IntegrityError:
        session.rollback()
        return _by_workflow_id(session, workflow_id), False


def _claim(session_factory: Callable, journey_id: int, patient_id: int, trigger_ref: str,
           now: datetime) -> tuple[Enrollment | None, bool, str, str | None]:
    """The running enrollment to start (existing or new), whether this call wrote it, and the reason."""
    with session_factory() as session:
        journey = session.get(Journey, journey_id)
        if journey is None:
            return None, False, f"journey {journey_id} does not exist", None
        workflow_id = workflow_id_for(journey.key, patient_id, trigger_ref)
        existing = _by_workflow_id(session, workflow_id)
        if existing is not None:  # entered before: maybe started, maybe a crash came before the start
            return existing, False, "already enrolled", workflow_id
        version = latest_version(session=session, journey_id=journey_id)
        if version is None:
            return None, False, "journey has no published version", workflow_id
        decision = decide_entry(session=session, journey=journey, version=version, patient_id=patient_id,
                                trigger_ref=trigger_ref, now=now)
        if not decision.enrol:
            return None, False, decision.reason, workflow_id
        row, inserted = _insert(session, journey, version.id, patient_id, workflow_id, trigger_ref, now)
        return row, inserted, "enrolled" if inserted else "already enrolled", workflow_id


async def start_run(client: Client, *, workflow_id: str, enrollment_id: int, task_queue: str) -> bool:
    """Start the journey workflow under its deterministic id; False when it was started before (a closed id is
    never reused, so a finished run is not started again)."""
    try:
        await client.start_workflow(WORKFLOW_NAME, JourneyInput(enrollment_id), id=workflow_id, task_queue=task_queue,
                                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        return True
    except WorkflowAlreadyStartedError:
        return False


async def enrol(*, client: Client, session_factory: Callable, journey_id: int, patient_id: int, trigger_ref: str,
                task_queue: str, now: datetime | None = None) -> EnrolOutcome:
    """Enrol one patient (idempotent): decide, write the Enrollment, then start its workflow."""
    row, inserted, reason, workflow_id = _claim(session_factory, journey_id, patient_id, trigger_ref, now or utcnow())
    if row is None:
        return EnrolOutcome(patient_id, workflow_id, False, reason)
    if row.status == EnrollmentStatus.RUNNING:
        await start_run(client, workflow_id=row.workflow_id, enrollment_id=row.id, task_queue=task_queue)
    return EnrolOutcome(patient_id, row.workflow_id, inserted, reason)


async def enrol_segment(*, client: Client, session_factory: Callable, journey_id: int, patient_ids: Iterable[int],
                        trigger_ref: str, task_queue: str | None = None) -> SegmentReport:
    """Manual enrollment of a list of patients under one trigger ref (e.g. "campaign:2027-spring")."""
    return await enrol_each(client=client, session_factory=session_factory, journey_id=journey_id,
                            refs={patient_id: trigger_ref for patient_id in patient_ids}, task_queue=task_queue)


async def enrol_each(*, client: Client, session_factory: Callable, journey_id: int, refs: Mapping[int, str],
                     task_queue: str | None = None) -> SegmentReport:
    """Manual enrollment where each patient has their own trigger ref (e.g. their next visit, see trigger_refs)."""
    task_queue = task_queue or get_settings().task_queue
    limit = asyncio.Semaphore(_START_CONCURRENCY)

    async def one(patient_id: int, trigger_ref: str) -> EnrolOutcome:
        async with limit:
            return await enrol(client=client, session_factory=session_factory, journey_id=journey_id,
                               patient_id=patient_id, trigger_ref=trigger_ref, task_queue=task_queue)

    report = SegmentReport()
    for outcome in await asyncio.gather(*(one(pid, ref) for pid, ref in refs.items())):
        if outcome.enrolled:
            report.enrolled += 1
        elif outcome.reason == "already enrolled":
            report.already_enrolled += 1
        else:
            report.skipped.append((outcome.patient_id, outcome.reason))
    return report

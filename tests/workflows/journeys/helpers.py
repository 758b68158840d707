"""Shared pieces for the journey workflow tests and the history recorder: a recording sender, enrolment, a worker."""
from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select
from temporalio.worker import Worker

from models.settings import Settings
from models.tables import Enrollment, Journey
from workflows.channels.base import OutboundMessage
from workflows.journeys.activities import JourneyActivities
from workflows.journeys.builtin import install_builtin_journeys
from workflows.journeys.entry import workflow_id_for
from workflows.journeys.versions import latest_version
from workflows.journeys.workflow import JourneyWorkflow

TEST_SETTINGS = Settings(review_wait_seconds=2 * 60 * 60, review_reply_timeout_seconds=3 * 24 * 60 * 60)


class RecordingSender:
    """A provider that keeps every message it was handed, in order."""

    name = "recording"

    def __init__(self) -> None:
        self.delivered: list[OutboundMessage] = []

    def deliver(self, msg: OutboundMessage) -> str:
        self.delivered.append(msg)
        return f"rec-{len(self.delivered)}"


def midday_zone(moment: datetime) -> str:
    """A fixed-offset zone in which `moment` is around noon, so sends fall inside the default window."""
    offset = 12 - moment.astimezone(timezone.utc).hour  # hours east of UTC, between -11 and +12
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX names flip the sign


def install(session: Session, practice_id: int) -> dict[str, Journey]:
    return {j.key: j for j in install_builtin_journeys(session=session, practice_id=practice_id,
                                                       settings=TEST_SETTINGS)}


def enrol(session: Session, journey: Journey, patient_id: int, trigger_ref: str, started_at: datetime) -> Enrollment:
    """What the dispatcher does after decide_entry: the Enrollment row pinned to the latest version."""
    version = latest_version(session=session, journey_id=journey.id)
    enrollment = Enrollment(practice_id=journey.practice_id, journey_id=journey.id, version_id=version.id,
                            patient_id=patient_id, workflow_id=workflow_id_for(journey.key, patient_id, trigger_ref),
                            trigger_ref=trigger_ref, started_at=started_at)
    session.add(enrollment)
    session.commit()
    return enrollment


@asynccontextmanager
async def journey_worker(env, session_factory, senders, activities_class=JourneyActivities):
    """A worker on a fresh task queue hosting the journey workflow and its activities."""
    task_queue = f"journeys-{uuid.uuid4().hex[:8]}"
    activities = activities_class(session_factory, senders).activities()
    async with Worker(env.client, task_queue=task_queue, workflows=[JourneyWorkflow], activities=activities):
        yield task_queue


async def start_run(env, enrollment: Enrollment, task_queue: str):
    from workflows.journeys.payloads import JourneyInput

    return await env.client.start_workflow(JourneyWorkflow.run, JourneyInput(enrollment.id),
                                           id=f"{enrollment.workflow_id}-{uuid.uuid4().hex[:6]}",
                                           task_queue=task_queue, execution_timeout=timedelta(days=60))


def step_logs(session: Session, enrollment_id: int) -> list[tuple[str, str, str]]:
    from models.tables import JourneyStepLog

    rows = session.exec(select(JourneyStepLog).where(JourneyStepLog.enrollment_id == enrollment_id)
                        .order_by(JourneyStepLog.id)).all()
    return [(row.step_id, row.kind, row.outcome) for row in rows]

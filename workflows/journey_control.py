"""Staff changes to journeys and their runs that touch both the database and Temporal, shared by `prm journeys` and
the portal: which run a workflow id names, where a run may skip to, the audit row of a run action, and stopping a
journey (its running enrollments exit and their workflows are cancelled; Temporal is reached before anything
changes)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlmodel import Session, select
from temporalio.client import Client

from models.tables import AuditLog, Enrollment, EnrollmentStatus, JourneyStatus, JourneyVersion
from workflows.journeys.definition import published_definition
from workflows.journeys.versions import JOURNEY_STOPPED, set_journey_status
from workflows.run_control import CancelReport, cancel_runs


def enrollment_for(*, session: Session, workflow_id: str) -> Enrollment | None:
    """The enrollment a workflow id belongs to (None for a run the database does not know)."""
    return session.exec(select(Enrollment).where(Enrollment.workflow_id == workflow_id)).first()


def pinned_step_ids(*, session: Session, enrollment: Enrollment) -> list[str]:
    """The step ids of the version the run is pinned to, in definition order: where it may skip to."""
    version = session.get(JourneyVersion, enrollment.version_id)
    return [step.id for step in published_definition(version.definition).steps]


def skip_target_problem(*, session: Session, enrollment: Enrollment, step_id: str) -> str | None:
    """Why the run cannot skip to step_id (not a step of its pinned version), or None when it can."""
    steps = pinned_step_ids(session=session, enrollment=enrollment)
    if step_id in steps:
        return None
    version = session.get(JourneyVersion, enrollment.version_id).version
    return f"version {version} of this run has no step '{step_id}' (steps: {', '.join(steps)})"


def run_action_audit(enrollment: Enrollment, action: str, *, source: str, user_id: int | None = None,
                     step_id: str = "", reason: str = "") -> AuditLog:
    """The audit row of a staff action on one run: ids and the staff's own words only."""
    detail = f"run {action} from the {source}" + (f" to step '{step_id}'" if action == "skip" else "")
    return AuditLog(practice_id=enrollment.practice_id, user_id=user_id, action="change", entity="enrollment",
                    entity_id=str(enrollment.id), detail=(detail + (f": {reason}" if reason else ""))[:500])


def running_workflow_ids(*, session: Session, journey_id: int) -> list[str]:
    """Workflow ids of the journey's running enrollments, oldest first."""
    return list(session.exec(select(Enrollment.workflow_id).where(
        Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.RUNNING).order_by(Enrollment.id)))


@dataclass(frozen=True)
class StopReport:
    exited: int  # running enrollments closed as exited
    cancels: CancelReport  # what Temporal said to cancelling their workflows


async def stop_journey(*, session_factory: Callable[[], AbstractContextManager[Session]], journey_id: int,
                       reason: str, connect: Callable[[], Awaitable[Client]], source: str,
                       user_id: int | None = None) -> StopReport:
    """Stop the journey and cancel its running workflows at once.

    With running enrollments, `connect` is awaited before anything changes: whatever it raises (Temporal is down)
    reaches the caller with the journey and its enrollments untouched.
    """
    reason = reason.strip()
    with session_factory() as session:
        running = running_workflow_ids(session=session, journey_id=journey_id)
        client = await connect() if running else None
        journey = set_journey_status(session=session, journey_id=journey_id, status=JourneyStatus.STOPPED,
                                     user_id=user_id, reason=reason)
        if reason:
            session.add(AuditLog(practice_id=journey.practice_id, user_id=user_id, action="change", entity="journey",
                                 entity_id=str(journey_id), detail=f"stop from the {source}: {reason}"[:500]))
    if client is None:
        return StopReport(exited=0, cancels=CancelReport(cancelled=0, already_finished=0, unanswered=()))
    # Committed first: a workflow told to cancel finds its enrollment already exited with the staff's reason.
    return StopReport(exited=len(running), cancels=await cancel_runs(client, running, reason or JOURNEY_STOPPED))

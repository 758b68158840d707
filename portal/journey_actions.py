"""What the journey pages' run and stop buttons do, Reflex-free so tests call exactly what the handlers call.

Every action checks the role and the practice again (a hidden button is no protection against a crafted event),
goes through workflows.run_control / workflows.journey_control, writes its audit row (ids and the staff's words,
no patient details) and answers with one sentence for the toast.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial

from sqlmodel import Session

from models.db import session_scope
from models.settings import Settings
from models.tables import Enrollment, EnrollmentStatus, Journey, JourneyStatus, StaffUser
from portal import temporal_link
from portal.roles import JOURNEY_STAFF
from workflows.journey_control import (
    enrollment_for, pinned_step_ids, run_action_audit, running_workflow_ids, skip_target_problem, stop_journey,
)
from workflows.run_control import RUN_ACTIONS, act_on_run, wait_for_end
from workflows.temporal_client import TEMPORAL_ERRORS

SessionFactory = Callable[[], AbstractContextManager[Session]]

NOT_ALLOWED = "Your role cannot change journeys."
TEMPORAL_DOWN = "Temporal is not reachable; nothing was changed."
ALREADY_FINISHED = "This run has already finished; nothing was changed."
NO_SUCH_RUN = "No such run."
NO_SUCH_JOURNEY = "No such journey."
CANCEL_WAIT_SECONDS = 10  # how long a cancel waits for the run to close, so the refreshed row shows it
DONE = {"pause": "Run paused: it holds before its next step until resumed.", "resume": "Run resumed.",
        "cancel": "Run cancelled: {reason}", "skip": "Run moved to step '{step_id}'."}
CANCEL_PENDING = "Cancel sent: the run ends as soon as the journey worker takes it up."


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str  # shown as the toast; names no patient


def may_change_journeys(user: StaffUser | None) -> bool:
    return user is not None and user.role in JOURNEY_STAFF


def _running_run(session: Session, user: StaffUser, workflow_id: str) -> Enrollment | Outcome:
    """The user's practice's run behind the workflow id if it is still running, else why not."""
    enrollment = enrollment_for(session=session, workflow_id=workflow_id)
    if enrollment is None or enrollment.practice_id != user.practice_id:
        return Outcome(False, NO_SUCH_RUN)
    if enrollment.status != EnrollmentStatus.RUNNING:
        return Outcome(False, ALREADY_FINISHED)
    return enrollment


def skip_choices(*, user: StaffUser | None, workflow_id: str,
                 session_factory: SessionFactory = session_scope) -> list[str] | Outcome:
    """The step ids of the run's pinned version, for the "Skip to…" select."""
    if not may_change_journeys(user):
        return Outcome(False, NOT_ALLOWED)
    with session_factory() as session:
        run = _running_run(session, user, workflow_id)
        return run if isinstance(run, Outcome) else pinned_step_ids(session=session, enrollment=run)


def _checked(session: Session, user: StaffUser | None, workflow_id: str, action: str, step_id: str,
             reason: str) -> Enrollment | Outcome:
    """Everything that can be refused before Temporal is asked."""
    if not may_change_journeys(user):
        return Outcome(False, NOT_ALLOWED)
    if action not in RUN_ACTIONS:
        return Outcome(False, f"Unknown action '{action}'.")
    if action == "cancel" and not reason:
        return Outcome(False, "Give a reason for cancelling the run.")
    if action == "skip" and not step_id:
        return Outcome(False, "Pick the step to skip to.")
    run = _running_run(session, user, workflow_id)
    if action == "skip" and isinstance(run, Enrollment):
        problem = skip_target_problem(session=session, enrollment=run, step_id=step_id)
        if problem:
            return Outcome(False, problem[0].upper() + problem[1:] + ".")
    return run


async def control_run(*, user: StaffUser | None, workflow_id: str, action: str, step_id: str = "", reason: str = "",
                      settings: Settings | None = None, session_factory: SessionFactory = session_scope) -> Outcome:
    """Pause, resume, cancel (a reason is required) or skip one running run, and audit it."""
    reason, step_id = reason.strip(), step_id.strip()
    with session_factory() as session:
        run = _checked(session, user, workflow_id, action, step_id, reason)
    if isinstance(run, Outcome):
        return run
    try:
        client = await temporal_link.client(settings)
        taken = await act_on_run(client, workflow_id, action, step_id=step_id, reason=reason)
    except TEMPORAL_ERRORS:
        return Outcome(False, TEMPORAL_DOWN)
    if not taken:
        return Outcome(False, ALREADY_FINISHED)
    with session_factory() as session:
        session.add(run_action_audit(run, action, source="portal", user_id=user.id, step_id=step_id, reason=reason))
    if action == "cancel" and not await wait_for_end(client, workflow_id, CANCEL_WAIT_SECONDS):
        return Outcome(True, CANCEL_PENDING)
    return Outcome(True, DONE[action].format(reason=reason, step_id=step_id))


def _journey_of(session: Session, user: StaffUser | None, journey_id: int) -> Journey | Outcome:
    if not may_change_journeys(user):
        return Outcome(False, NOT_ALLOWED)
    journey = session.get(Journey, journey_id)
    if journey is None or journey.practice_id != user.practice_id:
        return Outcome(False, NO_SUCH_JOURNEY)
    if journey.status == JourneyStatus.STOPPED:
        return Outcome(False, "This journey is already stopped.")
    return journey


def running_count(*, user: StaffUser | None, journey_id: int,
                  session_factory: SessionFactory = session_scope) -> int | Outcome:
    """How many runs stopping the journey would end, for the confirmation."""
    with session_factory() as session:
        journey = _journey_of(session, user, journey_id)
        return journey if isinstance(journey, Outcome) else len(running_workflow_ids(session=session,
                                                                                      journey_id=journey_id))


def _stopped_text(exited: int, unanswered: int) -> str:
    if exited == 0:
        return "Journey stopped: no run was running."
    text = f"Journey stopped: {exited} running run{'s' if exited != 1 else ''} ended."
    if unanswered:
        text += f" Temporal did not answer for {unanswered} of them: they end at their next step."
    return text


async def stop_journey_now(*, user: StaffUser | None, journey_id: int, reason: str, settings: Settings | None = None,
                           session_factory: SessionFactory = session_scope) -> Outcome:
    """Stop the journey (a reason is required) and cancel its running workflows; nothing changes if Temporal is down
    while runs are running."""
    reason = reason.strip()
    with session_factory() as session:
        journey = _journey_of(session, user, journey_id)
    if isinstance(journey, Outcome):
        return journey
    if not reason:
        return Outcome(False, "Give a reason for stopping the journey.")
    try:
        report = await stop_journey(session_factory=session_factory, journey_id=journey_id, reason=reason,
                                    connect=partial(temporal_link.client, settings), source="portal",
                                    user_id=user.id)
    except TEMPORAL_ERRORS:
        return Outcome(False, TEMPORAL_DOWN)
    return Outcome(True, _stopped_text(report.exited, len(report.cancels.unanswered)))

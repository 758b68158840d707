"""`prm journeys run pause|resume|cancel|skip WORKFLOW_ID`: staff controls for one run, through run_control.

A skip target is checked against the version the run is pinned to when the run has an enrollment row, so a typo
is refused here instead of only being logged by the workflow.
"""
from __future__ import annotations

import asyncio

from sqlmodel import Session

from models.db import session_scope
from models.tables import Enrollment
from workflows.cli.journeys.common import JourneyCommandError, reports_errors
from workflows.cli.journeys.temporal import TEMPORAL_ERRORS, connect_or_fail
from workflows.journey_control import enrollment_for, run_action_audit, skip_target_problem
from workflows.run_control import DEFAULT_CANCEL_REASON, act_on_run

DONE_MESSAGE = {"pause": "paused {wid}: it holds before its next step until resumed",
                "resume": "resumed {wid}", "cancel": "cancelled {wid}: {reason}", "skip": "moved {wid} to step '{to}'"}


def check_skip_target(session: Session, enrollment: Enrollment | None, step_id: str | None) -> None:
    """--to is required for skip and must name a step of the run's pinned version (when the run is known)."""
    if not step_id:
        raise JourneyCommandError("skip needs --to STEP", exit_code=2)
    if enrollment is None:
        return
    problem = skip_target_problem(session=session, enrollment=enrollment, step_id=step_id)
    if problem:
        raise JourneyCommandError(problem, exit_code=2)


async def _signal(args, reason: str) -> bool:  # noqa: ANN001
    client = await connect_or_fail()
    try:
        return await act_on_run(client, args.workflow_id, args.action, step_id=args.to or "", reason=reason)
    except TEMPORAL_ERRORS as exc:
        raise JourneyCommandError(f"Temporal did not take the {args.action} for {args.workflow_id} "
                                  f"({type(exc).__name__}); nothing was changed") from None


@reports_errors
def control_run(args) -> int:  # noqa: ANN001
    reason = (args.reason or "").strip()
    with session_scope() as session:
        enrollment = enrollment_for(session=session, workflow_id=args.workflow_id)
        if args.action == "skip":
            check_skip_target(session, enrollment, args.to)
    signal_reason = reason or DEFAULT_CANCEL_REASON
    if not asyncio.run(_signal(args, signal_reason)):
        raise JourneyCommandError(f"no running workflow {args.workflow_id} (unknown, or it has already finished)")
    if enrollment is not None:
        with session_scope() as session:
            session.add(run_action_audit(enrollment, args.action, source="CLI", step_id=args.to or "",
                                         reason=reason))
    print(DONE_MESSAGE[args.action].format(wid=args.workflow_id, reason=signal_reason, to=args.to))
    return 0

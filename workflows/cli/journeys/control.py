"""`prm journeys run pause|resume|cancel|skip WORKFLOW_ID`: staff controls for one run, through run_control.

A skip target is checked against the version the run is pinned to when the run has an enrollment row, so a typo
is refused here instead of only being logged by the workflow.
"""
from __future__ import annotations

import asyncio

from sqlmodel import Session, select

from models.db import session_scope
from models.tables import AuditLog, Enrollment, JourneyVersion
from workflows.cli.journeys.common import JourneyCommandError, reports_errors
from workflows.cli.journeys.temporal import TEMPORAL_ERRORS, connect_or_fail
from workflows.journeys.definition import published_definition
from workflows.run_control import cancel_run, pause_run, resume_run, skip_run

DEFAULT_CANCEL_REASON = "cancelled by staff"
DONE_MESSAGE = {"pause": "paused {wid}: it holds before its next step until resumed",
                "resume": "resumed {wid}", "cancel": "cancelled {wid}: {reason}", "skip": "moved {wid} to step '{to}'"}


def _enrollment(session: Session, workflow_id: str) -> Enrollment | None:
    return session.exec(select(Enrollment).where(Enrollment.workflow_id == workflow_id)).first()


def check_skip_target(session: Session, enrollment: Enrollment | None, step_id: str | None) -> None:
    """--to is required for skip and must name a step of the run's pinned version (when the run is known)."""
    if not step_id:
        raise JourneyCommandError("skip needs --to STEP", exit_code=2)
    if enrollment is None:
        return
    version = session.get(JourneyVersion, enrollment.version_id)
    steps = [step.id for step in published_definition(version.definition).steps]
    if step_id not in steps:
        raise JourneyCommandError(f"version {version.version} of this run has no step '{step_id}' "
                                  f"(steps: {', '.join(steps)})", exit_code=2)


async def _signal(args, reason: str) -> bool:  # noqa: ANN001
    client = await connect_or_fail()
    try:
        if args.action == "pause":
            return await pause_run(client, args.workflow_id)
        if args.action == "resume":
            return await resume_run(client, args.workflow_id)
        if args.action == "cancel":
            return await cancel_run(client, args.workflow_id, reason)
        return await skip_run(client, args.workflow_id, args.to)
    except TEMPORAL_ERRORS as exc:
        raise JourneyCommandError(f"Temporal did not take the {args.action} for {args.workflow_id} "
                                  f"({type(exc).__name__}); nothing was changed") from None


def _audit(enrollment: Enrollment, action: str, to: str | None, reason: str) -> AuditLog:
    detail = f"run {action} from the CLI" + (f" to step '{to}'" if action == "skip" else "")
    return AuditLog(practice_id=enrollment.practice_id, action="change", entity="enrollment",
                    entity_id=str(enrollment.id), detail=(detail + (f": {reason}" if reason else ""))[:500])


@reports_errors
def control_run(args) -> int:  # noqa: ANN001
    reason = (args.reason or "").strip()
    with session_scope() as session:
        enrollment = _enrollment(session, args.workflow_id)
        if args.action == "skip":
            check_skip_target(session, enrollment, args.to)
    signal_reason = reason or DEFAULT_CANCEL_REASON
    if not asyncio.run(_signal(args, signal_reason)):
        raise JourneyCommandError(f"no running workflow {args.workflow_id} (unknown, or it has already finished)")
    if enrollment is not None:
        with session_scope() as session:
            session.add(_audit(enrollment, args.action, args.to, reason))
    print(DONE_MESSAGE[args.action].format(wid=args.workflow_id, reason=signal_reason, to=args.to))
    return 0

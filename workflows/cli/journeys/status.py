"""`prm journeys pause|resume|stop KEY`: journey status through versions.set_journey_status.

Pause and resume only change who may enter. Stop also closes the running enrollments (exit reason "journey
stopped by staff") and then cancels their workflows at once, so it connects to Temporal first: if Temporal is
unreachable nothing is changed.
"""
from __future__ import annotations

import asyncio
import sys

from sqlmodel import Session, select
from temporalio.client import Client

from models.db import session_scope
from models.tables import AuditLog, Enrollment, EnrollmentStatus, Journey, JourneyStatus, Practice
from workflows.cli.journeys.common import JourneyCommandError, acting_user_id, journey_by_key, reports_errors
from workflows.cli.journeys.temporal import TEMPORAL_ERRORS, connect_or_fail
from workflows.journeys.versions import JOURNEY_STOPPED, set_journey_status
from workflows.run_control import cancel_run

STATUS_OF_ACTION = {"pause": JourneyStatus.PAUSED, "resume": JourneyStatus.ACTIVE, "stop": JourneyStatus.STOPPED}
DONE_MESSAGE = {"pause": "paused {key}: no new entrants; running enrollments go on",
                "resume": "resumed {key}: new entrants are enrolled again"}


def _running_workflow_ids(session: Session, journey_id: int) -> list[str]:
    return list(session.exec(select(Enrollment.workflow_id).where(
        Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.RUNNING).order_by(Enrollment.id)))


def _apply(session: Session, journey: Journey, action: str, user_id: int | None, reason: str) -> None:
    try:
        set_journey_status(session=session, journey_id=journey.id, status=STATUS_OF_ACTION[action], user_id=user_id,
                           reason=reason)
    except ValueError as exc:  # e.g. resuming a draft that has no published version
        raise JourneyCommandError(str(exc)) from None
    if reason:
        session.add(AuditLog(practice_id=journey.practice_id, user_id=user_id, action="change", entity="journey",
                             entity_id=str(journey.id), detail=f"{action} from the CLI: {reason}"[:500]))


async def _cancel_all(client: Client, workflow_ids: list[str], reason: str) -> tuple[int, int, list[str]]:
    """Cancel each run: (cancelled, already finished, workflow ids Temporal could not be asked about)."""
    async def one(workflow_id: str) -> bool | None:
        try:
            return await cancel_run(client, workflow_id, reason)
        except TEMPORAL_ERRORS:
            return None

    answers = await asyncio.gather(*(one(wid) for wid in workflow_ids))
    failed = [wid for wid, answer in zip(workflow_ids, answers, strict=True) if answer is None]
    return answers.count(True), answers.count(False), failed


async def _change(args) -> int:  # noqa: ANN001
    reason = (args.reason or "").strip()
    with session_scope() as session:
        journey = journey_by_key(session, args.practice_id, args.key)
        user_id = acting_user_id(session, session.get(Practice, journey.practice_id), args.by)
        running = _running_workflow_ids(session, journey.id) if args.action == "stop" else []
        client = await connect_or_fail() if running else None  # before anything changes
        _apply(session, journey, args.action, user_id, reason)
    if args.action != "stop":
        print(DONE_MESSAGE[args.action].format(key=args.key))
        return 0
    print(f"stopped {args.key}: {len(running)} running enrollments exited ({JOURNEY_STOPPED})")
    if not running:
        return 0
    cancelled, finished, failed = await _cancel_all(client, running, reason or JOURNEY_STOPPED)
    print(f"{cancelled} workflows cancelled" + (f", {finished} had already finished" if finished else ""))
    if failed:
        print(f"prm journeys: Temporal did not answer for {len(failed)} workflows ({', '.join(failed)}); "
              "they end at their next step, or cancel them with `prm journeys run cancel ID`", file=sys.stderr)
        return 1
    return 0


@reports_errors
def change_status(args) -> int:  # noqa: ANN001
    return asyncio.run(_change(args))

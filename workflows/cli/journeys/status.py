"""`prm journeys pause|resume|stop KEY`: journey status through versions.set_journey_status.

Pause and resume only change who may enter. Stop also closes the running enrollments (exit reason "journey
stopped by staff") and then cancels their workflows at once (journey_control.stop_journey, as the portal does), so
it connects to Temporal first: if Temporal is unreachable nothing is changed.
"""
from __future__ import annotations

import asyncio
import sys

from sqlmodel import Session

from models.db import session_scope
from models.tables import AuditLog, Journey, JourneyStatus, Practice
from workflows.cli.journeys.common import JourneyCommandError, acting_user_id, journey_by_key, reports_errors
from workflows.cli.journeys.temporal import connect_or_fail
from workflows.journey_control import stop_journey
from workflows.journeys.versions import JOURNEY_STOPPED, set_journey_status

STATUS_OF_ACTION = {"pause": JourneyStatus.PAUSED, "resume": JourneyStatus.ACTIVE}
DONE_MESSAGE = {"pause": "paused {key}: no new entrants; running enrollments go on",
                "resume": "resumed {key}: new entrants are enrolled again"}


def _apply(session: Session, journey: Journey, action: str, user_id: int | None, reason: str) -> None:
    try:
        set_journey_status(session=session, journey_id=journey.id, status=STATUS_OF_ACTION[action], user_id=user_id)
    except ValueError as exc:  # e.g. resuming a draft that has no published version
        raise JourneyCommandError(str(exc)) from None
    if reason:
        session.add(AuditLog(practice_id=journey.practice_id, user_id=user_id, action="change", entity="journey",
                             entity_id=str(journey.id), detail=f"{action} from the CLI: {reason}"[:500]))


async def _stop(key: str, journey_id: int, user_id: int | None, reason: str) -> int:
    report = await stop_journey(session_factory=session_scope, journey_id=journey_id, reason=reason,
                                connect=connect_or_fail, source="CLI", user_id=user_id)
    print(f"stopped {key}: {report.exited} running enrollments exited ({JOURNEY_STOPPED})")
    if not report.exited:
        return 0
    cancels = report.cancels
    print(f"{cancels.cancelled} workflows cancelled"
          + (f", {cancels.already_finished} had already finished" if cancels.already_finished else ""))
    if cancels.unanswered:
        print(f"prm journeys: Temporal did not answer for {len(cancels.unanswered)} workflows "
              f"({', '.join(cancels.unanswered)}); they end at their next step, or cancel them with "
              "`prm journeys run cancel ID`", file=sys.stderr)
        return 1
    return 0


@reports_errors
def change_status(args) -> int:  # noqa: ANN001
    reason = (args.reason or "").strip()
    with session_scope() as session:
        journey = journey_by_key(session, args.practice_id, args.key)
        user_id = acting_user_id(session, session.get(Practice, journey.practice_id), args.by)
        if args.action != "stop":
            _apply(session, journey, args.action, user_id, reason)
    if args.action == "stop":
        return asyncio.run(_stop(args.key, journey.id, user_id, reason))
    print(DONE_MESSAGE[args.action].format(key=args.key))
    return 0

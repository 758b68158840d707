"""`prm journeys runs KEY`: a journey's enrollments by patient id (never name), with the step each running one is
on as its workflow reports it, or as last recorded in the database when Temporal does not answer."""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlmodel import Session, select

from models.db import session_scope
from models.queries.local_time import zoned_moment
from models.tables import Enrollment, EnrollmentStatus, JourneyVersion, Practice
from workflows.cli.console import console
from workflows.cli.journeys.common import journey_by_key, reports_errors
from workflows.cli.journeys.temporal import connect_or_none
from workflows.journeys.payloads import RunStatus
from workflows.run_control import run_statuses


def enrollment_rows(*, session: Session, journey_id: int, status: str | None = None, limit: int = 100) -> list[dict]:
    """Newest runs first as dicts of ids and states (the step as the database last recorded it)."""
    query = (select(Enrollment, JourneyVersion.version).join(JourneyVersion, JourneyVersion.id == Enrollment.version_id)
             .where(Enrollment.journey_id == journey_id))
    if status:
        query = query.where(Enrollment.status == status)
    rows = session.exec(query.order_by(Enrollment.started_at.desc(), Enrollment.id.desc()).limit(limit)).all()
    return [{"workflow_id": e.workflow_id, "patient_id": e.patient_id, "version": version, "status": e.status,
             "started_at": e.started_at.isoformat(), "current_step": e.current_step, "step_source": "database",
             "paused": None, "waiting_until": None, "exit_reason": e.exit_reason} for e, version in rows]


def with_live_steps(runs: list[dict], live: dict[str, RunStatus]) -> list[dict]:
    """Running runs that answered take their step, pause flag and wait from the workflow itself."""
    merged = []
    for run in runs:
        status = live.get(run["workflow_id"]) if run["status"] == EnrollmentStatus.RUNNING else None
        if status is not None:
            run = {**run, "current_step": status.step_id, "step_source": "workflow", "paused": status.paused,
                   "waiting_until": status.waiting_until}
        merged.append(run)
    return merged


async def _live(runs: list[dict]) -> dict[str, RunStatus] | None:
    """Live statuses of the running runs; None when Temporal is unreachable."""
    running = [r["workflow_id"] for r in runs if r["status"] == EnrollmentStatus.RUNNING]
    if not running:
        return {}
    client = await connect_or_none()
    return None if client is None else await run_statuses(client, running)


def step_text(run: dict, tz: ZoneInfo) -> str:
    """The run's step for the table; a wait's end on the practice clock, as the portal shows it, with the zone."""
    if run["step_source"] == "database":
        return f"{run['current_step'] or '-'} (recorded)"
    text = run["current_step"]
    if run["waiting_until"]:
        text += f" (waiting until {zoned_moment(datetime.fromisoformat(run['waiting_until']), tz)})"
    return text + (" · paused" if run["paused"] else "")


def _print_table(key: str, runs: list[dict], tz: ZoneInfo) -> None:
    table = Table(title=f"Runs of {key}: {len(runs)}")
    for column in ("workflow id", "patient id", "version", "status", "current step", "exit reason"):
        table.add_column(column)
    for run in runs:
        table.add_row(run["workflow_id"], str(run["patient_id"]), str(run["version"]), run["status"],
                      step_text(run, tz), run["exit_reason"])
    console().print(table)


@reports_errors
def list_runs(args) -> int:  # noqa: ANN001
    with session_scope() as session:
        journey = journey_by_key(session, args.practice_id, args.key)
        runs = enrollment_rows(session=session, journey_id=journey.id, status=args.status, limit=args.limit)
        tz = ZoneInfo(session.get(Practice, journey.practice_id).timezone)
    live = asyncio.run(_live(runs))
    if live is None:
        print("prm journeys: Temporal is not reachable; current steps are as last recorded in the database",
              file=sys.stderr)
    runs = with_live_steps(runs, live or {})
    if args.json:
        print(json.dumps(runs, indent=2))
    else:
        _print_table(args.key, runs, tz)
    return 0

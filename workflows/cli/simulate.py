"""`prm simulate JOURNEY --patient ID [--start DATETIME] [--json]`: the dry-run of a journey for one patient.

Nothing is sent and nothing about the run is stored; the view itself is recorded in the audit log because the
rendered messages contain the patient's name.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table

from models.db import session_scope
from models.tables import AuditLog, Patient, Practice
from models.types import utcnow
from workflows.cli.console import console
from workflows.journeys.simulate import PlannedStep, simulate


def parse_start(text: str | None, practice_tz: str) -> datetime:
    """An ISO moment; without an offset it is read in the practice's time zone; default now."""
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--start {text!r} is not a date and time: write e.g. 2026-12-07T09:30 "
                         "(practice time) or 2026-12-07T15:30+00:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(practice_tz))


def run(args) -> int:  # noqa: ANN001
    with session_scope() as session:
        patient = session.get(Patient, args.patient)
        if patient is None:
            print(f"patient {args.patient} not found", file=sys.stderr)
            return 2
        practice = session.get(Practice, patient.practice_id)
        try:
            start = parse_start(args.start, practice.timezone)
            steps = simulate(session=session, journey_key=args.journey, patient_id=patient.id, start=start)
        except (LookupError, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
        session.add(AuditLog(practice_id=practice.id, action="view", entity="patient", entity_id=str(patient.id),
                             detail=f"journey dry-run {args.journey}"))
    if args.json:
        print(json.dumps([step.to_dict() for step in steps], indent=2))
    else:
        _print(steps, args.journey, args.patient)
    return 0


def _print(steps: list[PlannedStep], journey: str, patient_id: int) -> None:
    table = Table(title=f"Dry-run of {journey} for patient {patient_id} (nothing is sent)", show_lines=True)
    for column in ("when (patient's time)", "step", "what", "outcome", "why / message"):
        table.add_column(column)
    for step in steps:
        detail = step.reason
        if step.kind == "send":
            detail = "\n".join(part for part in (f"{step.channel} · {step.template}", step.reason, step.subject,
                                                 step.text) if part)
        elif step.kind == "task":
            detail = f"{step.text}\n{step.reason}"
        table.add_row(step.local_time, step.step_id, step.kind, step.outcome, detail)
    console().print(table)

"""`prm journeys enrol KEY --patients 12,15 [--segment-json FILE]`: manual enrollment through enrol_segment.

The segment file is a condition in the journey condition language (docs/journeys.md), e.g.
{"field": "patient.anxious", "op": "eq", "value": true}. With --patients it narrows that list; without, it picks
every patient of the journey's practice that meets it. Each run's trigger ref (default "manual:<UTC date>") makes
the enrollment idempotent: the same command twice enrols nobody twice.
"""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from models.db import get_engine, session_scope
from models.tables import Journey, Patient
from models.types import utcnow
from workflows.cli.journeys.common import JourneyCommandError, journey_by_key, reports_errors
from workflows.cli.journeys.temporal import TEMPORAL_ERRORS, connect_or_fail
from workflows.enrol import SegmentReport, enrol_segment
from workflows.journeys.conditions import describe, evaluate, validate_condition
from workflows.journeys.facts import load_facts

REF_PATTERN = re.compile(r"^[a-z_]+:[A-Za-z0-9_-]{1,100}$")


def parse_patient_ids(text: str | None) -> list[int]:
    """"12, 15,18" -> [12, 15, 18] (order kept, repeats dropped)."""
    if not text:
        return []
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise JourneyCommandError(f"--patients must be patient ids separated by commas, not '{text}'", exit_code=2)
    return list(dict.fromkeys(int(part) for part in parts))


def read_segment(path: str) -> dict:
    """The segment condition from the file, checked like a journey's segment filter."""
    try:
        condition = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise JourneyCommandError(f"cannot read {path}: {exc.strerror or exc}", exit_code=2) from None
    except json.JSONDecodeError as exc:
        raise JourneyCommandError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}", exit_code=2) from None
    problems = validate_condition(condition, "the segment file")
    if problems:
        raise JourneyCommandError("; ".join(problems), exit_code=2)
    return condition


def select_patients(*, session: Session, journey: Journey, patient_ids: list[int], segment: dict | None,
                    trigger_ref: str, now: datetime) -> tuple[list[int], list[tuple[int, str]]]:
    """(patients to enrol, (patient id, reason) for listed patients left out) within the journey's practice."""
    candidates = patient_ids or list(session.exec(select(Patient.id).where(Patient.practice_id == journey.practice_id)
                                                  .order_by(Patient.id)))
    chosen, left_out = [], []
    for patient_id in candidates:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.practice_id != journey.practice_id:
            left_out.append((patient_id, "no such patient in this practice"))
            continue
        if segment is not None and not evaluate(segment, load_facts(session=session, patient_id=patient_id,
                                                                    trigger_ref=trigger_ref, now=now)):
            if patient_ids:  # a practice-wide selection does not list everyone it passed over
                left_out.append((patient_id, f"not in the segment: {describe(segment)}"))
            continue
        chosen.append(patient_id)
    return chosen, left_out


async def _enrol(journey_id: int, patient_ids: list[int], trigger_ref: str, session_factory: Callable) -> SegmentReport:
    client = await connect_or_fail()
    try:
        return await enrol_segment(client=client, session_factory=session_factory, journey_id=journey_id,
                                   patient_ids=patient_ids, trigger_ref=trigger_ref)
    except TEMPORAL_ERRORS as exc:
        # Enrollment rows come before their workflows: the same command again starts the ones left unstarted.
        raise JourneyCommandError(f"Temporal failed while starting runs ({type(exc).__name__}); run the same "
                                  "command again to finish (nobody is enrolled twice)") from None


def _print_report(key: str, report: SegmentReport, left_out: list[tuple[int, str]]) -> None:
    skipped = sorted(left_out + report.skipped)
    print(f"{key}: {report.enrolled} enrolled, {report.already_enrolled} already enrolled, {len(skipped)} skipped")
    for patient_id, reason in skipped:
        print(f"  patient {patient_id}: {reason}")


@reports_errors
def enrol_patients(args) -> int:  # noqa: ANN001
    patient_ids = parse_patient_ids(args.patients)
    segment = read_segment(args.segment_json) if args.segment_json else None
    if not patient_ids and segment is None:
        raise JourneyCommandError("give --patients, --segment-json, or both", exit_code=2)
    trigger_ref = args.ref or f"manual:{utcnow().date().isoformat()}"
    if not REF_PATTERN.match(trigger_ref):
        raise JourneyCommandError(f"--ref must look like campaign:spring_2027, not '{trigger_ref}'", exit_code=2)
    with session_scope() as session:
        journey = journey_by_key(session, args.practice_id, args.key)
        chosen, left_out = select_patients(session=session, journey=journey, patient_ids=patient_ids,
                                           segment=segment, trigger_ref=trigger_ref, now=utcnow())
    engine = get_engine()
    report = asyncio.run(_enrol(journey.id, chosen, trigger_ref,
                                lambda: Session(engine, expire_on_commit=False))) if chosen else SegmentReport()
    _print_report(args.key, report, left_out)
    return 0

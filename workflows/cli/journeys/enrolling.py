"""`prm journeys enrol KEY --patients 12,15 [--segment-json FILE]`: manual enrollment through enrol_each.

The segment file is a condition in the journey condition language (docs/journeys.md), e.g.
{"field": "patient.anxious", "op": "eq", "value": true}. With --patients it narrows that list; without, it picks
every patient of the journey's practice that meets it. Each run's trigger ref makes the enrollment idempotent: the
same command twice enrols nobody twice. Without --ref each patient's ref comes from trigger_refs.default_trigger_ref,
the choice `prm simulate` makes: an appointment-triggered journey is about the patient's next visit (a patient with
none is left out: "no upcoming appointment"), a journey whose trigger names no row gets "manual:<UTC date>".
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
from workflows.enrol import SegmentReport, enrol_each
from workflows.journeys.conditions import describe, evaluate, validate_condition
from workflows.journeys.definition import JourneyDefinition, published_definition
from workflows.journeys.entry import default_trigger_ref, missing_trigger_reason
from workflows.journeys.facts import load_facts
from workflows.journeys.versions import latest_version

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
                    trigger_ref: str | None, now: datetime) -> tuple[dict[int, str], list[tuple[int, str]]]:
    """(patient id -> trigger ref to enrol, (patient id, reason) for listed patients left out) in the journey's
    practice. Without a trigger ref each patient gets their own (their next visit ...), as `prm simulate` does."""
    candidates = patient_ids or list(session.exec(select(Patient.id).where(Patient.practice_id == journey.practice_id)
                                                  .order_by(Patient.id)))
    definition = None if trigger_ref else _published(session, journey)
    chosen, left_out = {}, []
    for patient_id in candidates:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.practice_id != journey.practice_id:
            left_out.append((patient_id, "no such patient in this practice"))
            continue
        ref = trigger_ref or default_trigger_ref(session=session, journey_or_definition=definition,
                                                 patient_id=patient_id, now=now)
        reason = _left_out_reason(session, definition, segment, patient_id, ref, now)
        if reason is None:
            chosen[patient_id] = ref
        elif patient_ids:  # a practice-wide selection does not list everyone it passed over
            left_out.append((patient_id, reason))
    return chosen, left_out


def _published(session: Session, journey: Journey) -> JourneyDefinition:
    version = latest_version(session=session, journey_id=journey.id)
    if version is None:
        raise JourneyCommandError(f"journey '{journey.key}' has no published version: publish it first")
    return published_definition(version.definition)


def _left_out_reason(session: Session, definition: JourneyDefinition | None, segment: dict | None, patient_id: int,
                     ref: str | None, now: datetime) -> str | None:
    """Why the patient is not enrolled before the entry rules are even asked; None when they go on to them."""
    if ref is None:
        return missing_trigger_reason(definition.trigger.event)
    if segment is not None and not evaluate(segment, load_facts(session=session, patient_id=patient_id,
                                                                trigger_ref=ref, now=now)):
        return f"not in the segment: {describe(segment)}"
    return None


async def _enrol(journey_id: int, refs: dict[int, str], session_factory: Callable) -> SegmentReport:
    client = await connect_or_fail()
    try:
        return await enrol_each(client=client, session_factory=session_factory, journey_id=journey_id, refs=refs)
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
    if args.ref and not REF_PATTERN.match(args.ref):
        raise JourneyCommandError(f"--ref must look like campaign:spring_2027, not '{args.ref}'", exit_code=2)
    with session_scope() as session:
        journey = journey_by_key(session, args.practice_id, args.key)
        chosen, left_out = select_patients(session=session, journey=journey, patient_ids=patient_ids,
                                           segment=segment, trigger_ref=args.ref, now=utcnow())
    engine = get_engine()
    report = asyncio.run(_enrol(journey.id, chosen,
                                lambda: Session(engine, expire_on_commit=False))) if chosen else SegmentReport()
    _print_report(args.key, report, left_out)
    return 0

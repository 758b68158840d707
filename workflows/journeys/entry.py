"""Whether an event enrols a patient in a journey, and the deterministic id of the run it would start."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from models.tables import Enrollment, EnrollmentStatus, Journey, JourneyStatus, JourneyVersion, Patient
from workflows.journeys.conditions import describe, evaluate
from workflows.journeys.definition import EntryRules, published_definition
from workflows.journeys.facts import load_facts
# Manual enrollment and the dry-run choose the trigger row with the same function (see trigger_refs.py).
from workflows.journeys.trigger_refs import default_trigger_ref, missing_trigger_reason

__all__ = ["EntryDecision", "PastEnrollment", "decide_entry", "default_trigger_ref", "entry_verdict",
           "missing_trigger_reason", "workflow_id_for"]


@dataclass(frozen=True)
class EntryDecision:
    enrol: bool
    reason: str


@dataclass(frozen=True)
class PastEnrollment:
    journey_id: int
    status: str
    started_at: datetime


def workflow_id_for(journey_key: str, patient_id: int, trigger_ref: str) -> str:
    """'review_request', 17, 'appointment:42' -> 'review_request-p17-appointment42' (ids only, no PHI)."""
    kind, _, rest = trigger_ref.partition(":")
    ref = re.sub(r"[^A-Za-z0-9_-]", "", f"{kind}{rest.replace(':', '-')}") or "none"
    return f"{journey_key}-p{patient_id}-{ref}"


def decide_entry(*, session: Session, journey: Journey, version: JourneyVersion, patient_id: int, trigger_ref: str,
                 now: datetime) -> EntryDecision:
    """Enrol or not, with the reason (journey status, duplicate trigger, trigger condition, segment, re-entry, cap)."""
    if journey.status != JourneyStatus.ACTIVE:
        return EntryDecision(False, f"journey is {journey.status}")
    workflow_id = workflow_id_for(journey.key, patient_id, trigger_ref)
    if session.exec(select(Enrollment.id).where(Enrollment.workflow_id == workflow_id)).first() is not None:
        return EntryDecision(False, "already enrolled for this trigger")
    definition = published_definition(version.definition)
    if session.get(Patient, patient_id) is None:
        return EntryDecision(False, "patient not found")
    refusal = _condition_refusal(session, definition, patient_id, trigger_ref, now)
    if refusal:
        return EntryDecision(False, refusal)
    rows = session.exec(select(Enrollment.journey_id, Enrollment.status, Enrollment.started_at)
                        .where(Enrollment.patient_id == patient_id)).all()
    past = [PastEnrollment(journey_id, status, started_at) for journey_id, status, started_at in rows]
    return entry_verdict(definition.entry, journey_id=journey.id, past=past, now=now)


def _condition_refusal(session: Session, definition, patient_id: int, trigger_ref: str, now: datetime) -> str:
    """Why the trigger condition or the segment keeps the patient out; the facts are loaded only if one exists."""
    when, segment = definition.trigger.when, definition.entry.segment
    if when is None and segment is None:
        return ""
    facts = load_facts(session=session, patient_id=patient_id, trigger_ref=trigger_ref, now=now)
    if when is not None and not evaluate(when, facts):
        return f"trigger condition not met: {describe(when)}"
    if segment is not None and not evaluate(segment, facts):
        return f"not in the segment: {describe(segment)}"
    return ""


def entry_verdict(rules: EntryRules, *, journey_id: int, past: Sequence[PastEnrollment],
                  now: datetime) -> EntryDecision:
    """The pure part of the decision: re-entry policy and frequency cap over the patient's earlier enrollments."""
    mine = [p for p in past if p.journey_id == journey_id]
    if rules.reentry != "always" and any(p.status == EnrollmentStatus.RUNNING for p in mine):
        return EntryDecision(False, "already in this journey")
    if rules.reentry == "never" and mine:
        return EntryDecision(False, "already went through this journey (re-entry: never)")
    if rules.reentry == "after_days" and mine:
        days = (now - max(p.started_at for p in mine)) / timedelta(days=1)
        if days < rules.reentry_days:
            return EntryDecision(False, f"entered {int(days)} days ago (re-entry after {rules.reentry_days} days)")
    cap = rules.frequency_cap
    if cap is not None:
        scope = mine if cap.scope == "journey" else list(past)
        since = now - timedelta(days=cap.days)
        count = sum(1 for p in scope if p.started_at > since)
        if count >= cap.max_enrollments:
            where = "this journey" if cap.scope == "journey" else "all journeys"
            return EntryDecision(False, f"frequency cap: {count} enrollments in {where} in the last {cap.days} days "
                                        f"(max {cap.max_enrollments})")
    return EntryDecision(True, "enrolled")

"""Domain events: the outbox of changes that start or steer journeys, written in the caller's transaction."""
from __future__ import annotations

import json
from enum import StrEnum

from sqlmodel import Session

from models.tables import DomainEvent


class EventKind(StrEnum):
    PATIENT_CREATED = "patient.created"
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_MOVED = "appointment.moved"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    APPOINTMENT_COMPLETED = "appointment.completed"
    APPOINTMENT_NO_SHOW = "appointment.no_show"
    APPOINTMENT_CONFIRMED = "appointment.confirmed"
    PROCEDURE_COMPLETED = "procedure.completed"
    TREATMENT_PLAN_PRESENTED = "treatment_plan.presented"
    TREATMENT_PLAN_ACCEPTED = "treatment_plan.accepted"
    REFERRAL_CREATED = "referral.created"
    FEEDBACK_RECEIVED = "feedback.received"
    REPLY_RECEIVED = "reply.received"
    RECALL_DUE = "recall.due"
    BIRTHDAY = "patient.birthday"
    TREATMENT_UNSCHEDULED = "treatment.unscheduled"
    BALANCE_OVERDUE = "balance.overdue"
    TASK_COMPLETED = "task.completed"  # staff closed a journey task; the run that created it hears of it


# Payload values are ids, codes and ISO timestamps; strings are bounded so free text (PHI) cannot hide there.
_MAX_PAYLOAD_STRING = 64


def _check_payload(payload: dict) -> None:
    """Refuse payloads that could carry PHI: only ids, numbers, booleans and short codes are allowed."""
    for key, value in payload.items():
        if value is None or isinstance(value, bool | int | float):
            continue
        if isinstance(value, str) and len(value) <= _MAX_PAYLOAD_STRING:
            continue
        raise ValueError(f"event payload field {key!r} must be an id or a short code")


def emit_event(*, session: Session, practice_id: int, kind: str, patient_id: int | None,
               entity_id: int | None = None, payload: dict | None = None) -> DomainEvent:
    """Add a DomainEvent to the caller's session so it commits (or rolls back) with the change it describes."""
    kind = EventKind(kind)  # an unknown kind is a programming error; fail before anything is written
    payload = payload or {}
    _check_payload(payload)
    event = DomainEvent(practice_id=practice_id, kind=kind.value, patient_id=patient_id, entity_id=entity_id,
                        payload=json.dumps(payload, sort_keys=True))
    session.add(event)
    session.flush()
    return event


def event_payload(event: DomainEvent) -> dict:
    """The decoded payload of a stored event."""
    return json.loads(event.payload or "{}")

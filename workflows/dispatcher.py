"""The dispatcher: turns undispatched DomainEvents, in id order, into journey enrollments and signals.

Crash-safe and idempotent: an event is marked dispatched only after everything it causes is done; running it
again finds the Enrollment by its deterministic workflow id (started or not) and starts nothing twice. Signals
may repeat after a crash, so the workflow treats a second identical signal as already seen.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import select
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.events import EventKind, event_payload
from models.settings import get_settings
from models.tables import DomainEvent, Enrollment, EnrollmentStatus, Journey, JourneyStatus
from models.types import utcnow
from workflows.enrol import enrol
from workflows.journeys.payloads import EventSignal, ReplySignal

log = logging.getLogger(__name__)

# Which entity an event is about, as the "<entity>:<id>" trigger ref the journey facts understand.
_ENTITY_OF_KIND = {
    EventKind.PATIENT_CREATED: "patient", EventKind.REPLY_RECEIVED: "message", EventKind.REFERRAL_CREATED: "referral",
    EventKind.FEEDBACK_RECEIVED: "feedback", EventKind.PROCEDURE_COMPLETED: "procedure",
    EventKind.TREATMENT_PLAN_PRESENTED: "treatment_plan", EventKind.TREATMENT_PLAN_ACCEPTED: "treatment_plan",
}
_APPOINTMENT_SIGNALS = frozenset({EventKind.APPOINTMENT_MOVED, EventKind.APPOINTMENT_CANCELLED,
                                  EventKind.APPOINTMENT_CONFIRMED})


@dataclass
class DispatchReport:
    events: int = 0
    enrolled: int = 0
    already_enrolled: int = 0
    not_enrolled: int = 0  # the journey's entry rules said no
    signalled: int = 0
    failed_events: list[int] = field(default_factory=list)  # left undispatched, retried on the next pass


def trigger_ref_for(event: DomainEvent) -> str:
    """The event's own ref when it carries one (date triggers), else "<entity>:<id>" from its kind."""
    ref = event_payload(event).get("trigger_ref")
    if ref:
        return ref
    if event.kind.startswith("appointment."):
        return f"appointment:{event.entity_id}"
    entity = _ENTITY_OF_KIND.get(event.kind, event.kind.split(".")[0])
    return f"{entity}:{event.entity_id if event.entity_id is not None else event.patient_id}"


def _pending(session_factory: Callable, limit: int) -> list[DomainEvent]:
    with session_factory() as session:
        return list(session.exec(select(DomainEvent).where(DomainEvent.dispatched_at == None)  # noqa: E711
                                 .order_by(DomainEvent.id).limit(limit)))


def _triggered_journeys(session_factory: Callable, event: DomainEvent) -> list[int]:
    with session_factory() as session:
        return list(session.exec(select(Journey.id).where(
            Journey.practice_id == event.practice_id, Journey.trigger == event.kind,
            Journey.status == JourneyStatus.ACTIVE).order_by(Journey.id)))


async def _enrol_for(client: Client, session_factory: Callable, event: DomainEvent, task_queue: str,
                     now: datetime, report: DispatchReport) -> None:
    if event.patient_id is None:
        return
    trigger_ref = trigger_ref_for(event)
    for journey_id in _triggered_journeys(session_factory, event):
        outcome = await enrol(client=client, session_factory=session_factory, journey_id=journey_id,
                              patient_id=event.patient_id, trigger_ref=trigger_ref, task_queue=task_queue, now=now)
        if outcome.enrolled:
            report.enrolled += 1
        elif outcome.reason == "already enrolled":
            report.already_enrolled += 1
        else:
            report.not_enrolled += 1


def _signal_targets(session_factory: Callable, event: DomainEvent) -> list[str]:
    """Workflow ids of the patient's running enrollments that this event concerns."""
    if event.patient_id is None or (event.kind != EventKind.REPLY_RECEIVED and event.kind not in _APPOINTMENT_SIGNALS):
        return []
    with session_factory() as session:
        rows = list(session.exec(select(Enrollment).where(Enrollment.patient_id == event.patient_id,
                                                          Enrollment.status == EnrollmentStatus.RUNNING)
                                 .order_by(Enrollment.id)))
    if event.kind in (EventKind.REPLY_RECEIVED, EventKind.APPOINTMENT_CONFIRMED):
        return [r.workflow_id for r in rows]
    ref = f"appointment:{event.entity_id}"
    return [r.workflow_id for r in rows if r.trigger_ref == ref or r.trigger_ref.startswith(ref + ":")]


async def _signal(client: Client, session_factory: Callable, event: DomainEvent, report: DispatchReport) -> None:
    if event.kind == EventKind.REPLY_RECEIVED:
        payload = event_payload(event)
        name, arg = "reply_received", ReplySignal(payload["message_id"], payload.get("intent", "other"))
    else:
        name, arg = "event_received", EventSignal(event.kind, event.entity_id)
    for workflow_id in _signal_targets(session_factory, event):
        try:
            await client.get_workflow_handle(workflow_id).signal(name, arg)
            report.signalled += 1
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            log.info("run %s has already finished; signal %s not delivered", workflow_id, name)


def _mark_dispatched(session_factory: Callable, event_id: int, now: datetime) -> None:
    with session_factory() as session:
        pending = DomainEvent.dispatched_at == None  # noqa: E711
        session.execute(update(DomainEvent).where(DomainEvent.id == event_id, pending).values(dispatched_at=now))
        session.commit()


async def dispatch_pending(*, client: Client, session_factory: Callable, limit: int = 500,
                           task_queue: str | None = None, clock: Callable[[], datetime] = utcnow) -> DispatchReport:
    """Dispatch up to `limit` undispatched events in id order; an event that fails stays pending for the next pass."""
    task_queue = task_queue or get_settings().task_queue
    report = DispatchReport()
    for event in _pending(session_factory, limit):
        report.events += 1
        try:
            await _enrol_for(client, session_factory, event, task_queue, clock(), report)
            await _signal(client, session_factory, event, report)
        except Exception as exc:  # one bad event must not block the others; it is retried on the next pass
            log.error("event %s (%s) not dispatched: %s", event.id, event.kind, type(exc).__name__)
            report.failed_events.append(event.id)
            continue
        _mark_dispatched(session_factory, event.id, clock())
    return report

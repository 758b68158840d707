"""The dispatcher: turns undispatched DomainEvents, in id order, into journey enrollments and signals.

Enrollment: every active journey of the practice whose trigger is the event's kind is asked (entry rules) and, if
the patient may enter, gets an Enrollment and a run. Signals: a reply goes to every running run of the patient;
a closed task goes to the run that created it; any other event goes to the patient's runs whose pinned definition
listens to its kind (goals, exit events, awaited events, appointment moved/confirmed), each run deciding whether the
event is about its own appointment.

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
from models.tables import DomainEvent, Enrollment, EnrollmentStatus, Journey, JourneyStatus, JourneyVersion, Task
from models.types import utcnow
from workflows.enrol import enrol
from workflows.journeys.definition import DefinitionError, parse_definition
from workflows.journeys.payloads import EventSignal, ReplySignal

log = logging.getLogger(__name__)

# Which entity an event is about, as the "<entity>:<id>" trigger ref the journey facts understand.
_ENTITY_OF_KIND = {
    EventKind.PATIENT_CREATED: "patient", EventKind.REPLY_RECEIVED: "message", EventKind.REFERRAL_CREATED: "referral",
    EventKind.FEEDBACK_RECEIVED: "feedback", EventKind.PROCEDURE_COMPLETED: "procedure",
    EventKind.TREATMENT_PLAN_PRESENTED: "treatment_plan", EventKind.TREATMENT_PLAN_ACCEPTED: "treatment_plan",
}


@dataclass
class DispatchReport:
    events: int = 0
    enrolled: int = 0
    already_enrolled: int = 0
    not_enrolled: int = 0  # the journey's entry rules said no
    refused: list[tuple[int, int, str]] = field(default_factory=list)  # (event id, journey id, entry rules' reason)
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
            report.refused.append((event.id, journey_id, outcome.reason))


def _listens(version: JourneyVersion, kind: str, cache: dict[int, frozenset[str]]) -> bool:
    """Whether runs pinned to this version react to the event kind (definitions parsed once per pass)."""
    if version.id not in cache:
        try:
            cache[version.id] = parse_definition(version.definition).listens_to()
        except DefinitionError:
            log.error("journey version %s does not parse; its runs get no event signals", version.id)
            cache[version.id] = frozenset()
    return kind in cache[version.id]


def _task_run(session_factory: Callable, task_id: int | None) -> list[str]:
    """A closed task concerns only the run that created it, and only while that run is still going."""
    with session_factory() as session:
        task = session.get(Task, task_id) if task_id is not None else None
        enrollment = session.get(Enrollment, task.enrollment_id) if task and task.enrollment_id else None
        running = enrollment is not None and enrollment.status == EnrollmentStatus.RUNNING
        return [enrollment.workflow_id] if running else []


def _signal_targets(session_factory: Callable, event: DomainEvent, cache: dict[int, frozenset[str]]) -> list[str]:
    """Workflow ids of the running enrollments this event concerns: a task's own run for a closed task, every run
    of the patient for a reply, otherwise the patient's runs whose journey listens to the kind (the run itself
    ignores events about another appointment)."""
    if event.kind == EventKind.TASK_COMPLETED:
        return _task_run(session_factory, event.entity_id)
    if event.patient_id is None:
        return []
    with session_factory() as session:
        rows = session.exec(select(Enrollment, JourneyVersion).join(JourneyVersion,
                                                                    JourneyVersion.id == Enrollment.version_id)
                            .where(Enrollment.patient_id == event.patient_id,
                                   Enrollment.status == EnrollmentStatus.RUNNING).order_by(Enrollment.id)).all()
    if event.kind == EventKind.REPLY_RECEIVED:
        return [enrollment.workflow_id for enrollment, _ in rows]
    return [enrollment.workflow_id for enrollment, version in rows if _listens(version, event.kind, cache)]


async def _signal(client: Client, session_factory: Callable, event: DomainEvent, report: DispatchReport,
                  cache: dict[int, frozenset[str]]) -> None:
    if event.kind == EventKind.REPLY_RECEIVED:
        payload = event_payload(event)
        name, arg = "reply_received", ReplySignal(payload["message_id"], payload.get("intent", "other"))
    else:
        name, arg = "event_received", EventSignal(event.kind, event.entity_id, event.id)
    for workflow_id in _signal_targets(session_factory, event, cache):
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
    report, cache = DispatchReport(), {}
    for event in _pending(session_factory, limit):
        report.events += 1
        try:
            await _enrol_for(client, session_factory, event, task_queue, clock(), report)
            await _signal(client, session_factory, event, report, cache)
        except Exception as exc:  # one bad event must not block the others; it is retried on the next pass
            log.error("event %s (%s) not dispatched: %s", event.id, event.kind, type(exc).__name__)
            report.failed_events.append(event.id)
            continue
        _mark_dispatched(session_factory, event.id, clock())
    return report

"""Rows the journey activities write (messages not sent, step logs, tasks, points), each under a unique key."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from models.tables import (
    Appointment, Enrollment, EnrollmentStatus, JourneyStepLog, LoyaltyLedger, Message, MessageStatus, Patient, Practice,
    Referral, Task,
)
from workflows.journeys.facts import parse_trigger_ref
from workflows.journeys.payloads import (
    AwardRequest, RecordRequest, SendOutcome, SendRequest, StepEntry, TaskRequest,
)
from workflows.templates.context import template_context
from workflows.templates.render import TemplateRenderError, render_template

_UNSENT_STATUS = {"suppress": MessageStatus.SUPPRESSED, "defer": MessageStatus.DEFERRED,
                  "failed": MessageStatus.FAILED}
_OUTCOME_WORDS = {"sent": "sent", "suppress": "suppressed", "defer": "deferred", "failed": "failed"}


def enrollment_or_fail(session: Session, enrollment_id: int) -> Enrollment:
    """The enrollment; a missing one is a permanent failure (retrying cannot create it)."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise ApplicationError(f"enrollment {enrollment_id} not found", type="EnrollmentNotFound", non_retryable=True)
    return enrollment


def ended_reason(enrollment: Enrollment) -> str:
    return f"enrollment {enrollment.status}" + (f": {enrollment.exit_reason}" if enrollment.exit_reason else "")


def message_by_key(session: Session, key: str) -> Message | None:
    return session.exec(select(Message).where(Message.idempotency_key == key)).first()


def row_id_by_key(session: Session, model: type, key: str) -> int:
    return session.exec(select(model.id).where(model.idempotency_key == key)).one()


def recipient_id(session: Session, enrollment: Enrollment, to: str) -> int | None:
    """The enrolled patient, or the patient who referred them."""
    if to != "referrer":
        return enrollment.patient_id
    referral = session.exec(select(Referral).where(Referral.referred_patient_id == enrollment.patient_id)).first()
    return referral.referrer_patient_id if referral else None


def add_missing(session_factory: Callable, rows: Iterable) -> None:
    """Insert the rows whose unique key is not stored yet, in one transaction; a race is retried by the activity."""
    with session_factory() as session:
        stage_missing(session, rows)
        commit_or_retry(session)


def stage_missing(session: Session, rows: Iterable) -> None:
    """Add to the session the rows whose unique key is not stored yet; the caller commits."""
    for row in rows:
        model, column, key = _unique_key(row)
        if session.exec(select(model.id).where(column == key)).first() is None:
            session.add(row)


def stage_record(session: Session, enrollment: Enrollment, record: RecordRequest) -> None:
    """The planner's decisions and, while the run is open, the step it is at; the caller commits."""
    stage_missing(session, step_logs(enrollment, record.entries, datetime.fromisoformat(record.at)))
    if enrollment.status == EnrollmentStatus.RUNNING and enrollment.current_step != record.current_step:
        enrollment.current_step = record.current_step
        session.add(enrollment)


def commit_or_retry(session: Session) -> None:
    """Commit; a unique key another attempt wrote meanwhile rolls back and makes the activity retry."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RuntimeError("another attempt wrote the same journey rows; retrying") from exc


def _unique_key(row) -> tuple[type, object, str]:
    model = type(row)
    if model is JourneyStepLog:
        return model, JourneyStepLog.dedupe_key, row.dedupe_key
    return model, model.idempotency_key, row.idempotency_key


def unsent_message(enrollment: Enrollment, request: SendRequest, prepared, key: str) -> Message:
    return Message(practice_id=enrollment.practice_id, patient_id=prepared.recipient_id, direction="out",
                   channel=prepared.channel, to_address=prepared.to_address, subject=prepared.subject[:300],
                   body=prepared.body[:5000], status=_UNSENT_STATUS[prepared.verdict], idempotency_key=key,
                   enrollment_id=enrollment.id, step_id=request.step_id, template_key=request.template,
                   reason=prepared.reason[:300], created_at=datetime.fromisoformat(request.now))


def send_log(enrollment: Enrollment, request: SendRequest, channel: str, outcome: SendOutcome,
             key: str) -> JourneyStepLog:
    variant = f" variant {request.variant}" if request.variant else ""
    detail = f"{channel} {request.template}{variant}" + (f": {outcome.reason}" if outcome.reason else "")
    return JourneyStepLog(enrollment_id=enrollment.id, patient_id=enrollment.patient_id, step_id=request.step_id,
                          kind="send", outcome=_OUTCOME_WORDS[outcome.verdict], detail=detail[:500],
                          dedupe_key=key, at=datetime.fromisoformat(request.now))


def step_logs(enrollment: Enrollment, entries: Iterable[StepEntry], at: datetime) -> list[JourneyStepLog]:
    """The planner's decisions; the key (enrollment, step, visit, sequence) makes a replayed record a no-op."""
    return [JourneyStepLog(enrollment_id=enrollment.id, patient_id=enrollment.patient_id, step_id=entry.step_id,
                           kind=entry.kind, outcome=entry.outcome[:40], detail=entry.detail[:500],
                           dedupe_key=f"enr{enrollment.id}:{entry.step_id}:{entry.visit}:{entry.seq}", at=at)
            for entry in entries]


def task_row(session: Session, enrollment: Enrollment, request: TaskRequest, key: str, *,
             due_at: datetime) -> list:
    """The staff task (title rendered for the patient) and its step log."""
    task = Task(practice_id=enrollment.practice_id, patient_id=enrollment.patient_id, enrollment_id=enrollment.id,
                idempotency_key=key, title=_task_title(session, enrollment, request), role=request.role or "",
                assignee_id=request.user_id, due_at=due_at, created_at=datetime.fromisoformat(request.now))
    who = f"user {request.user_id}" if request.user_id else request.role
    log = JourneyStepLog(enrollment_id=enrollment.id, patient_id=enrollment.patient_id, step_id=request.step_id,
                         kind="task", outcome="created", detail=f"task for {who}, due {due_at.isoformat()}",
                         dedupe_key=key, at=datetime.fromisoformat(request.now))
    return [task, log]


def _task_title(session: Session, enrollment: Enrollment, request: TaskRequest) -> str:
    patient = session.get(Patient, enrollment.patient_id)
    practice = session.get(Practice, enrollment.practice_id)
    kind, entity_id = parse_trigger_ref(enrollment.trigger_ref)
    appointment = session.get(Appointment, entity_id) if kind == "appointment" and entity_id else None
    if appointment is not None and appointment.patient_id != patient.id:
        appointment = None
    try:
        return render_template(request.title, template_context(patient=patient, practice=practice,
                                                               appointment=appointment))[:300]
    except TemplateRenderError as exc:
        return f"Journey task '{request.step_id}' (title could not be filled in: {exc})"[:300]


def award_row(session: Session, enrollment: Enrollment, request: AwardRequest, key: str) -> list:
    """The ledger entry and its step log; empty when the referrer is unknown."""
    patient_id = recipient_id(session, enrollment, request.to)
    if patient_id is None:
        return []
    at = datetime.fromisoformat(request.now)
    entry = LoyaltyLedger(patient_id=patient_id, points=request.points, reason=request.reason[:200],
                          idempotency_key=key, at=at)
    log = JourneyStepLog(enrollment_id=enrollment.id, patient_id=enrollment.patient_id, step_id=request.step_id,
                         kind="award_points", outcome="awarded", detail=f"{request.points} points to the {request.to}",
                         dedupe_key=key, at=at)
    return [entry, log]

"""The journey workflow's effects, one activity per effect, on a class holding its dependencies.

Every write is keyed by the enrollment, the step and the step's visit number, so a retried or replayed activity
finds its earlier work and does nothing twice. Activities are async and run their blocking database work in a
thread, so any worker can host them without an activity executor.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.tables import Enrollment, EnrollmentStatus, JourneyVersion, LoyaltyLedger, MessageStatus, Task
from workflows.channels.base import ChannelSender, OutboundMessage, PermanentSendError
from workflows.channels.send_once import send_once
from workflows.journeys.facts import load_facts, parse_trigger_ref
from workflows.journeys.payloads import (
    AwardOutcome, AwardRequest, CurrentStep, FactsRequest, FinishRequest, RecordRequest, RunContext, SendOutcome,
    SendRequest, TaskOutcome, TaskRequest,
)
from workflows.journeys.records import (
    add_missing, award_row, commit_or_retry, enrollment_or_fail, ended_reason, message_by_key, recipient_id,
    row_id_by_key, send_log, stage_missing, stage_record, task_row, unsent_message,
)
from workflows.journeys.send_window import spread_release
from workflows.journeys.sending import PreparedSend, prepare_send

DEFERRAL_SPREAD_SECONDS = 15 * 60  # deferred sends leave over a quarter of an hour, not all at the window's start
_STORED_VERDICTS = {MessageStatus.SENT: "sent", MessageStatus.DELIVERED: "sent",
                    MessageStatus.SUPPRESSED: "suppress", MessageStatus.FAILED: "failed"}


def send_key(enrollment_id: int, step_id: str, visit: int) -> str:
    """The idempotency key of one logical send: a retry or replay of the same visit reuses it."""
    return f"enr{enrollment_id}:{step_id}:{visit}"


class JourneyActivities:
    """session_factory: zero-argument callable returning a context manager that yields a Session."""

    def __init__(self, session_factory: Callable, senders: Mapping[str, ChannelSender]) -> None:
        self.session_factory = session_factory
        self.senders = senders

    def activities(self) -> list:
        return [self.load_run_context, self.load_facts, self.send_step, self.record_step, self.update_current_step,
                self.create_task, self.award_points, self.finish_enrollment]

    @activity.defn(name="journey.load_run_context")
    async def load_run_context(self, request: FactsRequest) -> RunContext:
        return await _off_thread(self._load_run_context, request)

    @activity.defn(name="journey.load_facts")
    async def load_facts(self, request: FactsRequest) -> dict:
        return await _off_thread(self._load_facts, request)

    @activity.defn(name="journey.send_step")
    async def send_step(self, request: SendRequest) -> SendOutcome:
        return await _off_thread(self._send_step, request)

    @activity.defn(name="journey.record_step")
    async def record_step(self, request: RecordRequest) -> None:
        await _off_thread(self._record_step, request)

    @activity.defn(name="journey.update_current_step")
    async def update_current_step(self, request: CurrentStep) -> None:
        await _off_thread(self._update_current_step, request)

    @activity.defn(name="journey.create_task")
    async def create_task(self, request: TaskRequest) -> TaskOutcome:
        return await _off_thread(self._create_task, request)

    @activity.defn(name="journey.award_points")
    async def award_points(self, request: AwardRequest) -> AwardOutcome:
        return await _off_thread(self._award_points, request)

    @activity.defn(name="journey.finish_enrollment")
    async def finish_enrollment(self, request: FinishRequest) -> None:
        await _off_thread(self._finish_enrollment, request)

    def _load_run_context(self, request: FactsRequest) -> RunContext:
        with self.session_factory() as session:
            enrollment = enrollment_or_fail(session, request.enrollment_id)
            version = session.get(JourneyVersion, enrollment.version_id)
            if version is None:
                raise ApplicationError(f"journey version {enrollment.version_id} not found",
                                       type="VersionNotFound", non_retryable=True)
            facts = load_facts(session=session, patient_id=enrollment.patient_id,
                               trigger_ref=enrollment.trigger_ref, now=_moment(request.now))
            return RunContext(enrollment.id, enrollment.patient_id, version.id, version.definition, facts)

    def _load_facts(self, request: FactsRequest) -> dict:
        with self.session_factory() as session:
            enrollment = enrollment_or_fail(session, request.enrollment_id)
            return load_facts(session=session, patient_id=enrollment.patient_id, trigger_ref=enrollment.trigger_ref,
                              now=_moment(request.now), task_id=request.task_id)

    def _send_step(self, request: SendRequest) -> SendOutcome:
        """Decide and send; the decisions that led here are written in the send's first transaction (the claim,
        or the unsent message), so a send costs two commits: claim and "sent" with its log."""
        key = send_key(request.enrollment_id, request.step_id, request.visit)
        with self.session_factory() as session:
            enrollment = enrollment_or_fail(session, request.enrollment_id)
            early = self._settled_before(session, enrollment, key)
            recipient = recipient_id(session, enrollment, request.to) if early is None else None
            if early is None and recipient is None:
                early = SendOutcome("suppress", "no referring patient on file")
            if early is not None:  # nothing to send: write the decisions on their own
                _stage_record(request)(session)
                commit_or_retry(session)
                return early
            try:
                prepared = _prepare(session, enrollment, recipient, request)
            except LookupError:  # a row has gone (a permanent failure): keep the decisions that led here
                _stage_record(request)(session)
                commit_or_retry(session)
                raise
        if prepared.verdict == "send":
            return self._deliver(request, enrollment, prepared, key)
        return self._record_unsent(request, enrollment, prepared, key)

    @staticmethod
    def _settled_before(session: Session, enrollment: Enrollment, key: str) -> SendOutcome | None:
        """The outcome when there is nothing to send: the run has ended, or an earlier attempt settled the send."""
        if enrollment.status != EnrollmentStatus.RUNNING:
            return SendOutcome("ended", ended_reason(enrollment))
        stored = message_by_key(session, key)
        if stored is not None and stored.status != MessageStatus.SENDING:
            return SendOutcome(_STORED_VERDICTS.get(stored.status, "sent"), stored.reason, None, stored.id)
        return None

    def _deliver(self, request: SendRequest, enrollment: Enrollment, prepared: PreparedSend, key: str) -> SendOutcome:
        msg = OutboundMessage(practice_id=enrollment.practice_id, patient_id=prepared.recipient_id,
                              channel=prepared.channel, to_address=prepared.to_address, body=prepared.body,
                              idempotency_key=key, subject=prepared.subject, enrollment_id=enrollment.id,
                              step_id=request.step_id, template_key=request.template)
        sent_log = send_log(enrollment, request, prepared.channel, SendOutcome("sent", ""), key)
        try:
            result = send_once(session_factory=self.session_factory, senders=self.senders, msg=msg,
                               with_claim=_stage_record(request),
                               with_sent=lambda session: stage_missing(session, [sent_log]))
        except PermanentSendError as exc:
            outcome = SendOutcome("failed", exc.reason, None, exc.message_id)
            add_missing(self.session_factory, [send_log(enrollment, request, prepared.channel, outcome, key)])
            return outcome
        # TransientSendError propagates: the activity is retried and send_once sends at most once.
        if result.duplicate:  # an earlier attempt sent it; its log may not have been written with it
            add_missing(self.session_factory, [sent_log])
        return SendOutcome("sent", "", None, result.message_id)

    def _record_unsent(self, request: SendRequest, enrollment: Enrollment, prepared: PreparedSend,
                       key: str) -> SendOutcome:
        """Suppressed, failed and deferred sends leave a Message row with the reason, for the timeline."""
        not_before = None
        if prepared.verdict == "defer":
            key = f"{key}:deferred{request.deferral + 1}"
            not_before = spread_release(prepared.not_before, key, DEFERRAL_SPREAD_SECONDS)
        row = unsent_message(enrollment, request, prepared, key)
        outcome = SendOutcome(prepared.verdict, prepared.reason, not_before.isoformat() if not_before else None)
        with self.session_factory() as session:
            _stage_record(request)(session)
            stage_missing(session, [row, send_log(enrollment, request, prepared.channel, outcome, key)])
            commit_or_retry(session)
            outcome.message_id = message_by_key(session, key).id
        return outcome

    def _enrollment_recorded(self, session: Session, request: TaskRequest | AwardRequest) -> Enrollment:
        """The effect's enrollment, after the decisions that led to the effect (carried in its request) are written."""
        enrollment = enrollment_or_fail(session, request.enrollment_id)
        if request.record is not None:
            stage_record(session, enrollment, request.record)
            commit_or_retry(session)
        return enrollment

    def _record_step(self, request: RecordRequest) -> None:
        """The planner's decisions and the step the run is at, in one transaction."""
        with self.session_factory() as session:
            stage_record(session, enrollment_or_fail(session, request.enrollment_id), request)
            commit_or_retry(session)

    def _update_current_step(self, request: CurrentStep) -> None:
        with self.session_factory() as session:
            enrollment = enrollment_or_fail(session, request.enrollment_id)
            if enrollment.status == EnrollmentStatus.RUNNING and enrollment.current_step != request.step_id:
                enrollment.current_step = request.step_id
                session.add(enrollment)
                session.commit()

    def _create_task(self, request: TaskRequest) -> TaskOutcome:
        key = send_key(request.enrollment_id, request.step_id, request.visit)
        with self.session_factory() as session:
            enrollment = self._enrollment_recorded(session, request)
            if enrollment.status != EnrollmentStatus.RUNNING:
                return TaskOutcome(None, ended_reason(enrollment))
            rows = task_row(session, enrollment, request, key, due_at=_moment(request.now)
                            + timedelta(seconds=request.due_seconds))
        add_missing(self.session_factory, rows)
        with self.session_factory() as session:
            return TaskOutcome(task_id=row_id_by_key(session, Task, key))

    def _award_points(self, request: AwardRequest) -> AwardOutcome:
        key = send_key(request.enrollment_id, request.step_id, request.visit)
        with self.session_factory() as session:
            enrollment = self._enrollment_recorded(session, request)
            if enrollment.status != EnrollmentStatus.RUNNING:
                return AwardOutcome(None, ended_reason(enrollment))
            rows = award_row(session, enrollment, request, key)
        if not rows:
            return AwardOutcome(None)
        add_missing(self.session_factory, rows)
        with self.session_factory() as session:
            return AwardOutcome(ledger_id=row_id_by_key(session, LoyaltyLedger, key))

    def _finish_enrollment(self, request: FinishRequest) -> None:
        """Close the enrollment once, with the last decisions; an enrollment staff already stopped keeps its reason."""
        with self.session_factory() as session:
            enrollment = enrollment_or_fail(session, request.enrollment_id)
            if request.record is not None:
                stage_record(session, enrollment, request.record)
            if enrollment.status == EnrollmentStatus.RUNNING:
                enrollment.status = request.status
                enrollment.exit_reason = request.reason[:300]
                enrollment.ended_at = _moment(request.at)
                session.add(enrollment)
            commit_or_retry(session)


def _prepare(session: Session, enrollment: Enrollment, recipient: int, request: SendRequest) -> PreparedSend:
    kind, entity_id = parse_trigger_ref(enrollment.trigger_ref)
    window = (request.window_start, request.window_end) if request.window_start else None
    expected_start = _moment(request.expected_start) if request.expected_start else None
    return prepare_send(session=session, recipient_id=recipient,
                        appointment_id=entity_id if kind == "appointment" else None, channel=request.channel,
                        template=request.template, message_type=request.message_type, now=_moment(request.now),
                        window=window, expected_start=expected_start)


def _stage_record(request: SendRequest) -> Callable[[Session], None]:
    """Adds the decisions the request carries (if any) to a session, for the transaction that acts on them."""
    def stage(session: Session) -> None:
        if request.record is not None:
            stage_record(session, enrollment_or_fail(session, request.enrollment_id), request.record)
    return stage


async def _off_thread(function, request):
    """Run the blocking database work in a thread; a row that has gone is a permanent failure, not a retry."""
    try:
        return await asyncio.to_thread(function, request)
    except LookupError as exc:  # messages name ids only ("patient 17 not found")
        raise ApplicationError(str(exc), type="RowNotFound", non_retryable=True) from exc


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)

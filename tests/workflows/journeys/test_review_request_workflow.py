"""The review request journey end to end on the real time-skipping Temporal server."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.testing import ActivityEnvironment

from models.tables import Enrollment, Message
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import (
    RecordingSender, enrol, install, journey_worker, midday_zone, start_run, step_logs,
)
from workflows.journeys.activities import JourneyActivities
from workflows.journeys.payloads import ReplySignal, SendRequest
from workflows.journeys.workflow import JourneyWorkflow


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


async def _completed_visit(env, session):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    patient = make_patient(session, practice)
    appointment = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed",
                                   completed_at=now)
    journeys = install(session, practice.id)
    enrollment = enrol(session, journeys["review_request"], patient.id, f"appointment:{appointment.id}", now)
    return patient, enrollment


def _messages(session, enrollment_id):
    session.expire_all()
    rows = session.exec(select(Message).where(Message.enrollment_id == enrollment_id).order_by(Message.id)).all()
    return [(m.step_id, m.template_key, m.channel, m.status) for m in rows]


async def test_review_request_asks_then_reminds_once_when_the_patient_never_replies(
        time_skipping_env, session, session_factory):
    patient, enrollment = await _completed_visit(time_skipping_env, session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender, "email": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        assert await handle.result() == "completed"

    assert _messages(session, enrollment.id) == [("ask", "review_request", "sms", "sent"),
                                                 ("remind", "review_reminder", "sms", "sent")]
    assert [m.idempotency_key for m in sender.delivered] == [f"enr{enrollment.id}:ask:1",
                                                              f"enr{enrollment.id}:remind:1"]
    assert sender.delivered[0].body == ("Hi Maria, thank you for visiting Lakeside Dental! Would you share a quick "
                                        "review? https://example.com/review Reply STOP to opt out.")
    assert sender.delivered[0].to_address == "(555) 201-3344"
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason, row.current_step) == ("completed", "journey finished", "remind")
    assert step_logs(session, enrollment.id) == [
        ("after_visit", "wait", "waiting"), ("ask", "send", "sent"), ("await_reply", "wait_for", "waiting"),
        ("await_reply", "wait_for", "timed_out"), ("remind", "send", "sent"),
    ]


async def test_review_reminder_is_skipped_when_the_patient_replied(time_skipping_env, session, session_factory):
    patient, enrollment = await _completed_visit(time_skipping_env, session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        await time_skipping_env.sleep(timedelta(hours=3))  # past the two-hour wait: the request is out
        status = await handle.query(JourneyWorkflow.status)
        assert (status.step_id, status.kind, status.paused, status.finished) == ("await_reply", "wait_for",
                                                                                 False, False)
        await handle.signal(JourneyWorkflow.reply_received, ReplySignal(message_id=1, intent="other"))
        assert await handle.result() == "completed"

    assert _messages(session, enrollment.id) == [("ask", "review_request", "sms", "sent")]
    assert len(sender.delivered) == 1
    assert step_logs(session, enrollment.id)[-1] == ("await_reply", "wait_for", "reply")


class CrashAfterSendActivities(JourneyActivities):
    """The worker dies after the provider took the message but before the activity reported back."""

    crashes: list[str] = []

    def _deliver(self, request, enrollment, prepared, key):
        outcome = super()._deliver(request, enrollment, prepared, key)
        if activity.info().attempt == 1:
            self.crashes.append(key)
            raise RuntimeError("worker lost after the provider accepted the message")
        return outcome


async def test_a_retried_send_activity_delivers_the_message_once(time_skipping_env, session, session_factory):
    patient, enrollment = await _completed_visit(time_skipping_env, session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender},
                              activities_class=CrashAfterSendActivities) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        assert await handle.result() == "completed"

    keys = [f"enr{enrollment.id}:ask:1", f"enr{enrollment.id}:remind:1"]
    assert CrashAfterSendActivities.crashes[-2:] == keys  # each send's first attempt died after delivering
    assert [m.idempotency_key for m in sender.delivered] == keys
    assert _messages(session, enrollment.id) == [("ask", "review_request", "sms", "sent"),
                                                 ("remind", "review_reminder", "sms", "sent")]


async def test_running_the_send_activity_twice_with_the_same_key_writes_one_message_and_delivers_once(
        time_skipping_env, session, session_factory):
    patient, enrollment = await _completed_visit(time_skipping_env, session)
    now = await time_skipping_env.get_current_time()
    sender = RecordingSender()
    activities = JourneyActivities(session_factory, {"sms": sender})
    request = SendRequest(enrollment.id, "ask", 1, "preferred", "review_request", "", "review", "patient", 0,
                          now.isoformat())

    first = await ActivityEnvironment().run(activities.send_step, request)
    second = await ActivityEnvironment().run(activities.send_step, request)

    assert (first.verdict, second.verdict, first.message_id) == ("sent", "sent", second.message_id)
    assert len(sender.delivered) == 1
    assert _messages(session, enrollment.id) == [("ask", "review_request", "sms", "sent")]


class PatientGoneActivities(JourneyActivities):
    def _send_step(self, request):
        raise LookupError("patient 99 not found")


async def test_a_permanent_failure_closes_the_enrollment_as_failed_with_the_reason(
        time_skipping_env, session, session_factory):
    patient, enrollment = await _completed_visit(time_skipping_env, session)
    async with journey_worker(time_skipping_env, session_factory, {"sms": RecordingSender()},
                              activities_class=PatientGoneActivities) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        with pytest.raises(WorkflowFailureError):
            await handle.result()

    session.expire_all()
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason) == ("failed", "stopped: patient 99 not found")

"""The review request journey on the time-skipping server with its rows in PostgreSQL, as in production."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, SQLModel, select
from temporalio import activity
from temporalio.testing import ActivityEnvironment

import models.tables  # noqa: F401
from models.db import make_engine
from models.tables import Enrollment, Message
from tests.factories import make_appointment, make_patient, make_practice
from tests.postgres import throwaway_database
from tests.workflows.journeys.helpers import (
    RecordingSender, enrol, install, journey_worker, midday_zone, start_run, step_logs,
)
from workflows.channels.base import TransientSendError
from workflows.journeys.activities import JourneyActivities
from workflows.journeys.payloads import ReplySignal, SendRequest
from workflows.journeys.workflow import JourneyWorkflow

RUN_TIMEOUT_S = 120  # real seconds: a broken run (activity failing forever) fails the test instead of hanging it


@pytest.fixture
def pg_engine():
    """A fresh PostgreSQL database with every table, dropped after the test."""
    with throwaway_database() as url:
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def pg_session(pg_engine):
    with Session(pg_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def pg_session_factory(pg_engine):
    return lambda: Session(pg_engine, expire_on_commit=False)


async def _completed_visit(env, session):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    patient = make_patient(session, practice)
    appointment = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed",
                                   completed_at=now)
    journeys = install(session, practice.id)
    return enrol(session, journeys["review_request"], patient.id, f"appointment:{appointment.id}", now)


async def _result(handle) -> str:
    return await asyncio.wait_for(handle.result(), RUN_TIMEOUT_S)


def _messages(session, enrollment_id):
    session.expire_all()
    rows = session.exec(select(Message).where(Message.enrollment_id == enrollment_id).order_by(Message.id)).all()
    return [(m.step_id, m.template_key, m.channel, m.status, m.idempotency_key) for m in rows]


class CrashAfterSendActivities(JourneyActivities):
    """The worker dies after the provider took the message but before the activity reported back."""

    crashes: list[str] = []

    def _deliver(self, request, enrollment, prepared, key):
        outcome = super()._deliver(request, enrollment, prepared, key)
        if activity.info().attempt == 1:
            self.crashes.append(key)
            raise RuntimeError("worker lost after the provider accepted the message")
        return outcome


async def test_a_reply_on_postgres_leaves_exactly_one_review_request_sent(
        time_skipping_env, pg_session, pg_session_factory):
    enrollment = await _completed_visit(time_skipping_env, pg_session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, pg_session_factory, {"sms": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        await time_skipping_env.sleep(timedelta(hours=3))  # past the two-hour wait: the request is out
        status = await handle.query(JourneyWorkflow.status)
        assert (status.step_id, status.finished) == ("await_reply", False)
        await handle.signal(JourneyWorkflow.reply_received, ReplySignal(message_id=1, intent="other"))
        assert await _result(handle) == "completed"

    key = f"enr{enrollment.id}:ask:1"
    assert _messages(pg_session, enrollment.id) == [("ask", "review_request", "sms", "sent", key)]
    assert [m.idempotency_key for m in sender.delivered] == [key]
    assert sender.delivered[0].body.startswith("Hi Maria, thank you for visiting Lakeside Dental!")
    pg_session.expire_all()
    row = pg_session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason) == ("completed", "journey finished")
    assert step_logs(pg_session, enrollment.id) == [
        ("after_visit", "wait", "waiting"), ("ask", "send", "sent"), ("await_reply", "wait_for", "waiting"),
        ("await_reply", "wait_for", "reply"),
    ]


async def test_a_retried_send_activity_on_postgres_delivers_each_message_once(
        time_skipping_env, pg_session, pg_session_factory):
    enrollment = await _completed_visit(time_skipping_env, pg_session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, pg_session_factory, {"sms": sender},
                              activities_class=CrashAfterSendActivities) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        assert await _result(handle) == "completed"

    keys = [f"enr{enrollment.id}:ask:1", f"enr{enrollment.id}:remind:1"]
    assert CrashAfterSendActivities.crashes[-2:] == keys  # each send's first attempt died after delivering
    assert [m.idempotency_key for m in sender.delivered] == keys
    assert _messages(pg_session, enrollment.id) == [("ask", "review_request", "sms", "sent", keys[0]),
                                                    ("remind", "review_reminder", "sms", "sent", keys[1])]


async def test_two_concurrent_send_activities_with_one_key_on_postgres_deliver_once(
        time_skipping_env, pg_session, pg_session_factory):
    enrollment = await _completed_visit(time_skipping_env, pg_session)
    now = await time_skipping_env.get_current_time()
    sender = RecordingSender()
    activities = JourneyActivities(pg_session_factory, {"sms": sender})
    request = SendRequest(enrollment.id, "ask", 1, "preferred", "review_request", "", "review", "patient", 0,
                          now.isoformat())

    outcomes = await asyncio.gather(*(ActivityEnvironment().run(activities.send_step, request) for _ in range(2)),
                                    return_exceptions=True)
    retried = await ActivityEnvironment().run(activities.send_step, request)  # what Temporal's retry would do

    # The loser either reads the winner's stored result or asks to be retried: its claim met the winner's row in
    # flight (TransientSendError) or its step log met the winner's (add_missing's RuntimeError).
    assert all(isinstance(o, (TransientSendError, RuntimeError)) for o in outcomes if isinstance(o, BaseException))
    sent_ids = {o.message_id for o in outcomes if not isinstance(o, BaseException)} | {retried.message_id}
    assert retried.verdict == "sent"
    assert len(sent_ids) == 1
    assert len(sender.delivered) == 1
    assert _messages(pg_session, enrollment.id) == [("ask", "review_request", "sms", "sent",
                                                     f"enr{enrollment.id}:ask:1")]

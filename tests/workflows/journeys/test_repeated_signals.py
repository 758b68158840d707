"""The dispatcher may signal twice when it crashes between signalling and marking the event dispatched: a run
ignores a repeated reply (same message id) and a repeated event (same kind, entity and event id), on the
time-skipping server."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session
from temporalio.api.enums.v1 import EventType

from models.tables import Appointment, Enrollment
from tests.factories import make_appointment, make_journey, make_patient, make_practice
from tests.workflows.journeys.helpers import RecordingSender, enrol, journey_worker, midday_zone, start_run
from workflows.journeys.payloads import EventSignal, ReplySignal
from workflows.journeys.versions import publish
from workflows.journeys.workflow import JourneyWorkflow
from workflows.templates.seed import seed_templates

TWO_REPLIES = {"trigger": {"event": "appointment.completed"}, "entry": {"reentry": "never"}, "steps": [
    {"id": "ask", "kind": "send", "channel": "email", "template": "review_request", "message_type": "review"},
    {"id": "first", "kind": "wait_for", "for": "reply", "timeout": "P1D", "branches": {"*": "second"},
     "on_timeout": "none"},
    {"id": "second", "kind": "wait_for", "for": "reply", "timeout": "P1D", "branches": {"*": "two"},
     "on_timeout": "one"},
    {"id": "two", "kind": "exit", "reason": "two replies"},
    {"id": "one", "kind": "exit", "reason": "one reply"},
    {"id": "none", "kind": "exit", "reason": "no reply"}]}
REMIND_DAY_BEFORE = {"trigger": {"event": "appointment.booked"}, "entry": {"reentry": "never"}, "steps": [
    {"id": "before", "kind": "wait_until", "anchor": "appointment.start", "offset": "-P1D"},
    {"id": "remind", "kind": "send", "channel": "email", "template": "appointment_reminder",
     "message_type": "reminder"}]}


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


async def _enrolled(env, session, definition: dict, visit_start: datetime, status: str):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    seed_templates(session=session, practice_id=practice.id)
    patient = make_patient(session, practice, preferred_channel="email")
    visit = make_appointment(session, patient, start=visit_start, status=status)
    journey = make_journey(session, practice, key="repeats")
    publish(session=session, journey_id=journey.id, definition=definition)
    session.commit()
    return visit, enrol(session, journey, patient.id, f"appointment:{visit.id}", now)


async def _until(handle, check) -> None:
    """Query the run until its status passes `check` (queries do not move the test server's clock)."""
    for _ in range(200):
        if check(await handle.query(JourneyWorkflow.status)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the run never reached the expected status")


async def _replies(env, session, factory, message_ids: tuple[int, int]) -> str:
    """Reply once while the run waits at `first`, then again (with the second id) once it waits at `second`."""
    now = await env.get_current_time()
    _, enrollment = await _enrolled(env, session, TWO_REPLIES, now - timedelta(hours=1), "completed")
    async with journey_worker(env, factory, {"email": RecordingSender()}) as queue:
        handle = await start_run(env, enrollment, queue)
        await _until(handle, lambda s: s.step_id == "first")
        await handle.signal(JourneyWorkflow.reply_received, ReplySignal(message_ids[0], "other"))
        await _until(handle, lambda s: s.step_id == "second")
        await handle.signal(JourneyWorkflow.reply_received, ReplySignal(message_ids[1], "other"))
        assert await handle.result() == "exited"
    session.expire_all()
    return session.get(Enrollment, enrollment.id).exit_reason


async def test_a_reply_signalled_twice_counts_once(time_skipping_env, session, session_factory):
    assert await _replies(time_skipping_env, session, session_factory, (7, 7)) == "one reply"


async def test_a_second_reply_with_another_message_id_counts(time_skipping_env, session, session_factory):
    assert await _replies(time_skipping_env, session, session_factory, (7, 8)) == "two replies"


def _local_activities(history, activity_type: str) -> int:
    markers = [e.marker_recorded_event_attributes for e in history.events
               if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
               and e.marker_recorded_event_attributes.marker_name == "core_local_activity"]
    return sum(json.loads(m.details["data"].payloads[0].data)["activity_type"] == activity_type for m in markers)


async def _moves(env, session, factory, signals: list[tuple[int | None, bool]]) -> tuple[int, list[datetime]]:
    """For each (event id, really moved): maybe move the visit a day later, signal appointment.moved and wait until
    the run took it in; then cancel. Returns the facts refreshes and the end of the wait before and after each."""
    now = await env.get_current_time()
    visit, enrollment = await _enrolled(env, session, REMIND_DAY_BEFORE, now + timedelta(days=5), "scheduled")
    async with journey_worker(env, factory, {"email": RecordingSender()}) as queue:
        handle = await start_run(env, enrollment, queue)
        await _until(handle, lambda s: s.waiting_until is not None)
        waits = [await _waiting_until(handle)]
        for event_id, really_moved in signals:
            if really_moved:
                _move_a_day_later(factory, visit.id)
            await handle.signal(JourneyWorkflow.event_received, EventSignal("appointment.moved", visit.id, event_id))
            await _until_signal_handled(handle)
            waits.append(await _waiting_until(handle))
        await handle.signal(JourneyWorkflow.cancel, "test over")
        assert await handle.result() == "cancelled"
        history = await handle.fetch_history()
    return _local_activities(history, "journey.load_facts"), waits


def _move_a_day_later(factory, appointment_id: int) -> None:
    with factory() as other:
        row = other.get(Appointment, appointment_id)
        row.start = row.start + timedelta(days=1)
        other.add(row)
        other.commit()


async def _waiting_until(handle) -> datetime:
    return datetime.fromisoformat((await handle.query(JourneyWorkflow.status)).waiting_until)


async def _until_signal_handled(handle) -> None:
    """Wait until a workflow task completed after the last signal in the history (the run has taken it in)."""
    for _ in range(200):
        events = list((await handle.fetch_history()).events)
        last_signal = max(i for i, e in enumerate(events)
                          if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        if any(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for e in events[last_signal:]):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the run never took the signal in")


async def test_an_appointment_move_signalled_twice_refreshes_the_facts_once(
        time_skipping_env, session, session_factory):
    refreshes, waits = await _moves(time_skipping_env, session, session_factory, [(41, True), (41, False)])

    assert refreshes == 1
    assert waits[1:] == [waits[0] + timedelta(days=1)] * 2


async def test_a_move_signalled_twice_without_an_event_id_refreshes_the_facts_once(
        time_skipping_env, session, session_factory):
    refreshes, waits = await _moves(time_skipping_env, session, session_factory, [(None, True), (None, False)])

    assert refreshes == 1
    assert waits[1:] == [waits[0] + timedelta(days=1)] * 2


async def test_a_second_move_of_the_same_appointment_is_a_new_event(time_skipping_env, session, session_factory):
    refreshes, waits = await _moves(time_skipping_env, session, session_factory, [(41, True), (42, True)])

    assert refreshes == 2
    assert waits[1:] == [waits[0] + timedelta(days=1), waits[0] + timedelta(days=2)]

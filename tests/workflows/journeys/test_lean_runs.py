"""Runs started since LEAN_RUNS: one activity per effect, the database steps as local activities, the same rows."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session
from temporalio.api.enums.v1 import EventType

from models.tables import Enrollment
from tests.factories import make_appointment, make_journey, make_patient, make_practice
from tests.workflows.journeys.helpers import RecordingSender, enrol, journey_worker, midday_zone, start_run, step_logs
from workflows.journeys.versions import publish

ONE_SEND = {"trigger": {"event": "appointment.completed"}, "entry": {"reentry": "never"},
            "steps": [{"id": "hello", "kind": "send", "channel": "email", "template": "review_request",
                       "message_type": "review"}]}
BRANCH_THEN_SEND = {"trigger": {"event": "appointment.completed"}, "entry": {"reentry": "never"},
                    "steps": [{"id": "check", "kind": "branch", "if": {"field": "patient.has_email", "op": "eq",
                                                                       "value": True},
                               "then": "hello", "else": "done"},
                              {"id": "hello", "kind": "send", "channel": "email", "template": "review_request",
                               "message_type": "review", "next": "done"},
                              {"id": "done", "kind": "end"}]}


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


async def _run(env, session, factory, definition: dict) -> tuple[Enrollment, object]:
    """Enrol a patient with a completed visit in a journey of `definition` and run it to the end."""
    from workflows.templates.seed import seed_templates

    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    seed_templates(session=session, practice_id=practice.id)
    patient = make_patient(session, practice, preferred_channel="email")
    visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    journey = make_journey(session, practice, key="lean_check")
    publish(session=session, journey_id=journey.id, definition=definition)
    session.commit()
    enrollment = enrol(session, journey, patient.id, f"appointment:{visit.id}", now)
    sender = RecordingSender()
    async with journey_worker(env, factory, {"email": sender, "sms": sender}) as queue:
        handle = await start_run(env, enrollment, queue)
        assert await handle.result() == "completed"
        history = await handle.fetch_history()
    assert len(sender.delivered) == 1
    return enrollment, history


def _scheduled_activities(history) -> list[str]:
    return [e.activity_task_scheduled_event_attributes.activity_type.name for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]


def _local_activities(history) -> list[str]:
    markers = [e.marker_recorded_event_attributes for e in history.events
               if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
               and e.marker_recorded_event_attributes.marker_name == "core_local_activity"]
    return [json.loads(m.details["data"].payloads[0].data)["activity_type"] for m in markers]


def _workflow_tasks(history) -> int:
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for e in history.events)


async def test_a_one_send_run_schedules_only_the_send_and_loads_and_finishes_locally(
        time_skipping_env, session, session_factory):
    enrollment, history = await _run(time_skipping_env, session, session_factory, ONE_SEND)

    assert _scheduled_activities(history) == ["journey.send_step"]
    assert _local_activities(history) == ["journey.load_run_context", "journey.finish_enrollment"]
    assert _workflow_tasks(history) == 2
    session.expire_all()
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason, row.current_step) == ("completed", "journey finished", "hello")
    assert step_logs(session, enrollment.id) == [("hello", "send", "sent")]


async def test_a_decision_before_a_send_is_written_by_the_send_activity_before_the_send_log(
        time_skipping_env, session, session_factory):
    enrollment, history = await _run(time_skipping_env, session, session_factory, BRANCH_THEN_SEND)

    assert _scheduled_activities(history) == ["journey.send_step"]
    assert _local_activities(history) == ["journey.load_run_context", "journey.finish_enrollment"]
    session.expire_all()
    assert session.get(Enrollment, enrollment.id).current_step == "hello"
    assert step_logs(session, enrollment.id) == [("check", "branch", "then"), ("hello", "send", "sent")]

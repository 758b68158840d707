"""The nervous-patient and referral journeys run end to end for realistic patients on the time-skipping server."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models.tables import Appointment, Enrollment, LoyaltyLedger, Message, Referral, Task
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import (
    RecordingSender, enrol, install, journey_worker, midday_zone, start_run, step_logs,
)
from workflows.journeys.payloads import EventSignal
from workflows.journeys.workflow import JourneyWorkflow

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


def _local(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHICAGO).astimezone(timezone.utc)


async def _nervous_booking(env, session):
    """An anxious patient books a filling five days out at 14:00 Chicago time."""
    now = await env.get_current_time()
    practice = make_practice(session, closed_weekdays="", phone="(555) 201-0000")
    patient = make_patient(session, practice, anxious=True, preferred_channel="email")
    visit_day = now.astimezone(CHICAGO).date() + timedelta(days=5)
    appointment = make_appointment(session, patient, start=_local(visit_day, 14), description="Filling")
    journeys = install(session, practice.id)
    enrollment = enrol(session, journeys["nervous_patient_checkin"], patient.id, f"appointment:{appointment.id}",
                       now)
    return patient, appointment, enrollment, visit_day


def _outbound(session, enrollment_id):
    session.expire_all()
    rows = session.exec(select(Message).where(Message.enrollment_id == enrollment_id).order_by(Message.id)).all()
    return [(m.step_id, m.template_key, m.channel, m.status) for m in rows]


async def test_a_nervous_patient_gets_a_call_a_what_to_expect_email_and_a_checkin_after_the_visit(
        time_skipping_env, session, session_factory):
    patient, appointment, enrollment, visit_day = await _nervous_booking(time_skipping_env, session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"email": sender, "sms": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        visit_over = _local(visit_day, 16) - await time_skipping_env.get_current_time()
        await time_skipping_env.sleep(visit_over)
        with session_factory() as other:  # the visit happens; the front desk completes it
            row = other.get(Appointment, appointment.id)
            row.status, row.completed_at = "completed", _local(visit_day, 15)
            other.add(row)
            other.commit()
        assert await handle.result() == "completed"

    task = session.exec(select(Task).where(Task.enrollment_id == enrollment.id)).one()
    date_text = f"{_local(visit_day, 14).astimezone(CHICAGO):%A} {visit_day.day} {visit_day:%B}"
    assert task.title == f"Reassurance call: Maria feels nervous about the visit on {date_text} at 2:00 PM"
    # created when the 10:00 timer fired two days before (plus the milliseconds the workflow took), due 4 hours on
    assert (task.role, task.status, task.due_at.replace(microsecond=0)) == (
        "front_desk", "open", _local(visit_day - timedelta(days=2), 14))
    assert task.idempotency_key == f"enr{enrollment.id}:call:1"
    assert _outbound(session, enrollment.id) == [
        ("what_to_expect", "nervous_patient_what_to_expect", "email", "sent"),
        ("checkin", "post_treatment_checkin", "email", "sent")]
    assert sender.delivered[0].subject == f"What to expect at your visit on {date_text}"
    assert [m.to_address for m in sender.delivered] == ["maria@example.com", "maria@example.com"]
    logs = step_logs(session, enrollment.id)
    assert [entry for entry in logs if entry[2] != "waiting"] == [
        ("call", "task", "created"), ("what_to_expect", "send", "sent"), ("visited", "branch", "then"),
        ("checkin", "send", "sent")]
    assert session.get(Enrollment, enrollment.id).status == "completed"


async def test_a_nervous_patient_who_cancels_leaves_the_journey_before_the_what_to_expect_message(
        time_skipping_env, session, session_factory):
    patient, appointment, enrollment, visit_day = await _nervous_booking(time_skipping_env, session)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"email": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        until_after_call = _local(visit_day - timedelta(days=2), 12) - await time_skipping_env.get_current_time()
        await time_skipping_env.sleep(until_after_call)
        await handle.signal(JourneyWorkflow.event_received, EventSignal("appointment.cancelled", appointment.id))
        assert await handle.result() == "exited"

    session.expire_all()
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason) == ("exited", "appointment was cancelled")
    assert len(session.exec(select(Task).where(Task.enrollment_id == enrollment.id)).all()) == 1
    assert sender.delivered == []
    assert step_logs(session, enrollment.id)[-1] == ("expect_day", "exit", "exited")


async def test_the_referrer_is_thanked_and_awarded_points_when_the_referred_patient_completes_a_first_visit(
        time_skipping_env, session, session_factory):
    now = await time_skipping_env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    referrer = make_patient(session, practice, first_name="Ann", email="ann@example.com", preferred_channel="email")
    newcomer = make_patient(session, practice, first_name="Ben", email="ben@example.com")
    session.add(Referral(practice_id=practice.id, referrer_patient_id=referrer.id, referred_patient_id=newcomer.id))
    visit = make_appointment(session, newcomer, start=now - timedelta(hours=1), status="completed",
                             is_new_patient=True)
    journeys = install(session, practice.id)
    enrollment = enrol(session, journeys["referral_reward"], newcomer.id, f"appointment:{visit.id}", now)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"email": sender, "sms": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        assert await handle.result() == "completed"

    assert [(m.patient_id, m.channel, m.to_address, m.subject) for m in sender.delivered] == [
        (referrer.id, "email", "ann@example.com", "Thank you for the recommendation")]
    assert sender.delivered[0].body.startswith("Hi Ann,")
    ledger = session.exec(select(LoyaltyLedger)).all()
    assert [(e.patient_id, e.points, e.reason, e.idempotency_key) for e in ledger] == [
        (referrer.id, 100, "Referred a new patient", f"enr{enrollment.id}:reward:1")]
    assert step_logs(session, enrollment.id) == [("thank", "send", "sent"), ("reward", "award_points", "awarded")]

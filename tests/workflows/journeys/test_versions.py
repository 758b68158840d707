"""Publishing: immutable versions, enrollments pinned to the version they started on, pause and stop."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.tables import AuditLog, Enrollment, Journey, JourneyVersion, Message
from models.types import utcnow
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import RecordingSender, enrol, install, journey_worker, midday_zone, start_run
from workflows.journeys.definition import DefinitionError
from workflows.journeys.versions import JOURNEY_STOPPED, latest_version, publish, set_journey_status
from workflows.templates.seed import seed_templates


def _quick(template: str) -> dict:
    return {"trigger": {"event": "appointment.completed"},
            "steps": [{"id": "pause", "kind": "wait", "duration": "PT1H"},
                      {"id": "ask", "kind": "send", "template": template, "message_type": "review"},
                      {"id": "done", "kind": "end"}]}


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


def _journey(session, practice) -> Journey:
    seed_templates(session=session, practice_id=practice.id)
    journey = Journey(practice_id=practice.id, key="quick_review", name="Quick review", trigger="", status="active")
    session.add(journey)
    session.flush()
    return journey


def test_publishing_numbers_versions_and_stores_the_canonical_definition(session):
    practice = make_practice(session)
    journey = _journey(session, practice)
    first = publish(session=session, journey_id=journey.id, definition=_quick("review_request"), user_id=None)
    second = publish(session=session, journey_id=journey.id, definition=_quick("review_reminder"))
    assert (first.version, second.version) == (1, 2)
    assert latest_version(session=session, journey_id=journey.id).id == second.id
    assert '"template": "review_reminder"' in second.definition and '"exit_on": ["appointment.cancelled"]' in (
        second.definition)
    assert journey.trigger == "appointment.completed"
    audit = session.exec(select(AuditLog).where(AuditLog.entity == "journey")).all()
    assert [(a.action, a.detail) for a in audit] == [("publish", "version 1"), ("publish", "version 2")]


def test_an_invalid_definition_is_not_published(session):
    practice = make_practice(session)
    journey = _journey(session, practice)
    with pytest.raises(DefinitionError) as caught:
        publish(session=session, journey_id=journey.id, definition=_quick("thank_you_card"))
    assert caught.value.problems == ["step 'ask': unknown template key 'thank_you_card'"]
    assert latest_version(session=session, journey_id=journey.id) is None


def test_a_published_version_cannot_be_changed(session):
    practice = make_practice(session)
    journey = _journey(session, practice)
    version = publish(session=session, journey_id=journey.id, definition=_quick("review_request"))
    version.definition = "{}"
    session.add(version)
    with pytest.raises(ValueError, match="a published journey version cannot be changed"):
        session.flush()


def test_a_journey_cannot_go_live_without_a_published_version(session):
    practice = make_practice(session)
    journey = _journey(session, practice)
    with pytest.raises(ValueError, match="publish a version before activating the journey"):
        set_journey_status(session=session, journey_id=journey.id, status="active")


async def _setup(env, session):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    journey = _journey(session, practice)
    publish(session=session, journey_id=journey.id, definition=_quick("review_request"))
    patient = make_patient(session, practice)
    return now, practice, journey, patient


async def test_running_enrollments_keep_their_version_when_a_new_one_is_published(
        time_skipping_env, session, session_factory):
    now, practice, journey, patient = await _setup(time_skipping_env, session)
    first_visit = make_appointment(session, patient, start=now - timedelta(hours=2), status="completed")
    old = enrol(session, journey, patient.id, f"appointment:{first_visit.id}", now)
    publish(session=session, journey_id=journey.id, definition=_quick("review_reminder"))
    second_visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    new = enrol(session, journey, patient.id, f"appointment:{second_visit.id}", now)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender}) as queue:
        for enrollment in (old, new):
            assert await (await start_run(time_skipping_env, enrollment, queue)).result() == "completed"

    versions = {v.id: v.version for v in session.exec(select(JourneyVersion)).all()}
    assert (versions[old.version_id], versions[new.version_id]) == (1, 2)
    assert [(m.enrollment_id, m.template_key) for m in sender.delivered] == [(old.id, "review_request"),
                                                                            (new.id, "review_reminder")]


async def test_stopping_a_journey_ends_its_running_enrollments_with_the_reason_and_sends_nothing_more(
        time_skipping_env, session, session_factory):
    now, practice, journey, patient = await _setup(time_skipping_env, session)
    visit = make_appointment(session, patient, start=now - timedelta(hours=2), status="completed")
    enrollment = enrol(session, journey, patient.id, f"appointment:{visit.id}", now)
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        await time_skipping_env.sleep(timedelta(minutes=10))
        with session_factory() as other:
            set_journey_status(session=other, journey_id=journey.id, status="stopped")
            other.commit()
        assert await handle.result() == "exited"

    session.expire_all()
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason) == ("exited", JOURNEY_STOPPED)
    assert sender.delivered == [] and session.exec(select(Message)).all() == []


async def test_pausing_a_journey_lets_running_enrollments_finish(time_skipping_env, session, session_factory):
    now, practice, journey, patient = await _setup(time_skipping_env, session)
    visit = make_appointment(session, patient, start=now - timedelta(hours=2), status="completed")
    enrollment = enrol(session, journey, patient.id, f"appointment:{visit.id}", now)
    set_journey_status(session=session, journey_id=journey.id, status="paused")
    session.commit()
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender}) as queue:
        assert await (await start_run(time_skipping_env, enrollment, queue)).result() == "completed"
    assert [m.template_key for m in sender.delivered] == ["review_request"]


def test_installing_the_builtin_journeys_twice_changes_nothing(session):
    practice = make_practice(session)
    first = install(session, practice.id)
    again = install(session, practice.id)
    assert {k: j.id for k, j in first.items()} == {k: j.id for k, j in again.items()}
    assert sorted(first) == ["nervous_patient_checkin", "referral_reward", "review_request"]
    assert len(session.exec(select(JourneyVersion)).all()) == 3
    assert {j.status for j in first.values()} == {"active"}


def test_stopping_with_a_reason_records_it_on_each_running_enrollment(session):
    practice = make_practice(session)
    journey = _journey(session, practice)
    publish(session=session, journey_id=journey.id, definition=_quick("review_request"))
    patient = make_patient(session, practice)
    enrollment = enrol(session, journey, patient.id, "appointment:1", utcnow())
    set_journey_status(session=session, journey_id=journey.id, status="stopped", reason="  wrong template  ")
    session.commit()
    row = session.get(Enrollment, enrollment.id)
    assert (row.status, row.exit_reason) == ("exited", f"{JOURNEY_STOPPED}: wrong template")

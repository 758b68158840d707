"""The appointment book's actions end to end (real database, real Temporal dev server): the toast says which
journeys a completion started or why none did; refusals read in staff words; risky actions are confirmed first."""
from __future__ import annotations

import socket
import uuid
from datetime import datetime, timedelta, timezone
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models.db import session_scope
from models.settings import Settings
from models.tables import Appointment, DomainEvent, Journey
from models.types import utcnow
from portal.friendly_errors import staff_message
from portal.visit_actions import completed_toast, confirm_question, needs_asking, run_visit_action
from tests.factories import make_appointment, make_patient, make_practice, make_staff_user
from workflows.follow_ups import FollowUps
from workflows.journeys.builtin import install_builtin_journeys

CHICAGO = ZoneInfo("America/Chicago")
REVIEW = "Review request after a visit"


@pytest.fixture
def desk(engine):
    """A practice with the built-in journeys, a front desk user and a patient with a visit an hour ago."""
    with Session(engine, expire_on_commit=False) as session:
        practice = make_practice(session)
        install_builtin_journeys(session=session, practice_id=practice.id)
        user = make_staff_user(session, practice)
        patient = make_patient(session, practice)
        visit = make_appointment(session, patient, start=utcnow() - timedelta(hours=1))
        session.commit()
        return practice, user, patient, visit


@pytest.fixture
def temporal(dev_server_env, tmp_path):
    return Settings(temporal_address=dev_server_env.client.service_client.config.target_host, var_dir=tmp_path,
                    task_queue=f"visits-{uuid.uuid4().hex[:8]}")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(engine, settings, action, visit, user):  # noqa: ANN001, ANN202
    return run_visit_action(action, visit.id, user, settings=settings, session_factory=partial(session_scope, engine))


def _set_review_status(engine, status: str) -> None:
    with Session(engine) as session:
        journey = session.exec(select(Journey).where(Journey.key == "review_request")).one()
        journey.status = status
        session.add(journey)
        session.commit()


async def test_completing_names_the_journey_it_started(engine, desk, temporal):
    _, user, _, visit = desk

    outcome = await _run(engine, temporal, "complete", visit, user)

    assert (outcome.error, outcome.dispatched) == (None, True)
    assert completed_toast(outcome.follow_ups) == f"Completed. Started: {REVIEW}."


async def test_completing_while_the_review_journey_is_paused_says_nothing_started_and_why(engine, desk, temporal):
    _, user, _, visit = desk
    _set_review_status(engine, "paused")

    outcome = await _run(engine, temporal, "complete", visit, user)

    assert completed_toast(outcome.follow_ups) == f"Completed. No journey started ({REVIEW} is paused)."


async def test_completing_a_second_visit_soon_after_gives_the_entry_rules_reason(engine, desk, temporal):
    practice, user, patient, visit = desk
    await _run(engine, temporal, "complete", visit, user)
    with Session(engine, expire_on_commit=False) as session:
        second = make_appointment(session, patient, start=utcnow() - timedelta(minutes=30))
        session.commit()

    outcome = await _run(engine, temporal, "complete", second, user)

    # The referral thank-you is not for this patient (not referred): that is not news, so it is not mentioned.
    assert completed_toast(outcome.follow_ups) == f"Completed. No journey started ({REVIEW}: already in this journey)."


async def test_completing_while_temporal_is_down_says_journeys_start_when_the_worker_is_up(engine, desk, tmp_path):
    _, user, _, visit = desk
    down = Settings(temporal_address=f"localhost:{_closed_port()}", var_dir=tmp_path)

    outcome = await _run(engine, down, "complete", visit, user)

    assert outcome.dispatched is False
    assert completed_toast(outcome.follow_ups) == "Completed. Follow-up journeys start when the worker is up."


async def test_no_show_and_cancel_change_the_visit_and_dispatch_their_events(engine, desk, temporal):
    _, user, patient, visit = desk
    with Session(engine, expire_on_commit=False) as session:
        later = make_appointment(session, patient, start=utcnow() + timedelta(days=2))
        session.commit()

    no_show = await _run(engine, temporal, "no_show", visit, user)
    cancelled = await _run(engine, temporal, "cancel", later, user)

    assert (no_show.error, no_show.dispatched, cancelled.error, cancelled.dispatched) == (None, True, None, True)
    with Session(engine) as session:
        assert [session.get(Appointment, a.id).status for a in (visit, later)] == ["no_show", "cancelled"]
        assert [(e.kind, e.dispatched_at is not None) for e in session.exec(
            select(DomainEvent).order_by(DomainEvent.id))] == [("appointment.no_show", True),
                                                               ("appointment.cancelled", True)]


async def test_refusals_keep_the_models_message_and_read_in_staff_words(engine, desk, temporal):
    practice, user, patient, visit = desk
    with Session(engine, expire_on_commit=False) as session:
        tomorrow = make_appointment(session, patient, start=utcnow() + timedelta(days=1, hours=1))
        soon = make_appointment(session, patient, start=utcnow() + timedelta(minutes=5))
        session.commit()
    await _run(engine, temporal, "cancel", visit, user)

    refusals = [await _run(engine, temporal, action, appointment, user) for action, appointment in
                (("complete", tomorrow), ("no_show", soon), ("complete", visit), ("no_show", visit))]

    assert [str(r.error) for r in refusals] == [
        f"cannot complete appointment {tomorrow.id}: it is on a later day",
        f"cannot mark appointment {soon.id} as a no-show: it has not started yet",
        f"cannot complete appointment {visit.id}: it is already cancelled",
        f"cannot mark as no-show appointment {visit.id}: it is already cancelled"]
    assert [staff_message(r.error) for r in refusals] == [
        "This visit is on a later day; it can't be completed yet.",
        "This visit has not started yet; it can't be marked as a no-show.",
        "This visit is already cancelled.", "This visit is already cancelled."]


async def test_a_visit_of_another_practice_is_not_touched(engine, desk, temporal):
    _, user, _, _ = desk
    with Session(engine, expire_on_commit=False) as session:
        other = make_appointment(session, make_patient(session, make_practice(session, name="Other Dental")),
                                 start=utcnow() - timedelta(hours=1))
        session.commit()

    outcome = await _run(engine, temporal, "complete", other, user)

    assert staff_message(outcome.error) == "This visit is no longer in the book. Reload the page."
    with Session(engine) as session:
        assert session.get(Appointment, other.id).status == "scheduled"


def test_staff_confirm_a_cancel_a_no_show_and_completing_a_visit_that_starts_later_today():
    now = datetime(2026, 12, 2, 19, 0, tzinfo=timezone.utc)  # 1:00 PM in Chicago
    at_3_30 = Appointment(practice_id=1, patient_id=1, start=datetime(2026, 12, 2, 21, 30, tzinfo=timezone.utc))
    at_noon = Appointment(practice_id=1, patient_id=1, start=datetime(2026, 12, 2, 18, 0, tzinfo=timezone.utc))
    tomorrow = Appointment(practice_id=1, patient_id=1, start=datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc))

    asks = [needs_asking("complete", visit, CHICAGO, now) for visit in (at_3_30, at_noon, tomorrow)]

    assert asks == [True, False, False]  # tomorrow's visit is refused by the model, not asked about
    assert confirm_question("complete", at_3_30, CHICAGO) == "This visit starts at 3:30 PM. Mark it completed now?"
    assert [needs_asking(action, at_noon, CHICAGO, now) for action in ("no_show", "cancel")] == [True, True]
    assert [needs_asking(action, at_3_30, CHICAGO, now) for action in ("no_show", "cancel")] == [False, True]
    assert confirm_question("cancel", at_3_30, CHICAGO) == "Cancel the 3:30 PM visit? Reminders about it stop."


def test_the_completion_toast_says_what_started_what_did_not_and_what_waits():
    paused = f"{REVIEW} is paused"

    assert [completed_toast(found) for found in (
        FollowUps(started=("A", "B")), FollowUps(started=("A",), not_started=(paused,)),
        FollowUps(not_started=(paused, "C: already in this journey")), FollowUps(pending=True, not_started=(paused,)),
        FollowUps())] == [
        "Completed. Started: A, B.",
        f"Completed. Started: A. Not started: {paused}.",
        f"Completed. No journey started ({paused}; C: already in this journey).",
        f"Completed. Follow-up journeys start when the worker is up. Not started: {paused}.",
        "Completed. No journey started for this visit."]

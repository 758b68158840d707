"""The journey pages' run and stop controls, called as their handlers call them: refusals change nothing, and with
the real dev server and a journey worker a skip and a stop reach the workflows and are audited."""
from __future__ import annotations

import asyncio
import base64
import os
import socket
import uuid
from functools import partial

import pytest
from sqlmodel import Session, select

from models.db import session_scope
from models.settings import Settings
from models.tables import AuditLog, Enrollment, Journey, JourneyStepLog, Practice
from portal.journey_actions import (
    ALREADY_FINISHED, NO_SUCH_RUN, NOT_ALLOWED, TEMPORAL_DOWN, Outcome, control_run, running_count, skip_choices,
    stop_journey_now,
)
from portal.temporal_link import live_steps
from tests.factories import make_enrollment, make_patient, make_practice, make_staff_user
from workflows.channels.registry import build_senders
from workflows.enrol import enrol_segment
from workflows.journeys.entry import workflow_id_for
from workflows.journeys.versions import JOURNEY_STOPPED, publish
from workflows.temporal_client import connect
from workflows.templates.seed import seed_templates
from workflows.worker import build_worker

QUICK = {"trigger": {"event": "appointment.completed"},
         "steps": [{"id": "after_visit", "kind": "wait", "duration": "PT1H"},
                   {"id": "ask", "kind": "send", "template": "review_request", "message_type": "review"},
                   {"id": "done", "kind": "end"}]}


def _closed_port_settings(tmp_path) -> Settings:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Settings(temporal_address=f"127.0.0.1:{port}", var_dir=tmp_path)


@pytest.fixture
def world(engine):
    """A practice with an active quick journey, a coordinator, a front desk user and one run in each given state."""
    with Session(engine, expire_on_commit=False) as session:
        practice = make_practice(session)
        seed_templates(session=session, practice_id=practice.id)
        journey = Journey(practice_id=practice.id, key="quick", name="Quick", trigger="appointment.completed",
                          status="active")
        session.add(journey)
        session.flush()
        publish(session=session, journey_id=journey.id, definition=QUICK)
        coordinator = make_staff_user(session, practice, email="coord@example.com", role="coordinator")
        desk = make_staff_user(session, practice, email="desk@example.com", role="front_desk")
        running = make_enrollment(session, journey, make_patient(session, practice), trigger_ref="campaign:a",
                                  current_step="after_visit")
        done = make_enrollment(session, journey, make_patient(session, practice), trigger_ref="campaign:b",
                               status="completed")
        session.commit()
    return {"journey": journey, "coordinator": coordinator, "desk": desk, "running": running, "done": done,
            "db": partial(session_scope, engine)}


def _unchanged(engine, world) -> tuple:  # noqa: ANN001
    """(journey status, the running run's status, audit rows about runs or journey changes)."""
    with Session(engine) as session:
        audit = session.exec(select(AuditLog.detail).where(AuditLog.entity.in_(["enrollment", "journey"]),
                                                           AuditLog.action == "change")).all()
        return (session.get(Journey, world["journey"].id).status,
                session.get(Enrollment, world["running"].id).status, list(audit))


async def test_front_desk_can_neither_control_runs_nor_stop_a_journey(engine, world, tmp_path):
    desk, wid, db = world["desk"], world["running"].workflow_id, world["db"]
    settings = _closed_port_settings(tmp_path)
    for action, extra in [("pause", {}), ("resume", {}), ("cancel", {"reason": "no"}),
                          ("skip", {"step_id": "done"})]:
        outcome = await control_run(user=desk, workflow_id=wid, action=action, settings=settings,
                                    session_factory=db, **extra)
        assert outcome == Outcome(False, NOT_ALLOWED)
    assert skip_choices(user=desk, workflow_id=wid, session_factory=db) == Outcome(False, NOT_ALLOWED)
    assert running_count(user=desk, journey_id=world["journey"].id, session_factory=db) == Outcome(False, NOT_ALLOWED)
    assert await stop_journey_now(user=desk, journey_id=world["journey"].id, reason="no", settings=settings,
                                  session_factory=db) == Outcome(False, NOT_ALLOWED)
    assert _unchanged(engine, world) == ("active", "running", [])


async def test_unreachable_temporal_changes_nothing_for_a_run_or_a_stop(engine, world, tmp_path):
    coordinator, db = world["coordinator"], world["db"]
    settings = _closed_port_settings(tmp_path)

    paused = await control_run(user=coordinator, workflow_id=world["running"].workflow_id, action="pause",
                               settings=settings, session_factory=db)
    stopped = await stop_journey_now(user=coordinator, journey_id=world["journey"].id, reason="wrong template",
                                     settings=settings, session_factory=db)

    assert (paused, stopped) == (Outcome(False, TEMPORAL_DOWN), Outcome(False, TEMPORAL_DOWN))
    assert TEMPORAL_DOWN == "Temporal is not reachable; nothing was changed."
    assert _unchanged(engine, world) == ("active", "running", [])


async def test_requests_are_checked_before_temporal_is_asked(engine, world, tmp_path):
    coordinator, db, wid = world["coordinator"], world["db"], world["running"].workflow_id
    ask = partial(control_run, user=coordinator, settings=_closed_port_settings(tmp_path), session_factory=db)

    assert await ask(workflow_id=wid, action="cancel", reason="  ") == Outcome(
        False, "Give a reason for cancelling the run.")
    assert await ask(workflow_id=wid, action="skip", step_id="dnoe") == Outcome(
        False, "Version 1 of this run has no step 'dnoe' (steps: after_visit, ask, done).")
    assert await ask(workflow_id=world["done"].workflow_id, action="pause") == Outcome(False, ALREADY_FINISHED)
    assert await ask(workflow_id="quick-p999-tcampaign:x", action="pause") == Outcome(False, NO_SUCH_RUN)
    assert await stop_journey_now(user=coordinator, journey_id=world["journey"].id, reason=" ",
                                  session_factory=db) == Outcome(False, "Give a reason for stopping the journey.")
    assert skip_choices(user=coordinator, workflow_id=wid, session_factory=db) == ["after_visit", "ask", "done"]
    assert running_count(user=coordinator, journey_id=world["journey"].id, session_factory=db) == 1
    assert _unchanged(engine, world) == ("active", "running", [])


async def test_stopping_a_journey_with_no_running_run_needs_no_temporal(engine, world, tmp_path):
    with Session(engine) as session:
        session.get(Enrollment, world["running"].id).status = "completed"
        session.commit()

    outcome = await stop_journey_now(user=world["coordinator"], journey_id=world["journey"].id,
                                     reason="season over", settings=_closed_port_settings(tmp_path),
                                     session_factory=world["db"])

    assert outcome == Outcome(True, "Journey stopped: no run was running.")
    assert _unchanged(engine, world) == ("stopped", "completed", ["status stopped", "stop from the portal: season over"])
    assert await stop_journey_now(user=world["coordinator"], journey_id=world["journey"].id, reason="again",
                                  session_factory=world["db"]) == Outcome(False, "This journey is already stopped.")


async def test_a_run_from_another_practice_is_not_found(engine, world, tmp_path):
    with Session(engine, expire_on_commit=False) as session:
        other = make_staff_user(session, make_practice(session, name="Other Dental"), email="o@example.com",
                                role="admin")
        session.commit()
    outcome = await control_run(user=other, workflow_id=world["running"].workflow_id, action="pause",
                                settings=_closed_port_settings(tmp_path), session_factory=world["db"])
    assert outcome == Outcome(False, NO_SUCH_RUN)


@pytest.fixture
async def live(engine, world, dev_server_env, tmp_path):
    """Settings on the dev server (fresh codec key and task queue) and a real journey worker."""
    settings = Settings(temporal_address=dev_server_env.client.service_client.config.target_host, var_dir=tmp_path,
                        codec_key=base64.b64encode(os.urandom(32)).decode(),
                        task_queue=f"portal-controls-{uuid.uuid4().hex[:8]}")
    client = await connect(settings)
    async with build_worker(client, session_factory=lambda: Session(engine, expire_on_commit=False),
                            senders=build_senders(settings), task_queue=settings.task_queue):
        yield settings, client


async def _sleeping(workflow_ids: list[str], settings: Settings) -> None:
    """Until every run answers from its first wait (a signal before that would race the run's start)."""
    def asleep(status) -> bool:  # noqa: ANN001
        return status is not None and status.step_id == "after_visit" and bool(status.waiting_until)

    for _ in range(100):
        steps = await live_steps(workflow_ids, settings=settings) or {}
        if all(asleep(steps.get(wid)) for wid in workflow_ids):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"runs never reached their first wait: {steps}")


async def test_a_skip_and_a_stop_reach_the_workflows_and_are_audited(engine, world, live):
    settings, client = live
    coordinator, journey, db = world["coordinator"], world["journey"], world["db"]
    with Session(engine) as session:
        practice = session.exec(select(Practice)).one()
        patients = [make_patient(session, practice).id for _ in range(2)]
        session.commit()
    report = await enrol_segment(client=client, session_factory=db, journey_id=journey.id, patient_ids=patients,
                                 trigger_ref="campaign:live", task_queue=settings.task_queue)
    assert report.enrolled == 2
    skipped, stopped = (workflow_id_for("quick", p, "campaign:live") for p in patients)
    await _sleeping([skipped, stopped], settings)

    moved = await control_run(user=coordinator, workflow_id=skipped, action="skip", step_id="done",
                              settings=settings, session_factory=db)
    assert moved == Outcome(True, "Run moved to step 'done'.")
    assert await client.get_workflow_handle(skipped).result() == "completed"
    # The factory-made run has no workflow: Temporal says it is gone, so the page says it has finished.
    assert await control_run(user=coordinator, workflow_id=world["running"].workflow_id, action="pause",
                             settings=settings, session_factory=db) == Outcome(False, ALREADY_FINISHED)

    outcome = await stop_journey_now(user=coordinator, journey_id=journey.id, reason="wrong template",
                                     settings=settings, session_factory=db)

    assert outcome == Outcome(True, "Journey stopped: 2 running runs ended.")
    assert await client.get_workflow_handle(stopped).result() == "cancelled"
    with Session(engine) as session:
        rows = {e.workflow_id: (e.status, e.exit_reason) for e in session.exec(select(Enrollment)).all()}
        audit = session.exec(select(AuditLog.user_id, AuditLog.entity, AuditLog.detail)
                             .where(AuditLog.action == "change").order_by(AuditLog.id)).all()
        control = session.exec(select(JourneyStepLog.outcome, JourneyStepLog.detail)
                               .where(JourneyStepLog.kind == "control").order_by(JourneyStepLog.id)).all()
    assert rows[skipped][0] == "completed"
    assert rows[stopped] == ("exited", f"{JOURNEY_STOPPED}: wrong template")
    assert rows[world["running"].workflow_id] == ("exited", f"{JOURNEY_STOPPED}: wrong template")
    assert [tuple(a) for a in audit] == [
        (coordinator.id, "enrollment", "run skip from the portal to step 'done'"),
        (coordinator.id, "journey", "status stopped, 2 running enrollments exited"),
        (coordinator.id, "journey", "stop from the portal: wrong template")]
    assert [tuple(c) for c in control] == [("skipped_to", "done"), ("cancelled", "wrong template")]

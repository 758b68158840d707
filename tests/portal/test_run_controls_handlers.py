"""The Reflex handlers behind the run and stop controls check the role themselves: a front desk login that sends
the events anyway (the page never shows it the buttons) is refused and nothing changes."""
from __future__ import annotations

import re
import socket

import pytest
import reflex as rx
from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401
from models.auth import open_session
from models.db import get_engine, session_scope
from models.settings import get_settings
from models.tables import AuditLog, Enrollment, Journey, StaffUser
from portal.journey_actions import NOT_ALLOWED, TEMPORAL_DOWN
from portal.state.run_controls import RunControlsState
from tests.factories import make_enrollment, make_patient, make_practice, make_staff_user
from workflows.journeys.versions import publish
from workflows.templates.seed import seed_templates

QUICK = {"trigger": {"event": "appointment.completed"},
         "steps": [{"id": "after_visit", "kind": "wait", "duration": "PT1H"}, {"id": "done", "kind": "end"}]}
TOAST = re.compile(r'\["(success|error)"\]\("([^"]*)"\)')


@pytest.fixture
def portal_db(tmp_path, monkeypatch):
    """The portal's own engine and settings on a fresh SQLite file, with Temporal "down"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'portal.db'}")
    monkeypatch.setenv("PRM_TEMPORAL_ADDRESS", f"127.0.0.1:{port}")
    monkeypatch.setenv("PRM_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    SQLModel.metadata.create_all(get_engine())
    yield get_engine()
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def run(portal_db):
    """An active journey with one running run: (journey id, workflow id)."""
    with session_scope() as session:
        practice = make_practice(session)
        seed_templates(session=session, practice_id=practice.id)
        journey = Journey(practice_id=practice.id, key="quick", name="Quick", trigger="appointment.completed",
                          status="active")
        session.add(journey)
        session.flush()
        publish(session=session, journey_id=journey.id, definition=QUICK)
        make_staff_user(session, practice, email="desk@example.com", role="front_desk")
        make_staff_user(session, practice, email="coord@example.com", role="coordinator")
        enrollment = make_enrollment(session, journey, make_patient(session, practice), trigger_ref="campaign:a")
        return journey.id, enrollment.workflow_id


def _state_of(email: str) -> RunControlsState:
    """The controls' state as Reflex builds it for a browser tab signed in as this user."""
    with session_scope() as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == email)).one()
        token = open_session(session=session, user=user, hours=1)
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(RunControlsState.get_full_name().split(".")[1:])
    state.auth_token = token
    return state


async def _toasts(state: RunControlsState, handler: str, *args) -> list[str]:
    """Run one event handler as Reflex would and return the toasts it sends."""
    fn = RunControlsState.event_handlers[handler].fn
    result = fn(state, *args)
    if hasattr(result, "__aiter__"):
        events = [event async for event in result]
    else:
        events = [result]
    flat = [e for item in events for e in (item if isinstance(item, list) else [item]) if e is not None]
    return [m.group(2) for e in flat for m in [TOAST.search(str(getattr(e, "args", "")))] if m]


def _changed(journey_id: int) -> tuple:
    with session_scope() as session:
        run_status = session.exec(select(Enrollment.status)).one()
        audit = session.exec(select(AuditLog.detail).where(AuditLog.entity.in_(["enrollment", "journey"]),
                                                           AuditLog.action == "change")).all()
        return session.get(Journey, journey_id).status, run_status, list(audit)


async def test_front_desk_events_are_refused_by_the_handlers(run):
    journey_id, workflow_id = run
    state = _state_of("desk@example.com")
    # What an open dialog would hold; each attempt closes the dialogs, so it is set again before each confirm.
    dialogs = {"confirm_cancel": {"cancel_id": workflow_id, "cancel_reason": "patient asked"},
               "confirm_skip": {"skip_id": workflow_id, "skip_step": "done"},
               "confirm_stop": {"stop_id": str(journey_id), "stop_reason": "wrong template"}}
    refusals = [await _toasts(state, "pause_run", workflow_id), await _toasts(state, "resume_run", workflow_id),
                await _toasts(state, "open_skip", workflow_id), await _toasts(state, "open_stop", journey_id, "Quick")]
    for handler, fields in dialogs.items():
        for name, value in fields.items():
            setattr(state, name, value)
        refusals.append(await _toasts(state, handler))

    assert refusals == [[NOT_ALLOWED]] * 7
    assert (state.skip_steps, state.stop_summary) == ([], "")
    assert _changed(journey_id) == ("active", "running", [])


async def test_a_coordinator_is_told_temporal_is_down_and_nothing_changes(run):
    journey_id, workflow_id = run
    state = _state_of("coord@example.com")

    assert await _toasts(state, "open_stop", journey_id, "Quick") == []
    assert state.stop_summary == "1 running run will end; nobody new enters the journey. This cannot be undone."
    state.stop_reason = "wrong template"
    assert await _toasts(state, "confirm_stop") == [TEMPORAL_DOWN]
    assert await _toasts(state, "pause_run", workflow_id) == [TEMPORAL_DOWN]
    assert (state.busy, state.stop_id) == (False, "")
    assert _changed(journey_id) == ("active", "running", [])

"""The task inbox: a role's open tasks, overdue first, due on the practice clock, with the step's outcomes to pick."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from models.queries.tasks import open_tasks
from models.tables import Task
from portal.state.tasks import _may_close, outcome_label
from tests.factories import (make_enrollment, make_journey, make_patient, make_practice, make_staff_user,
                             make_step_log, make_task)
from workflows.journeys.task_outcomes import outcome_choices
from workflows.journeys.versions import publish

NOW = datetime(2026, 12, 2, 18, 0, tzinfo=timezone.utc)  # Wed 2 Dec, 12:00 PM in Chicago
CALL = {"trigger": {"event": "appointment.booked"},
        "steps": [{"id": "call", "kind": "task", "role": "front_desk", "title": "Call", "timeout": "P2D",
                   "branches": {"reached": "end", "no_answer": "end", "left_voicemail": "end"}},
                  {"id": "note", "kind": "task", "role": "front_desk", "title": "Note it"},
                  {"id": "end", "kind": "end"}]}


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def desk(session):
    """Front desk and coordinator tasks of one practice, some closed, one of another practice."""
    practice = make_practice(session)
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    user = make_staff_user(session, practice)
    journey = make_journey(session, practice, name="Nervous patient care")
    run = make_enrollment(session, journey, maria, trigger_ref="appointment:1")
    tasks = {
        "later": make_task(session, maria, title="Later call", due_at=_at(3, 15)),
        "overdue": make_task(session, maria, title="Late call", due_at=_at(1, 15), enrollment_id=run.id),
        "no_due": make_task(session, maria, title="Whenever", due_at=None),
        "soon": make_task(session, maria, title="Soon call", due_at=_at(2, 19)),
        "mine": make_task(session, maria, title="Assigned to me", role="", assignee_id=user.id, due_at=_at(4, 15)),
        "coordinator": make_task(session, maria, title="Plan review", role="coordinator", due_at=_at(2, 20)),
        "done": make_task(session, maria, title="Closed", status="done", due_at=_at(1, 10)),
    }
    elsewhere = make_practice(session, name="Other Dental")
    make_task(session, make_patient(session, elsewhere), title="Not ours", due_at=_at(1, 9))
    return practice, user, tasks


def test_front_desk_sees_its_role_and_its_own_open_tasks_overdue_first_then_by_due_time(session, desk):
    practice, user, _ = desk

    inbox = open_tasks(session=session, practice_id=practice.id, role="front_desk", user_id=user.id, now=NOW)

    assert [(t.title, t.due, t.overdue, t.journey_name, t.patient_name) for t in inbox] == [
        ("Late call", "Tue 1 Dec, 9:00 AM", True, "Nervous patient care", "Maria Lopez"),
        ("Soon call", "Wed 2 Dec, 1:00 PM", False, "", "Maria Lopez"),
        ("Later call", "Thu 3 Dec, 9:00 AM", False, "", "Maria Lopez"),
        ("Assigned to me", "Fri 4 Dec, 9:00 AM", False, "", "Maria Lopez"),
        ("Whenever", "", False, "", "Maria Lopez"),
    ]


def test_managers_see_every_open_task_of_their_practice(session, desk):
    practice, _, _ = desk

    inbox = open_tasks(session=session, practice_id=practice.id, role=None, now=NOW)

    assert [t.title for t in inbox] == ["Late call", "Soon call", "Plan review", "Later call", "Assigned to me",
                                        "Whenever"]


def test_a_due_time_in_another_year_shows_the_year(session, desk):
    practice, _, tasks = desk
    tasks["later"].due_at = datetime(2027, 1, 4, 15, 0, tzinfo=timezone.utc)
    session.add(tasks["later"])

    inbox = open_tasks(session=session, practice_id=practice.id, role="front_desk", user_id=None, now=NOW)

    assert [t.due for t in inbox if t.title == "Later call"] == ["Mon 4 Jan 2027, 9:00 AM"]


def test_outcomes_come_from_the_step_that_created_the_task(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    journey = make_journey(session, practice, key="calls")
    publish(session=session, journey_id=journey.id, definition=CALL)
    run = make_enrollment(session, journey, patient, trigger_ref="appointment:1")
    tasks = []
    for step_id in ("call", "note"):
        key = f"enr{run.id}:{step_id}:1"
        make_step_log(session, run, step_id, kind="task", outcome="created", dedupe_key=key)
        tasks.append(make_task(session, patient, enrollment_id=run.id, idempotency_key=key))
    loose = make_task(session, patient)

    choices = outcome_choices(session=session, task_ids=[t.id for t in (*tasks, loose)])

    # A published definition is stored as canonical JSON (sorted keys): the outcomes come alphabetically.
    assert choices == {tasks[0].id: ["left_voicemail", "no_answer", "reached"], tasks[1].id: ["done"],
                       loose.id: ["done"]}
    assert [outcome_label(code) for code in choices[tasks[0].id]] == ["Left voicemail", "No answer", "Reached"]


def test_staff_may_close_only_tasks_their_inbox_shows(session, desk):
    practice, user, tasks = desk
    manager = make_staff_user(session, practice, email="boss@example.com", role="manager")
    foreign = session.get(Task, tasks["soon"].id).model_copy(update={"practice_id": practice.id + 1})

    assert [_may_close(user, tasks[name]) for name in ("soon", "mine", "coordinator")] == [True, True, False]
    assert (_may_close(manager, tasks["coordinator"]), _may_close(user, foreign), _may_close(user, None)) == (
        True, False, False)

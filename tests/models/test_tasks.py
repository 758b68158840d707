"""Closing a staff task: done with an outcome tells the journey (task.completed), cancelling only closes it."""
from datetime import datetime, timezone

import pytest

from models.tables import Task
from models.tasks import cancel_task, complete_task
from tests.factories import make_patient, make_practice, make_staff_user, make_task
from tests.models.recorded import audit, events

NOW = datetime(2026, 12, 2, 17, 30, tzinfo=timezone.utc)


@pytest.fixture
def open_task(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    user = make_staff_user(session, practice)
    return make_task(session, patient), user


def test_completing_records_the_outcome_an_audit_row_and_a_task_completed_event(session, open_task):
    task, user = open_task

    complete_task(session=session, task_id=task.id, outcome="no_answer", user_id=user.id, now=NOW)

    stored = session.get(Task, task.id)
    assert (stored.status, stored.outcome, stored.completed_at) == ("done", "no_answer", NOW)
    assert events(session) == [("task.completed", task.patient_id, task.id,
                                {"task_id": task.id, "outcome": "no_answer"})]
    assert audit(session) == [("change", "task", str(task.id), "done: no_answer", user.id)]


def test_cancelling_closes_the_task_with_an_audit_row_and_no_event(session, open_task):
    task, user = open_task

    cancel_task(session=session, task_id=task.id, user_id=user.id, now=NOW)

    stored = session.get(Task, task.id)
    assert (stored.status, stored.outcome, stored.completed_at) == ("cancelled", "", NOW)
    assert events(session) == []
    assert audit(session) == [("change", "task", str(task.id), "cancelled", user.id)]


def test_a_closed_task_cannot_be_closed_again(session, open_task):
    task, user = open_task
    complete_task(session=session, task_id=task.id, outcome="done", user_id=user.id)

    with pytest.raises(ValueError, match=f"^cannot complete task {task.id}: it is already done$"):
        complete_task(session=session, task_id=task.id, outcome="done", user_id=user.id)
    with pytest.raises(ValueError, match=f"^cannot cancel task {task.id}: it is already done$"):
        cancel_task(session=session, task_id=task.id, user_id=user.id)
    assert len(events(session)) == 1


def test_an_empty_outcome_or_a_missing_task_is_refused(session, open_task):
    task, user = open_task

    with pytest.raises(ValueError, match="^outcome must not be empty$"):
        complete_task(session=session, task_id=task.id, outcome="  ", user_id=user.id)
    with pytest.raises(ValueError, match="^task 999 does not exist$"):
        complete_task(session=session, task_id=999, outcome="done", user_id=user.id)
    assert (session.get(Task, task.id).status, events(session), audit(session)) == ("open", [], [])

"""Refusals reach staff in their words, with no ids or status codes; the model's own message stays as it was."""
from __future__ import annotations

import logging

import pytest

from models.tasks import cancel_task, complete_task
from portal.friendly_errors import FALLBACK, staff_message
from tests.factories import make_patient, make_practice, make_task


def _refusal(call) -> ValueError:  # noqa: ANN001
    with pytest.raises(ValueError) as caught:
        call()
    return caught.value


def test_task_refusals_read_in_staff_words(session):
    task = make_task(session, make_patient(session, make_practice(session)))
    complete_task(session=session, task_id=task.id, outcome="done", user_id=None)

    errors = [_refusal(lambda: cancel_task(session=session, task_id=task.id, user_id=None)),
              _refusal(lambda: complete_task(session=session, task_id=404, outcome="done", user_id=None))]

    assert [str(e) for e in errors] == [f"cannot cancel task {task.id}: it is already done", "task 404 does not exist"]
    assert [staff_message(e) for e in errors] == ["This task is already done.",
                                                  "This task no longer exists. Reload the page."]


def test_an_unknown_refusal_is_logged_and_shown_without_its_text(caplog):
    with caplog.at_level(logging.WARNING, logger="portal.friendly_errors"):
        shown = staff_message(ValueError("cannot frobnicate appointment 12"))

    assert shown == FALLBACK == "That didn't work. Reload the page and try again."
    assert caplog.messages == ["refused change without staff wording: cannot frobnicate appointment 12"]

"""Closing staff tasks: done with an outcome (the journey that asked for it hears of it) or cancelled."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.change_log import record_change
from models.events import EventKind
from models.tables import Task
from models.types import utcnow

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"
_MAX_OUTCOME = 60  # Task.outcome's column size; short enough for an event payload code


def _load_open(session: Session, task_id: int, action: str) -> Task:
    """The open task, or a ValueError saying why it cannot be closed (ids only)."""
    task = session.get(Task, task_id)
    if task is None:
        raise ValueError(f"task {task_id} does not exist")
    if task.status != OPEN:
        raise ValueError(f"cannot {action} task {task_id}: it is already {task.status}")
    return task


def _outcome(outcome: str) -> str:
    code = (outcome or "").strip()
    if not code:
        raise ValueError("outcome must not be empty")
    if len(code) > _MAX_OUTCOME:
        raise ValueError(f"outcome must be at most {_MAX_OUTCOME} characters")
    return code


def complete_task(*, session: Session, task_id: int, outcome: str, user_id: int | None,
                  now: datetime | None = None) -> Task:
    """Mark the task done; the task.completed event lets the waiting journey run take the outcome's branch."""
    code = _outcome(outcome)
    task = _load_open(session, task_id, "complete")
    task.status, task.outcome, task.completed_at = DONE, code, now or utcnow()
    session.add(task)
    record_change(session=session, practice_id=task.practice_id, entity="task", entity_id=task.id,
                  detail=f"done: {code}", user_id=user_id, patient_id=task.patient_id,
                  kind=EventKind.TASK_COMPLETED, payload={"task_id": task.id, "outcome": code})
    return task


def cancel_task(*, session: Session, task_id: int, user_id: int | None, now: datetime | None = None) -> Task:
    """Drop a task nobody needs to do; a run waiting on it gets no outcome and follows its timeout."""
    task = _load_open(session, task_id, "cancel")
    task.status, task.completed_at = CANCELLED, now or utcnow()
    session.add(task)
    record_change(session=session, practice_id=task.practice_id, entity="task", entity_id=task.id,
                  detail="cancelled", user_id=user_id, patient_id=task.patient_id)
    return task

"""The staff task inbox: open tasks for the signed-in user's role (managers and admins see all); Done or Cancel."""
from __future__ import annotations

import reflex as rx

from models.queries.tasks import open_tasks
from models.tables import StaffUser, Task
from models.tasks import cancel_task, complete_task
from portal.friendly_errors import staff_message
from portal.roles import SEES_EVERY_TASK
from portal.state.base import AuthState, db
from workflows.journeys.task_outcomes import PLAIN_DONE, outcome_choices

ROLE_LABELS = {"front_desk": "Front desk", "coordinator": "Coordinator", "manager": "Manager", "admin": "Admin"}
WORKER_DOWN = "Task done; its journey hears of it when the worker is up."


def outcome_label(outcome: str) -> str:
    """'no_answer' -> 'No answer': the outcome codes of a journey definition as staff read them."""
    words = outcome.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _role_filter(user: StaffUser) -> str | None:
    return None if user.role in SEES_EVERY_TASK else user.role


def _may_close(user: StaffUser, task: Task | None) -> bool:
    """Staff close tasks of their practice that their inbox shows (their role's, their own, or any for managers)."""
    if task is None or task.practice_id != user.practice_id:
        return False
    return _role_filter(user) is None or task.role == user.role or task.assignee_id == user.id


def _close(user: StaffUser, task_id: int, outcome: str) -> str:
    """Complete the task with an offered outcome; the staff-worded refusal, or "" when done."""
    with db() as session:
        if not _may_close(user, session.get(Task, task_id)):
            return "This task is not in your inbox."
        if outcome not in outcome_choices(session=session, task_ids=[task_id])[task_id]:
            return "Pick one of the outcomes offered for this task."
        try:
            complete_task(session=session, task_id=task_id, outcome=outcome, user_id=user.id)
        except ValueError as exc:
            return staff_message(exc)
    return ""


class TasksState(AuthState):
    rows: list[dict[str, str]] = []
    outcomes: dict[str, list[str]] = {}  # task id -> outcome codes offered by "Done"
    busy_id: str = ""  # the task being closed, as the rows carry ids

    def _load(self) -> None:
        user = self._staff()
        if user is None:
            self.rows, self.outcomes = [], {}
            return
        with db() as session:
            tasks = open_tasks(session=session, practice_id=user.practice_id, role=_role_filter(user),
                               user_id=user.id)
            choices = outcome_choices(session=session, task_ids=[t.id for t in tasks])
        self.rows = [{"id": str(t.id), "patient_id": str(t.patient_id or ""), "patient": t.patient_name,
                      "title": t.title, "journey": t.journey_name, "due": t.due,
                      "overdue": "yes" if t.overdue else "", "role": ROLE_LABELS.get(t.role, t.role)}
                     for t in tasks]
        self.outcomes = {str(task_id): codes for task_id, codes in choices.items()}

    @rx.event
    def load(self):
        self._load()

    @rx.event(background=True)
    async def done(self, task_id: int, outcome: str):
        """Record the outcome (its task.completed event in the same transaction), then tell the journey at once."""
        from portal.temporal_link import dispatch_now

        async with self:
            user = self._staff()
            if user is None or self.busy_id:
                return
            self.busy_id = str(task_id)
        error = _close(user, task_id, outcome)
        if error:
            async with self:
                self.busy_id = ""
                self._load()
            yield rx.toast.error(error)
            return
        async with self:
            self._load()
        told = await dispatch_now()
        async with self:
            self.busy_id = ""
        done = "Task done." if outcome == PLAIN_DONE[0] else f"Task done: {outcome_label(outcome)}."
        yield rx.toast.success(done) if told else rx.toast.warning(WORKER_DOWN)

    @rx.event
    def cancel(self, task_id: int):
        """Drop a task nobody needs to do (a journey waiting on it follows its timeout)."""
        user = self._staff()
        if user is None:
            return None
        with db() as session:
            if not _may_close(user, session.get(Task, task_id)):
                return rx.toast.error("This task is not in your inbox.")
            try:
                cancel_task(session=session, task_id=task_id, user_id=user.id)
            except ValueError as exc:
                message = staff_message(exc)
            else:
                message = ""
        self._load()
        return rx.toast.error(message) if message else rx.toast.success("Task cancelled.")

"""The staff task inbox: open tasks for a role (or everyone's), soonest due first, due times on the practice clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, select

from models.queries.local_time import local_moment
from models.tables import Enrollment, Journey, Patient, Practice, Task
from models.types import utcnow


@dataclass(frozen=True)
class InboxTask:
    id: int
    patient_id: int | None
    patient_name: str
    title: str
    role: str
    journey_name: str  # "" for a task no journey created
    due_at: datetime | None
    due: str  # due_at on the practice's clock, e.g. "Wed 2 Dec, 10:00 AM"; "" without a due time
    overdue: bool


def open_tasks(*, session: Session, practice_id: int, role: str | None, user_id: int | None = None,
               now: datetime | None = None, limit: int = 200) -> list[InboxTask]:
    """Open tasks for `role` or assigned to `user_id` (role None: every open task); overdue ones come first because
    they are due soonest, tasks without a due time last."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise ValueError(f"practice {practice_id} does not exist")
    tz, now = ZoneInfo(practice.timezone), now or utcnow()
    query = (select(Task, Patient, Journey.name)
             .join(Patient, Patient.id == Task.patient_id, isouter=True)
             .join(Enrollment, Enrollment.id == Task.enrollment_id, isouter=True)
             .join(Journey, Journey.id == Enrollment.journey_id, isouter=True)
             .where(Task.practice_id == practice_id, Task.status == "open"))
    if role is not None:
        mine = Task.assignee_id == user_id if user_id is not None else False
        query = query.where(or_(Task.role == role, mine))
    rows = session.exec(query.order_by(Task.due_at.is_(None), Task.due_at, Task.id).limit(limit)).all()
    return [_inbox_task(task, patient, journey_name, tz, now) for task, patient, journey_name in rows]


def _inbox_task(task: Task, patient: Patient | None, journey_name: str | None, tz: ZoneInfo,
                now: datetime) -> InboxTask:
    due = ""
    if task.due_at is not None:
        due = local_moment(task.due_at, tz, with_year=task.due_at.astimezone(tz).year != now.astimezone(tz).year)
    return InboxTask(id=task.id, patient_id=task.patient_id, patient_name=patient.display_name if patient else "",
                     title=task.title, role=task.role, journey_name=journey_name or "", due_at=task.due_at,
                     due=due, overdue=task.due_at is not None and task.due_at < now)

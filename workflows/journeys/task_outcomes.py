"""Which outcomes staff can record for a journey task: the outcome branches of the step that created it."""
from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from models.tables import Enrollment, JourneyStepLog, JourneyVersion, Task
from workflows.journeys.definition import DefinitionError, JourneyDefinition, parse_definition

PLAIN_DONE = ("done",)  # a task whose step has no outcome branches is simply done


def outcome_choices(*, session: Session, task_ids: Iterable[int]) -> dict[int, list[str]]:
    """Task id -> the step's outcomes (as stored: alphabetical), or ["done"] (no journey, or no branches)."""
    versions: dict[int, JourneyDefinition | None] = {}
    choices = {}
    for task_id in task_ids:
        task = session.get(Task, task_id)
        step_id = _step_id(session, task) if task is not None else None
        enrollment = session.get(Enrollment, task.enrollment_id) if step_id else None
        definition = _definition(session, enrollment.version_id, versions) if enrollment else None
        choices[task_id] = list(_branches(definition, step_id) or PLAIN_DONE)
    return choices


def _step_id(session: Session, task: Task) -> str | None:
    """The step that created the task: its step log shares the task's idempotency key."""
    if task.enrollment_id is None or not task.idempotency_key:
        return None
    return session.exec(select(JourneyStepLog.step_id).where(JourneyStepLog.dedupe_key == task.idempotency_key,
                                                             JourneyStepLog.kind == "task")).first()


def _definition(session: Session, version_id: int, cache: dict[int, JourneyDefinition | None]):  # noqa: ANN202
    if version_id not in cache:
        version = session.get(JourneyVersion, version_id)
        try:
            cache[version_id] = parse_definition(version.definition) if version is not None else None
        except DefinitionError:
            cache[version_id] = None
    return cache[version_id]


def _branches(definition: JourneyDefinition | None, step_id: str | None) -> tuple[str, ...]:
    if definition is None or step_id is None:
        return ()
    try:
        step = definition.step(step_id)
    except KeyError:
        return ()
    return tuple(step.branches) if step.kind == "task" else ()

"""Checks a parsed definition must pass beyond its shape: references, conditions, durations, templates, cycles."""
from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from models.events import EventKind
from workflows.journeys.conditions import validate_condition
from workflows.journeys.durations import parse_duration, parse_offset
from workflows.templates.render import validate_template

if TYPE_CHECKING:  # definition.py imports this module to validate; step kinds are compared by name here
    from workflows.journeys.definition import JourneyDefinition, SendStep, TaskStep, WaitForStep, WaitUntilStep

WAITING_KINDS = frozenset({"wait", "wait_until", "wait_for"})

EVENT_KINDS = frozenset(kind.value for kind in EventKind)
# Consent is recorded per message type, so a typo here would silently bypass an opt-out: only these are allowed.
MESSAGE_TYPES = frozenset({"reminder", "confirmation", "review", "marketing", "recall", "care", "billing",
                           "survey", "transactional"})
REPLY_OUTCOMES = frozenset({"stop", "start", "help", "confirm", "cancel", "other", "*"})


def semantic_problems(definition: JourneyDefinition, *, template_keys: Collection[str] | None) -> list[str]:
    """Every problem found, in step order, so a coordinator can fix them all in one go."""
    problems = _top_level_problems(definition)
    ids = [step.id for step in definition.steps]
    problems += [f"step '{i}' is defined more than once" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for step in definition.steps:
        where = f"step '{step.id}'"
        problems += [f"{where} points to missing step '{target}'" for target in _targets(definition, step.id)
                     if target not in ids]
        problems += _step_problems(definition, step, where, template_keys)
    if problems:
        return problems  # graph checks need sound references
    return _cycle_problems(definition) + _unreachable_problems(definition)


def _top_level_problems(definition: JourneyDefinition) -> list[str]:
    problems = []
    if definition.trigger.event not in EVENT_KINDS:
        problems.append(f"trigger: unknown event '{definition.trigger.event}'")
    if definition.trigger.when is not None:
        problems += validate_condition(definition.trigger.when, "the trigger")
    entry = definition.entry
    if entry.segment is not None:
        problems += validate_condition(entry.segment, "the segment filter")
    if entry.reentry == "after_days" and entry.reentry_days is None:
        problems.append("entry: re-entry 'after_days' needs reentry_days")
    if entry.reentry != "after_days" and entry.reentry_days is not None:
        problems.append("entry: reentry_days only applies to re-entry 'after_days'")
    for label, kinds in (("goals", definition.goals), ("exit_on", definition.exit_on)):
        problems += [f"{label}: unknown event '{kind}'" for kind in kinds if kind not in EVENT_KINDS]
    if definition.start is not None and definition.start not in {step.id for step in definition.steps}:
        problems.append(f"start points to missing step '{definition.start}'")
    return problems


def _targets(definition: JourneyDefinition, step_id: str) -> list[str]:
    """Step ids this step can go to next (explicit references and the implicit following step)."""
    step = definition.step(step_id)
    if step.kind in ("end", "exit", "goal"):
        return []
    if step.kind == "branch":
        return [step.then, step.else_]
    targets = [definition.following(step_id)]
    if step.kind in ("wait_for", "task"):
        targets += [*step.branches.values(), step.on_timeout]
    if step.kind == "wait_until":
        targets.append(step.on_missing)
    return [target for target in dict.fromkeys(targets) if target is not None]


def _step_problems(definition, step, where: str, template_keys) -> list[str]:
    if step.kind == "send":
        return _send_problems(step, where, template_keys)
    if step.kind == "wait":
        return _duration_problems(step.duration, f"{where}: duration")
    if step.kind == "wait_until":
        return _wait_until_problems(step, where)
    if step.kind == "wait_for":
        return _wait_for_problems(definition, step, where)
    if step.kind == "branch":
        return validate_condition(step.if_, where)
    if step.kind == "task":
        return _task_problems(step, where)
    return []  # award_points, goal, exit and end are fully checked by their shape


def _send_problems(step: SendStep, where: str, template_keys) -> list[str]:
    problems = []
    if (step.template is None) == (not step.variants):
        problems.append(f"{where}: give either a template or A/B variants (not both, not neither)")
    if step.message_type not in MESSAGE_TYPES:
        problems.append(f"{where}: unknown message type '{step.message_type}' "
                        f"(use one of {', '.join(sorted(MESSAGE_TYPES))})")
    keys = [step.template] if step.template else [variant.template for variant in step.variants]
    if template_keys is not None:
        problems += [f"{where}: unknown template key '{key}'" for key in keys if key and key not in template_keys]
    if step.window is not None and not step.window.start < step.window.end:
        problems.append(f"{where}: window start {step.window.start} must be before its end {step.window.end}")
    if step.when is not None:
        problems += validate_condition(step.when, where)
    return problems


def _duration_problems(text: str, where: str, *, positive: bool = False) -> list[str]:
    try:
        value = parse_duration(text)
    except ValueError as exc:
        return [f"{where}: {exc}"]
    if positive and not value.total_seconds() > 0:
        return [f"{where}: must be longer than zero"]
    return []


def _wait_until_problems(step: WaitUntilStep, where: str) -> list[str]:
    problems = []
    try:
        offset = parse_offset(step.offset)
        if step.at is not None and offset.seconds:
            problems.append(f"{where}: with a local time 'at', the offset must be whole days (e.g. -P2D)")
    except ValueError as exc:
        problems.append(f"{where}: offset: {exc}")
    if step.anchor == "date" and step.on_date is None:
        problems.append(f"{where}: anchor 'date' needs a date (YYYY-MM-DD)")
    if step.anchor != "date" and step.on_date is not None:
        problems.append(f"{where}: a date only applies to anchor 'date'")
    if step.at is not None and not (int(step.at[:2]) < 24 and int(step.at[3:]) < 60):
        problems.append(f"{where}: local time '{step.at}' is not a time of day")
    return problems


def _wait_for_problems(definition: JourneyDefinition, step: WaitForStep, where: str) -> list[str]:
    problems = _duration_problems(step.timeout, f"{where}: timeout", positive=True)
    if step.for_ == "event" and step.event not in EVENT_KINDS:
        problems.append(f"{where}: waits for unknown event '{step.event}'")
    if step.for_ != "event" and step.event is not None:
        problems.append(f"{where}: 'event' only applies when waiting for an event")
    if step.for_ == "goal" and not definition.goals:
        problems.append(f"{where}: waits for a goal but the journey has no goals")
    allowed = {"reply": REPLY_OUTCOMES, "event": frozenset({"received"}), "goal": frozenset()}[step.for_]
    problems += [f"{where}: unknown outcome '{key}' when waiting for a {step.for_} "
                 f"(use {', '.join(sorted(allowed)) or 'no branches; the goal ends the run'})"
                 for key in step.branches if key not in allowed]
    return problems


def _task_problems(step: TaskStep, where: str) -> list[str]:
    problems = _duration_problems(step.due, f"{where}: due")
    if (step.role is None) == (step.user_id is None):
        problems.append(f"{where}: give either a role or a user_id for the task")
    if step.branches and step.timeout is None:
        problems.append(f"{where}: outcome branches need a timeout (how long to wait for staff)")
    if step.timeout is not None:
        problems += _duration_problems(step.timeout, f"{where}: timeout", positive=True)
    if step.on_timeout is not None and not step.branches:
        problems.append(f"{where}: on_timeout only applies with outcome branches")
    problems += [f"{where}: title: {problem}" for problem in validate_template(step.title)]
    return problems


def waits(definition: JourneyDefinition, step_id: str) -> bool:
    """Whether a step can pause the run (so a loop through it cannot spin)."""
    step = definition.step(step_id)
    return step.kind in WAITING_KINDS or (step.kind == "task" and bool(step.branches))


def _cycle_problems(definition: JourneyDefinition) -> list[str]:
    """A loop of steps none of which waits would run forever in an instant."""
    graph = {s.id: [t for t in _targets(definition, s.id) if not waits(definition, t)]
             for s in definition.steps if not waits(definition, s.id)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    found: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in graph[node]:
            if state.get(target) == 1 and not found:
                loop = path[path.index(target):] + [target]
                found.append("cycle without a wait: " + " -> ".join(f"'{i}'" for i in loop))
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _unreachable_problems(definition: JourneyDefinition) -> list[str]:
    seen, stack = set(), [definition.first_step]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack += _targets(definition, node)
    return [f"step '{s.id}' can never be reached" for s in definition.steps if s.id not in seen]

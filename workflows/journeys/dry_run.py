"""Drive the planner on a simulated clock: the loop the workflow runs, with effects supplied by the caller.

The dry-run (`simulate`) supplies read-only effects backed by the database; planner tests supply scripted ones.
Waits end at their moment or at the next scheduled signal, whichever comes first, exactly as in the workflow.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from workflows.journeys import planner
from workflows.journeys.definition import JourneyDefinition
from workflows.journeys.planner_signals import apply_signal

MAX_ACTIONS = 500


@dataclass(frozen=True)
class ScheduledSignal:
    at: datetime
    name: str  # reply / event / pause / resume / cancel / skip_to
    args: tuple = ()


@dataclass(frozen=True)
class SendResult:
    verdict: str  # sent / suppress / defer / failed / ended
    reason: str = ""
    not_before: datetime | None = None
    detail: Any = None  # what the caller wants to keep (e.g. the rendered text)


@dataclass(frozen=True)
class TraceItem:
    at: datetime
    action: planner.Action
    logs: tuple[planner.StepLog, ...]
    result: Any = None  # SendResult for sends, the task id for tasks


class Effects(Protocol):
    def send(self, action: planner.SendAction, state: planner.RunState, now: datetime) -> SendResult: ...

    def task(self, action: planner.TaskAction, state: planner.RunState, now: datetime) -> int: ...

    def award(self, action: planner.AwardAction, state: planner.RunState, now: datetime) -> None: ...

    def facts(self, state: planner.RunState, task_id: int | None, now: datetime) -> dict: ...


def drive(definition: JourneyDefinition, state: planner.RunState, now: datetime, effects: Effects,
          signals: Iterable[ScheduledSignal] = ()) -> tuple[list[TraceItem], planner.RunState]:
    """Run until the journey finishes or waits for a signal that is never coming; returns the trace and end state."""
    pending = sorted(signals, key=lambda s: s.at)
    trace: list[TraceItem] = []
    for _ in range(MAX_ACTIONS):
        while pending and pending[0].at <= now:
            signal = pending.pop(0)
            state = apply_signal(definition, state, signal.name, signal.args, now)
        step = planner.plan(definition, state, now)
        state, logs = planner.take_logs(step.state)
        action = step.action
        if isinstance(action, planner.WaitAction):
            trace.append(TraceItem(now, action, logs))
            wake = min([t for t in (action.until, pending[0].at if pending else None) if t is not None], default=None)
            if wake is None:
                return trace, state  # waits for staff or a reply that the scenario never gives
            now = max(now, wake)
            continue
        result, state = _perform(definition, state, action, now, effects)
        trace.append(TraceItem(now, action, logs, result))
        if isinstance(action, planner.FinishAction):
            return trace, state
    raise RuntimeError(f"the journey did not finish within {MAX_ACTIONS} actions")


def _perform(definition: JourneyDefinition, state: planner.RunState, action: planner.Action, now: datetime,
             effects: Effects) -> tuple[Any, planner.RunState]:
    if isinstance(action, planner.SendAction):
        result = effects.send(action, state, now)
        return result, planner.after_send(definition, state, result.verdict, result.reason, result.not_before, now)
    if isinstance(action, planner.TaskAction):
        task_id = effects.task(action, state, now)
        return task_id, planner.after_task(definition, state, task_id, "", now)
    if isinstance(action, planner.AwardAction):
        effects.award(action, state, now)
        return None, planner.after_award(definition, state, "", now)
    if isinstance(action, planner.RefreshAction):
        return None, planner.with_facts(state, effects.facts(state, action.task_id, now))
    return None, state  # FinishAction: nothing to do here

"""The journey planner: pure and deterministic (no I/O, no clock of its own), shared by the workflow and the dry-run.

The caller keeps a RunState and loops: `plan(definition, state, now)` returns the next effect to perform (send,
task, points, wait, refresh facts, finish) with the updated state; the caller performs it and feeds the result back
(`after_send`, `after_task`, `after_award`, `with_facts`); signals go through `planner_signals`. Instant steps
(branches, skips, exits) are resolved inside `plan`; what it decided is queued in `state.logs` for the timeline.
"""
from __future__ import annotations

from datetime import datetime

from workflows.journeys.definition import JourneyDefinition
from workflows.journeys.planner_state import (
    MAX_DEFERRALS, MAX_STEPS, Action, AwardAction, FinishAction, Plan, RefreshAction, RunState, SendAction, StepLog,
    TaskAction, WaitAction, after_award, after_send, after_task, choose_variant, start, take_logs, with_facts,
)
from workflows.journeys.planner_steps import HANDLERS

__all__ = [
    "MAX_DEFERRALS", "MAX_STEPS", "Action", "AwardAction", "FinishAction", "Plan", "RefreshAction", "RunState",
    "SendAction", "StepLog", "TaskAction", "WaitAction", "after_award", "after_send", "after_task", "choose_variant",
    "plan", "start", "take_logs", "with_facts",
]


def plan(definition: JourneyDefinition, state: RunState, now: datetime) -> Plan:
    """Resolve instant steps and return the next effect to perform."""
    for _ in range(MAX_STEPS + 1):
        if state.finished:
            return Plan(state, FinishAction(*state.finished))
        if state.paused:
            return Plan(state, WaitAction(state.step_id, None, "paused by staff"))
        step = definition.step(state.step_id)
        outcome = HANDLERS[step.kind](definition, state, step, now)
        if isinstance(outcome, Plan):
            return outcome
        state = outcome
    raise AssertionError("a validated journey cannot pass this many instant steps")

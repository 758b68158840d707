"""The planner's state, the effects it asks for, and the pure transitions between states (see planner.py)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from workflows.journeys.conditions import describe, evaluate
from workflows.journeys.checks import WAITING_KINDS
from workflows.journeys.definition import JourneyDefinition, SendStep, TaskStep
from workflows.journeys.durations import parse_duration
from workflows.journeys.wait_targets import WaitTarget, send_rules
from workflows.journeys.wait_targets import wait_target as anchored_target

MAX_STEPS = 200  # step entries per run; a validated journey never needs this many, a runaway one stops here
MAX_DEFERRALS = 10  # a send deferred this often is given up (recorded as skipped)


@dataclass(frozen=True)
class StepLog:
    step_id: str
    visit: int
    kind: str
    outcome: str
    detail: str
    seq: int


@dataclass(frozen=True)
class RunState:
    enrollment_id: int
    facts: dict[str, Any]
    started_at: datetime
    step_id: str
    entered_at: datetime
    visits: dict[str, int] = field(default_factory=dict)
    steps_taken: int = 0
    reply: str | None = None  # a reply not yet consumed by a wait_for
    last_reply: str | None = None  # intent of the reply since the last send (for conditions)
    events: tuple[str, ...] = ()  # event kinds received during the run
    replies_seen: tuple[int, ...] = ()  # message ids of replies already taken (a repeated signal is ignored)
    events_seen: tuple[tuple[str, int | None, int | None], ...] = ()  # (kind, entity id, event id) received
    deferrals: int = 0
    not_before: datetime | None = None
    task_id: int | None = None
    task_outcome: str | None = None
    stale: bool = False  # facts may be out of date (appointment moved, task done): refresh before deciding
    skip_send: tuple[str, str] | None = None  # (step id, reason): that send, entered next, is skipped
    announced: bool = False  # the current wait was logged
    paused: bool = False
    finished: tuple[str, str] | None = None  # (enrollment status, reason)
    logs: tuple[StepLog, ...] = ()
    log_seq: int = 0

    @property
    def visit(self) -> int:
        return self.visits.get(self.step_id, 0)

    @property
    def tz(self) -> str:
        return self.facts.get("patient.tz") or "UTC"


@dataclass(frozen=True)
class SendAction:
    step_id: str
    visit: int
    channel: str
    template: str
    variant: str  # "A", "B", ... ("" without variants)
    message_type: str
    to: str
    window: tuple[str, str] | None
    deferral: int  # 0 for the first try; n after n deferrals


@dataclass(frozen=True)
class TaskAction:
    step_id: str
    visit: int
    role: str | None
    user_id: int | None
    title: str
    due_seconds: int


@dataclass(frozen=True)
class AwardAction:
    step_id: str
    visit: int
    points: int
    reason: str
    to: str


@dataclass(frozen=True)
class WaitAction:
    step_id: str
    until: datetime | None  # None: only a signal ends the wait (paused)
    reason: str


@dataclass(frozen=True)
class RefreshAction:
    task_id: int | None


@dataclass(frozen=True)
class FinishAction:
    status: str
    reason: str


Action = SendAction | TaskAction | AwardAction | WaitAction | RefreshAction | FinishAction


@dataclass(frozen=True)
class Plan:
    state: RunState
    action: Action


def start(definition: JourneyDefinition, *, enrollment_id: int, facts: dict[str, Any], now: datetime) -> RunState:
    """The state of a run that has just entered its first step."""
    state = RunState(enrollment_id=enrollment_id, facts=dict(facts), started_at=now, step_id="", entered_at=now)
    return enter(state, definition.first_step, now)


def enter(state: RunState, step_id: str, now: datetime) -> RunState:
    """Move to a step: count the visit and reset what belongs to the previous step."""
    if state.steps_taken >= MAX_STEPS:
        return finish(state, "failed", f"stopped after {MAX_STEPS} steps: check the journey for loops")
    visits = {**state.visits, step_id: state.visits.get(step_id, 0) + 1}
    skip_send = state.skip_send if state.skip_send and state.skip_send[0] == step_id else None
    return replace(state, step_id=step_id, entered_at=now, visits=visits, steps_taken=state.steps_taken + 1,
                   deferrals=0, not_before=None, task_id=None, task_outcome=None, announced=False,
                   skip_send=skip_send)


def advance(definition: JourneyDefinition, state: RunState, target: str | None, now: datetime) -> RunState:
    """Go to `target`, or to the step after the current one; past the last step the run is complete.

    Leaving a step that waited marks the facts stale: time has passed, so the next branch or anchor reloads them.
    """
    step = definition.step(state.step_id)
    if step.kind in WAITING_KINDS or step.kind == "task":
        state = replace(state, stale=True)
    target = target or definition.following(state.step_id)
    return enter(state, target, now) if target else finish(state, "completed", "journey finished")


def finish(state: RunState, status: str, reason: str) -> RunState:
    return state if state.finished else replace(state, finished=(status, reason))


def log(state: RunState, kind: str, outcome: str, detail: str = "") -> RunState:
    entry = StepLog(state.step_id, state.visit, kind, outcome, detail[:500], state.log_seq + 1)
    return replace(state, logs=(*state.logs, entry), log_seq=state.log_seq + 1)


def take_logs(state: RunState) -> tuple[RunState, tuple[StepLog, ...]]:
    """The queued decisions to record, and the state without them."""
    return replace(state, logs=()), state.logs


def condition_facts(state: RunState) -> dict[str, Any]:
    """The facts conditions see: loaded facts plus what the run itself learned."""
    return {**state.facts, "reply.intent": state.last_reply, "task.outcome": state.task_outcome}


def holds(condition: dict, state: RunState) -> bool:
    return evaluate(condition, condition_facts(state))


def explain(condition: dict) -> str:
    return describe(condition)


def choose_variant(step: SendStep, enrollment_id: int) -> tuple[str, str]:
    """(template key, variant label): fixed per enrollment and step, spread by weight, no randomness."""
    if not step.variants:
        return step.template or "", ""
    digest = hashlib.sha256(f"{enrollment_id}:{step.id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % sum(v.weight for v in step.variants)
    for index, variant in enumerate(step.variants):
        if point < variant.weight:
            return variant.template, chr(ord("A") + index)
        point -= variant.weight
    raise AssertionError("weights cover every point")


def deadline(state: RunState, duration: str) -> datetime:
    return state.entered_at + parse_duration(duration)


def wait_target(definition: JourneyDefinition, state: RunState, now: datetime) -> WaitTarget | None:
    """When the current wait_until step ends for this patient (moved earlier if it must), or None without an anchor."""
    step = definition.step(state.step_id)
    following = definition.following(step.id)
    after = definition.step(following) if following else None
    window = (after.window.start, after.window.end) if isinstance(after, SendStep) and after.window else None
    return anchored_target(step, state.facts, tz=state.tz, started_at=state.started_at, now=now,
                           rules=send_rules(state.facts, window))


def after_send(definition: JourneyDefinition, state: RunState, verdict: str, reason: str,
               not_before: datetime | None, now: datetime) -> RunState:
    """Feed back the send activity's outcome: sent, suppress, failed, defer, or ended (enrollment closed)."""
    if verdict == "ended":
        return finish(state, "exited", reason)
    if verdict == "defer" and not_before is not None:
        if state.deferrals + 1 < MAX_DEFERRALS:
            return replace(state, not_before=not_before, deferrals=state.deferrals + 1)
        state = log(state, "send", "skipped", f"deferred {MAX_DEFERRALS} times; last: {reason}")
    if verdict == "sent":
        state = replace(state, reply=None, last_reply=None)
    return advance(definition, state, None, now)


def after_task(definition: JourneyDefinition, state: RunState, task_id: int | None, ended_reason: str,
               now: datetime) -> RunState:
    """Feed back the created task; without outcome branches the run moves on at once."""
    if ended_reason:
        return finish(state, "exited", ended_reason)
    step = definition.step(state.step_id)
    state = replace(state, task_id=task_id)
    if isinstance(step, TaskStep) and step.branches:
        return state
    return advance(definition, state, None, now)


def after_award(definition: JourneyDefinition, state: RunState, ended_reason: str, now: datetime) -> RunState:
    if ended_reason:
        return finish(state, "exited", ended_reason)
    return advance(definition, state, None, now)


def with_facts(state: RunState, facts: dict[str, Any]) -> RunState:
    """Fresh facts from the database; the task outcome, when present, is the run's own."""
    outcome = facts.get("task.outcome") or state.task_outcome
    return replace(state, facts=dict(facts), stale=False, task_outcome=outcome)


def seconds(duration: str) -> int:
    return int(parse_duration(duration) / timedelta(seconds=1))

"""What the planner does at each kind of step: return a new state (moved on) or a Plan (an effect to perform)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from workflows.journeys.definition import (
    AwardPointsStep, BranchStep, JourneyDefinition, SendStep, TaskStep, WaitForStep, WaitStep, WaitUntilStep,
)
from workflows.journeys.durations import duration_in_words
from workflows.journeys.planner_state import (
    AwardAction, Plan, RefreshAction, RunState, SendAction, TaskAction, WaitAction, advance, choose_variant,
    deadline, enter, explain, finish, holds, log, seconds, wait_target,
)

ANCHOR_NAMES = {"appointment.start": "appointment", "recall.due": "recall due date",
                "patient.birthday": "birthday", "date": "date"}


def _send(definition: JourneyDefinition, state: RunState, step: SendStep, now: datetime) -> RunState | Plan:
    skip = _send_skip_reason(step, state)
    if skip:
        return advance(definition, log(state, "send", "skipped", skip), None, now)
    if state.not_before is not None and now < state.not_before:
        return Plan(state, WaitAction(step.id, state.not_before, "deferred by the send guard"))
    template, variant = choose_variant(step, state.enrollment_id)
    window = (step.window.start, step.window.end) if step.window else None
    return Plan(state, SendAction(step.id, state.visit, step.channel, template, variant, step.message_type,
                                  step.to, window, state.deferrals))


def _send_skip_reason(step: SendStep, state: RunState) -> str:
    """Why the planner itself skips a send (the guard decides everything else at send time)."""
    if state.skip_send is not None and state.skip_send[0] == step.id:
        return state.skip_send[1]
    if step.when is not None and not holds(step.when, state):
        return f"condition not met: {explain(step.when)}"
    if step.message_type == "confirmation" and state.facts.get("appointment.confirmed"):
        return "appointment already confirmed"
    if step.to == "referrer" and not state.facts.get("referrer.id"):
        return "no referring patient on file"
    return ""


def _wait(definition: JourneyDefinition, state: RunState, step: WaitStep, now: datetime) -> RunState | Plan:
    return _wait_or_go(definition, state, deadline(state, step.duration), now)


def _wait_until(definition: JourneyDefinition, state: RunState, step: WaitUntilStep, now: datetime) -> RunState | Plan:
    if state.stale:
        return Plan(state, RefreshAction(None))
    target = wait_target(definition, state, now)
    if target is None:
        name = ANCHOR_NAMES[step.anchor]
        if step.on_missing:
            return enter(log(state, "wait_until", "skipped", f"no {name} to wait for"), step.on_missing, now)
        return finish(log(state, "wait_until", "exited", f"no {name} to wait for"), "exited", f"no {name}")
    if target.no_time and now >= target.at:  # nothing may be sent before the anchor: skip the send that follows
        state = log(state, "wait_until", "no_earlier_time", target.closed)
        following = definition.following(step.id)
        state = replace(state, skip_send=(following, f"not sent: {target.no_time}") if following else None)
        return advance(definition, state, None, now)
    if target.moved and not state.announced:
        state = log(state, "wait_until", "moved_earlier", target.moved)
    return _wait_or_go(definition, state, target.at, now)


def _wait_or_go(definition, state: RunState, until: datetime, now: datetime) -> RunState | Plan:
    """Wait until `until`, logging the wait once; when it has passed, move on."""
    if now >= until:
        return advance(definition, state, None, now)
    if not state.announced:
        state = replace(log(state, state_kind(definition, state), "waiting", f"until {until.isoformat()}"),
                        announced=True)
    return Plan(state, WaitAction(state.step_id, until, "waiting"))


def _wait_for(definition: JourneyDefinition, state: RunState, step: WaitForStep, now: datetime) -> RunState | Plan:
    if step.for_ == "reply" and state.reply is not None:
        target = step.branches.get(state.reply) or step.branches.get("*")
        state = replace(log(state, "wait_for", "reply", state.reply), reply=None)
        return advance(definition, state, target, now)
    if step.for_ == "event" and step.event in state.events:
        state = log(state, "wait_for", "event", step.event)
        return advance(definition, state, step.branches.get("received"), now)
    until = deadline(state, step.timeout)
    if now >= until:
        return advance(definition, log(state, "wait_for", "timed_out", f"no {step.for_} within {duration_in_words(step.timeout)}"),
                       step.on_timeout, now)
    return _wait_or_go(definition, state, until, now)


def _branch(definition: JourneyDefinition, state: RunState, step: BranchStep, now: datetime) -> RunState | Plan:
    if state.stale:
        return Plan(state, RefreshAction(None))
    taken = holds(step.if_, state)
    state = log(state, "branch", "then" if taken else "else", explain(step.if_))
    return enter(state, step.then if taken else step.else_, now)


def _task(definition: JourneyDefinition, state: RunState, step: TaskStep, now: datetime) -> RunState | Plan:
    if state.task_id is None:
        return Plan(state, TaskAction(step.id, state.visit, step.role, step.user_id, step.title, seconds(step.due)))
    if state.stale:
        return Plan(state, RefreshAction(state.task_id))
    if state.task_outcome:
        state = log(state, "task", "outcome", state.task_outcome)
        return advance(definition, state, step.branches.get(state.task_outcome), now)
    until = deadline(state, step.timeout or "PT0S")
    if now >= until:
        state = log(state, "task", "timed_out", f"no outcome within {duration_in_words(step.timeout)}")
        return advance(definition, state, step.on_timeout, now)
    return _wait_or_go(definition, state, until, now)


def _award(definition: JourneyDefinition, state: RunState, step: AwardPointsStep, now: datetime) -> RunState | Plan:
    if step.to == "referrer" and not state.facts.get("referrer.id"):
        return advance(definition, log(state, "award_points", "skipped", "no referring patient on file"), None, now)
    return Plan(state, AwardAction(step.id, state.visit, step.points, step.reason, step.to))


def _goal(definition, state: RunState, step, now: datetime) -> RunState:
    return finish(log(state, "goal", "reached", step.name), "completed", f"goal reached: {step.name}")


def _exit(definition, state: RunState, step, now: datetime) -> RunState:
    return finish(log(state, "exit", "exited", step.reason), "exited", step.reason)


def _end(definition, state: RunState, step, now: datetime) -> RunState:
    return finish(state, "completed", "journey finished")


def state_kind(definition: JourneyDefinition, state: RunState) -> str:
    return definition.step(state.step_id).kind


HANDLERS = {"send": _send, "wait": _wait, "wait_until": _wait_until, "wait_for": _wait_for, "branch": _branch,
            "task": _task, "award_points": _award, "goal": _goal, "exit": _exit, "end": _end}

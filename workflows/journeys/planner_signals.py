"""How a run reacts to what happens outside it (replies, domain events, staff controls): pure state changes."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from workflows.journeys.definition import JourneyDefinition
from workflows.journeys.planner_state import RunState, enter, finish, log

TASK_COMPLETED = "task.completed"  # sent by the portal when staff close a journey task (entity_id = task id)
EXIT_REASONS = {"appointment.cancelled": "appointment was cancelled", "appointment.no_show": "patient did not show up"}


def on_reply(state: RunState, intent: str, message_id: int | None = None) -> RunState:
    """A reply counts for the next wait_for reply and for `reply.intent` conditions until the next send.

    The dispatcher may repeat a signal after a crash: a message id already seen changes nothing.
    """
    if message_id is not None and message_id in state.replies_seen:
        return state
    seen = state.replies_seen + ((message_id,) if message_id is not None else ())
    return replace(state, reply=intent, last_reply=intent, replies_seen=seen)


def on_event(definition: JourneyDefinition, state: RunState, kind: str, entity_id: int | None,
             event_id: int | None = None) -> RunState:
    """Goals complete the run, exit events end it, a moved appointment re-plans anchors, a confirmation is noted."""
    if state.finished:
        return state
    state = replace(state, events_seen=(*state.events_seen, (kind, entity_id, event_id)))
    if kind in definition.goals:
        return finish(log(state, "goal", "reached", kind), "completed", f"goal reached: {kind}")
    if kind == TASK_COMPLETED:
        return replace(state, stale=True) if entity_id is not None and entity_id == state.task_id else state
    state = replace(state, events=(*state.events, kind))
    if not _about_this_appointment(state, kind, entity_id):
        return state
    if kind in definition.exit_on:
        reason = EXIT_REASONS.get(kind, f"{kind} happened")
        return finish(log(state, "exit", "exited", reason), "exited", reason)
    if kind == "appointment.moved":
        return replace(state, stale=True)
    if kind == "appointment.confirmed":
        return replace(state, facts={**state.facts, "appointment.confirmed": True})
    return state


def repeated_event(state: RunState, kind: str, entity_id: int | None, event_id: int | None = None) -> bool:
    """The dispatcher may deliver an event twice after a crash: same kind, entity and event id as one received.

    Without an event id, the same kind and entity count as a repeat; with ids, a second real change of the same
    appointment (moved again) is a new event.
    """
    return (kind, entity_id, event_id) in state.events_seen


def _about_this_appointment(state: RunState, kind: str, entity_id: int | None) -> bool:
    """Appointment events steer a run only when they concern the run's own appointment (or name none)."""
    if not kind.startswith("appointment."):
        return True
    own = state.facts.get("appointment.id")
    return entity_id is None or own is None or entity_id == own


def on_pause(state: RunState) -> RunState:
    return state if state.paused else log(replace(state, paused=True), "control", "paused")


def on_resume(state: RunState) -> RunState:
    return log(replace(state, paused=False), "control", "resumed") if state.paused else state


def on_cancel(state: RunState, reason: str) -> RunState:
    reason = reason.strip() or "cancelled by staff"
    return finish(log(state, "control", "cancelled", reason), "cancelled", reason)


def on_skip(definition: JourneyDefinition, state: RunState, step_id: str, now: datetime) -> RunState:
    """Staff move the run to another step; an unknown step id is refused and the refusal recorded."""
    if state.finished:
        return state
    if step_id not in {step.id for step in definition.steps}:
        return log(state, "control", "skip_refused", f"no step '{step_id}'")
    return enter(replace(log(state, "control", "skipped_to", step_id), stale=True), step_id, now)


def apply_signal(definition: JourneyDefinition, state: RunState, name: str, args: tuple, now: datetime) -> RunState:
    """One queued signal, by the name the workflow records it under (shared by the workflow and the dry-run)."""
    if name == "reply":
        return on_reply(state, *args)
    if name == "event":
        return on_event(definition, state, *args)
    if name == "pause":
        return on_pause(state)
    if name == "resume":
        return on_resume(state)
    if name == "cancel":
        return on_cancel(state, *args)
    if name == "skip_to":
        return on_skip(definition, state, *args, now)
    raise ValueError(f"unknown signal {name!r}")

"""Journey step logs in staff's words: the step's label from the run's pinned definition, and what happened as a
plain sentence ("sent by SMS: review request", "waiting for a reply until ...") instead of raw kinds and keys.

Pure text functions; the logs' ISO timestamps are left in place for the caller to put on the practice clock.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

_CHANNELS = {"sms": "SMS", "email": "email", "phone": "phone", "letter": "letter"}
# A send log's detail as the journey activity writes it: "sms review_request[ variant A][: reason]".
_SEND_DETAIL = re.compile(r"^(?P<channel>[a-z]+) (?P<template>\S+)(?: variant (?P<variant>\w+))?(?:: (?P<reason>.*))?$",
                          re.DOTALL)
_UNSENT = {"suppressed": "not sent", "deferred": "put off", "failed": "failed"}
_INTENTS = {"confirm": "to confirm", "cancel": "to cancel", "stop": "STOP", "start": "START", "help": "asking for help"}
_ISO_DURATION = re.compile(r"\bP(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\b")
_DURATION_UNITS = ("week", "day", "hour", "minute", "second")


@dataclass(frozen=True)
class StepInfo:
    """What the pinned definition says about one step."""

    label: str = ""
    kind: str = ""
    waits_for: str = ""  # a wait_for step's "for": reply, event or goal
    event: str = ""  # the event a wait_for step listens to


def pinned_steps(definition: str) -> dict[str, StepInfo]:
    """Step id -> StepInfo from a JourneyVersion's stored JSON; {} when it holds no steps."""
    try:
        steps = json.loads(definition or "{}").get("steps") or []
    except (ValueError, AttributeError):
        return {}
    return {str(s["id"]): StepInfo(label=str(s.get("label") or ""), kind=str(s.get("kind") or ""),
                                   waits_for=str(s.get("for") or ""), event=str(s.get("event") or ""))
            for s in steps if isinstance(s, dict) and s.get("id")}


_REPLY_READINGS = {"confirm": "reads as: confirming", "cancel": "reads as: cancelling", "stop": "reads as: STOP (opted out)",
                   "start": "reads as: START (opted back in)", "help": "reads as: asking for help",
                   "other": "no keyword: for staff to read"}


def reply_reading(reason: str) -> str:
    """An inbound message's stored 'intent: confirm' as staff read it; any other text unchanged."""
    if reason.startswith("intent: "):
        return _REPLY_READINGS.get(reason.removeprefix("intent: "), reason)
    return reason


def channel_name(channel: str) -> str:
    """'SMS', 'email' ...: a channel as staff say it."""
    return _CHANNELS.get(channel, channel)


def words(key: str) -> str:
    """'review_request' -> 'review request', 'appointment.booked' -> 'appointment booked'."""
    return re.sub(r"[._]+", " ", key).strip()


def step_name(step_id: str, steps: dict[str, StepInfo]) -> str:
    """The step's label when the definition gives one, else its id in words."""
    info = steps.get(step_id)
    return info.label if info and info.label else words(step_id)


def durations_in_words(text: str) -> str:
    """ISO 8601 durations in the text as words: 'P3D' -> '3 days', 'PT1H30M' -> '1 hour 30 minutes'."""
    def spoken(match: re.Match) -> str:
        parts = [f"{n} {unit}{'' if n == '1' else 's'}" for n, unit in zip(match.groups(), _DURATION_UNITS) if n]
        return " ".join(parts) or match.group(0)

    return _ISO_DURATION.sub(spoken, text)


def _send_sentence(outcome: str, detail: str) -> str:
    found = _SEND_DETAIL.match(detail)
    if outcome == "skipped" or found is None:
        return f"{outcome}: {detail}" if detail else outcome
    channel = _CHANNELS.get(found["channel"], found["channel"])
    what = words(found["template"]) + (f" (variant {found['variant']})" if found["variant"] else "")
    reason = found["reason"] or ""
    if outcome == "sent":
        return f"sent by {channel}: {what}"
    return f"{channel} {what} {_UNSENT.get(outcome, outcome)}" + (f": {reason}" if reason else "")


def _waited_for(step: StepInfo | None) -> str:
    if step is None or not step.waits_for:
        return ""
    if step.waits_for == "reply":
        return "for a reply"
    return f"for {words(step.event)}" if step.waits_for == "event" and step.event else "for the goal"


def _wait_sentence(kind: str, outcome: str, detail: str, step: StepInfo | None) -> str:
    if outcome == "waiting":
        return " ".join(filter(None, ["waiting", _waited_for(step) if kind == "wait_for" else "", detail]))
    if outcome == "reply":
        intent = _INTENTS.get(detail, "")
        return "the patient replied" + (f" ({intent})" if intent else "")
    if outcome == "event":
        return words(detail)
    if outcome == "exited":
        return f"left the journey: {detail}"
    if outcome == "timed_out":  # the detail says it: "no reply within P3D"
        return detail or "timed out"
    return f"{words(outcome)}: {detail}" if detail else words(outcome)


def _control_sentence(outcome: str, detail: str, steps: dict[str, StepInfo]) -> str:
    if outcome in ("paused", "resumed"):
        return f"{outcome} by staff"
    if outcome == "skipped_to":
        return f"moved on to '{step_name(detail, steps)}' by staff"
    if outcome == "cancelled":
        return detail or "cancelled"
    return f"{words(outcome)}: {detail}" if detail else words(outcome)


def _task_sentence(outcome: str, detail: str) -> str:
    if outcome == "created":
        return re.sub(r"^task for (\S+)", lambda m: f"task created for {words(m.group(1))}", detail)
    if outcome == "outcome":
        return f"task outcome: {words(detail)}"
    if outcome == "timed_out":
        return detail or "timed out"
    return f"{words(outcome)}: {detail}" if detail else words(outcome)


def step_sentence(kind: str, outcome: str, detail: str, step_id: str, steps: dict[str, StepInfo]) -> str:
    """What a step log records, as a sentence (durations in words; timestamps left for the caller)."""
    step = steps.get(step_id)
    if kind == "send":
        text = _send_sentence(outcome, detail)
    elif kind in ("wait", "wait_until", "wait_for"):
        text = _wait_sentence(kind, outcome, detail, step)
    elif kind == "control":
        text = _control_sentence(outcome, detail, steps)
    elif kind == "task":
        text = _task_sentence(outcome, detail)
    elif kind == "branch":
        text = f"condition {'met' if outcome == 'then' else 'not met'}: {detail}"
    elif kind == "goal":
        text = f"goal reached: {words(detail)}" if detail else "goal reached"
    elif kind == "exit":
        text = f"left the journey: {detail}" if detail else "left the journey"
    else:
        text = f"{words(outcome)}: {detail}" if detail else words(outcome)
    return durations_in_words(text)

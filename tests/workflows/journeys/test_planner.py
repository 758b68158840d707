"""The planner, step kind by step kind, driven on a simulated clock with scripted effects (no server, no database)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from workflows.journeys import planner
from workflows.journeys.definition import JourneyDefinition, SendStep
from workflows.journeys.dry_run import ScheduledSignal, SendResult, drive

START = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # Tuesday, 09:00 in Chicago
APPOINTMENT = {"appointment.id": 42, "appointment.start": "2026-12-04T16:00:00+00:00",  # Friday 10:00 Chicago
               "appointment.confirmed": False, "appointment.status": "scheduled"}
BASE_FACTS = {"patient.tz": "America/Chicago", "patient.anxious": False, "referrer.id": None, **APPOINTMENT}


def send(step_id, template="review_request", **extra):
    return {"id": step_id, "kind": "send", "template": template, "message_type": "review", **extra}


END = {"id": "done", "kind": "end"}


class Script:
    """Scripted effects: send verdicts per step (default: sent), facts after a refresh, task ids from 100."""

    def __init__(self, sends=None, refreshed=None, task_outcome=None):
        self.sends = {key: list(value) for key, value in (sends or {}).items()}
        self.refreshed = refreshed or {}
        self.task_outcome = task_outcome
        self.awards: list[tuple[int, str]] = []
        self.tasks = 0

    def send(self, action, state, now):
        queue = self.sends.get(action.step_id)
        return queue.pop(0) if queue else SendResult("sent")

    def task(self, action, state, now):
        self.tasks += 1
        return 99 + self.tasks

    def award(self, action, state, now):
        self.awards.append((action.points, action.to))

    def facts(self, state, task_id, now):
        extra = {"task.outcome": self.task_outcome} if task_id is not None else {}
        return {**state.facts, **self.refreshed, **extra}


@dataclass
class Case:
    steps: list
    expected: list[str]
    facts: dict = field(default_factory=dict)
    signals: list = field(default_factory=list)  # (hours after start, name, args)
    script: Script = field(default_factory=Script)
    top: dict = field(default_factory=dict)


def _at(moment: datetime) -> str:
    delta = moment - START
    hours, rest = divmod(int(delta.total_seconds()), 3600)
    return f"{hours // 24}d{hours % 24:02d}:{rest // 60:02d}"


def _describe(item) -> list[str]:
    lines = [f"{_at(item.at)} {log.step_id} {log.outcome}" + (f" ({log.detail})" if log.detail else "")
             for log in item.logs if log.outcome != "waiting"]
    action = item.action
    if isinstance(action, planner.WaitAction):
        lines.append(f"{_at(item.at)} wait {action.step_id} until " + (_at(action.until) if action.until else "signal"))
    elif isinstance(action, planner.SendAction):
        variant = f"/{action.variant}" if action.variant else ""
        lines.append(f"{_at(item.at)} send {action.step_id}#{action.visit} {action.template}{variant} "
                     f"-> {item.result.verdict}")
    elif isinstance(action, planner.TaskAction):
        lines.append(f"{_at(item.at)} task {action.step_id} for {action.role} -> {item.result}")
    elif isinstance(action, planner.AwardAction):
        lines.append(f"{_at(item.at)} award {action.points} to {action.to}")
    elif isinstance(action, planner.RefreshAction):
        lines.append(f"{_at(item.at)} refresh")
    else:
        lines.append(f"{_at(item.at)} {action.status}: {action.reason}")
    return lines


def run(case: Case) -> list[str]:
    definition = JourneyDefinition.model_validate({"trigger": {"event": "appointment.completed"},
                                                   "steps": case.steps, **case.top})
    state = planner.start(definition, enrollment_id=7, facts={**BASE_FACTS, **case.facts}, now=START)
    signals = [ScheduledSignal(START + timedelta(hours=h), name, args) for h, name, args in case.signals]
    trace, _ = drive(definition, state, START, case.script, signals)
    return [line for item in trace for line in _describe(item)]


REVIEW = [{"id": "after_visit", "kind": "wait", "duration": "PT2H"}, send("ask"),
          {"id": "await_reply", "kind": "wait_for", "for": "reply", "timeout": "P3D", "branches": {"*": "done"},
           "on_timeout": "remind"}, send("remind", "review_reminder"), END]

CASES = {
    "review: no reply, so one reminder": Case(REVIEW, [
        "0d00:00 wait after_visit until 0d02:00", "0d02:00 send ask#1 review_request -> sent",
        "0d02:00 wait await_reply until 3d02:00", "3d02:00 await_reply timed_out (no reply within 3 days)",
        "3d02:00 send remind#1 review_reminder -> sent", "3d02:00 completed: journey finished"]),
    "review: a reply skips the reminder": Case(REVIEW, [
        "0d00:00 wait after_visit until 0d02:00", "0d02:00 send ask#1 review_request -> sent",
        "0d02:00 wait await_reply until 3d02:00", "1d02:00 await_reply reply (other)",
        "1d02:00 completed: journey finished"], signals=[(26, "reply", ("other",))]),
    "a repeated reply signal (same message) is taken once": Case([
        send("ask"), {"id": "hear", "kind": "wait_for", "for": "reply", "timeout": "P1D", "branches": {"*": "ask2"}},
        send("ask2", "review_reminder"), {"id": "hear2", "kind": "wait_for", "for": "reply", "timeout": "P1D",
                                          "branches": {"*": "done"}, "on_timeout": "done"}, END], [
        "0d00:00 send ask#1 review_request -> sent", "0d00:00 wait hear until 1d00:00", "0d02:00 hear reply (other)",
        "0d02:00 send ask2#1 review_reminder -> sent", "0d02:00 wait hear2 until 1d02:00",
        "0d03:00 wait hear2 until 1d02:00", "1d02:00 hear2 timed_out (no reply within 1 day)",
        "1d02:00 completed: journey finished"],
        signals=[(2, "reply", ("other", 5)), (3, "reply", ("other", 5))]),
    "a reply before the send does not count for the wait after it": Case(REVIEW, [
        "0d00:00 wait after_visit until 0d02:00", "0d01:00 wait after_visit until 0d02:00",
        "0d02:00 send ask#1 review_request -> sent", "0d02:00 wait await_reply until 3d02:00",
        "3d02:00 await_reply timed_out (no reply within 3 days)", "3d02:00 send remind#1 review_reminder -> sent",
        "3d02:00 completed: journey finished"], signals=[(1, "reply", ("other",))]),
    "reply intents choose branches": Case([
        send("ask"), {"id": "hear", "kind": "wait_for", "for": "reply", "timeout": "P1D",
                      "branches": {"confirm": "thanks", "cancel": "rebook"}, "next": "done"},
        send("thanks", "review_reminder", next="done"),
        {"id": "rebook", "kind": "task", "role": "front_desk", "title": "Rebook"}, END], [
        "0d00:00 send ask#1 review_request -> sent", "0d00:00 wait hear until 1d00:00", "0d05:00 hear reply (cancel)",
        "0d05:00 task rebook for front_desk -> 100", "0d05:00 completed: journey finished"],
        signals=[(5, "reply", ("cancel",))]),
    "an awaited event takes the received branch, even when it came earlier": Case([
        {"id": "nap", "kind": "wait", "duration": "PT1H"},
        {"id": "booked", "kind": "wait_for", "for": "event", "event": "appointment.booked", "timeout": "P14D",
         "branches": {"received": "done"}, "on_timeout": "nudge"}, send("nudge", "review_reminder"), END], [
        "0d00:00 wait nap until 0d01:00", "0d00:30 wait nap until 0d01:00", "0d01:00 booked event (appointment.booked)",
        "0d01:00 completed: journey finished"], signals=[(0.5, "event", ("appointment.booked", 77))]),
    "branch on a patient fact": Case([
        {"id": "b1", "kind": "branch", "if": {"field": "patient.anxious", "op": "eq", "value": True},
         "then": "gentle", "else": "plain"}, send("gentle", "nervous_patient_what_to_expect", next="done"),
        send("plain"), END], [
        "0d00:00 b1 then (patient.anxious eq true)", "0d00:00 send gentle#1 nervous_patient_what_to_expect -> sent",
        "0d00:00 completed: journey finished"], facts={"patient.anxious": True}),
    "a send whose condition fails is skipped with the reason": Case([
        send("ask", when={"field": "patient.age", "op": "ge", "value": 18}), END], [
        "0d00:00 ask skipped (condition not met: patient.age ge 18)", "0d00:00 completed: journey finished"],
        facts={"patient.age": 12}),
    "a confirmed appointment stops the remaining confirmation requests": Case([
        {"id": "wait1", "kind": "wait", "duration": "P1D"},
        {**send("confirm_again", "appointment_confirmation_request"), "message_type": "confirmation"}, END], [
        "0d00:00 wait wait1 until 1d00:00", "0d03:00 wait wait1 until 1d00:00",
        "1d00:00 confirm_again skipped (appointment already confirmed)", "1d00:00 completed: journey finished"],
        signals=[(3, "event", ("appointment.confirmed", 42))]),
    "a deferred send sleeps until the guard's moment and tries the same visit again": Case([send("ask"), END], [
        "0d00:00 send ask#1 review_request -> defer", "0d00:00 wait ask until 0d14:00",
        "0d14:00 send ask#1 review_request -> sent", "0d14:00 completed: journey finished"],
        script=Script(sends={"ask": [SendResult("defer", "quiet hours", START + timedelta(hours=14))]})),
    "a send deferred ten times is given up": Case([send("ask"), END], [
        *[line for n in range(9) for line in (f"0d{n:02d}:00 send ask#1 review_request -> defer",
                                              f"0d{n:02d}:00 wait ask until 0d{n + 1:02d}:00")],
        "0d09:00 send ask#1 review_request -> defer", "0d09:00 ask skipped (deferred 10 times; last: busy)",
        "0d09:00 completed: journey finished"],
        script=Script(sends={"ask": [SendResult("defer", "busy", START + timedelta(hours=n + 1))
                                     for n in range(10)]})),
    "a suppressed send moves on": Case([send("ask"), send("remind", "review_reminder"), END], [
        "0d00:00 send ask#1 review_request -> suppress", "0d00:00 send remind#1 review_reminder -> sent",
        "0d00:00 completed: journey finished"], script=Script(sends={"ask": [SendResult("suppress", "opted out")]})),
    "a closed enrollment ends the run at its next send": Case([send("ask"), END], [
        "0d00:00 send ask#1 review_request -> ended", "0d00:00 exited: enrollment exited: journey stopped by staff"],
        script=Script(sends={"ask": [SendResult("ended", "enrollment exited: journey stopped by staff")]})),
    "a task's outcome chooses the branch once staff close it": Case([
        {"id": "call", "kind": "task", "role": "front_desk", "title": "Call", "timeout": "P2D",
         "branches": {"reached": "done", "no_answer": "letter"}, "on_timeout": "letter"},
        send("letter", "review_reminder"), END], [
        "0d00:00 task call for front_desk -> 100", "0d00:00 wait call until 2d00:00", "0d04:00 refresh",
        "0d04:00 call outcome (no_answer)", "0d04:00 send letter#1 review_reminder -> sent",
        "0d04:00 completed: journey finished"],
        signals=[(4, "event", ("task.completed", 100))], script=Script(task_outcome="no_answer")),
    "another task's completion is ignored and the task times out": Case([
        {"id": "call", "kind": "task", "role": "front_desk", "title": "Call", "timeout": "P2D",
         "branches": {"reached": "done"}, "on_timeout": "letter"}, send("letter", "review_reminder"), END], [
        "0d00:00 task call for front_desk -> 100", "0d00:00 wait call until 2d00:00",
        "0d04:00 wait call until 2d00:00", "2d00:00 call timed_out (no outcome within 2 days)",
        "2d00:00 send letter#1 review_reminder -> sent", "2d00:00 completed: journey finished"],
        signals=[(4, "event", ("task.completed", 555))]),
    "points go to the referrer, or are skipped without one": Case([
        {"id": "reward", "kind": "award_points", "points": 100, "reason": "Referral", "to": "referrer"},
        {"id": "bonus", "kind": "award_points", "points": 5, "reason": "Visit"}, END], [
        "0d00:00 award 100 to referrer", "0d00:00 award 5 to patient", "0d00:00 completed: journey finished"],
        facts={"referrer.id": 5}),
    "no referrer: the referrer's points are skipped": Case([
        {"id": "reward", "kind": "award_points", "points": 100, "reason": "Referral", "to": "referrer"}, END], [
        "0d00:00 reward skipped (no referring patient on file)", "0d00:00 completed: journey finished"]),
    "a goal event completes the run": Case([{"id": "nap", "kind": "wait", "duration": "P30D"}, send("ask"), END], [
        "0d00:00 wait nap until 30d00:00", "2d00:00 nap reached (appointment.booked)",
        "2d00:00 completed: goal reached: appointment.booked"],
        signals=[(48, "event", ("appointment.booked", 90))], top={"goals": ["appointment.booked"]}),
    "cancelling the run's own appointment exits; another appointment's does not": Case([
        {"id": "nap", "kind": "wait", "duration": "P2D"}, send("ask"), END], [
        "0d00:00 wait nap until 2d00:00", "0d01:00 wait nap until 2d00:00", "0d02:00 nap exited "
        "(appointment was cancelled)", "0d02:00 exited: appointment was cancelled"],
        signals=[(1, "event", ("appointment.cancelled", 41)), (2, "event", ("appointment.cancelled", 42))]),
    "a moved appointment re-plans the anchored wait": Case([
        {"id": "day_before", "kind": "wait_until", "anchor": "appointment.start", "offset": "-P1D", "at": "10:00"},
        send("ask", "appointment_reminder"), END], [
        "0d00:00 wait day_before until 2d01:00", "1d00:00 refresh", "1d00:00 wait day_before until 6d01:00",
        "6d01:00 send ask#1 appointment_reminder -> sent", "6d01:00 completed: journey finished"],
        signals=[(24, "event", ("appointment.moved", 42))],
        script=Script(refreshed={"appointment.start": "2026-12-08T16:00:00+00:00"})),
    "a patient in another zone gets the local morning": Case([
        {"id": "day_before", "kind": "wait_until", "anchor": "appointment.start", "offset": "-P1D", "at": "10:00"},
        send("ask", "appointment_reminder"), END], [
        "0d00:00 wait day_before until 2d10:00", "2d10:00 send ask#1 appointment_reminder -> sent",
        "2d10:00 completed: journey finished"], facts={"patient.tz": "Asia/Tokyo"}),  # 10:00 JST on 4 December
    "an anchor already past continues at once": Case([
        {"id": "week_before", "kind": "wait_until", "anchor": "appointment.start", "offset": "-P7D"},
        send("ask"), END], ["0d00:00 send ask#1 review_request -> sent", "0d00:00 completed: journey finished"]),
    "a missing anchor exits with the reason, or goes where the step says": Case([
        {"id": "recall_day", "kind": "wait_until", "anchor": "recall.due", "on_missing": "done"}, send("ask"), END], [
        "0d00:00 recall_day skipped (no recall due date to wait for)", "0d00:00 completed: journey finished"]),
    "a missing anchor without on_missing exits": Case([
        {"id": "birthday", "kind": "wait_until", "anchor": "patient.birthday"}, send("ask"), END], [
        "0d00:00 birthday exited (no birthday to wait for)", "0d00:00 exited: no birthday"]),
    "goal and exit steps end the run with their words": Case([
        {"id": "b1", "kind": "branch", "if": {"field": "appointment.status", "op": "eq", "value": "completed"},
         "then": "won", "else": "lost"}, {"id": "won", "kind": "goal", "name": "visit completed"},
        {"id": "lost", "kind": "exit", "reason": "visit did not happen"}], [
        "0d00:00 b1 else (appointment.status eq completed)", "0d00:00 lost exited (visit did not happen)",
        "0d00:00 exited: visit did not happen"]),
    "pause holds the run past its timer; resume carries on": Case(REVIEW[:2] + [END], [
        "0d00:00 wait after_visit until 0d02:00", "0d01:00 after_visit paused", "0d01:00 wait after_visit until signal",
        "0d05:00 after_visit resumed", "0d05:00 send ask#1 review_request -> sent",
        "0d05:00 completed: journey finished"], signals=[(1, "pause", ()), (5, "resume", ())]),
    "cancel ends the run as cancelled": Case(REVIEW, [
        "0d00:00 wait after_visit until 0d02:00", "0d01:00 after_visit cancelled (patient asked us to stop)",
        "0d01:00 cancelled: patient asked us to stop"], signals=[(1, "cancel", ("patient asked us to stop",))]),
    "skip_to jumps ahead; an unknown step is refused": Case(REVIEW, [
        "0d00:00 wait after_visit until 0d02:00", "0d01:00 after_visit skip_refused (no step 'nowhere')",
        "0d01:00 wait after_visit until 0d02:00", "0d01:30 after_visit skipped_to (remind)",
        "0d01:30 send remind#1 review_reminder -> sent", "0d01:30 completed: journey finished"],
        signals=[(1, "skip_to", ("nowhere",)), (1.5, "skip_to", ("remind",))]),
    "a loop through a wait sends a new visit each round until the reply": Case([
        send("ask"), {"id": "hear", "kind": "wait_for", "for": "reply", "timeout": "P1D", "branches": {"*": "done"},
                      "on_timeout": "ask"}, END], [
        "0d00:00 send ask#1 review_request -> sent", "0d00:00 wait hear until 1d00:00",
        "1d00:00 hear timed_out (no reply within 1 day)", "1d00:00 send ask#2 review_request -> sent",
        "1d00:00 wait hear until 2d00:00", "1d12:00 hear reply (confirm)", "1d12:00 completed: journey finished"],
        signals=[(36, "reply", ("confirm",))]),
}


@pytest.mark.parametrize("name", CASES)
def test_planner_scenario(name):
    assert run(CASES[name]) == CASES[name].expected


def test_a_runaway_loop_stops_after_the_step_limit():
    steps = [send("ask"), {"id": "hear", "kind": "wait_for", "for": "reply", "timeout": "PT1H", "on_timeout": "ask"}]
    lines = run(Case(steps, []))
    assert lines[-4:] == ["4d03:00 send ask#100 review_request -> sent", "4d03:00 wait hear until 4d04:00",
                          "4d04:00 hear timed_out (no reply within 1 hour)",
                          f"4d04:00 failed: stopped after {planner.MAX_STEPS} steps: check the journey for loops"]


def test_ab_variants_are_fixed_per_enrollment_and_follow_the_weights():
    step = SendStep.model_validate({"id": "ask", "kind": "send", "message_type": "review",
                                    "variants": [{"template": "review_request", "weight": 3},
                                                 {"template": "review_reminder", "weight": 1}]})
    picks = [planner.choose_variant(step, enrollment_id) for enrollment_id in range(1, 4001)]
    assert picks == [planner.choose_variant(step, enrollment_id) for enrollment_id in range(1, 4001)]
    counts = Counter(label for _template, label in picks)
    assert set(counts) == {"A", "B"} and 2850 < counts["A"] < 3150
    assert planner.choose_variant(step, 1) in {("review_request", "A"), ("review_reminder", "B")}


def test_the_planner_is_deterministic_for_the_same_inputs():
    assert run(CASES["review: no reply, so one reminder"]) == run(CASES["review: no reply, so one reminder"])

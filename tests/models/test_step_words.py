"""Journey step logs in staff's words: labels from the pinned definition, plain sentences, durations spelled out."""
from __future__ import annotations

import json

import pytest

from models.queries.step_words import StepInfo, durations_in_words, pinned_steps, step_name, step_sentence

STEPS = pinned_steps(json.dumps({"steps": [
    {"id": "await_reply", "kind": "wait_for", "label": "Wait for a reply", "for": "reply", "timeout": "P3D"},
    {"id": "await_booking", "kind": "wait_for", "for": "event", "event": "appointment.booked", "timeout": "P7D"},
    {"id": "call", "kind": "task", "label": "Call the patient", "title": "Call"}]}))


def test_pinned_steps_keep_label_kind_and_what_a_wait_listens_for():
    assert STEPS == {
        "await_reply": StepInfo(label="Wait for a reply", kind="wait_for", waits_for="reply"),
        "await_booking": StepInfo(kind="wait_for", waits_for="event", event="appointment.booked"),
        "call": StepInfo(label="Call the patient", kind="task"),
    }
    assert pinned_steps("{}") == {} and pinned_steps("not json") == {} and pinned_steps("[1]") == {}


def test_a_step_without_a_label_reads_as_its_id_in_words():
    assert [step_name(s, STEPS) for s in ("await_reply", "await_booking", "gone_step")] == [
        "Wait for a reply", "await booking", "gone step"]


@pytest.mark.parametrize("kind, outcome, detail, step, expected", [
    ("send", "sent", "sms review_request", "ask", "sent by SMS: review request"),
    ("send", "sent", "email review_request variant B", "ask", "sent by email: review request (variant B)"),
    ("send", "deferred", "sms review_request: outside the send window", "ask",
     "SMS review request put off: outside the send window"),
    ("send", "skipped", "condition not met: reply is confirm", "ask", "skipped: condition not met: reply is confirm"),
    ("wait", "waiting", "until 2026-12-03T19:37:00+00:00", "w", "waiting until 2026-12-03T19:37:00+00:00"),
    ("wait_for", "waiting", "until X", "await_booking", "waiting for appointment booked until X"),
    ("wait_for", "reply", "confirm", "await_reply", "the patient replied (to confirm)"),
    ("wait_for", "reply", "other", "await_reply", "the patient replied"),
    ("wait_for", "event", "appointment.booked", "await_booking", "appointment booked"),
    ("wait_until", "exited", "no appointment to wait for", "w", "left the journey: no appointment to wait for"),
    ("task", "created", "task for front_desk, due 2026-12-04T15:00:00+00:00", "call",
     "task created for front desk, due 2026-12-04T15:00:00+00:00"),
    ("task", "timed_out", "no outcome within PT36H", "call", "no outcome within 36 hours"),
    ("branch", "else", "reply is confirm", "b", "condition not met: reply is confirm"),
    ("goal", "reached", "appointment.booked", "g", "goal reached: appointment booked"),
    ("control", "paused", "", "call", "paused by staff"),
    ("control", "skipped_to", "call", "await_reply", "moved on to 'Call the patient' by staff"),
    ("control", "cancelled", "journey stopped by staff", "call", "journey stopped by staff"),
])
def test_each_kind_of_step_log_reads_as_a_sentence(kind, outcome, detail, step, expected):
    assert step_sentence(kind, outcome, detail, step, STEPS) == expected


def test_iso_durations_are_spelled_out_and_other_text_is_left_alone():
    assert durations_in_words("within P1W2D, PT1H30M or PT1S; 1:37 PM, PAUSED") == (
        "within 1 week 2 days, 1 hour 30 minutes or 1 second; 1:37 PM, PAUSED")


def test_replies_and_channels_read_in_staff_words():
    from models.queries.step_words import channel_name, reply_reading

    assert [reply_reading(r) for r in ("intent: confirm", "intent: stop", "intent: other", "sms bounced")] == [
        "reads as: confirming", "reads as: STOP (opted out)", "no keyword: for staff to read", "sms bounced"]
    assert [channel_name(c) for c in ("sms", "email", "fax")] == ["SMS", "email", "fax"]

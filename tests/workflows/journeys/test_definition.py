"""Journey definitions: the builtins are valid, and invalid ones are refused with messages a coordinator can act on."""
from __future__ import annotations

import json

import pytest

from tests.workflows.journeys.helpers import TEST_SETTINGS
from workflows.journeys.builtin import BUILTIN_KEYS, apply_settings, builtin_definition, load_builtin
from workflows.journeys.definition import DefinitionError, parse_definition
from workflows.journeys.durations import format_duration, parse_duration, parse_offset
from workflows.templates.seed import load_seed_templates

TEMPLATE_KEYS = {seed.key for seed in load_seed_templates()}


def _definition(*steps, **top) -> dict:
    return {"trigger": {"event": "appointment.completed"}, "steps": list(steps), **top}


def _problems(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data, template_keys=TEMPLATE_KEYS)
    return caught.value.problems


SEND = {"id": "ask", "kind": "send", "template": "review_request", "message_type": "review"}


@pytest.mark.parametrize("key", BUILTIN_KEYS)
def test_every_builtin_journey_is_valid_against_the_seed_templates(key):
    definition = parse_definition(builtin_definition(key, TEST_SETTINGS), template_keys=TEMPLATE_KEYS)
    assert definition.trigger.event == load_builtin(key)["definition"]["trigger"]["event"]


def test_canonical_json_parses_back_to_the_same_definition():
    definition = parse_definition(builtin_definition("nervous_patient_checkin", TEST_SETTINGS))
    again = parse_definition(definition.to_json())
    assert again == definition
    assert json.loads(again.to_json())["steps"][5]["if"] == {"field": "appointment.status", "op": "eq",
                                                             "value": "completed"}


def test_settings_replace_the_builtin_review_timings():
    settings = TEST_SETTINGS.model_copy(update={"review_wait_seconds": 5, "review_reply_timeout_seconds": 90})
    steps = {s["id"]: s for s in builtin_definition("review_request", settings)["steps"]}
    assert (steps["after_visit"]["duration"], steps["await_reply"]["timeout"]) == ("PT5S", "PT1M30S")


def test_a_settings_target_that_names_no_step_field_is_refused():
    with pytest.raises(ValueError, match="builtin setting target 'nowhere.duration' names no step field"):
        apply_settings(_definition(SEND), {"nowhere.duration": "review_wait_seconds"}, TEST_SETTINGS)


@pytest.mark.parametrize(("data", "expected"), [
    (_definition({**SEND, "id": "remind", "template": "revew_request"}),
     ["step 'remind': unknown template key 'revew_request'"]),
    (_definition({"id": "b1", "kind": "branch", "if": {"field": "patient.anxious", "op": "eq", "value": True},
                  "then": "x", "else": "done"}, {"id": "done", "kind": "end"}),
     ["step 'b1' points to missing step 'x'"]),
    (_definition({"id": "b1", "kind": "branch", "if": {"field": "patient.anxius", "op": "eq", "value": True},
                  "then": "done", "else": "done"}, {"id": "done", "kind": "end"}),
     ["unknown field 'patient.anxius' in condition of step 'b1' (did you mean 'patient.anxious'?)"]),
    (_definition({"id": "b1", "kind": "branch", "if": {"field": "patient.age", "op": "gt", "value": "forty"},
                  "then": "done", "else": "done"}, {"id": "done", "kind": "end"}),
     ["condition of step 'b1': 'patient.age' gt compares numbers only"]),
    (_definition(SEND, {"id": "again", "kind": "branch", "if": {"field": "patient.anxious", "op": "eq", "value": True},
                        "then": "ask", "else": "done"}, {"id": "done", "kind": "end"}),
     ["cycle without a wait: 'ask' -> 'again' -> 'ask'"]),
    (_definition({"id": "pause", "kind": "wait", "duration": "2 hours"}),
     ["step 'pause': duration: '2 hours' is not a duration like PT2H, P3D or -P2D (weeks, days, hours, minutes, "
      "seconds)"]),
    (_definition({"id": "z", "kind": "teleport"}),
     ["step 'z': unknown kind 'teleport' (use one of send, wait, wait_until, wait_for, branch, task, award_points, "
      "goal, exit, end)"]),
    (_definition({**SEND, "channel": "fax"}), ["step 'ask': channel: Input should be 'sms', 'email' or 'preferred'"]),
    (_definition({**SEND, "message_type": "promo"}),
     ["step 'ask': unknown message type 'promo' (use one of billing, care, confirmation, marketing, recall, reminder, "
      "review, survey, transactional)"]),
    (_definition({**SEND, "variants": [{"template": "review_reminder"}]}),
     ["step 'ask': give either a template or A/B variants (not both, not neither)"]),
    (_definition({"id": "soon", "kind": "wait_until", "anchor": "appointment.start", "offset": "-PT90M",
                  "at": "10:00"}),
     ["step 'soon': with a local time 'at', the offset must be whole days (e.g. -P2D)"]),
    (_definition({"id": "hear", "kind": "wait_for", "for": "reply", "timeout": "P1D", "branches": {"yes": "hear"}}),
     ["step 'hear': unknown outcome 'yes' when waiting for a reply "
      "(use *, cancel, confirm, help, other, start, stop)"]),
    (_definition({"id": "call", "kind": "task", "title": "Call {{ frist_name }}"}),
     ["step 'call': give either a role or a user_id for the task",
      "step 'call': title: unknown field 'frist_name' (did you mean 'first_name'?) — available: appointment_date, "
      "appointment_time, first_name, last_name, practice_name, practice_phone, review_link"]),
    (_definition(SEND, SEND), ["step 'ask' is defined more than once"]),
    ({"trigger": {"event": "appointment.teleported"}, "steps": [SEND], "goals": ["appointment.bookd"]},
     ["trigger: unknown event 'appointment.teleported'", "goals: unknown event 'appointment.bookd'"]),
    (_definition(SEND, entry={"reentry": "after_days"}), ["entry: re-entry 'after_days' needs reentry_days"]),
])
def test_invalid_definitions_are_refused_with_readable_problems(data, expected):
    assert _problems(data) == expected


def test_a_step_without_next_continues_with_the_step_listed_after_it():
    data = _definition(SEND, {"id": "done", "kind": "end"})
    assert parse_definition(data, template_keys=TEMPLATE_KEYS).following("ask") == "done"


def test_a_step_nothing_leads_to_is_reported_as_unreachable():
    data = _definition({**SEND, "next": "done"}, {"id": "orphan", "kind": "end"}, {"id": "done", "kind": "end"})
    assert _problems(data) == ["step 'orphan' can never be reached"]


def test_a_cycle_through_a_wait_is_allowed():
    data = _definition({"id": "nap", "kind": "wait", "duration": "P1D"}, {**SEND, "next": "nap"})
    assert parse_definition(data, template_keys=TEMPLATE_KEYS).first_step == "nap"


def test_text_that_is_not_json_is_refused():
    with pytest.raises(DefinitionError, match="not valid JSON: Expecting value at line 1 column 1"):
        parse_definition("not json")


@pytest.mark.parametrize(("text", "days", "seconds"), [
    ("PT2H", 0, 7200), ("P3D", 3, 0), ("-P2D", -2, 0), ("P1DT12H30M", 1, 45000), ("P1W", 7, 0), ("-PT90M", 0, -5400),
])
def test_iso_offsets_split_into_calendar_days_and_clock_seconds(text, days, seconds):
    offset = parse_offset(text)
    assert (offset.days, offset.seconds) == (days, seconds)


@pytest.mark.parametrize("text", ["P", "PT", "2H", "P1M2", "P1Y", "-P", "PT1.5H"])
def test_malformed_or_month_based_durations_are_refused(text):
    with pytest.raises(ValueError, match="is not a duration like PT2H"):
        parse_offset(text)


def test_a_negative_wait_is_refused_and_durations_round_trip():
    with pytest.raises(ValueError, match="'-PT1H' is negative"):
        parse_duration("-PT1H")
    assert [format_duration(parse_duration(t)) for t in ("P1DT2H", "PT0S", "PT1M30S")] == ["P1DT2H", "PT0S", "PT1M30S"]


def test_the_journey_docs_list_every_condition_field_and_step_kind():
    from models.settings import REPO_ROOT
    from workflows.journeys.checks import MESSAGE_TYPES
    from workflows.journeys.conditions import FIELDS
    from workflows.journeys.definition import STEP_KINDS

    docs = (REPO_ROOT / "docs" / "journeys.md").read_text(encoding="utf-8")
    missing = [name for name in (*FIELDS, *STEP_KINDS, *MESSAGE_TYPES) if f"`{name}`" not in docs]
    assert missing == []


def test_a_definition_names_the_events_its_runs_react_to():
    definition = parse_definition(_definition(
        {"id": "booked", "kind": "wait_for", "for": "event", "event": "treatment_plan.accepted", "timeout": "P7D"},
        goals=["appointment.booked"], exit_on=["appointment.cancelled", "appointment.no_show"]))
    assert definition.listens_to() == {"appointment.booked", "appointment.cancelled", "appointment.no_show",
                                       "treatment_plan.accepted", "appointment.moved", "appointment.confirmed"}

"""The condition language: typed at validation, evaluated over facts, never eval'd."""
from __future__ import annotations

import pytest

from workflows.journeys.conditions import FIELDS, describe, evaluate, validate_condition

FACTS = {"patient.anxious": True, "patient.age": 42, "patient.language": "es",
         "appointment.procedure_codes": ["D0120", "D7140"], "appointment.status": "scheduled",
         "reply.intent": None}


def leaf(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(("cond", "expected"), [
    (leaf("patient.anxious", "eq", True), True),
    (leaf("patient.anxious", "ne", True), False),
    (leaf("patient.age", "lt", 42), False),
    (leaf("patient.age", "le", 42), True),
    (leaf("patient.age", "gt", 40.5), True),
    (leaf("patient.age", "ge", 43), False),
    (leaf("patient.language", "in", ["es", "pt"]), True),
    (leaf("patient.language", "not_in", ["es", "pt"]), False),
    (leaf("appointment.procedure_codes", "contains", "D7140"), True),
    (leaf("appointment.procedure_codes", "contains", "D2740"), False),
    (leaf("reply.intent", "exists", False), True),
    (leaf("reply.intent", "eq", "other"), False),  # unknown facts make comparisons false
    (leaf("reply.intent", "ne", "other"), False),
    (leaf("recall.overdue_days", "exists", True), False),  # absent from the facts altogether
    ({"all": [leaf("patient.anxious", "eq", True), leaf("patient.age", "ge", 18)]}, True),
    ({"any": [leaf("patient.anxious", "eq", False), leaf("patient.language", "eq", "en")]}, False),
    ({"not": leaf("appointment.status", "eq", "cancelled")}, True),
])
def test_conditions_evaluate_over_the_facts(cond, expected):
    assert validate_condition(cond, "the test") == []
    assert evaluate(cond, FACTS) is expected


@pytest.mark.parametrize(("cond", "problem"), [
    (leaf("patient.anxious", "eq", "yes"),
     "condition of the test: 'patient.anxious' eq needs true or false, not 'yes'"),
    (leaf("patient.language", "lt", "en"), "condition of the test: 'patient.language' lt compares numbers only"),
    (leaf("patient.age", "in", [30, "forty"]),
     "condition of the test: 'patient.age' in needs every value to be a number"),
    (leaf("patient.anxious", "in", [True]),
     "condition of the test: 'patient.anxious' in needs a text or number field and a non-empty list of values"),
    (leaf("patient.language", "contains", "e"),
     "condition of the test: 'patient.language' contains needs a list field and one text value"),
    (leaf("patient.age", "exists", 1), "condition of the test: 'patient.age' exists takes true or false"),
    (leaf("patient.age", "eq", True), "condition of the test: 'patient.age' eq needs a number, not True"),
    (leaf("patient.age", "matches", 3),
     "condition of the test: unknown operator 'matches' for field 'patient.age' (use contains, eq, exists, ge, gt, "
     "in, le, lt, ne, not_in)"),
    ({"field": "patient.age", "op": "eq"}, "condition of the test: 'patient.age' needs a value"),
    ({"field": "patient.age", "op": "eq", "value": 3, "x": 1}, "condition of the test: unexpected key(s) x"),
    ({"field": "__import__('os')", "op": "eq", "value": 1},
     "unknown field '__import__('os')' in condition of the test (see the field list in docs/journeys.md)"),
    ({"all": []}, "condition of the test: 'all' takes a non-empty list of conditions and nothing else"),
    ({"not": leaf("patient.age", "eq", 1), "all": [leaf("patient.age", "eq", 1)]},
     "condition of the test: 'all' takes a non-empty list of conditions and nothing else"),
    ("patient.age > 3", "condition of the test: must be an object like {\"field\": ..., \"op\": ..., \"value\": ...}"),
])
def test_badly_typed_conditions_are_rejected_at_validation(cond, problem):
    assert validate_condition(cond, "the test") == [problem]


def test_conditions_describe_themselves_for_the_timeline():
    cond = {"all": [leaf("patient.anxious", "eq", True), {"not": leaf("patient.age", "lt", 18)}]}
    assert describe(cond) == "(patient.anxious eq true) and (not (patient.age lt 18))"


def test_every_documented_field_has_a_known_type():
    assert {kind for kind, _meaning in FIELDS.values()} == {"bool", "number", "text", "list"}

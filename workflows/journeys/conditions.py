"""A small typed condition language for segments, triggers and branches, checked at validation, never eval'd.

A condition is JSON:
  {"field": "patient.anxious", "op": "eq", "value": true}
  {"all": [cond, ...]}   {"any": [cond, ...]}   {"not": cond}
Fields come from FIELDS (a fixed list; anything else is rejected when the journey is validated). Operators:
  eq, ne              any type; the value must have the field's type
  lt, le, gt, ge      numbers
  in, not_in          text or number field, value a list of that type
  contains            list field, value one text item
  exists              any field, value true (the fact is known) or false (it is not)
A fact that is unknown for this patient (no appointment, no birthday) makes every operator except `exists` false.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

# name -> (type, meaning); types: bool, number, text, list (of text)
FIELDS: dict[str, tuple[str, str]] = {
    "patient.anxious": ("bool", "flagged as anxious about dental visits"),
    "patient.age": ("number", "age in whole years when the facts were loaded"),
    "patient.preferred_channel": ("text", "sms or email"),
    "patient.language": ("text", "language code, e.g. en, es"),
    "patient.has_mobile": ("bool", "a mobile number is on file"),
    "patient.has_email": ("bool", "an email address is on file"),
    "patient.sms_ok": ("bool", "the record says texts are OK"),
    "patient.status": ("text", "record status, e.g. active"),
    "patient.visit_count": ("number", "completed appointments so far"),
    "patient.referred": ("bool", "another patient referred them"),
    "appointment.status": ("text", "scheduled, confirmed, arrived, completed, cancelled or no_show"),
    "appointment.confirmed": ("bool", "the patient confirmed the appointment"),
    "appointment.is_new_patient": ("bool", "the patient's first visit"),
    "appointment.is_hygiene": ("bool", "a hygiene (cleaning) visit"),
    "appointment.virtual": ("bool", "a video visit"),
    "appointment.procedure_codes": ("list", "ADA CDT codes of the procedures on the appointment, e.g. D7140"),
    "procedure.code": ("text", "CDT code of the procedure that triggered the journey"),
    "treatment_plan.total_fee": ("number", "total fee of the treatment plan that triggered the journey"),
    "recall.overdue_days": ("number", "days the recall is past due (negative before the due date)"),
    "reply.intent": ("text", "intent of the patient's reply since the last message: stop, start, help, confirm, "
                             "cancel or other"),
    "task.outcome": ("text", "outcome staff recorded on the journey's latest task"),
}
COMPARE_OPS = frozenset({"lt", "le", "gt", "ge"})
OPS = frozenset({"eq", "ne", "in", "not_in", "contains", "exists"}) | COMPARE_OPS
_TYPE_NAMES = {"bool": "true or false", "number": "a number", "text": "text", "list": "a list of text"}


def validate_condition(cond: Any, where: str) -> list[str]:
    """Problems with a condition, each naming `where` it sits (e.g. "step 'b1'", "the segment filter")."""
    if not isinstance(cond, Mapping):
        return [f"condition of {where}: must be an object like {{\"field\": ..., \"op\": ..., \"value\": ...}}"]
    for combinator in ("all", "any"):
        if combinator in cond:
            return _validate_group(cond, combinator, where)
    if "not" in cond:
        if set(cond) != {"not"}:
            return [f"condition of {where}: 'not' takes exactly one condition"]
        return validate_condition(cond["not"], where)
    return _validate_leaf(cond, where)


def _validate_group(cond: Mapping, combinator: str, where: str) -> list[str]:
    items = cond[combinator]
    if set(cond) != {combinator} or not isinstance(items, list) or not items:
        return [f"condition of {where}: '{combinator}' takes a non-empty list of conditions and nothing else"]
    return [problem for item in items for problem in validate_condition(item, where)]


def _validate_leaf(cond: Mapping, where: str) -> list[str]:
    field, op = cond.get("field"), cond.get("op")
    extra = set(cond) - {"field", "op", "value"}
    if extra:
        return [f"condition of {where}: unexpected key(s) {', '.join(sorted(map(str, extra)))}"]
    if field not in FIELDS:
        guess = difflib.get_close_matches(str(field), FIELDS, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else " (see the field list in docs/journeys.md)"
        return [f"unknown field '{field}' in condition of {where}{hint}"]
    if op not in OPS:
        return [f"condition of {where}: unknown operator '{op}' for field '{field}' (use {', '.join(sorted(OPS))})"]
    if "value" not in cond:
        return [f"condition of {where}: '{field}' needs a value"]
    problem = _type_problem(FIELDS[field][0], op, cond["value"])
    return [f"condition of {where}: '{field}' {op} {problem}"] if problem else []


def _type_problem(kind: str, op: str, value: Any) -> str:
    """'' when `value` suits `op` on a field of type `kind`, else what is wrong."""
    if op == "exists":
        return "" if isinstance(value, bool) else "takes true or false"
    if op in COMPARE_OPS:
        return "" if kind == "number" and _is_number(value) else "compares numbers only"
    if op == "contains":
        return "" if kind == "list" and isinstance(value, str) else "needs a list field and one text value"
    if op in ("in", "not_in"):
        if kind not in ("text", "number") or not isinstance(value, list) or not value:
            return "needs a text or number field and a non-empty list of values"
        return "" if all(_has_type(item, kind) for item in value) else f"needs every value to be {_TYPE_NAMES[kind]}"
    return "" if _has_type(value, kind) else f"needs {_TYPE_NAMES[kind]}, not {value!r}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_type(value: Any, kind: str) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "number":
        return _is_number(value)
    if kind == "text":
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def evaluate(cond: Mapping, facts: Mapping[str, Any]) -> bool:
    """True when the (validated) condition holds for these facts."""
    if "all" in cond:
        return all(evaluate(item, facts) for item in cond["all"])
    if "any" in cond:
        return any(evaluate(item, facts) for item in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], facts)
    actual, op, value = facts.get(cond["field"]), cond["op"], cond["value"]
    if op == "exists":
        return (actual is not None) == value
    if actual is None:
        return False
    return _compare(actual, op, value)


def _compare(actual: Any, op: str, value: Any) -> bool:
    if op == "eq":
        return actual == value
    if op == "ne":
        return actual != value
    if op == "in":
        return actual in value
    if op == "not_in":
        return actual not in value
    if op == "contains":
        return value in actual
    if not _is_number(actual):
        return False
    return {"lt": actual < value, "le": actual <= value, "gt": actual > value, "ge": actual >= value}[op]


def describe(cond: Mapping) -> str:
    """A short readable rendering for reasons on the timeline: 'patient.anxious eq true'."""
    if "all" in cond:
        return " and ".join(f"({describe(item)})" for item in cond["all"])
    if "any" in cond:
        return " or ".join(f"({describe(item)})" for item in cond["any"])
    if "not" in cond:
        return f"not ({describe(cond['not'])})"
    value = cond["value"]
    shown = str(value).lower() if isinstance(value, bool) else value
    return f"{cond['field']} {cond['op']} {shown}"

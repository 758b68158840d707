"""The journey definition: what a coordinator writes (JSON), validated before it can be published.

The full format is documented in docs/journeys.md. In short: a trigger, entry rules, a list of steps with ids,
and exit goals. A step without `next` continues with the step listed after it; the last step ends the run.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workflows.journeys.checks import semantic_problems

Channel = Literal["sms", "email", "preferred"]
Recipient = Literal["patient", "referrer"]
STEP_ID_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"


class DefinitionError(ValueError):
    """An invalid definition; `problems` lists what to fix in words a coordinator understands."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("journey definition is invalid:\n- " + "\n- ".join(problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Trigger(_Model):
    event: str  # an EventKind value; date-based kinds (recall.due, patient.birthday ...) come from schedules
    when: dict[str, Any] | None = None  # condition on the trigger's facts, e.g. procedure.code in [...]


class FrequencyCap(_Model):
    max_enrollments: int = Field(ge=1)
    days: int = Field(ge=1)
    scope: Literal["journey", "all_journeys"] = "journey"


class EntryRules(_Model):
    segment: dict[str, Any] | None = None  # condition the patient must meet to enter
    reentry: Literal["never", "after_days", "always"] = "never"
    reentry_days: int | None = Field(default=None, ge=1)
    frequency_cap: FrequencyCap | None = None


class Variant(_Model):
    template: str
    weight: int = Field(default=1, ge=1)


class Window(_Model):
    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    end: str = Field(pattern=r"^\d{2}:\d{2}$")


class _Step(_Model):
    id: str = Field(pattern=STEP_ID_PATTERN)
    label: str = ""
    next: str | None = None


class SendStep(_Step):
    kind: Literal["send"]
    channel: Channel = "preferred"
    template: str | None = None
    variants: list[Variant] = []
    message_type: str
    to: Recipient = "patient"
    window: Window | None = None  # may only narrow the practice's send window
    when: dict[str, Any] | None = None  # skip the send (with the reason) unless this holds


class WaitStep(_Step):
    kind: Literal["wait"]
    duration: str


class WaitUntilStep(_Step):
    kind: Literal["wait_until"]
    anchor: Literal["appointment.start", "recall.due", "patient.birthday", "date"]
    on_date: date | None = Field(default=None, alias="date")  # for anchor "date"
    offset: str = "PT0S"  # e.g. -P2D: two local calendar days before
    at: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")  # local time of day in the patient's zone
    on_missing: str | None = None  # where to go when the anchor is unknown; default: exit with the reason
    # When the moment falls where nothing may be sent (closed day, holiday, quiet hours): "later" lets the send guard
    # defer the message to the next allowed moment; "earlier" moves the wait to the previous one (for messages before
    # a visit), and skips the send after it when there is none ("no allowed time before the visit").
    if_closed: Literal["earlier", "later"] = "later"


class WaitForStep(_Step):
    kind: Literal["wait_for"]
    for_: Literal["reply", "event", "goal"] = Field(alias="for")
    event: str | None = None  # for "event"
    timeout: str
    branches: dict[str, str] = {}  # reply intent (or "*") / "received" -> step id
    on_timeout: str | None = None


class BranchStep(_Step):
    kind: Literal["branch"]
    if_: dict[str, Any] = Field(alias="if")
    then: str
    else_: str = Field(alias="else")


class TaskStep(_Step):
    kind: Literal["task"]
    role: Literal["front_desk", "coordinator", "manager", "admin"] | None = None
    user_id: int | None = None
    title: str = Field(min_length=1, max_length=300)  # template text, e.g. "Call {{ first_name }}"
    due: str = "P1D"  # SLA: due this long after the task is created
    timeout: str | None = None  # how long to wait for an outcome when there are outcome branches
    branches: dict[str, str] = {}  # outcome -> step id
    on_timeout: str | None = None


class AwardPointsStep(_Step):
    kind: Literal["award_points"]
    points: int = Field(ge=1, le=100_000)
    reason: str = Field(min_length=1, max_length=200)
    to: Recipient = "patient"


class GoalStep(_Step):
    kind: Literal["goal"]
    name: str = Field(min_length=1, max_length=80)


class ExitStep(_Step):
    kind: Literal["exit"]
    reason: str = Field(min_length=1, max_length=200)


class EndStep(_Step):
    kind: Literal["end"]


Step = Annotated[
    SendStep | WaitStep | WaitUntilStep | WaitForStep | BranchStep | TaskStep | AwardPointsStep | GoalStep
    | ExitStep | EndStep,
    Field(discriminator="kind"),
]
STEP_KINDS = ("send", "wait", "wait_until", "wait_for", "branch", "task", "award_points", "goal", "exit", "end")


class JourneyDefinition(_Model):
    trigger: Trigger
    entry: EntryRules = EntryRules()
    start: str | None = None  # first step id; default: the first listed step
    steps: list[Step] = Field(min_length=1)
    goals: list[str] = []  # event kinds that complete the run as a success (e.g. appointment.booked)
    exit_on: list[str] = ["appointment.cancelled"]  # event kinds (about the run's appointment) that end it early

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def first_step(self) -> str:
        return self.start or self.steps[0].id

    def following(self, step_id: str) -> str | None:
        """Where a step goes on: its `next`, else the step listed after it, else None (the run ends)."""
        step = self.step(step_id)
        if step.next:
            return step.next
        ids = [s.id for s in self.steps]
        index = ids.index(step_id)
        return ids[index + 1] if index + 1 < len(ids) else None

    def listens_to(self) -> frozenset[str]:
        """Event kinds a running enrollment of this journey reacts to: what the dispatcher should signal to it."""
        awaited = {step.event for step in self.steps if step.kind == "wait_for" and step.event}
        return frozenset({*self.goals, *self.exit_on, *awaited, "appointment.moved", "appointment.confirmed"})

    def to_json(self) -> str:
        """Canonical JSON (aliases such as "if"/"else"/"for", defaults included) stored on a JourneyVersion."""
        return json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)


def parse_definition(data: dict | str, *, template_keys: frozenset[str] | set[str] | None = None) -> JourneyDefinition:
    """Validate a definition; raise DefinitionError listing every problem. template_keys: known templates, if any."""
    raw = _load(data)
    try:
        definition = JourneyDefinition.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(_readable(exc, raw)) from None
    problems = semantic_problems(definition, template_keys=template_keys)
    if problems:
        raise DefinitionError(problems)
    return definition


def published_definition(text: str) -> JourneyDefinition:
    """A stored JourneyVersion's definition: validated when it was published, so only its shape is read here
    (the workflow calls this, and template checks would touch the database and Jinja inside the sandbox)."""
    return JourneyDefinition.model_validate_json(text)


def _load(data: dict | str) -> dict:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise DefinitionError([f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from None
    if not isinstance(data, dict):
        raise DefinitionError(["a journey definition must be a JSON object"])
    return data


def _readable(exc: ValidationError, raw: dict) -> list[str]:
    """Pydantic's errors as "step 'remind': channel: Input should be 'sms', 'email' or 'preferred'"."""
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = "definition"
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            where = _step_name(raw, loc[1])
            loc = loc[3:] if len(loc) > 2 and loc[2] in STEP_KINDS else loc[2:]
        if error["type"] == "union_tag_invalid":
            kind = error.get("input", {}).get("kind") if isinstance(error.get("input"), dict) else None
            problems.append(f"{where}: unknown kind '{kind}' (use one of {', '.join(STEP_KINDS)})")
            continue
        if error["type"] == "union_tag_not_found":
            problems.append(f"{where}: missing 'kind' (use one of {', '.join(STEP_KINDS)})")
            continue
        field = ".".join(str(part) for part in loc)
        message = "unexpected field" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
    return problems


def _step_name(raw: dict, index: int) -> str:
    steps = raw.get("steps")
    step = steps[index] if isinstance(steps, list) and index < len(steps) else None
    if isinstance(step, dict) and isinstance(step.get("id"), str):
        return f"step '{step['id']}'"
    return f"step #{index + 1}"

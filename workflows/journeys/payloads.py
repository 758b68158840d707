"""What crosses Temporal for journeys: ids, codes, booleans and ISO times only (the codec encrypts them anyway)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class JourneyInput:
    enrollment_id: int


@dataclass
class ReplySignal:
    message_id: int
    intent: str  # stop, start, help, confirm, cancel, other


@dataclass
class EventSignal:
    kind: str  # an EventKind value, or "task.completed" from the portal
    entity_id: int | None = None
    event_id: int | None = None  # the DomainEvent's id: a repeated delivery of one event carries the same id


@dataclass
class RunStatus:
    step_id: str
    kind: str
    waiting_until: str | None  # ISO UTC
    paused: bool
    finished: bool


@dataclass
class RunContext:
    """What a run needs to start: its pinned definition and the facts about the patient and trigger."""

    enrollment_id: int
    patient_id: int
    version_id: int
    definition: str  # canonical JSON of the pinned JourneyVersion
    facts: dict = field(default_factory=dict)


@dataclass
class FactsRequest:
    enrollment_id: int
    now: str  # the workflow's clock, ISO UTC (ages and overdue days are counted at this moment)
    task_id: int | None = None


@dataclass
class SendRequest:
    enrollment_id: int
    step_id: str
    visit: int
    channel: str  # sms / email / preferred
    template: str
    variant: str
    message_type: str
    to: str  # patient / referrer
    deferral: int
    now: str  # the workflow's clock, ISO UTC: the guard decides for this moment
    window_start: str = ""
    window_end: str = ""
    expected_start: str = ""  # the appointment start the run planned with (a moved appointment suppresses)
    record: RecordRequest | None = None  # decisions to write before the effect (runs since LEAN_RUNS)


@dataclass
class SendOutcome:
    verdict: str  # sent / suppress / defer / failed / ended
    reason: str
    not_before: str | None = None  # ISO UTC, for defer
    message_id: int | None = None


@dataclass
class StepEntry:
    step_id: str
    visit: int
    kind: str
    outcome: str
    detail: str
    seq: int


@dataclass
class RecordRequest:
    enrollment_id: int
    current_step: str
    at: str  # ISO UTC
    entries: list[StepEntry] = field(default_factory=list)


@dataclass
class CurrentStep:
    enrollment_id: int
    step_id: str


@dataclass
class TaskRequest:
    enrollment_id: int
    step_id: str
    visit: int
    role: str | None
    user_id: int | None
    title: str  # template text, rendered by the activity
    due_seconds: int
    now: str
    record: RecordRequest | None = None  # decisions to write before the effect (runs since LEAN_RUNS)


@dataclass
class TaskOutcome:
    task_id: int | None
    ended: str = ""  # reason when the enrollment is no longer running


@dataclass
class AwardRequest:
    enrollment_id: int
    step_id: str
    visit: int
    points: int
    reason: str
    to: str
    now: str
    record: RecordRequest | None = None  # decisions to write before the effect (runs since LEAN_RUNS)


@dataclass
class AwardOutcome:
    ledger_id: int | None
    ended: str = ""


@dataclass
class FinishRequest:
    enrollment_id: int
    status: str
    reason: str
    at: str
    record: RecordRequest | None = None  # decisions to write before the effect (runs since LEAN_RUNS)

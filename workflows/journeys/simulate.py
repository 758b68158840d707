"""The dry-run: the same planner on a simulated clock, for a real patient, predicting every step without sending or
writing anything. It assumes no replies and no events arrive, and uses the facts as they are now (an appointment
that has not happened yet is not "completed" in the prediction). Each send is checked by the same guard and
rendered by the same templates as the real send; predicted sends count against the weekly caps of later ones.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import Appointment, Enrollment, Journey, Patient, Practice
from workflows.journeys import planner
from workflows.journeys.activities import DEFERRAL_SPREAD_SECONDS, send_key
from workflows.journeys.definition import published_definition
from workflows.journeys.dry_run import SendResult, drive
from workflows.journeys.durations import duration_in_words
from workflows.journeys.entry import decide_entry, default_trigger_ref, missing_trigger_reason
from workflows.journeys.facts import load_facts, parse_trigger_ref
from workflows.journeys.send_window import resolve_timezone, spread_release
from workflows.journeys.sending import prepare_send
from workflows.journeys.versions import latest_version
from workflows.templates.context import template_context
from workflows.templates.render import TemplateRenderError, render_template

ROLE_WORDS = {"front_desk": "the front desk", "coordinator": "a coordinator", "manager": "a manager",
              "admin": "an admin"}


@dataclass(frozen=True)
class PlannedStep:
    at: datetime  # UTC
    local_time: str  # in the patient's time zone, e.g. "Tue 1 Dec 2026 09:00 CST"
    step_id: str
    kind: str  # entry, wait, send, task, award_points, branch, wait_for, wait_until, goal, exit, control, finish
    outcome: str  # e.g. enrolled, waiting, send, defer, suppress, skipped, then, else, timed_out, completed
    reason: str
    channel: str = ""
    template: str = ""
    subject: str = ""
    text: str = ""

    def to_dict(self) -> dict:
        return {**asdict(self), "at": self.at.isoformat()}


def simulate(*, session: Session, journey_key: str, patient_id: int, start: datetime,
             trigger_ref: str | None = None) -> list[PlannedStep]:
    """Predict the run of the journey's latest version for this patient from `start` (entry decision first)."""
    start = start.astimezone(timezone.utc)
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise LookupError(f"patient {patient_id} not found")
    journey = session.exec(select(Journey).where(Journey.practice_id == patient.practice_id,
                                                 Journey.key == journey_key)).first()
    if journey is None:
        raise LookupError(f"no journey '{journey_key}' in this practice")
    version = latest_version(session=session, journey_id=journey.id)
    if version is None:
        raise LookupError(f"journey '{journey_key}' has no published version")
    definition = published_definition(version.definition)
    ref = trigger_ref or default_trigger_ref(session=session, journey_or_definition=definition,
                                             patient_id=patient.id, now=start)
    zone = ZoneInfo(resolve_timezone(patient.timezone, session.get(Practice, patient.practice_id).timezone))
    if ref is None:  # what `prm journeys enrol` says too: nothing for the journey to be about
        return [PlannedStep(start, _local(start, zone), "", "entry", "not enrolled",
                            f"{missing_trigger_reason(definition.trigger.event)} (version {version.version})")]
    decision = decide_entry(session=session, journey=journey, version=version, patient_id=patient.id,
                            trigger_ref=ref, now=start)
    entry = PlannedStep(start, _local(start, zone), "", "entry", "enrolled" if decision.enrol else "not enrolled",
                        f"{decision.reason} (trigger {ref}, version {version.version})")
    if not decision.enrol:
        return [entry]
    facts = load_facts(session=session, patient_id=patient.id, trigger_ref=ref, now=start)
    enrollment_id = (session.exec(select(func.max(Enrollment.id))).one() or 0) + 1  # the id a new run would get
    state = planner.start(definition, enrollment_id=enrollment_id, facts=facts, now=start)
    effects = _ReadOnlyEffects(session, patient, ref)
    trace, _ = drive(definition, state, start, effects)
    return [entry] + [step for item in trace for step in _planned(item, zone, effects)]


class _ReadOnlyEffects:
    """Effects that look at the database but change nothing."""

    def __init__(self, session: Session, patient: Patient, trigger_ref: str) -> None:
        self.session, self.patient = session, patient
        kind, entity_id = parse_trigger_ref(trigger_ref)
        self.appointment_id = entity_id if kind == "appointment" else None
        self.trigger_ref = trigger_ref
        self.sent: list[tuple[int, datetime]] = []  # (recipient, when) of predicted sends
        self.titles: dict[tuple[str, int], str] = {}  # rendered task titles by (step, visit)

    def send(self, action: planner.SendAction, state: planner.RunState, now: datetime) -> SendResult:
        recipient = state.facts.get("referrer.id") if action.to == "referrer" else self.patient.id
        start = state.facts.get("appointment.start")
        recent = sum(1 for who, when in self.sent if who == recipient and now - when < timedelta(days=7))
        prepared = prepare_send(
            session=self.session, recipient_id=recipient, appointment_id=self.appointment_id, channel=action.channel,
            template=action.template, message_type=action.message_type, now=now, window=action.window,
            expected_start=datetime.fromisoformat(start) if start else None, also_sent_this_week=recent)
        not_before = prepared.not_before
        if prepared.verdict == "defer":
            key = f"{send_key(state.enrollment_id, action.step_id, action.visit)}:deferred{action.deferral + 1}"
            not_before = spread_release(prepared.not_before, key, DEFERRAL_SPREAD_SECONDS)
        if prepared.verdict == "send":
            self.sent.append((recipient, now))
        return SendResult(prepared.verdict, prepared.reason, not_before, prepared)

    def task(self, action: planner.TaskAction, state: planner.RunState, now: datetime) -> int:
        self.titles[(action.step_id, action.visit)] = self._task_title(action.title)
        return -1  # no task is created; its outcome never comes, so outcome branches time out

    def award(self, action: planner.AwardAction, state: planner.RunState, now: datetime) -> None:
        return None

    def facts(self, state: planner.RunState, task_id: int | None, now: datetime) -> dict:
        return load_facts(session=self.session, patient_id=self.patient.id, trigger_ref=self.trigger_ref, now=now)

    def _task_title(self, template: str) -> str:
        appointment = self.session.get(Appointment, self.appointment_id) if self.appointment_id else None
        practice = self.session.get(Practice, self.patient.practice_id)
        try:
            return render_template(template, template_context(patient=self.patient, practice=practice,
                                                              appointment=appointment))
        except TemplateRenderError as exc:
            return f"(title could not be filled in: {exc})"


def _planned(item, zone: ZoneInfo, effects: _ReadOnlyEffects) -> list[PlannedStep]:
    """What one trace item means to a coordinator: the planner's decisions, then its effect."""
    when = _local(item.at, zone)
    steps = [PlannedStep(item.at, when, log.step_id, log.kind, log.outcome, log.detail) for log in item.logs
             if log.outcome != "waiting"]
    action = item.action
    if isinstance(action, planner.WaitAction) and action.until is not None and action.reason == "waiting":
        until = f"until {_local(action.until, zone)}"
        steps.append(PlannedStep(item.at, when, action.step_id, "wait", "waiting", until))
    elif isinstance(action, planner.SendAction):
        prepared, result = item.result.detail, item.result
        reason = result.reason
        if result.verdict == "defer":
            reason = f"{reason}; tries again at {_local(result.not_before, zone)}"
        variant = f" (variant {action.variant})" if action.variant else ""
        steps.append(PlannedStep(item.at, when, action.step_id, "send", result.verdict, reason, prepared.channel,
                                 action.template + variant, prepared.subject, prepared.body))
    elif isinstance(action, planner.TaskAction):
        steps.append(PlannedStep(item.at, when, action.step_id, "task", "create", _task_reason(action, item.at, zone),
                                 text=effects.titles[(action.step_id, action.visit)]))
    elif isinstance(action, planner.AwardAction):
        steps.append(PlannedStep(item.at, when, action.step_id, "award_points", "award",
                                 f"{action.points} points to the {action.to}: {action.reason}"))
    elif isinstance(action, planner.FinishAction):
        steps.append(PlannedStep(item.at, when, "", "finish", action.status, action.reason))
    return steps


def _task_reason(action: planner.TaskAction, at: datetime, zone: ZoneInfo) -> str:
    """'for the front desk, due in 4 hours (Sat 5 Dec 2026 14:00 CST)'."""
    sla = timedelta(seconds=action.due_seconds)
    who = f"user {action.user_id}" if action.user_id else ROLE_WORDS.get(action.role, action.role)
    return f"for {who}, due in {duration_in_words(sla)} ({_local(at + sla, zone)})"


def _local(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"

"""A patient's timeline: one typed, newest-first view over the rows that already exist (nothing is copied)."""
from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models.consent import IMPORT_SOURCE, evidence_words, imported_from
from models.feedback import SCALE_RANGES, nps_group
from models.queries.local_time import local_day, local_moment, localize_timestamps
from models.queries.visit_names import visit_names
from models.queries.step_words import (StepInfo, pinned_steps, reply_reading, step_name, step_sentence,
                                       words)
from models.tables import (Appointment, ConsentEvent, Enrollment, Feedback, FeedbackScale, Journey, JourneyStepLog,
                           JourneyVersion, LoyaltyLedger, Message, Note, Patient, Practice, Procedure, Referral, Task)

_BODY_CHARS = 600  # enough to read a message or note on the timeline; the full text stays in its own row
# An appointment description that only lists procedure codes, as Open Dental writes it: "D0150, D0274, D0330 +1".
_CONSENT_SOURCES = {"patient_reply": "the patient's reply", "staff": "staff", "demo": "demo data"}


class TimelineKind(StrEnum):
    APPOINTMENT = "appointment"
    PROCEDURE = "procedure"
    MESSAGE = "message"
    JOURNEY_STEP = "journey_step"
    TASK = "task"
    NOTE = "note"
    REFERRAL = "referral"
    LOYALTY = "loyalty"
    CONSENT = "consent"
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened to or for the patient; `reason` says why a message was or was not sent."""

    kind: str
    at: datetime
    title: str
    ref_id: int
    detail: str = ""
    status: str = ""
    reason: str = ""
    source: str = ""  # which journey and step produced it, when one did
    channel: str = ""
    direction: str = ""
    day_only: bool = False  # a fact with a date and no time (a procedure's day): `at` is only its sort key
    when: str = ""  # `at` on the practice's clock, e.g. "Thu 3 Dec 2026, 1:37 PM" (the date alone when day_only)


@dataclass(frozen=True)
class _Context:
    session: Session
    patient: Patient
    tz: ZoneInfo
    limit: int
    journey_names: dict[int, str]  # enrollment id -> journey name
    journey_steps: dict[int, dict[str, StepInfo]]  # enrollment id -> the steps of the version it is pinned to


def _short(text: str) -> str:
    return text if len(text) <= _BODY_CHARS else text[: _BODY_CHARS - 1] + "…"


def _local_noon(day: date, tz: ZoneInfo) -> datetime:
    """Date-only facts (a procedure's day) sit at noon practice time so they sort inside their day."""
    return datetime.combine(day, time(12, 0), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _appointments(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(Appointment).where(Appointment.patient_id == ctx.patient.id)
                            .order_by(Appointment.start.desc()).limit(ctx.limit)).all()
    names = visit_names(ctx.session, rows)
    return [TimelineItem(kind=TimelineKind.APPOINTMENT, at=a.start, ref_id=a.id, status=a.status,
                         title=f"Appointment: {names.get(a.id) or a.description}" if a.description else "Appointment",
                         detail=", ".join(filter(None, [f"{a.duration_minutes} min", a.provider, a.operatory])))
            for a in rows]


def _procedures(ctx: _Context) -> list[TimelineItem]:
    day = func.coalesce(Procedure.performed_on, Procedure.planned_on)
    rows = ctx.session.exec(select(Procedure).where(Procedure.patient_id == ctx.patient.id, day.is_not(None))
                            .order_by(day.desc(), Procedure.id.desc()).limit(ctx.limit)).all()
    return [TimelineItem(kind=TimelineKind.PROCEDURE, at=_local_noon(p.performed_on or p.planned_on, ctx.tz),
                         day_only=True, ref_id=p.id, status=p.status, title=f"{p.cdt_code} {p.description}".strip(),
                         detail=", ".join(filter(None, [f"tooth {p.tooth}" if p.tooth else "", p.surface,
                                                        f"${p.fee:,.2f}"])))
            for p in rows]


def _message_title(m: Message) -> str:
    channel = m.channel.upper() if m.channel == "sms" else m.channel.capitalize()
    return f"{channel} {'to' if m.direction == 'out' else 'from'} patient"


def _messages(ctx: _Context) -> list[TimelineItem]:
    moment = func.coalesce(Message.sent_at, Message.created_at)
    rows = ctx.session.exec(select(Message).where(Message.patient_id == ctx.patient.id)
                            .order_by(moment.desc(), Message.id.desc()).limit(ctx.limit)).all()
    items = []
    for m in rows:
        source = ctx.journey_names.get(m.enrollment_id, "") if m.enrollment_id else ""
        if source and m.step_id:
            source = f"{source} · {step_name(m.step_id, ctx.journey_steps.get(m.enrollment_id, {}))}"
        detail = f"{m.subject}\n{m.body}" if m.subject else m.body
        at = m.sent_at or m.created_at
        items.append(TimelineItem(kind=TimelineKind.MESSAGE, at=at, ref_id=m.id, title=_message_title(m),
                                  detail=_short(detail), status=m.status,
                                  reason=reply_reading(m.reason) if m.direction == "in"
                                  else _local_text(m.reason, at, ctx.tz),
                                  source=source, channel=m.channel, direction=m.direction))
    return items


def _journey_steps(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(JourneyStepLog).where(JourneyStepLog.patient_id == ctx.patient.id)
                            .order_by(JourneyStepLog.at.desc(), JourneyStepLog.id.desc()).limit(ctx.limit)).all()
    items = []
    for s in rows:
        steps = ctx.journey_steps.get(s.enrollment_id, {})
        sentence = step_sentence(s.kind, s.outcome, s.detail, s.step_id, steps)
        items.append(TimelineItem(kind=TimelineKind.JOURNEY_STEP, at=s.at, ref_id=s.id, status=s.outcome,
                                  title=f"{ctx.journey_names.get(s.enrollment_id, 'Journey')}: "
                                        f"{step_name(s.step_id, steps)}",
                                  detail=_local_text(sentence, s.at, ctx.tz)))
    return items


def _local_text(text: str, at: datetime, tz: ZoneInfo) -> str:
    """Logs store waits and due times as ISO UTC ("until 2026-12-03T19:37:28+00:00"); staff read the practice clock."""
    return localize_timestamps(text, tz, year=at.astimezone(tz).year)


def _tasks(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(Task).where(Task.patient_id == ctx.patient.id)
                            .order_by(Task.created_at.desc(), Task.id.desc()).limit(ctx.limit)).all()
    return [TimelineItem(kind=TimelineKind.TASK, at=t.created_at, ref_id=t.id, title=f"Task: {t.title}",
                         status=t.status, detail=", ".join(filter(None, [f"for {t.role}", _due(t, ctx.tz), t.outcome])),
                         source=ctx.journey_names.get(t.enrollment_id, "") if t.enrollment_id else "")
            for t in rows]


def _due(task: Task, tz: ZoneInfo) -> str:
    if task.due_at is None:
        return ""
    same_year = task.due_at.astimezone(tz).year == task.created_at.astimezone(tz).year
    return f"due {local_moment(task.due_at, tz, with_year=not same_year)}"


def _notes(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(Note).where(Note.patient_id == ctx.patient.id)
                            .order_by(Note.at.desc(), Note.id.desc()).limit(ctx.limit)).all()
    items = []
    for n in rows:
        words = [n.channel.replace("_", " "), n.direction]
        title = "Note" if n.kind == "note" else "Communication " + " ".join(filter(None, words))
        items.append(TimelineItem(kind=TimelineKind.NOTE, at=n.at, ref_id=n.id, title=title.strip(),
                                  detail=_short(n.body), channel=n.channel, direction=n.direction))
    return items


def _referrals(ctx: _Context) -> list[TimelineItem]:
    pid = ctx.patient.id
    rows = ctx.session.exec(select(Referral).where(or_(Referral.referrer_patient_id == pid,
                                                       Referral.referred_patient_id == pid))
                            .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(ctx.limit)).all()
    others = {r.referred_patient_id if r.referrer_patient_id == pid else r.referrer_patient_id for r in rows}
    names = {p.id: p.display_name for p in ctx.session.exec(select(Patient).where(Patient.id.in_(others))).all()}
    return [TimelineItem(kind=TimelineKind.REFERRAL, at=r.created_at, ref_id=r.id,
                         title=(f"Referred {names.get(r.referred_patient_id, '')}" if r.referrer_patient_id == pid
                                else f"Referred by {names.get(r.referrer_patient_id, '')}").strip())
            for r in rows]


def _loyalty(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(LoyaltyLedger).where(LoyaltyLedger.patient_id == ctx.patient.id)
                            .order_by(LoyaltyLedger.at.desc(), LoyaltyLedger.id.desc()).limit(ctx.limit)).all()
    return [TimelineItem(kind=TimelineKind.LOYALTY, at=e.at, ref_id=e.id, title=f"{e.points:+d} points",
                         detail=e.reason) for e in rows]


def _consent(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(ConsentEvent).where(ConsentEvent.patient_id == ctx.patient.id)
                            .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc()).limit(ctx.limit)).all()
    items = []
    for c in rows:
        what = c.channel.upper() if c.channel == "sms" else c.channel
        scope = "" if c.message_type == "any" else f" ({words(c.message_type)})"
        # An import records when we learned of the choice, not when the patient made it: the title says so.
        imported = f" ({imported_from(c)})" if c.source == IMPORT_SOURCE else ""
        source = "" if imported else f"source: {_CONSENT_SOURCES.get(c.source, words(c.source))}"
        items.append(TimelineItem(kind=TimelineKind.CONSENT, at=c.at, ref_id=c.id,
                                  title=f"{'Opted in to' if c.granted else 'Opted out of'} {what}{scope}{imported}",
                                  status="granted" if c.granted else "withdrawn", reason=source,
                                  detail=evidence_words(c), channel=c.channel))
    return items


_FEEDBACK_KINDS = {"review": "Review", "survey": "Survey", "checkin": "Check-in"}
_SCALE_UNITS = {FeedbackScale.NPS: "NPS", FeedbackScale.RATING: "stars"}


def _feedback_title(f: Feedback) -> str:
    """'Survey: 9/10 NPS', 'Review: 4/5 stars', or the kind alone for a comment without a score."""
    kind = _FEEDBACK_KINDS.get(f.kind, f.kind.capitalize())
    if f.score is None or f.scale not in _SCALE_UNITS:
        return kind
    scale = FeedbackScale(f.scale)
    return f"{kind}: {f.score}/{SCALE_RANGES[scale][1]} {_SCALE_UNITS[scale]}"


def _feedback(ctx: _Context) -> list[TimelineItem]:
    rows = ctx.session.exec(select(Feedback).where(Feedback.patient_id == ctx.patient.id)
                            .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(ctx.limit)).all()
    return [TimelineItem(kind=TimelineKind.FEEDBACK, at=f.created_at, ref_id=f.id, title=_feedback_title(f),
                         detail=_short(f.comment), reason=f"via {f.source}",
                         status=nps_group(f.score) if f.scale == FeedbackScale.NPS and f.score is not None else "",
                         source=ctx.journey_names.get(f.enrollment_id, "") if f.enrollment_id else "")
            for f in rows]


_LOADERS: dict[str, Callable[[_Context], list[TimelineItem]]] = {
    TimelineKind.APPOINTMENT: _appointments, TimelineKind.PROCEDURE: _procedures, TimelineKind.MESSAGE: _messages,
    TimelineKind.JOURNEY_STEP: _journey_steps, TimelineKind.TASK: _tasks, TimelineKind.NOTE: _notes,
    TimelineKind.REFERRAL: _referrals, TimelineKind.LOYALTY: _loyalty, TimelineKind.CONSENT: _consent,
    TimelineKind.FEEDBACK: _feedback,
}


def _journey_runs(session: Session, patient_id: int) -> tuple[dict[int, str], dict[int, dict[str, StepInfo]]]:
    """Per enrollment of the patient: its journey's name and the steps of the version the run is pinned to."""
    rows = session.exec(select(Enrollment.id, Journey.name, Enrollment.version_id)
                        .join(Journey, Journey.id == Enrollment.journey_id)
                        .where(Enrollment.patient_id == patient_id)).all()
    version_ids = {version_id for _, _, version_id in rows}
    versions = session.exec(select(JourneyVersion.id, JourneyVersion.definition)
                            .where(JourneyVersion.id.in_(version_ids))).all() if version_ids else []
    steps = {version_id: pinned_steps(definition) for version_id, definition in versions}
    return ({enrollment_id: name for enrollment_id, name, _ in rows},
            {enrollment_id: steps.get(version_id, {}) for enrollment_id, _, version_id in rows})


def patient_timeline(*, session: Session, patient_id: int, kinds: Iterable[str] | None = None,
                     limit: int = 200) -> list[TimelineItem]:
    """The newest `limit` items of the chosen kinds (all kinds when None), newest first."""
    wanted = list(TimelineKind) if kinds is None else [TimelineKind(k) for k in kinds]  # ValueError on unknown
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    practice = session.get(Practice, patient.practice_id)
    names, steps = _journey_runs(session, patient_id)
    ctx = _Context(session=session, patient=patient, tz=ZoneInfo(practice.timezone), limit=limit,
                   journey_names=names, journey_steps=steps)
    # Each loader is already newest first; ties break on kind then id so the order is stable.
    streams = [_LOADERS[k](ctx) for k in wanted]
    merged = heapq.merge(*streams, key=lambda item: (item.at, item.kind, item.ref_id), reverse=True)
    return [replace(item, when=_when(item, ctx.tz)) for item in list(merged)[:limit]]


def _when(item: TimelineItem, tz: ZoneInfo) -> str:
    if item.day_only:
        return local_day(item.at.astimezone(tz).date())
    return local_moment(item.at, tz)

"""One guard before every send: the same pure decision for the send activity and the dry-run.

Order of checks (the first that fails decides):
1. the fact the message speaks of is still true (appointment not cancelled, moved, completed ...) -> suppress;
2. review and marketing messages (review requests, referral thank-yous, birthday offers) never go to patients
   under 18 on their own local date (unknown birthdate: allowed); reminders and confirmations do -> suppress;
3. consent and opt-out for the channel and message type (see models/consent.py for precedence) -> suppress;
4. a contact point on that channel -> suppress;
5. frequency caps per patient and per household over 7 days -> SUPPRESS, not defer: deferring would pile the
   capped messages up and release them together the next week (defeating the cap), and most would be stale by then;
6. the step's own window must overlap the practice window -> suppress (a misconfigured step should be seen);
7. the patient-local send window, closed weekdays and holidays -> DEFER to the next allowed moment, except that a
   reminder, confirmation or care message about a visit that has not started is never deferred past its start
   (with the release jitter) -> suppress: "no allowed time before the visit". A journey step that must not come
   later is moved earlier by the planner instead (wait_until `if_closed: "earlier"`), so this is the last resort.
Suppressions come first because a message that will never be sent should not wait. After a deferral the caller
sleeps until `spread_release(not_before, key, ...)` and runs the guard again with a fresh context.
Reasons are for coordinators and the timeline: they name rules, never the patient.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.consent import consent_allows
from models.tables import Appointment, Patient, Practice
from workflows.journeys.send_facts import (
    ADULT_AGE, age_on, appointment_fact, default_appointment_rule, household_ids, missing_contact, patient_fact,
    sent_in_last_week, upcoming_holidays,
)
from workflows.journeys.send_window import (
    intersect_windows, next_allowed_moment, parse_clock, parse_weekdays, resolve_timezone, spread_release, why_closed,
)

__all__ = ["GuardDecision", "SendContext", "check_send", "load_send_context", "next_allowed_moment",
           "spread_release"]

Verdict = Literal["send", "defer", "suppress"]
# Message types that ask something of the patient or promote the practice: not for children's phones or inboxes.
ADULTS_ONLY_TYPES = frozenset({"review", "marketing"})
# Message types that speak of a coming visit: useless once it has started, so never deferred past its start.
BEFORE_VISIT_TYPES = frozenset({"reminder", "confirmation", "care"})
# A deferred send leaves up to this long after the guard's moment (activities.DEFERRAL_SPREAD_SECONDS).
RELEASE_JITTER = timedelta(minutes=15)


@dataclass(frozen=True)
class SendContext:
    """Everything the guard needs to decide one send, loaded once so the decision itself is pure."""

    now: datetime
    channel: str
    message_type: str
    patient_tz: str
    window_start: time
    window_end: time
    closed_weekdays: frozenset[int]
    holidays: dict[date, str]  # date -> name ("" when unnamed), in the patient's calendar
    consent_ok: bool
    consent_reason: str
    contact_missing: str  # "" when the patient has an address on the channel, else e.g. "no mobile number"
    sent_to_patient_7d: int
    sent_to_household_7d: int
    patient_cap: int
    household_cap: int
    fact_still_true: bool = True
    fact_reason: str = ""
    step_window_start: time | None = None  # a step may only narrow the practice window
    step_window_end: time | None = None
    patient_age: int | None = None  # whole years on the patient's local date; None when the birthdate is unknown
    appointment_start: datetime | None = None  # of the appointment the message speaks of, if any


@dataclass(frozen=True)
class GuardDecision:
    verdict: Verdict
    reason: str
    not_before: datetime | None = None


def check_send(ctx: SendContext) -> GuardDecision:
    """Send now, defer to the next allowed moment, or suppress, with a human reason."""
    refusal = _refusal(ctx)
    if refusal:
        return GuardDecision("suppress", f"not sent: {refusal}")
    window = _effective_window(ctx)
    if window is None:
        return GuardDecision("suppress", f"not sent: the step's window {_span(ctx.step_window_start, ctx.step_window_end)}"
                                         f" lies outside the send window {_span(ctx.window_start, ctx.window_end)}")
    not_before = next_allowed_moment(ctx.now, tz=ctx.patient_tz, window_start=window[0], window_end=window[1],
                                     closed_weekdays=ctx.closed_weekdays, holidays=ctx.holidays)
    if not_before == ctx.now:
        return GuardDecision("send", "ok to send")
    if _released_after_the_visit(ctx, not_before):
        return GuardDecision("suppress", "not sent: no allowed time before the visit")
    return GuardDecision("defer", _deferral_reason(ctx, not_before), not_before)


def _released_after_the_visit(ctx: SendContext, not_before: datetime) -> bool:
    """A message about a coming visit that could only leave once the visit has started (jitter included)."""
    start = ctx.appointment_start
    return (ctx.message_type in BEFORE_VISIT_TYPES and start is not None and ctx.now < start
            and not_before + RELEASE_JITTER > start)


def _refusal(ctx: SendContext) -> str:
    """Why the message must not be sent at all, or "" when nothing forbids it."""
    if not ctx.fact_still_true:
        return ctx.fact_reason or "the message no longer applies"
    if ctx.message_type in ADULTS_ONLY_TYPES and ctx.patient_age is not None and ctx.patient_age < ADULT_AGE:
        return f"patient is under {ADULT_AGE}"
    if not ctx.consent_ok:
        return ctx.consent_reason
    if ctx.contact_missing:
        return ctx.contact_missing
    if ctx.sent_to_patient_7d >= ctx.patient_cap:
        return f"weekly limit of {ctx.patient_cap} messages reached"
    if ctx.sent_to_household_7d >= ctx.household_cap:
        return f"household weekly limit of {ctx.household_cap} messages reached"
    return ""


def _effective_window(ctx: SendContext) -> tuple[time, time] | None:
    step = None
    if ctx.step_window_start is not None or ctx.step_window_end is not None:
        step = (ctx.step_window_start or ctx.window_start, ctx.step_window_end or ctx.window_end)
    return intersect_windows((ctx.window_start, ctx.window_end), step)


def _deferral_reason(ctx: SendContext, not_before: datetime) -> str:
    """'deferred to 08:00 Tue 5 Jan: quiet hours (patient's time 22:14)' — why not now, in the patient's clock."""
    zone = ZoneInfo(ctx.patient_tz)
    local_now, local_release = ctx.now.astimezone(zone), not_before.astimezone(zone)
    why = why_closed(local_now, closed_weekdays=ctx.closed_weekdays, holidays=ctx.holidays)
    return f"deferred to {local_release:%H:%M %a} {local_release.day} {local_release:%b}: {why}"


def _span(start: time | None, end: time | None) -> str:
    return f"{start:%H:%M}-{end:%H:%M}" if start is not None and end is not None else "(incomplete)"


def load_send_context(*, session: Session, patient_id: int, channel: str, message_type: str, now: datetime,
                      appointment_id: int | None = None, expected_start: datetime | None = None,
                      appointment_rule: str | None = None,
                      step_window: tuple[time, time] | None = None) -> SendContext:
    """Read the patient, practice, ledger, recent sends and the appointment into a SendContext for check_send."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} not found")
    practice = session.get(Practice, patient.practice_id)
    tz = resolve_timezone(patient.timezone, practice.timezone)
    local_today = now.astimezone(ZoneInfo(tz)).date()
    consent_ok, consent_reason = consent_allows(session=session, patient_id=patient_id, channel=channel,
                                                message_type=message_type)
    appointment = _appointment(session, patient, appointment_id)
    fact_ok, fact_reason = _fact(patient=patient, appointment_id=appointment_id, appointment=appointment,
                                 message_type=message_type, now=now, expected_start=expected_start,
                                 rule=appointment_rule)
    return SendContext(
        now=now, channel=channel, message_type=message_type, patient_tz=tz,
        window_start=parse_clock(practice.send_window_start), window_end=parse_clock(practice.send_window_end),
        closed_weekdays=parse_weekdays(practice.closed_weekdays),
        holidays=upcoming_holidays(session=session, practice_id=practice.id, since=local_today),
        consent_ok=consent_ok, consent_reason=consent_reason, contact_missing=missing_contact(patient, channel),
        sent_to_patient_7d=sent_in_last_week(session=session, patient_ids=[patient.id], now=now),
        sent_to_household_7d=sent_in_last_week(session=session, patient_ids=household_ids(session=session,
                                                                                          patient=patient), now=now),
        patient_cap=practice.max_messages_per_patient_per_week,
        household_cap=practice.max_messages_per_household_per_week,
        fact_still_true=fact_ok, fact_reason=fact_reason,
        step_window_start=step_window[0] if step_window else None,
        step_window_end=step_window[1] if step_window else None,
        patient_age=age_on(patient.birthdate, local_today),
        appointment_start=appointment.start if appointment is not None else None,
    )


def _appointment(session: Session, patient: Patient, appointment_id: int | None) -> Appointment | None:
    if appointment_id is None:
        return None
    appointment = session.get(Appointment, appointment_id)
    if appointment is not None and appointment.patient_id != patient.id:
        raise ValueError(f"appointment {appointment_id} does not belong to patient {patient.id}")
    return appointment


def _fact(*, patient: Patient, appointment_id: int | None, appointment: Appointment | None, message_type: str,
          now: datetime, expected_start: datetime | None, rule: str | None) -> tuple[bool, str]:
    ok, reason = patient_fact(patient)
    if not ok or appointment_id is None:
        return ok, reason
    return appointment_fact(appointment, rule=rule or default_appointment_rule(message_type), now=now,
                            expected_start=expected_start)

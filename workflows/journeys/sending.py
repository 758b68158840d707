"""Prepare one journey send: pick the channel, render the template, ask the guard. Used by the send activity and the
dry-run, so the prediction and the real send take the same decision."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from models.consent import consent_allows
from models.tables import Appointment, Patient, Practice
from workflows.journeys.guard import check_send, load_send_context
from workflows.journeys.send_facts import missing_contact
from workflows.journeys.send_window import parse_clock
from workflows.templates.render import TemplateRenderError, render_message
from workflows.templates.seed import get_template
from workflows.templates.context import template_context

MESSAGE_CHANNELS = ("sms", "email")


@dataclass(frozen=True)
class PreparedSend:
    recipient_id: int
    channel: str
    to_address: str
    subject: str
    body: str
    verdict: str  # send / defer / suppress / failed
    reason: str
    not_before: datetime | None = None


def resolve_channel(*, session: Session, patient: Patient, requested: str, message_type: str) -> str:
    """'preferred' means the patient's preferred channel, else the other one when only that can reach them."""
    if requested != "preferred":
        return requested
    first = patient.preferred_channel if patient.preferred_channel in MESSAGE_CHANNELS else "sms"
    candidates = (first, "email" if first == "sms" else "sms")
    for channel in candidates:
        if not missing_contact(patient, channel) and consent_allows(
                session=session, patient_id=patient.id, channel=channel, message_type=message_type)[0]:
            return channel
    return first  # nothing reaches them: the guard records why on the preferred channel


def prepare_send(*, session: Session, recipient_id: int, appointment_id: int | None, channel: str, template: str,
                 message_type: str, now: datetime, window: tuple[str, str] | None = None,
                 expected_start: datetime | None = None, also_sent_this_week: int = 0) -> PreparedSend:
    """Everything about a send except doing it; nothing is written.

    also_sent_this_week: sends the dry-run predicted but did not store, counted against the weekly caps.
    """
    recipient = session.get(Patient, recipient_id)
    if recipient is None:
        raise LookupError(f"patient {recipient_id} not found")
    practice = session.get(Practice, recipient.practice_id)
    appointment = session.get(Appointment, appointment_id) if appointment_id is not None else None
    if appointment is not None and appointment.patient_id != recipient.id:
        appointment, appointment_id = None, None  # e.g. the referrer: the appointment is someone else's
    channel = resolve_channel(session=session, patient=recipient, requested=channel, message_type=message_type)
    step_window = (parse_clock(window[0]), parse_clock(window[1])) if window else None
    context = load_send_context(session=session, patient_id=recipient.id, channel=channel, message_type=message_type,
                                now=now, appointment_id=appointment_id, expected_start=expected_start,
                                step_window=step_window)
    if also_sent_this_week:
        context = replace(context, sent_to_patient_7d=context.sent_to_patient_7d + also_sent_this_week,
                          sent_to_household_7d=context.sent_to_household_7d + also_sent_this_week)
    decision = check_send(context)
    subject, body, problem = _render(session, practice, recipient, appointment, template, channel)
    verdict, reason = decision.verdict, decision.reason
    if problem and verdict != "suppress":
        verdict, reason = "failed", problem
    address = recipient.mobile_phone if channel == "sms" else recipient.email
    return PreparedSend(recipient.id, channel, address, subject, body, verdict, reason, decision.not_before)


def _render(session: Session, practice: Practice, recipient: Patient, appointment: Appointment | None, key: str,
            channel: str) -> tuple[str, str, str]:
    """(subject, body, problem): the problem names the template and the field, never the patient."""
    row = get_template(session=session, practice_id=practice.id, key=key, channel=channel)
    if row is None:
        return "", "", f"no template '{key}' for {channel}"
    context = template_context(patient=recipient, practice=practice, appointment=appointment)
    try:
        rendered = render_message(subject=row.subject, body=row.body, context=context)
    except TemplateRenderError as exc:
        return "", "", f"template '{key}' ({channel}): {exc}"[:300]
    return rendered.subject, rendered.body, ""

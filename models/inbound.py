"""Inbound replies: recorded as messages, keywords recognised, consent updated, waiting journeys told via an event."""
from __future__ import annotations

import re

from sqlmodel import Session

from models.consent import record_consent
from models.events import EventKind, emit_event
from models.tables import Message, MessageStatus, Patient

# Carrier opt-out / opt-in / help keywords (CTIA): they count when they open the message.
_STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "end", "quit", "optout", "revoke"})
_START_WORDS = frozenset({"start", "unstop", "subscribe", "optin"})
_HELP_WORDS = frozenset({"help", "info"})
_CONFIRM_WORDS = frozenset({"c", "y", "yes", "yep", "confirm", "confirmed", "confirming"})
# "cancel" means the appointment here (replies answer reminders); staff see every such reply in the inbox.
_CANCEL_PATTERN = re.compile(r"\b(cancel\w*|can'?t make it|cannot make it|won'?t make it)\b")
_MAX_BODY = 5000


def _words(body: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", body.lower()).split()


def classify_intent(body: str) -> str:
    """One of "stop", "start", "help", "confirm", "cancel", "other"; the opt-out check comes first on purpose."""
    words = _words(body)
    if not words:
        return "other"
    first = words[0]
    if first in _STOP_WORDS:
        return "stop"
    if first in _START_WORDS:
        return "start"
    if first in _HELP_WORDS:
        return "help"
    if _CANCEL_PATTERN.search(" ".join(words)):
        return "cancel"
    if first in _CONFIRM_WORDS or "confirm" in words:
        return "confirm"
    return "other"


def _apply_keyword_consent(session: Session, message: Message, intent: str) -> None:
    """STOP and START change consent for the channel the patient wrote on, for every message type."""
    if intent not in ("stop", "start"):
        return
    record_consent(session=session, patient_id=message.patient_id, channel=message.channel, message_type="any",
                   granted=intent == "start", source="patient_reply", evidence=f"message:{message.id} {intent}")


def receive_reply(*, session: Session, patient_id: int, channel: str, body: str, from_address: str = "",
                  in_reply_to_id: int | None = None) -> Message:
    """Record an inbound message; nothing is dropped: unrecognised text lands in the staff inbox as intent "other"."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    intent = classify_intent(body)
    message = Message(practice_id=patient.practice_id, patient_id=patient_id, direction="in", channel=channel,
                      from_address=from_address[:254], body=body[:_MAX_BODY], status=MessageStatus.RECEIVED,
                      in_reply_to_id=in_reply_to_id, reason=f"intent: {intent}")
    session.add(message)
    session.flush()
    _apply_keyword_consent(session, message, intent)
    emit_event(session=session, practice_id=patient.practice_id, kind=EventKind.REPLY_RECEIVED, patient_id=patient_id,
               entity_id=message.id, payload={"message_id": message.id, "intent": intent})
    return message

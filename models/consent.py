"""The consent ledger: append-only opt-ins and opt-outs per channel and message type, and what they allow now.

Precedence (documented for staff and tests):
1. Only events whose scope covers the message count: (channel, message_type), (channel, "any"),
   ("any", message_type) and ("any", "any").
2. Among those, the LATEST event wins, whatever its scope: a STOP for SMS recorded after an earlier opt-in to SMS
   reminders stops the reminders too, and a START after a STOP re-allows.
3. Events recorded at the same instant (e.g. one import writing several rows) are decided by specificity:
   (channel, type) beats (channel, "any") beats ("any", type) beats ("any", "any"); then the later row id.
4. With no event at all: SMS needs the patient record's "texts OK" flag (Patient.sms_ok); email is allowed when
   an address exists; a phone call when any phone number exists.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.tables import ConsentEvent, Patient, Practice
from models.types import utcnow

CHANNELS = frozenset({"sms", "email", "phone", "any"})
ANY = "any"
_CHANNEL_LABELS = {"sms": "SMS", "email": "email", "phone": "phone calls"}
IMPORT_SOURCE = "import"
# Evidence as the Open Dental importer and the reply handler store it (raw, for audit), and the words staff read.
_OPEN_DENTAL_TEXTS = re.compile(r"^Open Dental TxtMsgOk=(\d+)$")
_OPEN_DENTAL_CALLS = re.compile(r"^Open Dental PreferContactMethod=\d+( \(DoNotCall\))?$")
_REPLY_KEYWORD = re.compile(r"^message:\d+ (\w+)$")


def record_consent(*, session: Session, patient_id: int, channel: str, message_type: str = ANY, granted: bool,
                   source: str, evidence: str = "", at: datetime | None = None) -> ConsentEvent:
    """Append one opt-in or opt-out to the ledger (rows are never updated); `at` defaults to now."""
    channel, message_type = channel.strip().lower(), message_type.strip().lower()
    if channel not in CHANNELS:
        raise ValueError(f"consent channel must be one of {', '.join(sorted(CHANNELS))}, not {channel!r}")
    if not message_type or len(message_type) > 30:
        raise ValueError("consent message type must be 1-30 characters (use 'any' for all types)")
    if not source.strip():
        raise ValueError("consent source is required (import, staff, patient_reply, portal)")
    if at is not None and at.tzinfo is None:
        raise ValueError("consent time must be timezone-aware")
    event = ConsentEvent(patient_id=patient_id, channel=channel, message_type=message_type, granted=granted,
                         source=source.strip()[:40], evidence=evidence[:500], at=at or utcnow())
    session.add(event)
    session.flush()
    return event


def consent_allows(*, session: Session, patient_id: int, channel: str, message_type: str) -> tuple[bool, str]:
    """Whether the patient lets us send this type of message on this channel, and why (no PHI in the reason)."""
    channel, message_type = channel.strip().lower(), message_type.strip().lower()
    if channel not in _CHANNEL_LABELS:
        raise ValueError(f"cannot check consent for channel {channel!r}; use sms, email or phone")
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} not found")
    deciding = deciding_event(session=session, patient_id=patient_id, channel=channel, message_type=message_type)
    if deciding is None:
        return _default_without_events(patient, channel)
    practice = session.get(Practice, patient.practice_id)
    return deciding.granted, describe_event(deciding, practice_tz=practice.timezone if practice else "UTC")


def deciding_event(*, session: Session, patient_id: int, channel: str, message_type: str) -> ConsentEvent | None:
    """The ledger row that decides (channel, message_type) under the precedence above, or None."""
    rows = session.exec(select(ConsentEvent).where(
        ConsentEvent.patient_id == patient_id,
        ConsentEvent.channel.in_([channel, ANY]),
        ConsentEvent.message_type.in_([message_type, ANY]),
    )).all()
    if not rows:
        return None
    return max(rows, key=lambda row: (row.at, _specificity(row), row.id or 0))


def describe_event(event: ConsentEvent, *, practice_tz: str) -> str:
    """'opted out of SMS on 3 Nov 2026' — the scope in words and the date in the practice's calendar.

    An imported event is dated by the import, not by the patient's choice (the old system does not say when):
    'opted out of SMS (imported from Open Dental on 3 Dec 2026)'."""
    verb = "opted in to" if event.granted else "opted out of"
    local = event.at.astimezone(ZoneInfo(practice_tz))
    day = f"{local.day} {local:%b %Y}"
    scope = _scope_words(event.channel, event.message_type)
    if event.source == IMPORT_SOURCE:
        return f"{verb} {scope} ({imported_from(event)} on {day})"
    return f"{verb} {scope} on {day}"


def imported_from(event: ConsentEvent) -> str:
    """'imported from Open Dental' (or just 'imported' when the evidence does not name the system)."""
    return "imported from Open Dental" if event.evidence.startswith("Open Dental") else "imported"


def evidence_words(event: ConsentEvent) -> str:
    """The stored evidence in staff's words: Open Dental's flags and reply keywords spelled out, the rest as is."""
    texts, calls = _OPEN_DENTAL_TEXTS.match(event.evidence), _OPEN_DENTAL_CALLS.match(event.evidence)
    if texts and texts.group(1) in ("1", "2"):
        return f"Texts {'OK' if texts.group(1) == '1' else 'not OK'} in Open Dental (imported)"
    if calls:
        return f"{'Marked do-not-call' if calls.group(1) else 'Calls OK'} in Open Dental (imported)"
    keyword = _REPLY_KEYWORD.match(event.evidence)
    if keyword:
        return f"The patient replied {keyword.group(1).upper()}"
    return event.evidence


def _scope_words(channel: str, message_type: str) -> str:
    kind = message_type.replace("_", " ")
    if channel == ANY:
        return "all messages" if message_type == ANY else f"{kind} messages"
    label = _CHANNEL_LABELS.get(channel, channel)
    return label if message_type == ANY else f"{label} {kind} messages"


def _specificity(event: ConsentEvent) -> int:
    return (2 if event.channel != ANY else 0) + (1 if event.message_type != ANY else 0)


def _default_without_events(patient: Patient, channel: str) -> tuple[bool, str]:
    if channel == "sms":
        if patient.sms_ok:
            return True, "texts allowed by the patient record (no consent change recorded)"
        return False, "no SMS consent on file"
    if channel == "email":
        if patient.email.strip():
            return True, "email allowed (no opt-out recorded)"
        return False, "no email address"
    if any(p.strip() for p in (patient.mobile_phone, patient.home_phone, patient.work_phone)):
        return True, "calls allowed (no opt-out recorded)"
    return False, "no phone number"

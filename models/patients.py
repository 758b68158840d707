"""Patient registration and preference changes; each writes an AuditLog row, registration also patient.created.

Contact fields are validated and normalised by models.validation (phones become "(NXX) NXX-XXXX"). Errors name
the field, never the value. A change of "texts OK" is also a consent change, so it appends to the consent ledger.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from models.change_log import practice_today, record_change
from models.consent import deciding_event, record_consent
from models.validation import bounded_text, normalize_email, normalize_phone, require_text
from models.events import EventKind
from models.tables import Channel, Patient, Practice
from models.types import utcnow

# Flag name -> Patient column; journeys read these through the facts (e.g. patient.anxious).
PATIENT_FLAGS = {"anxious": "anxious"}
_CHANNELS = frozenset(c.value for c in Channel)


def create_patient(*, session: Session, practice_id: int, first_name: str, last_name: str, preferred_name: str = "",
                   birthdate: date | None = None, email: str = "", mobile_phone: str = "", home_phone: str = "",
                   work_phone: str = "", preferred_channel: str | None = None, sms_ok: bool = False,
                   language: str = "en", timezone: str | None = None, anxious: bool = False,
                   guarantor_id: int | None = None, consent_source: str = "staff",
                   user_id: int | None = None) -> Patient:
    """Register a patient; the patient.created event lets welcome journeys start. No preferred channel = best guess."""
    if session.get(Practice, practice_id) is None:
        raise ValueError(f"practice {practice_id} does not exist")
    contact = _contact_fields(email=email, mobile_phone=mobile_phone, home_phone=home_phone, work_phone=work_phone)
    channel = _channel(preferred_channel) if preferred_channel is not None else _default_channel(sms_ok, **contact)
    _check_birthdate(session, practice_id, birthdate)
    _check_guarantor(session, practice_id, guarantor_id)
    patient = Patient(practice_id=practice_id, birthdate=birthdate, preferred_channel=channel, sms_ok=bool(sms_ok),
                      language=_language(language), timezone=_timezone(timezone), anxious=bool(anxious),
                      guarantor_id=guarantor_id, **_names(first_name, last_name, preferred_name), **contact)
    session.add(patient)
    session.flush()
    if sms_ok:
        # The ledger keeps who said texts are OK and when, which the flag alone cannot show.
        record_consent(session=session, patient_id=patient.id, channel="sms", granted=True, source=consent_source,
                       evidence="texts OK at registration")
    record_change(session=session, practice_id=practice_id, entity="patient", entity_id=patient.id, detail="created",
                  user_id=user_id, patient_id=patient.id, kind=EventKind.PATIENT_CREATED,
                  payload={"patient_id": patient.id})
    return patient


def update_contact_preferences(*, session: Session, patient_id: int, preferred_channel: str | None = None,
                               sms_ok: bool | None = None, anxious: bool | None = None, consent_source: str = "staff",
                               evidence: str = "", user_id: int | None = None) -> Patient:
    """Change what is given (None = leave as is); texts OK/not OK also appends to the consent ledger."""
    patient = _load(session, patient_id)
    changed: list[str] = []
    if preferred_channel is not None and _channel(preferred_channel) != patient.preferred_channel:
        patient.preferred_channel = _channel(preferred_channel)
        changed.append("preferred_channel")
    if sms_ok is not None and _apply_sms_ok(session, patient, _boolean(sms_ok, "sms_ok"), consent_source, evidence):
        changed.append("sms_ok")
    if anxious is not None and _apply_flag(patient, "anxious", _boolean(anxious, "anxious")):
        changed.append("anxious")
    _record_update(session, patient, changed, user_id)
    return patient


def set_flag(*, session: Session, patient_id: int, flag: str, value: bool, user_id: int | None = None) -> Patient:
    """Set or clear one care flag (see PATIENT_FLAGS); setting it to what it already is writes nothing."""
    if flag not in PATIENT_FLAGS:
        raise ValueError(f"flag must be one of: {', '.join(sorted(PATIENT_FLAGS))}")
    patient = _load(session, patient_id)
    if _apply_flag(patient, flag, _boolean(value, "value")):
        _record_update(session, patient, [f"flag {flag}"], user_id)
    return patient


def _load(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    return patient


def _record_update(session: Session, patient: Patient, changed: list[str], user_id: int | None) -> None:
    """One audit row naming the fields that changed (names only); nothing when nothing changed."""
    if not changed:
        return
    patient.updated_at = utcnow()
    session.add(patient)
    record_change(session=session, practice_id=patient.practice_id, entity="patient", entity_id=patient.id,
                  detail="changed " + ", ".join(changed), user_id=user_id, patient_id=patient.id)


def _apply_sms_ok(session: Session, patient: Patient, sms_ok: bool, source: str, evidence: str) -> bool:
    """Set the flag and, when it differs from what consent currently says for SMS, append to the ledger."""
    deciding = deciding_event(session=session, patient_id=patient.id, channel="sms", message_type="any")
    effective = deciding.granted if deciding is not None else patient.sms_ok
    flag_changed = patient.sms_ok != sms_ok
    patient.sms_ok = sms_ok
    if effective != sms_ok:
        record_consent(session=session, patient_id=patient.id, channel="sms", granted=sms_ok, source=source,
                       evidence=evidence or ("texts OK" if sms_ok else "no texts"))
    return flag_changed or effective != sms_ok


def _apply_flag(patient: Patient, flag: str, value: bool) -> bool:
    column = PATIENT_FLAGS[flag]
    if getattr(patient, column) == value:
        return False
    setattr(patient, column, value)
    return True


def _names(first_name: str, last_name: str, preferred_name: str) -> dict:
    return {"first_name": require_text(first_name, field="first_name", max_length=100),
            "last_name": require_text(last_name, field="last_name", max_length=100),
            "preferred_name": bounded_text(preferred_name, field="preferred_name", max_length=100)}


def _contact_fields(*, email: str, mobile_phone: str, home_phone: str, work_phone: str) -> dict:
    return {"email": normalize_email(email, field="email"),
            "mobile_phone": normalize_phone(mobile_phone, field="mobile_phone"),
            "home_phone": normalize_phone(home_phone, field="home_phone"),
            "work_phone": normalize_phone(work_phone, field="work_phone")}


def _default_channel(sms_ok: bool, *, email: str, mobile_phone: str, home_phone: str, work_phone: str) -> str:
    """Texts when allowed and possible, else email, else a call; SMS (the column default) when nothing is known."""
    if mobile_phone and sms_ok:
        return Channel.SMS.value
    if email:
        return Channel.EMAIL.value
    if mobile_phone or home_phone or work_phone:
        return Channel.PHONE.value
    return Channel.SMS.value


def _channel(value: str) -> str:
    channel = (value or "").strip().lower()
    if channel not in _CHANNELS:
        raise ValueError(f"preferred_channel must be one of: {', '.join(sorted(_CHANNELS))}")
    return channel


def _boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{field} must be true or false")
    return value


def _language(value: str) -> str:
    return require_text(value, field="language", max_length=10).lower()


def _timezone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("timezone must be an IANA time zone name such as America/Chicago") from None
    return value.strip()


def _check_birthdate(session: Session, practice_id: int, birthdate: date | None) -> None:
    if birthdate is not None and birthdate > practice_today(session=session, practice_id=practice_id):
        raise ValueError("birthdate cannot be in the future")


def _check_guarantor(session: Session, practice_id: int, guarantor_id: int | None) -> None:
    if guarantor_id is None:
        return
    guarantor = session.get(Patient, guarantor_id)
    if guarantor is None or guarantor.practice_id != practice_id:
        raise ValueError(f"guarantor {guarantor_id} is not a patient of this practice")

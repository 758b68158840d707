"""Care flags staff change on the patient page: each change is audited (models.patients) and shows on the patient's
timeline, the nervous flag as a staff note and texts OK / opted out as a consent entry."""
from __future__ import annotations

from sqlmodel import Session

from models.consent import consent_allows
from models.patients import set_flag, update_contact_preferences
from models.tables import Note, Patient

NERVOUS_ON = "Marked as a nervous patient."
NERVOUS_OFF = "No longer marked as a nervous patient."
TEXTS_EVIDENCE = {True: "staff: patient says texts are OK", False: "staff: patient asked for no texts"}


def set_nervous(*, session: Session, patient_id: int, nervous: bool, user_id: int | None) -> bool:
    """Set or clear the anxious flag (journeys such as the reassurance call read it); False when nothing changed."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    if patient.anxious == nervous:
        return False
    set_flag(session=session, patient_id=patient_id, flag="anxious", value=nervous, user_id=user_id)
    session.add(Note(practice_id=patient.practice_id, patient_id=patient_id, kind="note",
                     body=NERVOUS_ON if nervous else NERVOUS_OFF, author_id=user_id))
    session.flush()
    return True


def texts_allowed(*, session: Session, patient_id: int) -> bool:
    """Whether texts are OK now, as the send guard sees it (the latest consent entry, else the patient's flag)."""
    allowed, _ = consent_allows(session=session, patient_id=patient_id, channel="sms", message_type="any")
    return allowed


def set_texts_ok(*, session: Session, patient_id: int, texts_ok: bool, user_id: int | None) -> bool:
    """Record what the patient told staff about texts, in the consent ledger; False when it already says so."""
    if texts_allowed(session=session, patient_id=patient_id) == texts_ok:
        return False
    update_contact_preferences(session=session, patient_id=patient_id, sms_ok=texts_ok, consent_source="staff",
                               evidence=TEXTS_EVIDENCE[texts_ok], user_id=user_id)
    return True

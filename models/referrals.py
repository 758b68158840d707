"""Referrals: one patient brought another. Writes referral.created and an AuditLog row in the caller's transaction."""
from __future__ import annotations

from sqlmodel import Session, select

from models.change_log import record_change
from models.events import EventKind
from models.tables import Patient, Referral


def create_referral(*, session: Session, referrer_patient_id: int, referred_patient_id: int,
                    user_id: int | None = None) -> Referral:
    """Record who referred whom; the event is about the referred (new) patient, whose journeys thank the referrer."""
    if referrer_patient_id == referred_patient_id:
        raise ValueError("a patient cannot refer themselves")
    referrer = _load(session, referrer_patient_id, "referrer")
    referred = _load(session, referred_patient_id, "referred patient")
    if referrer.practice_id != referred.practice_id:
        raise ValueError("referrer and referred patient belong to different practices")
    existing = session.exec(select(Referral).where(Referral.referred_patient_id == referred.id)).first()
    if existing is not None:
        # Checked here rather than left to the unique constraint, so the caller's transaction stays usable.
        raise ValueError(f"patient {referred.id} was already referred (referral {existing.id}); "
                         "a patient can be referred only once")
    referral = Referral(practice_id=referred.practice_id, referrer_patient_id=referrer.id,
                        referred_patient_id=referred.id)
    session.add(referral)
    session.flush()
    record_change(session=session, practice_id=referral.practice_id, entity="referral", entity_id=referral.id,
                  detail="created", user_id=user_id, patient_id=referred.id, kind=EventKind.REFERRAL_CREATED,
                  payload={"referral_id": referral.id, "referrer_patient_id": referrer.id,
                           "referred_patient_id": referred.id})
    return referral


def _load(session: Session, patient_id: int, role: str) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"{role} {patient_id} does not exist")
    return patient

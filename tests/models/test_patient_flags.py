"""Staff change the nervous flag and texts OK on the patient page: audited, on the timeline, read by the guard."""
import pytest
from sqlmodel import select

from models.consent import consent_allows, record_consent
from models.patient_flags import NERVOUS_OFF, NERVOUS_ON, set_nervous, set_texts_ok, texts_allowed
from models.queries.timeline import patient_timeline
from models.tables import Note, Patient
from tests.factories import make_patient, make_practice, make_staff_user
from tests.models.recorded import audit


@pytest.fixture
def desk(session):
    practice = make_practice(session)
    return make_patient(session, practice, sms_ok=True, anxious=False), make_staff_user(session, practice)


def _notes(session):
    return [(n.kind, n.body, n.author_id) for n in session.exec(select(Note).order_by(Note.id))]


def test_marking_a_patient_nervous_and_back_is_audited_and_noted(session, desk):
    patient, user = desk

    changed = [set_nervous(session=session, patient_id=patient.id, nervous=value, user_id=user.id)
               for value in (True, True, False)]

    assert changed == [True, False, True]
    assert session.get(Patient, patient.id).anxious is False
    assert _notes(session) == [("note", NERVOUS_ON, user.id), ("note", NERVOUS_OFF, user.id)]
    assert audit(session) == [("change", "patient", str(patient.id), "changed flag anxious", user.id)] * 2
    assert [i.detail for i in patient_timeline(session=session, patient_id=patient.id, kinds=["note"])] == [
        "No longer marked as a nervous patient.", "Marked as a nervous patient."]


def test_opting_out_of_texts_goes_to_the_consent_ledger_and_the_guard_obeys(session, desk):
    patient, user = desk

    assert set_texts_ok(session=session, patient_id=patient.id, texts_ok=False, user_id=user.id) is True

    assert texts_allowed(session=session, patient_id=patient.id) is False
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="review")[0] is False
    assert audit(session) == [("change", "patient", str(patient.id), "changed sms_ok", user.id)]
    [entry] = patient_timeline(session=session, patient_id=patient.id, kinds=["consent"])
    assert (entry.title, entry.status, entry.detail) == ("Opted out of SMS", "withdrawn",
                                                         "staff: patient asked for no texts")


def test_texts_ok_after_a_stop_reply_is_recorded_and_saying_it_again_writes_nothing(session, desk):
    patient, user = desk
    record_consent(session=session, patient_id=patient.id, channel="sms", granted=False, source="patient_reply",
                   evidence="STOP")

    changed = [set_texts_ok(session=session, patient_id=patient.id, texts_ok=True, user_id=user.id)
               for _ in range(2)]

    assert changed == [True, False]
    assert texts_allowed(session=session, patient_id=patient.id) is True
    assert [i.title for i in patient_timeline(session=session, patient_id=patient.id, kinds=["consent"])] == [
        "Opted in to SMS", "Opted out of SMS"]

"""Registering writes patient.created; preference changes are audited and texts-OK reaches the consent ledger."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.consent import consent_allows, record_consent
from models.patients import create_patient, set_flag, update_contact_preferences
from models.tables import AuditLog, ConsentEvent, DomainEvent, Patient
from tests.factories import make_patient, make_practice, make_staff_user
from tests.models.recorded import audit, events


@pytest.fixture
def practice(session):
    return make_practice(session)


def _consents(session):
    rows = session.exec(select(ConsentEvent).order_by(ConsentEvent.id))
    return [(c.patient_id, c.channel, c.message_type, c.granted, c.source, c.evidence) for c in rows]


def _nothing_written(session):
    return [session.exec(select(table)).all() for table in (Patient, DomainEvent, AuditLog, ConsentEvent)] == [[]] * 4


def test_registering_writes_normalised_fields_one_created_event_and_an_audit_row(session, practice):
    user = make_staff_user(session, practice)
    patient = create_patient(session=session, practice_id=practice.id, first_name="  Ana ", last_name="Ruiz",
                             email="Ana.Ruiz@Example.COM", mobile_phone="+1 312.555.0134", home_phone="13125550199",
                             birthdate=date(1990, 2, 3), user_id=user.id)
    assert (patient.first_name, patient.last_name, patient.email) == ("Ana", "Ruiz", "Ana.Ruiz@example.com")
    assert (patient.mobile_phone, patient.home_phone, patient.work_phone) == ("(312) 555-0134", "(312) 555-0199", "")
    assert events(session) == [("patient.created", patient.id, patient.id, {"patient_id": patient.id})]
    assert audit(session) == [("change", "patient", str(patient.id), "created", user.id)]


def test_texts_ok_at_registration_is_recorded_in_the_consent_ledger_and_makes_sms_preferred(session, practice):
    patient = create_patient(session=session, practice_id=practice.id, first_name="Ana", last_name="Ruiz",
                             mobile_phone="(312) 555-0134", email="ana@example.com", sms_ok=True,
                             consent_source="portal")
    assert patient.preferred_channel == "sms"
    assert _consents(session) == [(patient.id, "sms", "any", True, "portal", "texts OK at registration")]


def test_without_texts_ok_the_preferred_channel_falls_back_to_email_then_phone(session, practice):
    by_email = create_patient(session=session, practice_id=practice.id, first_name="Ana", last_name="Ruiz",
                              mobile_phone="3125550134", email="ana@example.com")
    by_phone = create_patient(session=session, practice_id=practice.id, first_name="Bo", last_name="Lind",
                              home_phone="3125550135")
    assert (by_email.preferred_channel, by_phone.preferred_channel) == ("email", "phone")
    assert _consents(session) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_name", "   ", "first_name is required"),
    ("last_name", "R" * 101, "last_name must be at most 100 characters"),
    ("email", "ana.ruiz@example", "email is not a valid email address"),
    ("email", "ana ruiz@example.com", "email is not a valid email address"),
    ("mobile_phone", "555-0177", "mobile_phone must be a 10-digit North American phone number"),
    ("home_phone", "+44 20 7946 0958", "home_phone must be a 10-digit North American phone number"),
    ("work_phone", "(312) 555-0134 x12", "work_phone must be a 10-digit North American phone number"),
    ("mobile_phone", "(112) 555-0134", "mobile_phone must be a 10-digit North American phone number"),
    ("preferred_channel", "fax", "preferred_channel must be one of: email, phone, sms"),
    ("timezone", "Mars/Olympus", "timezone must be an IANA time zone name"),
    ("birthdate", date(2999, 1, 1), "birthdate cannot be in the future"),
])
def test_invalid_input_is_refused_naming_the_field_not_the_value_and_writes_nothing(session, practice, field, value,
                                                                                     message):
    fields = dict(first_name="Ana", last_name="Ruiz") | {field: value}
    with pytest.raises(ValueError, match=message) as error:
        create_patient(session=session, practice_id=practice.id, **fields)
    assert not isinstance(value, str) or not value.strip() or value not in str(error.value)
    assert _nothing_written(session)


def test_unknown_practice_and_a_guarantor_from_another_practice_are_refused(session, practice):
    other = make_patient(session, make_practice(session, name="Elsewhere Dental"))
    with pytest.raises(ValueError, match="practice 999 does not exist"):
        create_patient(session=session, practice_id=999, first_name="Ana", last_name="Ruiz")
    with pytest.raises(ValueError, match=f"guarantor {other.id} is not a patient of this practice"):
        create_patient(session=session, practice_id=practice.id, first_name="Ana", last_name="Ruiz",
                       guarantor_id=other.id)
    assert events(session) == []


def test_rolled_back_registration_leaves_neither_patient_nor_event(engine):
    with Session(engine) as s:
        practice_id = make_practice(s).id
        s.commit()
    with Session(engine) as s:
        create_patient(session=s, practice_id=practice_id, first_name="Ana", last_name="Ruiz", sms_ok=True,
                       mobile_phone="3125550134")
        s.rollback()
    with Session(engine) as s:
        assert _nothing_written(s)


def test_turning_texts_off_records_an_opt_out_and_audits_field_names_without_an_event(session, practice):
    patient = make_patient(session, practice, sms_ok=True, preferred_channel="sms")
    update_contact_preferences(session=session, patient_id=patient.id, preferred_channel="email", sms_ok=False,
                               evidence="asked at the front desk")
    assert (patient.preferred_channel, patient.sms_ok) == ("email", False)
    assert _consents(session) == [(patient.id, "sms", "any", False, "staff", "asked at the front desk")]
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder")[0] is False
    assert audit(session) == [("change", "patient", str(patient.id), "changed preferred_channel, sms_ok", None)]
    assert events(session) == []


def test_texts_ok_after_a_stop_reply_records_a_new_opt_in_even_though_the_flag_was_already_on(session, practice):
    patient = make_patient(session, practice, sms_ok=True)
    record_consent(session=session, patient_id=patient.id, channel="sms", granted=False, source="patient_reply")
    update_contact_preferences(session=session, patient_id=patient.id, sms_ok=True)
    assert [c[3] for c in _consents(session)] == [False, True]
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder")[0] is True
    assert audit(session)[-1][3] == "changed sms_ok"


def test_preferences_that_match_what_is_stored_write_nothing(session, practice):
    patient = make_patient(session, practice, sms_ok=True, preferred_channel="sms", anxious=False)
    update_contact_preferences(session=session, patient_id=patient.id, preferred_channel="SMS", sms_ok=True,
                               anxious=False)
    assert (audit(session), _consents(session), events(session)) == ([], [], [])


def test_invalid_preference_is_refused_before_anything_changes(session, practice):
    patient = make_patient(session, practice, sms_ok=True, preferred_channel="sms")
    with pytest.raises(ValueError, match="sms_ok must be true or false"):
        update_contact_preferences(session=session, patient_id=patient.id, preferred_channel="email", sms_ok="no")
    with pytest.raises(ValueError, match="patient 999 does not exist"):
        update_contact_preferences(session=session, patient_id=999, anxious=True)
    assert (audit(session), _consents(session)) == ([], [])


def test_setting_the_anxious_flag_is_audited_once_and_repeating_it_writes_nothing(session, practice):
    patient = make_patient(session, practice)
    set_flag(session=session, patient_id=patient.id, flag="anxious", value=True)
    set_flag(session=session, patient_id=patient.id, flag="anxious", value=True)
    assert patient.anxious is True
    assert audit(session) == [("change", "patient", str(patient.id), "changed flag anxious", None)]
    assert events(session) == []


def test_unknown_flag_is_refused(session, practice):
    patient = make_patient(session, practice)
    with pytest.raises(ValueError, match="flag must be one of: anxious"):
        set_flag(session=session, patient_id=patient.id, flag="vip", value=True)
    assert audit(session) == []

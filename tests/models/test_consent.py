"""The consent ledger: appended, never edited; the latest covering event decides; ties go to the more specific."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from models.consent import consent_allows, evidence_words, record_consent
from models.tables import ConsentEvent
from tests.factories import make_patient, make_practice

UTC = timezone.utc


def at(day: int, hour: int = 15) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def record(session, patient, channel, message_type, granted, when):
    return record_consent(session=session, patient_id=patient.id, channel=channel, message_type=message_type,
                          granted=granted, source="staff", at=when)


def test_record_consent_appends_a_row_and_never_updates(session, patient):
    first = record(session, patient, "sms", "any", False, at(3))
    second = record(session, patient, "sms", "any", True, at(4))
    rows = session.exec(select(ConsentEvent).where(ConsentEvent.patient_id == patient.id)
                        .order_by(ConsentEvent.id)).all()
    assert [(row.id, row.granted) for row in rows] == [(first.id, False), (second.id, True)]


def test_opt_out_is_reported_with_channel_and_date(session, patient):
    record(session, patient, "sms", "any", False, at(3))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="review") == (
        False, "opted out of SMS on 3 Nov 2026")


def test_date_is_the_practice_calendar_day_not_utc(session, patient):
    record(session, patient, "sms", "any", False, datetime(2026, 11, 4, 3, 0, tzinfo=UTC))  # 21:00 on 3 Nov in Chicago
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="review") == (
        False, "opted out of SMS on 3 Nov 2026")


def test_later_opt_in_after_opt_out_allows_again(session, patient):
    record(session, patient, "sms", "any", False, at(3))
    record(session, patient, "sms", "any", True, at(10))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder") == (
        True, "opted in to SMS on 10 Nov 2026")


def test_later_channel_wide_stop_beats_an_earlier_type_specific_opt_in(session, patient):
    record(session, patient, "sms", "reminder", True, at(3))
    record(session, patient, "sms", "any", False, at(5))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder") == (
        False, "opted out of SMS on 5 Nov 2026")


def test_channel_specific_beats_any_when_recorded_at_the_same_moment(session, patient):
    record(session, patient, "sms", "any", True, at(3))
    record(session, patient, "any", "any", False, at(3))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="review") == (
        True, "opted in to SMS on 3 Nov 2026")
    assert consent_allows(session=session, patient_id=patient.id, channel="email", message_type="review") == (
        False, "opted out of all messages on 3 Nov 2026")


def test_type_specific_beats_channel_wide_when_recorded_at_the_same_moment(session, patient):
    record(session, patient, "sms", "any", True, at(3))
    record(session, patient, "sms", "marketing", False, at(3))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="marketing") == (
        False, "opted out of SMS marketing messages on 3 Nov 2026")
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder") == (
        True, "opted in to SMS on 3 Nov 2026")


def test_type_wide_opt_out_covers_every_channel(session, patient):
    record(session, patient, "any", "birthday_greeting", False, at(3))
    for channel in ("sms", "email"):
        assert consent_allows(session=session, patient_id=patient.id, channel=channel,
                              message_type="birthday_greeting") == (
            False, "opted out of birthday greeting messages on 3 Nov 2026")


def test_events_for_other_channels_and_types_do_not_count(session, patient):
    record(session, patient, "email", "any", False, at(3))
    record(session, patient, "sms", "marketing", False, at(4))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="reminder") == (
        True, "texts allowed by the patient record (no consent change recorded)")


def test_an_imported_opt_out_is_dated_by_the_import_not_by_the_patient(session, patient):
    # 19:00 UTC on 3 Dec is 1 PM in Chicago: the import ran that day; when the patient chose is unknown.
    record_consent(session=session, patient_id=patient.id, channel="sms", granted=False, source="import",
                   evidence="Open Dental TxtMsgOk=2", at=datetime(2026, 12, 3, 19, 0, tzinfo=UTC))
    record_consent(session=session, patient_id=patient.id, channel="email", granted=False, source="import",
                   evidence="", at=datetime(2026, 12, 3, 19, 0, tzinfo=UTC))
    assert consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="review") == (
        False, "opted out of SMS (imported from Open Dental on 3 Dec 2026)")
    assert consent_allows(session=session, patient_id=patient.id, channel="email", message_type="review") == (
        False, "opted out of email (imported on 3 Dec 2026)")


@pytest.mark.parametrize("evidence, words", [
    ("Open Dental TxtMsgOk=1", "Texts OK in Open Dental (imported)"),
    ("Open Dental TxtMsgOk=2", "Texts not OK in Open Dental (imported)"),
    ("Open Dental PreferContactMethod=1 (DoNotCall)", "Marked do-not-call in Open Dental (imported)"),
    ("Open Dental PreferContactMethod=8", "Calls OK in Open Dental (imported)"),
    ("message:41 stop", "The patient replied STOP"),
    ("asked at the desk", "asked at the desk"),
])
def test_evidence_reads_in_staff_words(evidence, words):
    assert evidence_words(ConsentEvent(patient_id=1, channel="sms", granted=False, source="import",
                                       evidence=evidence)) == words


@pytest.mark.parametrize("fields, channel, expected", [
    (dict(sms_ok=True), "sms", (True, "texts allowed by the patient record (no consent change recorded)")),
    (dict(sms_ok=False), "sms", (False, "no SMS consent on file")),
    (dict(email="maria@example.com"), "email", (True, "email allowed (no opt-out recorded)")),
    (dict(email=""), "email", (False, "no email address")),
    (dict(mobile_phone="", home_phone="555 0100"), "phone", (True, "calls allowed (no opt-out recorded)")),
    (dict(mobile_phone="", home_phone="", work_phone=""), "phone", (False, "no phone number")),
])
def test_without_any_event_the_patient_record_decides(session, fields, channel, expected):
    patient = make_patient(session, make_practice(session), **fields)
    assert consent_allows(session=session, patient_id=patient.id, channel=channel, message_type="any") == expected


def test_channel_and_type_are_normalised_to_lower_case(session, patient):
    event = record_consent(session=session, patient_id=patient.id, channel=" SMS ", message_type="Review",
                           granted=False, source="staff")
    assert (event.channel, event.message_type) == ("sms", "review")
    assert event.at.tzinfo is not None


@pytest.mark.parametrize("kwargs, message", [
    (dict(channel="fax"), "consent channel must be one of any, email, phone, sms, not 'fax'"),
    (dict(message_type=""), "consent message type must be 1-30 characters"),
    (dict(source=" "), "consent source is required"),
    (dict(at=datetime(2026, 11, 3, 15, 0)), "consent time must be timezone-aware"),
])
def test_record_consent_rejects_bad_input(session, patient, kwargs, message):
    values = dict(channel="sms", message_type="any", granted=False, source="staff")
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        record_consent(session=session, patient_id=patient.id, **values)


def test_consent_allows_rejects_the_any_channel(session, patient):
    with pytest.raises(ValueError, match="cannot check consent for channel 'any'"):
        consent_allows(session=session, patient_id=patient.id, channel="any", message_type="review")

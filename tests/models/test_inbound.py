"""Replies are recorded, keywords recognised, consent updated and an event written for waiting journeys."""
import pytest
from sqlmodel import select

from models.events import event_payload
from models.inbound import classify_intent, receive_reply
from models.tables import ConsentEvent, DomainEvent, Message
from tests.factories import make_patient, make_practice


@pytest.mark.parametrize(("body", "intent"), [
    ("STOP", "stop"), ("  stop. ", "stop"), ("Unsubscribe me", "stop"), ("QUIT", "stop"),
    ("START", "start"), ("unstop", "start"),
    ("HELP", "help"), ("info?", "help"),
    ("C", "confirm"), ("Yes!", "confirm"), ("yes I'll be there", "confirm"), ("I confirm", "confirm"),
    ("CANCEL", "cancel"), ("yes but I need to cancel", "cancel"), ("Sorry can't make it", "cancel"),
    ("I'll stop by later", "other"), ("", "other"), ("Does my insurance cover a crown?", "other"),
])
def test_reply_text_is_classified(body, intent):
    assert classify_intent(body) == intent


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def test_reply_is_stored_as_received_inbound_message_with_event(session, patient):
    msg = receive_reply(session=session, patient_id=patient.id, channel="sms", body="Yes see you then",
                        from_address="+15552013344")
    stored = session.exec(select(Message)).one()
    assert stored.id == msg.id
    assert (stored.direction, stored.status, stored.channel, stored.body, stored.from_address, stored.reason) == (
        "in", "received", "sms", "Yes see you then", "+15552013344", "intent: confirm")
    event = session.exec(select(DomainEvent)).one()
    assert (event.kind, event.patient_id, event.entity_id) == ("reply.received", patient.id, msg.id)
    assert event_payload(event) == {"message_id": msg.id, "intent": "confirm"}
    assert session.exec(select(ConsentEvent)).all() == []


def test_stop_reply_records_an_opt_out_for_that_channel(session, patient):
    msg = receive_reply(session=session, patient_id=patient.id, channel="sms", body="STOP")
    consent = session.exec(select(ConsentEvent)).one()
    assert (consent.patient_id, consent.channel, consent.message_type, consent.granted, consent.source) == (
        patient.id, "sms", "any", False, "patient_reply")
    assert consent.evidence == f"message:{msg.id} stop"


def test_start_after_stop_records_an_opt_in(session, patient):
    receive_reply(session=session, patient_id=patient.id, channel="sms", body="STOP")
    receive_reply(session=session, patient_id=patient.id, channel="sms", body="START")
    assert [c.granted for c in session.exec(select(ConsentEvent).order_by(ConsentEvent.id))] == [False, True]


def test_reply_in_answer_to_a_message_keeps_the_link(session, patient):
    out = Message(practice_id=patient.practice_id, patient_id=patient.id, direction="out", channel="sms", status="sent")
    session.add(out)
    session.flush()
    reply = receive_reply(session=session, patient_id=patient.id, channel="sms", body="?", in_reply_to_id=out.id)
    assert reply.in_reply_to_id == out.id


def test_reply_for_unknown_patient_is_refused(session):
    with pytest.raises(ValueError, match="patient 404 does not exist"):
        receive_reply(session=session, patient_id=404, channel="sms", body="hi")

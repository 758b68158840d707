"""send_once: the row is claimed before the provider is called, and no retry or race sends a message twice."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.tables import Message
from models.types import utcnow
from tests.factories import make_patient, make_practice
from tests.workflows.runtime.conftest import RecordingSender
from workflows.channels.base import OutboundMessage, PermanentSendError, TransientSendError
from workflows.channels.send_once import UNKNOWN_OUTCOME, SendResult, send_once


@pytest.fixture
def outbound(engine):
    with Session(engine) as s:
        patient = make_patient(s, make_practice(s))
        s.commit()
        return OutboundMessage(practice_id=patient.practice_id, patient_id=patient.id, channel="sms",
                               to_address="+15552013344", body="Thanks for visiting!", idempotency_key="e1:s1:0",
                               enrollment_id=None, step_id="thank_you", template_key="review_request")


def _rows(engine) -> list[Message]:
    with Session(engine) as s:
        return list(s.exec(select(Message).order_by(Message.id)))


def test_first_call_sends_and_records_the_message_as_sent(session_factory, engine, outbound, recording_sender):
    result = send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound)
    [row] = _rows(engine)
    assert result == SendResult(row.id, "sent", False, "", "fake-1")
    assert recording_sender.delivered == [outbound]
    assert (row.direction, row.channel, row.status, row.idempotency_key, row.provider_ref) == (
        "out", "sms", "sent", "e1:s1:0", "fake-1")
    assert (row.to_address, row.body, row.step_id, row.template_key) == (
        "+15552013344", "Thanks for visiting!", "thank_you", "review_request")
    assert row.sent_at is not None


def test_row_is_committed_as_sending_before_the_provider_is_called(session_factory, engine, outbound):
    seen = []

    class PeekingSender:
        name = "peek"

        def deliver(self, msg):
            seen.extend((r.status, r.idempotency_key) for r in _rows(engine))  # a separate connection
            return "ref"

    send_once(session_factory=session_factory, senders={"sms": PeekingSender()}, msg=outbound)
    assert seen == [("sending", "e1:s1:0")]


def test_retry_returns_the_stored_result_without_calling_the_provider(session_factory, outbound, recording_sender):
    first = send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound)
    second = send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound)
    assert second == SendResult(first.message_id, "sent", True, "", "fake-1")
    assert recording_sender.attempts == 1


def test_concurrent_double_call_calls_the_provider_once(session_factory, engine, outbound):
    gate = threading.Event()
    sender = RecordingSender(gate=gate)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(send_once, session_factory=session_factory, senders={"sms": sender}, msg=outbound)
        while sender.attempts == 0:  # the first call has claimed the row and is inside the provider
            threading.Event().wait(0.01)
        second = pool.submit(send_once, session_factory=session_factory, senders={"sms": sender}, msg=outbound)
        with pytest.raises(TransientSendError, match="is being sent by another attempt"):
            second.result(10)
        gate.set()
        assert first.result(10).status == "sent"
    assert sender.attempts == 1
    assert len(sender.delivered) == 1
    assert [r.status for r in _rows(engine)] == ["sent"]


def test_transient_failure_then_success_delivers_once(session_factory, engine, outbound):
    sender = RecordingSender(failures=[TransientSendError("421 try later")])
    with pytest.raises(TransientSendError, match="421 try later"):
        send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    assert _rows(engine) == []  # the claim was released: the provider took nothing
    result = send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    assert (result.status, result.duplicate) == ("sent", False)
    assert (sender.attempts, len(sender.delivered)) == (2, 1)
    assert [r.status for r in _rows(engine)] == ["sent"]


def test_permanent_failure_leaves_a_failed_row_with_a_scrubbed_reason(session_factory, engine, outbound):
    sender = RecordingSender(failures=[PermanentSendError("550 <maria@example.com> no such user")])
    with pytest.raises(PermanentSendError) as caught:
        send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    [row] = _rows(engine)
    assert (row.status, row.reason) == ("failed", "550 <<address>> no such user")
    assert caught.value.message_id == row.id
    with pytest.raises(PermanentSendError, match="no such user"):
        send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    assert sender.attempts == 1


def test_unexpected_provider_error_is_an_unknown_outcome_and_never_resent(session_factory, engine, outbound):
    sender = RecordingSender(failures=[TimeoutError("read timed out")])
    with pytest.raises(PermanentSendError, match="unknown outcome"):
        send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    [row] = _rows(engine)
    assert (row.status, row.reason) == ("failed", f"{UNKNOWN_OUTCOME} (TimeoutError)")
    with pytest.raises(PermanentSendError):
        send_once(session_factory=session_factory, senders={"sms": sender}, msg=outbound)
    assert sender.attempts == 1


def _orphan(engine, outbound, age: timedelta) -> int:
    """A row left in "sending" by a process that died between the provider call and the update."""
    with Session(engine) as s:
        row = Message(practice_id=outbound.practice_id, patient_id=outbound.patient_id, direction="out",
                      channel="sms", status="sending", idempotency_key=outbound.idempotency_key,
                      created_at=utcnow() - age)
        s.add(row)
        s.commit()
        return row.id


def test_row_stuck_in_sending_past_the_lease_is_marked_unknown_and_not_resent(session_factory, engine, outbound,
                                                                               recording_sender):
    row_id = _orphan(engine, outbound, timedelta(minutes=6))
    with pytest.raises(PermanentSendError, match="unknown outcome") as caught:
        send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound)
    assert caught.value.message_id == row_id
    assert [(r.status, r.reason) for r in _rows(engine)] == [("failed", UNKNOWN_OUTCOME)]
    assert recording_sender.attempts == 0


def test_row_in_sending_within_the_lease_asks_the_caller_to_retry_later(session_factory, engine, outbound,
                                                                        recording_sender):
    _orphan(engine, outbound, timedelta(seconds=30))
    with pytest.raises(TransientSendError):
        send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound)
    assert [r.status for r in _rows(engine)] == ["sending"]
    assert recording_sender.attempts == 0


def test_channel_without_a_sender_fails_permanently(session_factory, engine, outbound):
    with pytest.raises(PermanentSendError, match="no sender configured for channel sms"):
        send_once(session_factory=session_factory, senders={}, msg=outbound)
    assert [(r.status, r.reason) for r in _rows(engine)] == [("failed", "no sender configured for channel sms")]


def _note(patient_id: int, key: str):
    from models.tables import Note

    return Note(practice_id=1, patient_id=patient_id, kind="note", body=key)


def _notes(engine) -> list[str]:
    from models.tables import Note

    with Session(engine) as s:
        return list(s.exec(select(Note.body).order_by(Note.id)))


def test_the_callers_rows_ride_with_the_claim_and_with_the_sent_update(session_factory, engine, outbound):
    seen = []

    class PeekingSender:
        name = "peek"

        def deliver(self, msg):
            seen.append(([r.status for r in _rows(engine)], _notes(engine)))  # a separate connection
            return "ref"

    send_once(session_factory=session_factory, senders={"sms": PeekingSender()}, msg=outbound,
              with_claim=lambda s: s.add(_note(outbound.patient_id, "decided")),
              with_sent=lambda s: s.add(_note(outbound.patient_id, "logged")))
    assert seen == [(["sending"], ["decided"])]
    assert ([r.status for r in _rows(engine)], _notes(engine)) == (["sent"], ["decided", "logged"])


def test_rows_that_collide_with_the_sent_update_are_dropped_and_the_message_still_reads_sent(
        session_factory, engine, outbound, recording_sender):
    def colliding(session):  # a second message under the key just claimed: the unique constraint refuses it
        session.add(Message(practice_id=outbound.practice_id, patient_id=outbound.patient_id, direction="out",
                            channel="sms", body="x", status="sent", idempotency_key=outbound.idempotency_key))

    result = send_once(session_factory=session_factory, senders={"sms": recording_sender}, msg=outbound,
                       with_sent=colliding)
    [row] = _rows(engine)
    assert (result.status, row.id, row.status, row.provider_ref, recording_sender.attempts) == (
        "sent", result.message_id, "sent", "fake-1", 1)

"""The sandbox channel: emails land as .eml files, SMS only in the Message row that is the portal's Outbox."""
from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from sqlmodel import Session, select

from models.tables import Message
from tests.factories import make_patient, make_practice
from workflows.channels.base import ChannelSender, OutboundMessage, PermanentSendError
from workflows.channels.sandbox import SandboxSender, message_id_for
from workflows.channels.send_once import send_once


def _email(**overrides) -> OutboundMessage:
    values = dict(practice_id=1, patient_id=1, channel="email", to_address="maria@example.com",
                  subject="How was your visit?", body="Hi Maria,\nplease rate us.", idempotency_key="e7:ask:0")
    values.update(overrides)
    return OutboundMessage(**values)


def test_sandbox_is_a_channel_sender():
    assert isinstance(SandboxSender("/tmp"), ChannelSender)


def test_email_is_written_as_an_eml_file_with_every_header(tmp_path):
    sender = SandboxSender(tmp_path / "mail", default_from="front@lakeside.example")
    ref = sender.deliver(_email())
    assert ref == "sandbox:e7_ask_0.eml"
    parsed = message_from_bytes((tmp_path / "mail" / "e7_ask_0.eml").read_bytes(), policy=policy.default)
    assert parsed["From"] == "front@lakeside.example"
    assert parsed["To"] == "maria@example.com"
    assert parsed["Subject"] == "How was your visit?"
    assert parsed["Message-ID"] == message_id_for("e7:ask:0")
    assert parsed.get_content() == "Hi Maria,\nplease rate us.\n"
    assert list((tmp_path / "mail").iterdir()) == [tmp_path / "mail" / "e7_ask_0.eml"]


def test_sms_writes_no_file_and_returns_a_sandbox_reference(tmp_path):
    ref = SandboxSender(tmp_path).deliver(_email(channel="sms", to_address="+15552013344"))
    assert ref == "sandbox:sms:e7:ask:0"
    assert list(tmp_path.iterdir()) == []


def test_missing_address_is_a_permanent_failure(tmp_path):
    with pytest.raises(PermanentSendError, match="no email address for this patient"):
        SandboxSender(tmp_path).deliver(_email(to_address=""))


def test_sandbox_send_through_send_once_lands_in_the_outbox(engine, session_factory, tmp_path):
    with Session(engine, expire_on_commit=False) as s:
        patient = make_patient(s, make_practice(s))
        s.commit()
    msg = _email(practice_id=patient.practice_id, patient_id=patient.id)
    sender = SandboxSender(tmp_path)
    send_once(session_factory=session_factory, senders={"email": sender, "sms": sender}, msg=msg)
    with Session(engine) as s:
        row = s.exec(select(Message)).one()
    assert (row.status, row.subject, row.provider_ref) == ("sent", "How was your visit?", "sandbox:e7_ask_0.eml")
    assert (tmp_path / "e7_ask_0.eml").exists()


def test_senders_default_to_the_sandbox_and_switch_email_to_smtp(tmp_path):
    from models.settings import Settings
    from workflows.channels.registry import build_senders
    from workflows.channels.smtp import SmtpSender

    senders = build_senders(Settings(var_dir=tmp_path, email_sender="sandbox"))
    assert sorted(senders) == ["email", "sms"]
    assert isinstance(senders["email"], SandboxSender) and senders["email"].mail_dir == tmp_path / "mail"
    smtp = build_senders(Settings(var_dir=tmp_path, email_sender="smtp", smtp_host="mail.example", smtp_port=2525))
    assert isinstance(smtp["email"], SmtpSender)
    assert (smtp["email"].host, smtp["email"].port) == ("mail.example", 2525)
    assert isinstance(smtp["sms"], SandboxSender)
    with pytest.raises(ValueError, match="needs PRM_SMTP_HOST"):
        build_senders(Settings(var_dir=tmp_path, email_sender="smtp", smtp_host=""))

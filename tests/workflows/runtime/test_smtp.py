"""The SMTP sender holds a real SMTP conversation with a local aiosmtpd server started by the test."""
from __future__ import annotations

import datetime as dt
import socket
import ssl
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from workflows.channels.base import OutboundMessage, PermanentSendError, TransientSendError
from workflows.channels.sandbox import message_id_for
from workflows.channels.smtp import SmtpSender

MSG = OutboundMessage(practice_id=1, patient_id=1, channel="email", to_address="maria@example.com",
                      subject="Your visit on Tuesday", body="Hi Maria,\nsee you soon.", idempotency_key="e3:remind:0")


class RecordingHandler:
    """Accepts mail and records each envelope; rcpt_reply/data_reply script a refusal."""

    def __init__(self, rcpt_reply: str = "250 OK", data_reply: str = "250 OK") -> None:
        self.rcpt_reply, self.data_reply = rcpt_reply, data_reply
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        if self.data_reply.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.authenticated))
        return self.data_reply


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, as server context and client trust context."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    return server, client


def _check_login(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
    ok = (auth_data.login, auth_data.password) == (b"frontdesk", b"s3cret-pass")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture
def smtp_server(request):
    """Start aiosmtpd with the handler and options given by indirect parametrisation (plain by default)."""
    handler, options = getattr(request, "param", (RecordingHandler(), {}))
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    yield handler, port
    controller.stop()


def _sender(port: int, **overrides) -> SmtpSender:
    values = dict(default_from="front@lakeside.example", starttls=False, timeout=5)
    values.update(overrides)
    return SmtpSender("127.0.0.1", port, **values)


def test_message_arrives_with_every_field(smtp_server):
    handler, port = smtp_server
    ref = _sender(port).deliver(MSG)
    [(mail_from, rcpt_tos, content, _)] = handler.received
    assert (mail_from, rcpt_tos) == ("front@lakeside.example", ["maria@example.com"])
    parsed = message_from_bytes(content, policy=policy.default)
    assert parsed["From"] == "front@lakeside.example"
    assert parsed["To"] == "maria@example.com"
    assert parsed["Subject"] == "Your visit on Tuesday"
    assert parsed["Message-ID"] == ref == message_id_for("e3:remind:0")
    assert parsed.get_content().splitlines() == ["Hi Maria,", "see you soon."]  # CRLF on the wire


def test_starttls_and_login_are_used_when_configured(tls_files):
    server_ctx, client_ctx = tls_files
    handler, port = RecordingHandler(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            tls_context=server_ctx, require_starttls=True, authenticator=_check_login,
                            auth_require_tls=True)
    controller.start()
    try:
        client_ctx.check_hostname = False  # the certificate names localhost; we dial 127.0.0.1
        _sender(port, starttls=True, user="frontdesk", password="s3cret-pass", ssl_context=client_ctx).deliver(MSG)
        with pytest.raises(PermanentSendError, match="smtp 535 at login"):
            _sender(port, starttls=True, user="frontdesk", password="wrong-pass", ssl_context=client_ctx).deliver(MSG)
    finally:
        controller.stop()
    [(_, rcpt_tos, _, authenticated)] = handler.received
    assert (rcpt_tos, authenticated) == (["maria@example.com"], True)


@pytest.mark.parametrize("smtp_server", [(RecordingHandler(rcpt_reply="550 5.1.1 <maria@example.com> unknown"), {})],
                         indirect=True)
def test_5xx_reply_is_a_permanent_failure_without_the_address(smtp_server):
    _, port = smtp_server
    with pytest.raises(PermanentSendError) as caught:
        _sender(port).deliver(MSG)
    assert caught.value.reason == "smtp 550 at recipient: 5.1.1 <<address>> unknown"


@pytest.mark.parametrize("smtp_server", [(RecordingHandler(data_reply="451 4.3.0 mailbox busy"), {})], indirect=True)
def test_4xx_reply_is_a_transient_failure(smtp_server):
    handler, port = smtp_server
    with pytest.raises(TransientSendError, match="smtp 451 at send: 4.3.0 mailbox busy"):
        _sender(port).deliver(MSG)
    assert handler.received == []


def test_refused_connection_is_a_transient_failure():
    with pytest.raises(TransientSendError, match="cannot reach the SMTP server"):
        _sender(_free_port()).deliver(MSG)


def test_server_without_starttls_is_a_permanent_misconfiguration(smtp_server):
    _, port = smtp_server
    with pytest.raises(PermanentSendError, match="lacks a required feature"):
        _sender(port, starttls=True).deliver(MSG)


def test_sms_is_refused_by_the_smtp_sender():
    with pytest.raises(PermanentSendError, match="cannot send sms"):
        _sender(1).deliver(OutboundMessage(1, 1, "sms", "+1555", "hi", "k"))

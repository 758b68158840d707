"""Email through any SMTP server (STARTTLS, AUTH): 4xx and connection trouble are transient, 5xx permanent."""
from __future__ import annotations

import smtplib
import ssl

from workflows.channels.base import OutboundMessage, PermanentSendError, TransientSendError, scrub
from workflows.channels.sandbox import build_email


def _by_code(code: int, text: bytes | str, stage: str) -> Exception:
    """The failure an SMTP reply code means: 4xx may pass later, everything else will not."""
    detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    reason = scrub(f"smtp {code} at {stage}: {detail}")
    return TransientSendError(reason) if 400 <= code < 500 else PermanentSendError(reason)


class SmtpSender:
    """One connection per message: simple, and a broken connection never strands a half-sent batch."""

    name = "smtp"

    def __init__(self, host: str, port: int = 587, *, user: str = "", password: str = "",
                 default_from: str = "practice@example.com", starttls: bool = True, timeout: float = 30,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.default_from = default_from
        self.starttls = starttls
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def deliver(self, msg: OutboundMessage) -> str:
        if msg.channel != "email":
            raise PermanentSendError(f"the smtp sender cannot send {msg.channel}")
        if not msg.to_address:
            raise PermanentSendError("no email address for this patient")
        email = build_email(msg, self.default_from)
        conn = self._open()
        try:
            self._transmit(conn, email)
        finally:
            conn.close()
        return email["Message-ID"]

    def _open(self) -> smtplib.SMTP:
        """Connect, say EHLO, upgrade to TLS and log in; nothing has been sent if this fails."""
        try:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except smtplib.SMTPConnectError as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, "connect") from exc
        except OSError as exc:
            raise TransientSendError(f"cannot reach the SMTP server ({type(exc).__name__})") from exc
        try:
            self._handshake(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _handshake(self, conn: smtplib.SMTP) -> None:
        try:
            conn.ehlo()
            if self.starttls:
                conn.starttls(context=self.ssl_context)
                conn.ehlo()
            if self.user:
                conn.login(self.user, self.password)
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentSendError(f"the SMTP server lacks a required feature: {scrub(str(exc))}") from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, "login" if self.user else "handshake") from exc
        except ssl.SSLCertVerificationError as exc:
            raise PermanentSendError("the SMTP server's TLS certificate is not trusted") from exc
        except OSError as exc:  # includes SMTPServerDisconnected: nothing was handed over yet
            raise TransientSendError(f"SMTP handshake failed ({type(exc).__name__})") from exc

    @staticmethod
    def _transmit(conn: smtplib.SMTP, email) -> None:  # noqa: ANN001
        """Hand the message over; a connection lost mid-transfer propagates as an unknown outcome."""
        try:
            conn.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _by_code(code, text, "recipient") from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, "send") from exc
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the server already accepted the message; a failed goodbye changes nothing

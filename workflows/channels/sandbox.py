"""The embedded channel: nothing leaves the machine; the Message row is the Outbox, emails also land as .eml files."""
from __future__ import annotations

import hashlib
import os
import re
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from workflows.channels.base import OutboundMessage, PermanentSendError


def message_id_for(idempotency_key: str, domain: str = "prm.local") -> str:
    """A Message-ID derived from the idempotency key, so a receiver can spot a duplicate as well."""
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@{domain}>"


def build_email(msg: OutboundMessage, default_from: str) -> EmailMessage:
    """The RFC 5322 message both the sandbox and SMTP write."""
    email = EmailMessage()
    email["From"] = msg.from_address or default_from
    email["To"] = msg.to_address
    email["Subject"] = msg.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message_id_for(msg.idempotency_key)
    email.set_content(msg.body)
    return email


class SandboxSender:
    """Stores instead of sending: emails as <key>.eml under mail_dir, SMS only in the Message row."""

    name = "sandbox"

    def __init__(self, mail_dir: Path, default_from: str = "practice@example.com") -> None:
        self.mail_dir = Path(mail_dir)
        self.default_from = default_from

    def deliver(self, msg: OutboundMessage) -> str:
        if not msg.to_address:
            raise PermanentSendError(f"no {msg.channel} address for this patient")
        if msg.channel != "email":
            return f"sandbox:{msg.channel}:{msg.idempotency_key}"
        path = self.mail_dir / f"{_safe_name(msg.idempotency_key)}.eml"
        _write_atomically(path, build_email(msg, self.default_from).as_bytes())
        return f"sandbox:{path.name}"


def _safe_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:150]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)

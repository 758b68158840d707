"""The one interface every outbound channel implements, and the two kinds of failure it may report."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class OutboundMessage:
    """A rendered message ready for a provider; idempotency_key is unique per logical send (enrollment, step, visit)."""

    practice_id: int
    patient_id: int | None
    channel: str  # sms / email
    to_address: str
    body: str
    idempotency_key: str
    subject: str = ""
    from_address: str = ""
    enrollment_id: int | None = None
    step_id: str = ""
    template_key: str = ""


class SendError(Exception):
    """A provider refused or could not take the message; the text never contains PHI."""

    def __init__(self, reason: str, *, message_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message_id = message_id  # the Message row, when one was written


class PermanentSendError(SendError):
    """Retrying will not help (bad address, rejected content, misconfiguration)."""


class TransientSendError(SendError):
    """The provider did not take the message but may later (busy, unreachable, 4xx)."""


@runtime_checkable
class ChannelSender(Protocol):
    """One provider for one or more channels."""

    name: str

    def deliver(self, msg: OutboundMessage) -> str:
        """Hand the message to the provider and return its reference; raise a SendError subclass on refusal."""
        ...


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NUMBER = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def scrub(text: str, limit: int = 200) -> str:
    """Provider error text without addresses or phone numbers, short enough for a reason column."""
    text = _NUMBER.sub("<number>", _EMAIL.sub("<address>", text))
    return " ".join(text.split())[:limit]

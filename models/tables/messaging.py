"""Messages out and in, and the staff-editable templates they are rendered from."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class MessageStatus(StrEnum):
    SENDING = "sending"  # claimed: the row exists before the provider is called
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # the guard said no; reason recorded
    DEFERRED = "deferred"  # the guard said later; reason recorded
    RECEIVED = "received"  # inbound


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    direction: str = Field(max_length=3)  # out / in
    channel: str = Field(max_length=10)
    to_address: str = Field(default="", max_length=254)
    from_address: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", max_length=5000)
    status: str = Field(max_length=20, index=True)
    # Unique per logical send (enrollment, step, attempt): a retried activity finds the row and sends nothing.
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    enrollment_id: int | None = Field(default=None, foreign_key="enrollment.id", index=True)
    step_id: str = Field(default="", max_length=80)
    template_key: str = Field(default="", max_length=80)
    reason: str = Field(default="", max_length=300)  # why suppressed / deferred / failed
    provider_ref: str = Field(default="", max_length=200)
    in_reply_to_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class MessageTemplate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "key", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    key: str = Field(max_length=80)  # e.g. review_request
    channel: str = Field(max_length=10)  # sms / email
    subject: str = Field(default="", max_length=300)
    body: str = Field(max_length=5000)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))

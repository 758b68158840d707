"""Patients, their contact points and preferences, and the consent ledger."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"


class Patient(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    # Where the row came from, e.g. "opendental:10001" or "demo:17"; unique per practice.
    external_id: str | None = Field(default=None, max_length=80)
    first_name: str = Field(max_length=100, index=True)
    last_name: str = Field(max_length=100, index=True)
    preferred_name: str = Field(default="", max_length=100)
    birthdate: date | None = None
    gender: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)
    mobile_phone: str = Field(default="", max_length=40, index=True)
    home_phone: str = Field(default="", max_length=40)
    work_phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=40)
    zip: str = Field(default="", max_length=20)
    preferred_channel: str = Field(default=Channel.SMS, max_length=10)
    sms_ok: bool = False
    language: str = Field(default="en", max_length=10)
    timezone: str | None = Field(default=None, max_length=64)  # falls back to the practice's
    anxious: bool = False
    guarantor_id: int | None = Field(default=None, foreign_key="patient.id")
    status: str = Field(default="active", max_length=20)
    first_visit: date | None = None
    # Account balance older than 30 days (Open Dental Bal_31_60 + Bal_61_90 + BalOver90); drives balance.overdue.
    balance_overdue: float = 0.0
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ConsentEvent(SQLModel, table=True):
    """Append-only: the latest row for (patient, channel, message_type) decides; rows are never edited."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    channel: str = Field(max_length=10)  # sms / email / phone / any
    message_type: str = Field(default="any", max_length=30)  # any / marketing / reminder / review ...
    granted: bool
    source: str = Field(max_length=40)  # import, staff, patient_reply, portal
    evidence: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))

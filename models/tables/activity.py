"""Staff tasks, notes and communication history, referrals, points, domain events and the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    enrollment_id: int | None = Field(default=None, foreign_key="enrollment.id", index=True)
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    title: str = Field(max_length=300)
    role: str = Field(default="front_desk", max_length=20)
    assignee_id: int | None = Field(default=None, foreign_key="staffuser.id")
    status: str = Field(default="open", max_length=20)  # open / done / cancelled
    outcome: str = Field(default="", max_length=60)
    due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Note(SQLModel, table=True):
    """Staff notes and imported communication history (Open Dental commlog)."""

    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    external_id: str | None = Field(default=None, max_length=80)
    kind: str = Field(default="note", max_length=20)  # note / commlog
    channel: str = Field(default="", max_length=20)  # for commlog: phone, email, text, in_person, mail
    direction: str = Field(default="", max_length=10)  # sent / received / ""
    body: str = Field(default="", max_length=5000)
    author_id: int | None = Field(default=None, foreign_key="staffuser.id")
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Referral(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    referrer_patient_id: int = Field(foreign_key="patient.id", index=True)
    referred_patient_id: int = Field(foreign_key="patient.id", index=True, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LoyaltyLedger(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    points: int
    reason: str = Field(max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class DomainEvent(SQLModel, table=True):
    """Outbox of changes that may start or steer journeys; written in the same transaction as the change."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    kind: str = Field(max_length=60, index=True)  # e.g. appointment.completed
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    entity_id: int | None = None
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # ids only
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    dispatched_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="staffuser.id", index=True)
    action: str = Field(max_length=40)  # view / change / export / login ...
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=80)
    detail: str = Field(default="", max_length=500)  # never PHI
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))

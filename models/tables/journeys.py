"""Journeys, their immutable published versions, and one enrollment per patient run."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class JourneyStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"  # no new entrants; running enrollments continue
    STOPPED = "stopped"  # running enrollments exit


class Journey(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    key: str = Field(max_length=80)
    name: str = Field(max_length=200)
    trigger: str = Field(max_length=60)
    status: str = Field(default=JourneyStatus.DRAFT, max_length=20)
    draft_definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class JourneyVersion(SQLModel, table=True):
    """Never updated after insert: running enrollments are pinned to it."""

    __table_args__ = (UniqueConstraint("journey_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(foreign_key="journey.id", index=True)
    version: int
    definition: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    published_by: int | None = Field(default=None, foreign_key="staffuser.id")
    published_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class EnrollmentStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    EXITED = "exited"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Enrollment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    journey_id: int = Field(foreign_key="journey.id", index=True)
    version_id: int = Field(foreign_key="journeyversion.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    # Deterministic, from business keys (journey, patient, trigger ref): a second start is refused.
    workflow_id: str = Field(max_length=200, unique=True)
    trigger_ref: str = Field(default="", max_length=120)  # e.g. appointment:42
    status: str = Field(default=EnrollmentStatus.RUNNING, max_length=20, index=True)
    current_step: str = Field(default="", max_length=80)
    exit_reason: str = Field(default="", max_length=300)
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class JourneyStepLog(SQLModel, table=True):
    """What a run did at each step, shown on the patient's timeline (including what it chose not to do)."""

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    step_id: str = Field(max_length=80)
    kind: str = Field(max_length=30)
    outcome: str = Field(default="", max_length=40)
    detail: str = Field(default="", max_length=500)
    # Unique per (enrollment, step, visit): a replayed activity records nothing twice.
    dedupe_key: str = Field(max_length=200, unique=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))

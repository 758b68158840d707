"""Appointments, procedures (ADA CDT codes), treatment plans and recalls."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Appointment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    external_id: str | None = Field(default=None, max_length=80)
    start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    duration_minutes: int = 60
    status: str = Field(default=AppointmentStatus.SCHEDULED, max_length=20, index=True)
    confirmed: bool = False
    provider: str = Field(default="", max_length=80)
    operatory: str = Field(default="", max_length=80)
    is_new_patient: bool = False
    is_hygiene: bool = False
    description: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=2000)
    video_url: str = Field(default="", max_length=500)
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class TreatmentPlan(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    external_id: str | None = Field(default=None, max_length=80)
    status: str = Field(default="presented", max_length=20)  # presented / accepted / declined
    presented_on: date | None = None
    decided_on: date | None = None
    total_fee: float = 0.0
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Procedure(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", index=True)
    treatment_plan_id: int | None = Field(default=None, foreign_key="treatmentplan.id", index=True)
    external_id: str | None = Field(default=None, max_length=80)
    cdt_code: str = Field(max_length=10, index=True)
    description: str = Field(default="", max_length=200)
    status: str = Field(default="completed", max_length=20)  # planned / completed
    fee: float = 0.0
    tooth: str = Field(default="", max_length=20)
    surface: str = Field(default="", max_length=20)
    performed_on: date | None = None
    planned_on: date | None = None


class Recall(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("practice_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    external_id: str | None = Field(default=None, max_length=80)
    due_on: date | None = Field(default=None, index=True)
    previous_on: date | None = None
    scheduled_on: date | None = None
    interval: str = Field(default="6m", max_length=20)
    disabled: bool = False

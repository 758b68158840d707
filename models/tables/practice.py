"""The practice: its time zone, opening days, holidays and the window in which patients may be messaged."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class Practice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="America/Chicago", max_length=64)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    review_url: str = Field(default="", max_length=500)
    # Patient-local hours in which messages may go out (HH:MM, 24h).
    send_window_start: str = Field(default="08:00", max_length=5)
    send_window_end: str = Field(default="20:00", max_length=5)
    # ISO weekday numbers (1=Mon … 7=Sun) on which nothing is sent, comma separated.
    closed_weekdays: str = Field(default="7", max_length=20)
    max_messages_per_patient_per_week: int = Field(default=5)
    max_messages_per_household_per_week: int = Field(default=8)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Holiday(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    day: date
    name: str = Field(default="", max_length=120)

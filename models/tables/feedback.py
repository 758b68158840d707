"""Feedback from patients: public-review intents, survey answers (NPS) and post-visit check-ins."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class FeedbackKind(StrEnum):
    REVIEW = "review"
    SURVEY = "survey"
    CHECKIN = "checkin"


class FeedbackScale(StrEnum):
    NPS = "nps"  # 0-10, "how likely are you to recommend us"
    RATING = "rating"  # 1-5 stars


class FeedbackSource(StrEnum):
    LINK = "link"  # the patient's signed link
    SMS = "sms"
    EMAIL = "email"
    STAFF = "staff"  # typed in by staff, e.g. from a phone call


class Feedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: str = Field(max_length=20, index=True)
    # Both set or both empty: a score means nothing without its scale.
    score: int | None = None
    scale: str = Field(default="", max_length=10)
    comment: str = Field(default="", max_length=2000)
    source: str = Field(max_length=20)
    # The journey run that asked, when one did (funnels count its goal).
    enrollment_id: int | None = Field(default=None, foreign_key="enrollment.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))

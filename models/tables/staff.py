"""Staff who log into the portal, and their login sessions."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel

from models.types import UTCDateTime, utcnow


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    COORDINATOR = "coordinator"
    MANAGER = "manager"
    ADMIN = "admin"


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=200)
    role: str = Field(default=Role.FRONT_DESK, max_length=20)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class StaffSession(SQLModel, table=True):
    """A login: only the SHA-256 of the token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staffuser.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))

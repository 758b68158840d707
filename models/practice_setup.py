"""A practice's first start without demo data: the practice row and its first admin, nothing else."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from models.auth import create_user
from models.settings import Settings
from models.tables import Practice, Role


def create_empty_practice(*, session: Session, settings: Settings) -> Practice | None:
    """Create the configured practice and admin when the database has no practice; None if one exists."""
    if session.exec(select(Practice)).first() is not None:
        return None
    try:
        ZoneInfo(settings.practice_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"PRM_PRACTICE_TIMEZONE is not a time zone name: {settings.practice_timezone!r}") from None
    practice = Practice(name=settings.practice_name.strip() or "My Dental Practice", timezone=settings.practice_timezone)
    session.add(practice)
    session.flush()
    create_user(session=session, practice_id=practice.id, email=settings.admin_email, full_name="Practice Admin",
                role=Role.ADMIN, password=settings.admin_password)
    return practice

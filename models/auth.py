"""Staff passwords (argon2) and login sessions (random token, only its hash stored)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from models.tables import StaffSession, StaffUser
from models.types import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(*, session: Session, practice_id: int, email: str, full_name: str, role: str, password: str) -> StaffUser:
    user = StaffUser(practice_id=practice_id, email=email.strip().lower(), full_name=full_name, role=role,
                     password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def authenticate(*, session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (same answer for unknown email and wrong password)."""
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time either way
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(*, session: Session, user: StaffUser, hours: int) -> str:
    """A new login token for the browser; the database keeps only its digest."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(hours=hours)))
    session.flush()
    return token


def user_for_token(*, session: Session, token: str) -> StaffUser | None:
    if not token:
        return None
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == _digest(token))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(StaffUser, row.user_id)
    return user if user is not None and user.active else None


def close_session(*, session: Session, token: str) -> None:
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == _digest(token))).first()
    if row is not None:
        session.delete(row)

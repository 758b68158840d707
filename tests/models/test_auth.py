"""Staff logins: argon2 hashes, opaque session tokens stored only as digests, expiry."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.auth import authenticate, close_session, create_user, open_session, user_for_token
from models.tables import StaffSession
from models.types import utcnow
from tests.factories import make_practice


@pytest.fixture
def user(session):
    practice = make_practice(session)
    return create_user(session=session, practice_id=practice.id, email=" Desk@Lakeside.Example ",
                       full_name="Front Desk", role="front_desk", password="correct horse battery")


def test_password_is_stored_as_an_argon2_hash(user):
    assert user.password_hash.startswith("$argon2")
    assert "correct horse" not in user.password_hash


def test_authenticate_accepts_the_right_password_with_any_email_case(session, user):
    assert authenticate(session=session, email="desk@LAKESIDE.example", password="correct horse battery") == user


def test_authenticate_rejects_wrong_password_and_unknown_email(session, user):
    assert authenticate(session=session, email="desk@lakeside.example", password="wrong password!") is None
    assert authenticate(session=session, email="nobody@lakeside.example", password="correct horse battery") is None


def test_inactive_user_cannot_log_in(session, user):
    user.active = False
    assert authenticate(session=session, email="desk@lakeside.example", password="correct horse battery") is None


def test_short_password_is_refused_with_a_clear_message(session, user):
    with pytest.raises(ValueError, match="at least 10 characters"):
        create_user(session=session, practice_id=user.practice_id, email="x@y.example", full_name="X",
                    role="admin", password="short")


def test_session_token_resolves_to_the_user_and_only_its_digest_is_stored(session, user):
    token = open_session(session=session, user=user, hours=12)
    assert user_for_token(session=session, token=token) == user
    stored = session.exec(select(StaffSession)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64


def test_expired_or_closed_session_resolves_to_nobody(session, user):
    token = open_session(session=session, user=user, hours=12)
    row = session.exec(select(StaffSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    assert user_for_token(session=session, token=token) is None
    token2 = open_session(session=session, user=user, hours=12)
    close_session(session=session, token=token2)
    session.flush()
    assert user_for_token(session=session, token=token2) is None
    assert user_for_token(session=session, token="") is None

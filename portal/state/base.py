"""The signed-in staff user: a login token in a cookie, resolved against the database on every event."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import reflex as rx
from sqlmodel import Session

from models.auth import close_session, user_for_token
from models.db import session_scope
from models.settings import get_settings
from models.tables import StaffUser
from portal import routes
from portal.roles import ALL_STAFF

COOKIE_NAME = "prm_session"


@contextmanager
def db() -> Iterator[Session]:
    """A session on the product database (our engine, not Reflex's rx.Model)."""
    with session_scope() as session:
        yield session


class AuthState(rx.State):
    """Knows who is signed in; page states inherit from it."""

    auth_token: str = rx.Cookie("", name=COOKIE_NAME, same_site="strict",
                                max_age=get_settings().session_hours * 3600)
    user_name: str = ""
    user_role: str = ""

    def _staff(self, roles: Sequence[str] = ALL_STAFF) -> StaffUser | None:
        """The signed-in user if the token is valid and the role may do this, else None."""
        with db() as session:
            user = user_for_token(session=session, token=self.auth_token)
        if user is None or user.role not in roles:
            return None
        return user

    @rx.event
    def require_login(self, roles: list[str]):
        """Page guard: unknown token -> login page; known user without the role -> back to the patients list."""
        with db() as session:
            user = user_for_token(session=session, token=self.auth_token)
        if user is None:
            self.user_name, self.user_role = "", ""
            return rx.redirect(routes.LOGIN)
        self.user_name, self.user_role = user.full_name, user.role
        if user.role not in roles:
            return [rx.redirect(routes.PATIENTS), rx.toast.error("Your role cannot open that page.")]
        return None

    @rx.event
    def logout(self):
        if self.auth_token:
            with db() as session:
                close_session(session=session, token=self.auth_token)
        self.auth_token = ""
        self.user_name, self.user_role = "", ""
        return [rx.remove_cookie(COOKIE_NAME), rx.redirect(routes.LOGIN)]

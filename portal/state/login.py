"""Signing in: email + password checked with argon2, a fresh login token stored in the cookie."""
from __future__ import annotations

import reflex as rx

from models.auth import authenticate, open_session
from models.settings import get_settings
from models.tables import AuditLog
from portal import routes
from portal.state.base import AuthState, db

BAD_CREDENTIALS = "Wrong email or password."


class LoginState(AuthState):
    error: str = ""

    @rx.event
    def login(self, form: dict):
        """One message for unknown email and wrong password, so the form does not reveal who has an account."""
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        with db() as session:
            user = authenticate(session=session, email=email, password=password)
            if user is None:
                self.error = BAD_CREDENTIALS
                return None
            self.auth_token = open_session(session=session, user=user, hours=get_settings().session_hours)
            session.add(AuditLog(practice_id=user.practice_id, user_id=user.id, action="login", entity="staffuser",
                                 entity_id=str(user.id)))
        self.error = ""
        self.user_name, self.user_role = user.full_name, user.role
        return rx.redirect(routes.HOME_AFTER_LOGIN)

    @rx.event
    def skip_if_signed_in(self):
        """Opening the login page while signed in goes straight to the app."""
        if self._staff() is not None:
            return rx.redirect(routes.HOME_AFTER_LOGIN)
        return None

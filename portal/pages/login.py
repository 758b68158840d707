"""The sign-in form."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.layout import public_page
from portal.state.login import LoginState


@public_page(route=routes.LOGIN, title="Sign in", on_load=[LoginState.skip_if_signed_in])
def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Dental PRM", size="6"),
                    rx.text("Sign in with your staff account.", color_scheme="gray"),
                    rx.input(name="email", placeholder="Email", type="email", id="email", width="100%",
                             auto_complete="username"),
                    rx.input(name="password", placeholder="Password", type="password", id="password", width="100%",
                             auto_complete="current-password"),
                    rx.cond(LoginState.error != "",
                            rx.callout(LoginState.error, icon="triangle_alert", color_scheme="red", id="login-error")),
                    rx.button("Sign in", type="submit", width="100%", id="sign-in"),
                    spacing="3", width="20em",
                ),
                on_submit=LoginState.login,
                reset_on_submit=False,
            ),
        ),
        height="100vh",
    )

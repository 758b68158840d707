"""The page decorator: every page gets the shell (nav, user, logout) and a login + role check on load."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import reflex as rx

from portal import routes
from portal.roles import ALL_STAFF, JOURNEY_STAFF, KPI_STAFF
from portal.state.base import AuthState


@dataclass(frozen=True)
class PageSpec:
    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: list = field(default_factory=list)


_PAGES: list[PageSpec] = []

# (label, route, roles that see the link)
_NAV: list[tuple[str, str, Sequence[str]]] = [
    ("Dashboard", routes.DASHBOARD, KPI_STAFF),
    ("Appointments", routes.APPOINTMENTS, ALL_STAFF),
    ("Tasks", routes.TASKS, ALL_STAFF),
    ("Patients", routes.PATIENTS, ALL_STAFF),
    ("Journeys", routes.JOURNEYS, JOURNEY_STAFF),
    ("Outbox", routes.OUTBOX, ALL_STAFF),
]


def registered_pages() -> list[PageSpec]:
    """The pages the app module adds, in registration order."""
    return list(_PAGES)


def _nav_link(label: str, route: str, roles: Sequence[str]) -> rx.Component:
    return rx.cond(rx.Var.create(list(roles)).contains(AuthState.user_role),
                   rx.link(label, href=route, size="3", weight="medium"))


def _navbar() -> rx.Component:
    return rx.hstack(
        rx.heading("Dental PRM", size="5"),
        *[_nav_link(*item) for item in _NAV],
        rx.spacer(),
        rx.text(AuthState.user_name, size="2", color_scheme="gray"),
        rx.button("Log out", on_click=AuthState.logout, variant="soft", size="1", id="logout"),
        align="center", spacing="5", padding="0.75em 1.5em", border_bottom="1px solid var(--gray-5)", width="100%",
    )


def _shell(content: rx.Component, title: str) -> rx.Component:
    # Nothing of the page shows until the guard has resolved the user (the data loaders check again anyway).
    return rx.box(
        _navbar(),
        rx.cond(AuthState.user_name != "",
                rx.vstack(rx.heading(title, size="6"), content, spacing="4", padding="1.5em", width="100%"),
                rx.center(rx.spinner(), padding="3em")),
        width="100%",
    )


def protected_page(*, route: str, title: str, roles: Sequence[str] = ALL_STAFF,
                   on_load: list | None = None) -> Callable:
    """Decorator for a page function: wraps it in the shell and registers it behind the login + role check."""
    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return _shell(render(), title)

        page.__name__ = render.__name__
        _PAGES.append(PageSpec(route=route, title=f"{title} · Dental PRM", component=page,
                               on_load=[AuthState.require_login(list(roles)), *(on_load or [])]))
        return page

    return decorator


def public_page(*, route: str, title: str, on_load: list | None = None) -> Callable:
    """Decorator for the few pages without login (the login page itself)."""
    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        _PAGES.append(PageSpec(route=route, title=f"{title} · Dental PRM", component=render, on_load=on_load or []))
        return render

    return decorator

"""Pause / resume buttons for a journey (pausing stops new entrants; running enrollments continue)."""
from __future__ import annotations

import reflex as rx


def pause_resume(journey_id: rx.Var, status: rx.Var, on_pause, on_resume) -> rx.Component:  # noqa: ANN001
    return rx.match(
        status,
        ("active", rx.button("Pause", size="1", variant="soft", color_scheme="amber",
                             on_click=on_pause(journey_id.to(int)))),
        ("paused", rx.button("Resume", size="1", variant="soft", color_scheme="green",
                             on_click=on_resume(journey_id.to(int)))),
        rx.fragment(),
    )

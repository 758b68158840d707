"""Journey and run control buttons (stateless: the page passes the vars and the handlers)."""
from __future__ import annotations

import reflex as rx


def pause_resume(journey_id: rx.Var, status: rx.Var, on_pause, on_resume) -> rx.Component:  # noqa: ANN001
    """Pausing a journey stops new entrants; running enrollments continue."""
    return rx.match(
        status,
        ("active", rx.button("Pause", size="1", variant="soft", color_scheme="amber",
                             on_click=on_pause(journey_id.to(int)))),
        ("paused", rx.button("Resume", size="1", variant="soft", color_scheme="green",
                             on_click=on_resume(journey_id.to(int)))),
        rx.fragment(),
    )


def stop_button(journey_id: rx.Var, name: rx.Var, status: rx.Var, on_stop) -> rx.Component:  # noqa: ANN001
    """Stop… for an active or paused journey (it opens the confirmation that asks for a reason)."""
    return rx.cond((status == "active") | (status == "paused"),
                   rx.button("Stop…", size="1", variant="soft", color_scheme="red", class_name="stop-journey",
                             on_click=on_stop(journey_id.to(int), name)))


def run_controls(run: rx.Var, *, busy: rx.Var, on_pause, on_resume, on_cancel, on_skip) -> rx.Component:  # noqa: ANN001
    """For a running run: Pause or Resume by its live paused flag, Cancel… and Skip to…; nothing for the others."""
    workflow_id = run["workflow_id"]
    pause_or_resume = rx.cond(
        run["paused"] == "yes",
        rx.button("Resume", size="1", variant="soft", color_scheme="green", on_click=on_resume(workflow_id),
                  disabled=busy, class_name="resume-run"),
        rx.button("Pause", size="1", variant="soft", color_scheme="amber", on_click=on_pause(workflow_id),
                  disabled=busy, class_name="pause-run"),
    )
    return rx.cond(run["status"] == "running", rx.hstack(
        pause_or_resume,
        rx.button("Cancel…", size="1", variant="soft", color_scheme="red", on_click=on_cancel(workflow_id),
                  disabled=busy, class_name="cancel-run"),
        rx.button("Skip to…", size="1", variant="soft", on_click=on_skip(workflow_id), disabled=busy,
                  class_name="skip-run"),
        spacing="2",
    ))

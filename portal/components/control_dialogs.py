"""The small confirmation dialogs of the journey controls (stateless: the page passes the vars and the handlers)."""
from __future__ import annotations

import reflex as rx


def _buttons(confirm_label: str, *, busy: rx.Var, missing: rx.Var, on_confirm,  # noqa: ANN001
             confirm_id: str) -> rx.Component:
    """Back, and the confirm button: spinning while busy, off while the dialog still misses its input."""
    return rx.hstack(
        rx.dialog.close(rx.button("Back", variant="soft", color_scheme="gray", disabled=busy)),
        rx.button(confirm_label, color_scheme="red", on_click=on_confirm, loading=busy, disabled=missing,
                  id=confirm_id),
        justify="end", spacing="3", width="100%",
    )


def reason_dialog(*, open_: rx.Var, title: str | rx.Var, description: rx.Var | str, reason: rx.Var, on_reason,  # noqa: ANN001
                  on_confirm, on_open_change, confirm_label: str, busy: rx.Var, id_: str) -> rx.Component:  # noqa: ANN001
    """Asks why before a change that ends runs; the confirm button stays off until a reason is typed."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2"),
            rx.input(value=reason, on_change=on_reason, placeholder="Reason (no patient details)", max_length=200,
                     id=f"{id_}-reason", margin_y="1em"),
            _buttons(confirm_label, busy=busy, missing=reason.strip() == "", on_confirm=on_confirm,
                     confirm_id=f"{id_}-confirm"),
            max_width="28em",
        ),
        open=open_, on_open_change=on_open_change,
    )


def skip_dialog(*, open_: rx.Var, steps: rx.Var, step: rx.Var, on_step, on_confirm, on_open_change,  # noqa: ANN001
                busy: rx.Var) -> rx.Component:
    """Pick one step of the run's pinned version to jump to."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Skip to a step"),
            rx.dialog.description("The run leaves its current step and goes on from the one picked.", size="2"),
            rx.box(rx.select(steps, value=step, on_change=on_step, placeholder="Step", id="skip-step"),
                   margin_y="1em"),
            _buttons("Skip", busy=busy, missing=step == "", on_confirm=on_confirm, confirm_id="skip-confirm"),
            max_width="28em",
        ),
        open=open_, on_open_change=on_open_change,
    )

"""The patient header's switches for the care flags staff set by hand: nervous patient, texts OK."""
from __future__ import annotations

import reflex as rx


def _switch(label: str, checked: rx.Var, on_change, switch_id: str) -> rx.Component:  # noqa: ANN001
    return rx.el.label(
        rx.hstack(rx.switch(checked=checked, on_change=on_change, id=switch_id, aria_label=label),
                  rx.text(label, size="2", as_="span"), spacing="2", align="center"),
    )


def flag_switches(header: rx.Var, *, on_nervous, on_texts_ok) -> list[rx.Component]:  # noqa: ANN001
    """Switches showing the header's flags ("yes" or ""); each change goes to the given handler."""
    return [
        _switch("Nervous patient", header["anxious"] != "", on_nervous, "flag-nervous"),
        _switch("Texts OK", header["texts_ok"] != "", on_texts_ok, "flag-texts-ok"),
    ]

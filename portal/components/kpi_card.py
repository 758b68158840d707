"""One KPI: its section, name and value."""
from __future__ import annotations

import reflex as rx


def kpi_card(card: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(card["group"], size="1", color_scheme="gray"),
                  rx.text(card["label"], size="2", weight="medium"),
                  rx.heading(card["value"], size="6"), spacing="1"),
        min_width="11em", class_name="kpi-card",
    )

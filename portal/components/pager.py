"""Previous / next buttons with 'page x of y'."""
from __future__ import annotations

import reflex as rx


def pager(page: rx.Var, page_count: rx.Var, total: rx.Var, on_previous, on_next) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.button("Previous", on_click=on_previous, disabled=page <= 1, variant="soft", size="1"),
        rx.text(f"Page {page} of {page_count} · {total} in all", size="2", id="pager-text"),
        rx.button("Next", on_click=on_next, disabled=page >= page_count, variant="soft", size="1"),
        align="center", spacing="3",
    )

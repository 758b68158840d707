"""One timeline entry: when, what kind, what, its status and - for a message not sent - why."""
from __future__ import annotations

import reflex as rx

from portal.components.badges import status_badge


def timeline_item(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(item["at"], size="1", color_scheme="gray", white_space="nowrap"),
                rx.badge(item["kind_label"], variant="outline"),
                rx.text(item["title"], weight="bold", size="2"),
                rx.cond(item["status"] != "", status_badge(item["status"])),
                rx.spacer(),
                rx.cond(item["source"] != "", rx.text(item["source"], size="1", color_scheme="gray")),
                align="center", spacing="3", width="100%",
            ),
            rx.cond(item["why_not_sent"] != "",
                    rx.text("Not sent: ", item["why_not_sent"], size="2", color_scheme="orange",
                            class_name="why-not-sent")),
            rx.cond(item["note"] != "", rx.text(item["note"], size="1", color_scheme="gray")),
            rx.cond(item["detail"] != "", rx.text(item["detail"], size="2", white_space="pre-wrap")),
            spacing="1", width="100%",
        ),
        width="100%", class_name="timeline-item", data_kind=item["kind"],
    )

"""Outbox: every message newest first with its status and, when not sent, why; staff can reply as the patient."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.badges import status_badge
from portal.components.pager import pager
from portal.layout import protected_page
from portal.state.outbox import OutboxState


def _reply_form(row: rx.Var) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="body", placeholder="Reply text", size="1", width="14em", class_name="reply-body"),
            rx.el.input(type="hidden", name="message_id", value=row["id"]),
            rx.button("Reply as the patient", type="submit", size="1", variant="soft", loading=OutboxState.replying),
            spacing="2",
        ),
        on_submit=OutboxState.reply_as_patient,
        reset_on_submit=True,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["at"], size="1", white_space="nowrap")),
        rx.table.cell(rx.cond(row["direction"] == "out", "→ ", "← "), row["channel"]),
        rx.table.cell(rx.link(row["patient"], href="/patients/" + row["patient_id"]),
                      rx.text(row["address"], size="1")),
        rx.table.cell(rx.cond(row["subject"] != "", rx.text(row["subject"], weight="bold", size="2")),
                      rx.text(row["body"], size="2", white_space="pre-wrap")),
        rx.table.cell(status_badge(row["status"]),
                      rx.text(row["reason"], size="1",
                              color_scheme=rx.cond(row["direction"] == "in", "gray", "orange"))),
        rx.table.cell(rx.cond(row["can_reply"] != "", _reply_form(row))),
        class_name="outbox-row",
    )


@protected_page(route=routes.OUTBOX, title="Outbox", on_load=[OutboxState.load])
def outbox_page() -> rx.Component:
    return rx.vstack(
        rx.text("In sandbox mode nothing leaves the building: every message lands here.", color_scheme="gray"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("When", "Channel", "Patient", "Message", "Status", "")])),
            rx.table.body(rx.foreach(OutboxState.rows, _row)),
            width="100%",
        ),
        pager(OutboxState.page, OutboxState.page_count, OutboxState.total,
              OutboxState.previous_page, OutboxState.next_page),
        width="100%",
    )

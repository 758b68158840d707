"""Patients: search by name, phone or email, 25 per page, click a row for the timeline."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.pager import pager
from portal.layout import protected_page
from portal.state.patients import PatientsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["name"], href="/patients/" + row["id"])),
        rx.table.cell(row["phone"]),
        rx.table.cell(row["email"]),
        rx.table.cell(row["birthdate"]),
        rx.table.cell(row["status"]),
    )


@protected_page(route=routes.PATIENTS, title="Patients", on_load=[PatientsState.load])
def patients_page() -> rx.Component:
    return rx.vstack(
        rx.input(placeholder="Search by name, phone or email", default_value=PatientsState.query,
                 on_change=PatientsState.search, width="24em", id="patient-search"),
        rx.cond(
            PatientsState.empty_text != "",
            rx.text(PatientsState.empty_text, color_scheme="gray", id="no-patients", word_break="break-word"),
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h)
                                                   for h in ("Name", "Phone", "Email", "Born", "Status")])),
                    rx.table.body(rx.foreach(PatientsState.rows, _row)),
                    width="100%",
                ),
                pager(PatientsState.page, PatientsState.page_count, PatientsState.total,
                      PatientsState.previous_page, PatientsState.next_page),
                width="100%",
            ),
        ),
        width="100%",
    )

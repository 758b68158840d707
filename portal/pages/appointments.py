"""Appointments of one day (default: today where the practice is) with 'Mark completed'."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.badges import status_badge
from portal.layout import protected_page
from portal.state.appointments import AppointmentsState

_OPEN = ("scheduled", "confirmed", "arrived")


def _actions(row: rx.Var) -> rx.Component:
    can_complete = rx.Var.create(list(_OPEN)).contains(row["status"])
    return rx.cond(
        can_complete,
        rx.button("Mark completed", size="1", on_click=AppointmentsState.mark_completed(row["id"].to(int)),
                  loading=AppointmentsState.busy_id == row["id"].to(int),
                  disabled=AppointmentsState.busy_id != 0, class_name="mark-completed"),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["time"]),
        rx.table.cell(rx.link(row["patient"], href="/patients/" + row["patient_id"])),
        rx.table.cell(row["description"]),
        rx.table.cell(row["provider"]),
        rx.table.cell(row["duration"]),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(_actions(row)),
        data_appointment_id=row["id"], class_name="appointment-row",
    )


@protected_page(route=routes.APPOINTMENTS, title="Appointments", on_load=[AppointmentsState.load])
def appointments_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(type="date", value=AppointmentsState.day, on_change=AppointmentsState.set_day, id="day"),
            rx.button("Today", variant="soft", on_click=AppointmentsState.today),
            spacing="3", align="center",
        ),
        rx.cond(AppointmentsState.rows.length() == 0, rx.text("No appointments on this day.", color_scheme="gray")),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Time", "Patient", "Visit", "Provider", "Length", "Status", "")])),
            rx.table.body(rx.foreach(AppointmentsState.rows, _row)),
            width="100%",
        ),
        width="100%",
    )

"""Appointments of one day (default: today where the practice is): mark a visit completed, a no-show or cancelled."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.badges import status_badge
from portal.layout import protected_page
from portal.state.appointments import AppointmentsState

_OPEN = ("scheduled", "confirmed", "arrived")


def _action(label: str, action: str, row: rx.Var, class_name: str, **style) -> rx.Component:
    appointment_id = row["id"].to(int)
    return rx.button(label, size="1", on_click=AppointmentsState.ask(action, appointment_id),
                     loading=AppointmentsState.busy_id.to_string() == row["id"],
                     disabled=AppointmentsState.busy_id != 0, class_name=class_name, **style)


def _actions(row: rx.Var) -> rx.Component:
    return rx.cond(
        rx.Var.create(list(_OPEN)).contains(row["status"]),
        rx.hstack(
            _action("Mark completed", "complete", row, "mark-completed"),
            _action("No-show", "no_show", row, "mark-no-show", variant="soft", color_scheme="orange"),
            _action("Cancel", "cancel", row, "cancel-visit", variant="soft", color_scheme="gray"),
            spacing="2",
        ),
    )


def _confirm_dialog() -> rx.Component:
    """One dialog for every row's action; the question names the visit's time."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Please confirm"),
            rx.alert_dialog.description(AppointmentsState.confirm_text, id="confirm-text"),
            rx.hstack(
                rx.button("Go back", variant="soft", color_scheme="gray", id="confirm-dismiss",
                          on_click=AppointmentsState.dismiss),
                rx.button(AppointmentsState.confirm_label, id="confirm-action", on_click=AppointmentsState.confirm),
                spacing="3", justify="end", margin_top="1em",
            ),
        ),
        open=AppointmentsState.confirm_action != "",
        on_open_change=AppointmentsState.dialog_open_change,
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
        _confirm_dialog(),
        width="100%",
    )

"""Journeys: the list with run counts, and one journey's runs."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.badges import status_badge
from portal.components.journey_controls import pause_resume
from portal.layout import protected_page
from portal.roles import JOURNEY_STAFF
from portal.state.journeys import JourneysState


def _journey_row(j: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(j["name"], href="/journeys/" + j["id"])),
        rx.table.cell(rx.code(j["trigger"])),
        rx.table.cell(status_badge(j["status"])),
        rx.table.cell(j["version"]),
        rx.table.cell(j["runs"]),
        rx.table.cell(pause_resume(j["id"], j["status"], JourneysState.pause, JourneysState.resume)),
    )


@protected_page(route=routes.JOURNEYS, title="Journeys", roles=JOURNEY_STAFF, on_load=[JourneysState.load_list])
def journeys_page() -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                       ("Journey", "Trigger", "Status", "Version", "Runs", "")])),
        rx.table.body(rx.foreach(JourneysState.journeys, _journey_row)),
        width="100%",
    )


def _run_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["patient"], href="/patients/" + r["patient_id"])),
        rx.table.cell(r["started"]),
        rx.table.cell(r["version"]),
        rx.table.cell(status_badge(r["status"])),
        rx.table.cell(r["step"]),
        rx.table.cell(r["exit_reason"]),
    )


@protected_page(route=routes.JOURNEY_RUNS, title="Journey runs", roles=JOURNEY_STAFF,
                on_load=[JourneysState.load_runs])
def journey_runs_page() -> rx.Component:
    j = JourneysState.journey
    return rx.vstack(
        rx.hstack(rx.heading(j["name"], size="4"), status_badge(j["status"]),
                  pause_resume(j["id"], j["status"], JourneysState.pause, JourneysState.resume),
                  rx.spacer(),
                  rx.text(JourneysState.steps_source, size="1", color_scheme="gray", id="steps-source"),
                  align="center", spacing="3", width="100%"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Patient", "Started", "Version", "Status", "Current step", "Exit")])),
            rx.table.body(rx.foreach(JourneysState.runs, _run_row)),
            width="100%",
        ),
        width="100%",
    )

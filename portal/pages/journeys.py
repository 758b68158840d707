"""Journeys: the list with run counts, and one journey's runs, with their pause / resume / stop and run controls."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.badges import status_badge
from portal.components.control_dialogs import reason_dialog, skip_dialog
from portal.components.journey_controls import pause_resume, run_controls, stop_button
from portal.layout import protected_page
from portal.roles import JOURNEY_STAFF
from portal.state.journeys import JourneysState
from portal.state.run_controls import RunControlsState as Controls


def _dialogs() -> rx.Component:
    """The confirmations the controls open (one open at a time)."""
    return rx.fragment(
        reason_dialog(open_=Controls.cancel_id != "", title="Cancel this run",
                      description="The run ends now; the reason is kept as its exit reason.",
                      reason=Controls.cancel_reason, on_reason=Controls.set_cancel_reason,
                      on_confirm=Controls.confirm_cancel, on_open_change=Controls.dialog_open_changed,
                      confirm_label="Cancel run", busy=Controls.busy, id_="cancel"),
        skip_dialog(open_=Controls.skip_id != "", steps=Controls.skip_steps, step=Controls.skip_step,
                    on_step=Controls.set_skip_step, on_confirm=Controls.confirm_skip,
                    on_open_change=Controls.dialog_open_changed, busy=Controls.busy),
        reason_dialog(open_=Controls.stop_id != "", title=Controls.stop_title, description=Controls.stop_summary,
                      reason=Controls.stop_reason, on_reason=Controls.set_stop_reason,
                      on_confirm=Controls.confirm_stop, on_open_change=Controls.dialog_open_changed,
                      confirm_label="Stop journey", busy=Controls.busy, id_="stop"),
    )


def _journey_controls(j: rx.Var) -> rx.Component:
    return rx.hstack(pause_resume(j["id"], j["status"], JourneysState.pause, JourneysState.resume),
                     stop_button(j["id"], j["name"], j["status"], Controls.open_stop), spacing="2")


def _journey_row(j: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(j["name"], href="/journeys/" + j["id"])),
        rx.table.cell(rx.code(j["trigger"])),
        rx.table.cell(status_badge(j["status"])),
        rx.table.cell(j["version"]),
        rx.table.cell(j["runs"]),
        rx.table.cell(_journey_controls(j)),
        data_journey_id=j["id"], class_name="journey-row",
    )


@protected_page(route=routes.JOURNEYS, title="Journeys", roles=JOURNEY_STAFF, on_load=[JourneysState.load_list])
def journeys_page() -> rx.Component:
    return rx.fragment(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Journey", "Trigger", "Status", "Version", "Runs", "")])),
            rx.table.body(rx.foreach(JourneysState.journeys, _journey_row)),
            width="100%",
        ),
        _dialogs(),
    )


def _run_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["patient"], href="/patients/" + r["patient_id"])),
        rx.table.cell(r["started"]),
        rx.table.cell(r["version"]),
        rx.table.cell(status_badge(r["status"])),
        rx.table.cell(r["step"], class_name="run-step"),
        rx.table.cell(r["exit_reason"], class_name="run-exit"),
        rx.table.cell(run_controls(r, busy=Controls.busy, on_pause=Controls.pause_run, on_resume=Controls.resume_run,
                                   on_cancel=Controls.open_cancel, on_skip=Controls.open_skip)),
        data_workflow_id=r["workflow_id"], class_name="run-row",
    )


@protected_page(route=routes.JOURNEY_RUNS, title="Journey runs", roles=JOURNEY_STAFF,
                on_load=[JourneysState.load_runs])
def journey_runs_page() -> rx.Component:
    return rx.cond(
        JourneysState.journey_missing,
        rx.vstack(rx.heading("No such journey in this practice.", size="4", id="journey-missing"),
                  rx.link("All journeys", href=routes.JOURNEYS)),
        rx.cond(JourneysState.journey["id"], _journey_runs(), rx.spinner()),
    )


def _journey_runs() -> rx.Component:
    j = JourneysState.journey
    return rx.vstack(
        rx.hstack(rx.heading(j["name"], size="4"), status_badge(j["status"]), _journey_controls(j),
                  rx.spacer(),
                  rx.text(JourneysState.steps_source, size="1", color_scheme="gray", id="steps-source"),
                  align="center", spacing="3", width="100%"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Patient", "Started", "Version", "Status", "Current step", "Exit", "")])),
            rx.table.body(rx.foreach(JourneysState.runs, _run_row)),
            width="100%",
        ),
        _dialogs(),
        width="100%",
    )

"""Dashboard: KPI cards for a chosen period and the monthly new-patient / no-show chart."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.kpi_card import kpi_card
from portal.layout import protected_page
from portal.roles import KPI_STAFF
from portal.state.dashboard import DashboardState


def _period_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.text("From", size="2"),
            rx.input(type="date", name="date_from", default_value=DashboardState.date_from,
                     key=DashboardState.date_from),
            rx.text("to", size="2"),
            rx.input(type="date", name="date_to", default_value=DashboardState.date_to, key=DashboardState.date_to),
            rx.button("Show", type="submit", size="2"),
            align="center", spacing="3",
        ),
        on_submit=DashboardState.set_period,
        reset_on_submit=False,
    )


def _chart() -> rx.Component:
    return rx.recharts.composed_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="month"),
        rx.recharts.y_axis(y_axis_id="left", allow_decimals=False, domain=[0, "auto"]),
        rx.recharts.y_axis(y_axis_id="right", orientation="right", unit="%"),
        rx.recharts.bar(data_key="new_patients", name="New patients", y_axis_id="left", fill="var(--accent-9)"),
        rx.recharts.line(data_key="no_show_rate_pct", name="No-show rate (%)", y_axis_id="right",
                         stroke="var(--red-9)"),
        rx.recharts.legend(),
        rx.recharts.graphing_tooltip(),
        data=DashboardState.series,
        width="100%",
        height=320,
    )


def _funnels() -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(rx.table.column_header_cell("Journey"),
                                     rx.foreach(DashboardState.funnel_stages,
                                                lambda stage: rx.table.column_header_cell(stage)))),
        rx.table.body(rx.foreach(DashboardState.funnels, lambda row: rx.table.row(
            rx.table.cell(row["name"]),
            rx.foreach(DashboardState.funnel_stages, lambda stage: rx.table.cell(row[stage]))))),
        width="100%",
    )


@protected_page(route=routes.DASHBOARD, title="Dashboard", roles=KPI_STAFF, on_load=[DashboardState.load])
def dashboard_page() -> rx.Component:
    return rx.vstack(
        _period_form(),
        rx.cond(DashboardState.error != "", rx.callout(DashboardState.error, color_scheme="red", icon="info")),
        rx.cond(DashboardState.caption != "", rx.text(DashboardState.caption, size="2", color_scheme="gray",
                                                      id="period-caption")),
        rx.flex(rx.foreach(DashboardState.cards, kpi_card), wrap="wrap", spacing="3", width="100%"),
        rx.heading("New patients and no-show rate per month", size="4"),
        _chart(),
        rx.cond(DashboardState.funnels.length() > 0,
                rx.vstack(rx.heading("Journey funnels", size="4"), _funnels(), width="100%")),
        width="100%",
    )

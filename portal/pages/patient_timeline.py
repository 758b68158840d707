"""A patient's header with flags and the typed timeline, newest first, with filter chips by kind."""
from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.flag_switches import flag_switches
from portal.components.timeline_item import timeline_item
from portal.layout import protected_page
from portal.state.patient_flags import PatientFlagsState
from portal.state.timeline import KIND_LABELS, TimelineState


def _header() -> rx.Component:
    h = TimelineState.header
    return rx.card(
        rx.vstack(
            rx.heading(h["name"], size="5", id="patient-name"),
            rx.hstack(
                rx.cond(h["born"] != "", rx.text("Born ", h["born"], " (", h["age"], ")", size="2")),
                rx.text("Mobile ", h["phone"], size="2"),
                rx.text(h["email"], size="2"),
                rx.text("Prefers ", h["channel"], size="2"),
                spacing="4",
            ),
            rx.hstack(rx.foreach(TimelineState.flags, lambda flag: rx.badge(flag, color_scheme="red", size="2")),
                      rx.spacer(), *flag_switches(h, on_nervous=PatientFlagsState.set_nervous,
                                                 on_texts_ok=PatientFlagsState.set_texts_ok),
                      spacing="2", align="center", width="100%"),
            spacing="2",
        ),
        width="100%",
    )


def _chip(kind: str, label: str) -> rx.Component:
    chosen = TimelineState.selected_kinds.contains(kind)
    return rx.button(label, size="1", radius="full", variant=rx.cond(chosen, "solid", "outline"),
                     on_click=TimelineState.toggle_kind(kind))


def _chips() -> rx.Component:
    return rx.hstack(
        rx.button("All", size="1", radius="full", on_click=TimelineState.show_all,
                  variant=rx.cond(TimelineState.selected_kinds.length() == 0, "solid", "outline")),
        *[_chip(kind.value, label) for kind, label in KIND_LABELS.items()],
        rx.spacer(),
        rx.button("Refresh", size="1", variant="soft", on_click=TimelineState.refresh, id="refresh-timeline"),
        wrap="wrap", spacing="2", width="100%",
    )


@protected_page(route=routes.PATIENT_TIMELINE, title="Patient", on_load=[TimelineState.load])
def patient_timeline_page() -> rx.Component:
    return rx.cond(
        TimelineState.missing,
        rx.callout("No such patient in this practice.", icon="info"),
        rx.vstack(
            _header(),
            _chips(),
            rx.cond(TimelineState.items.length() == 0, rx.text("Nothing recorded yet.", color_scheme="gray")),
            rx.vstack(rx.foreach(TimelineState.items, timeline_item), spacing="2", width="100%", id="timeline"),
            rx.cond(TimelineState.items.length() >= TimelineState.limit,
                    rx.button("Show older", variant="soft", on_click=TimelineState.show_more)),
            spacing="3", width="100%",
        ),
    )

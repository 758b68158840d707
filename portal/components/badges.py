"""Status badges with one colour per meaning, used by every list."""
from __future__ import annotations

import reflex as rx

_COLOURS = {
    "scheduled": "blue", "confirmed": "cyan", "arrived": "iris", "completed": "green", "cancelled": "gray",
    "no_show": "red", "sent": "green", "delivered": "green", "sending": "blue", "received": "violet",
    "suppressed": "orange", "deferred": "amber", "failed": "red", "running": "blue", "exited": "gray",
    "active": "green", "paused": "amber", "stopped": "red", "draft": "gray", "open": "blue", "done": "green",
    "granted": "green", "withdrawn": "red", "promoter": "green", "passive": "amber", "detractor": "red",
}


def status_badge(status: rx.Var | str) -> rx.Component:
    """A coloured badge for any status string (unknown ones, e.g. a step's "timed_out", gray and in words)."""
    words = status.replace("_", " ") if isinstance(status, str) else status.to(str).replace("_", " ")
    badge = rx.match(status, *[(name, rx.badge(name.replace("_", " "), color_scheme=colour, class_name="status-badge"))
                               for name, colour in _COLOURS.items()],
                     rx.badge(words, color_scheme="gray", class_name="status-badge"))
    # A status not loaded yet (the page renders before its on_load handler has filled the row) shows nothing.
    return badge if isinstance(status, str) else rx.cond(status, badge, rx.fragment())

"""The Reflex app: it only registers the pages (each page module registers itself with the layout on import)."""
import reflex as rx

from portal.layout import registered_pages
from portal.pages import appointments, dashboard, journeys, login, outbox, patient_timeline, patients  # noqa: F401
from portal.pages import tasks  # noqa: F401

app = rx.App()

for spec in registered_pages():
    app.add_page(spec.component, route=spec.route, title=spec.title, on_load=spec.on_load)

"""Every URL of the portal in one place."""
from __future__ import annotations

LOGIN = "/login"
PATIENTS = "/patients"
PATIENT_TIMELINE = "/patients/[patient_id]"
APPOINTMENTS = "/appointments"
JOURNEYS = "/journeys"
JOURNEY_RUNS = "/journeys/[journey_id]"
OUTBOX = "/outbox"
TASKS = "/tasks"
DASHBOARD = "/"

HOME_AFTER_LOGIN = APPOINTMENTS


def patient_timeline(patient_id: int | str) -> str:
    return f"/patients/{patient_id}"


def journey_runs(journey_id: int | str) -> str:
    return f"/journeys/{journey_id}"

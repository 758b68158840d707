"""The fields a template sees for one patient: names, practice details and the appointment in the patient's clock."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models.tables import Appointment, Patient, Practice
from workflows.journeys.send_window import resolve_timezone

# Spelled out rather than strftime("%A") so the text never depends on the server's locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def template_context(*, patient: Patient, practice: Practice, appointment: Appointment | None = None,
                     extra: dict | None = None) -> dict:
    """Fields for render_template; appointment fields only when there is an appointment; `extra` adds or overrides."""
    context: dict = {
        "first_name": (patient.preferred_name or "").strip() or patient.first_name,
        "last_name": patient.last_name,
        "practice_name": practice.name,
        "practice_phone": practice.phone,
        "review_link": practice.review_url,
    }
    if appointment is not None:
        local = appointment.start.astimezone(ZoneInfo(resolve_timezone(patient.timezone, practice.timezone)))
        context["appointment_date"] = human_date(local)
        context["appointment_time"] = human_time(local)
    context.update(extra or {})
    return context


def human_date(moment: datetime) -> str:
    """'Tuesday 8 December'."""
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"


def human_time(moment: datetime) -> str:
    """'2:30 PM', '12:00 PM' at noon, '9:05 AM'."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"

"""Attendance KPIs: completed visits, no-shows and cancellations among appointments dated in a period."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.periods import in_period, ratio


def appointment_outcomes(appointments: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Counts by outcome and the no-show and cancellation rates.

    no-show rate = no_show / (completed + no_show); cancellation rate = cancelled / (completed + no_show + cancelled).
    Appointments still scheduled, confirmed or arrived have no outcome yet and are left out.
    """
    statuses = appointments.loc[in_period(appointments["day"], date_from, date_to), "status"]
    completed = int((statuses == "completed").sum())
    no_show = int((statuses == "no_show").sum())
    cancelled = int((statuses == "cancelled").sum())
    return {
        "completed": completed,
        "no_show": no_show,
        "cancelled": cancelled,
        "no_show_rate": ratio(no_show, completed + no_show),
        "cancellation_rate": ratio(cancelled, completed + no_show + cancelled),
    }

"""Recall reappointment: of the recalls that fell due in a period, how many have a hygiene visit booked or done."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.periods import in_period, ratio

EARLY_DAYS = 30  # a cleaning up to a month before the due date still answers the recall
BOOKED_STATUSES = ("scheduled", "confirmed", "arrived", "completed")


def recall_reappointment(recalls: pd.DataFrame, appointments: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Due recalls (not disabled) whose patient has a scheduled or completed hygiene visit on or after due - 30 days."""
    due = recalls.loc[~recalls["disabled"].astype(bool) & in_period(recalls["due_on"], date_from, date_to),
                      ["id", "patient_id", "due_on"]]
    hygiene = appointments.loc[appointments["is_hygiene"].astype(bool) & appointments["status"].isin(BOOKED_STATUSES),
                               ["patient_id", "day"]]
    pairs = due.merge(hygiene, on="patient_id", how="inner")
    answered = pairs.loc[pairs["day"] >= pairs["due_on"] - pd.Timedelta(days=EARLY_DAYS), "id"].nunique()
    return {"due": len(due), "reappointed": int(answered), "reappointment_rate": ratio(answered, len(due))}

"""Retention as the practice article defines it, on frames of patients and appointments.

A patient "of the practice" on day D is an active patient with at least one completed appointment in the
18 months up to and including D. Retention over a period is
(patients of the practice at its end - new patients in it) / patients of the practice at its start,
where the start count is taken at the end of the day before the period (so a first visit on its first day is new,
not already counted).
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from models.kpis.periods import in_period, ratio

PATIENT_WINDOW_MONTHS = 18


def patients_of_practice(patients: pd.DataFrame, appointments: pd.DataFrame, on: date) -> pd.Index:
    """Ids of active patients with a completed visit in [on - 18 months, on]."""
    on_ts = pd.Timestamp(on)
    window_start = on_ts - pd.DateOffset(months=PATIENT_WINDOW_MONTHS)
    seen = appointments.loc[(appointments["status"] == "completed") & (appointments["day"] >= window_start)
                            & (appointments["day"] <= on_ts), "patient_id"]
    active = patients.loc[patients["status"] == "active", "id"]
    return pd.Index(seen.unique()).intersection(pd.Index(active)).sort_values()


def first_visits(patients: pd.DataFrame, appointments: pd.DataFrame) -> pd.Series:
    """Per patient id, the earlier of the recorded first visit and the first completed appointment (NaT if neither)."""
    completed = appointments.loc[appointments["status"] == "completed"]
    earliest = completed.groupby("patient_id")["day"].min()
    recorded = patients.set_index("id")["first_visit"]
    return pd.concat([recorded, earliest.reindex(recorded.index)], axis=1).min(axis=1)


def new_patient_ids(patients: pd.DataFrame, appointments: pd.DataFrame, date_from: date, date_to: date) -> pd.Index:
    """Patients (any status) whose first visit falls in the period."""
    firsts = first_visits(patients, appointments)
    return firsts.index[in_period(firsts, date_from, date_to)].sort_values()


def retention_rate(at_start: int, at_end: int, new: int) -> float | None:
    """(at_end - new) / at_start, or None when the practice had no patients at the start."""
    return ratio(at_end - new, at_start)


def retention(patients: pd.DataFrame, appointments: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Patients at start and end, new patients, and the retention rate of the period."""
    at_start = len(patients_of_practice(patients, appointments, date_from - timedelta(days=1)))
    at_end = len(patients_of_practice(patients, appointments, date_to))
    new = len(new_patient_ids(patients, appointments, date_from, date_to))
    return {"at_start": at_start, "at_end": at_end, "new": new, "retention_rate": retention_rate(at_start, at_end, new)}

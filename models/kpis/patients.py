"""Growth KPIs: new patients and patient-to-patient referrals in a period."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.periods import in_period
from models.kpis.retention import new_patient_ids


def new_patients(patients: pd.DataFrame, appointments: pd.DataFrame, date_from: date, date_to: date) -> int:
    """How many patients had their first visit in the period."""
    return len(new_patient_ids(patients, appointments, date_from, date_to))


def referrals(referrals: pd.DataFrame, date_from: date, date_to: date) -> int:
    """Referral rows created (practice-local day) in the period."""
    return int(in_period(referrals["day"], date_from, date_to).sum())

from datetime import date

import pandas as pd

from models.kpis.appointments import appointment_outcomes
from models.kpis.patients import new_patients, referrals
from tests.models.kpis import frames_builders as fb

PERIOD = (date(2024, 1, 1), date(2024, 1, 31))


def test_no_show_rate_counts_only_completed_and_no_show_appointments_in_the_period():
    appointments = fb.appointments(
        [(1, f"2024-01-{d:02d}", "completed") for d in range(2, 8)]
        + [(2, "2024-01-10", "no_show"), (3, "2024-01-31", "no_show"), (4, "2024-01-12", "cancelled"),
           (5, "2024-01-15", "scheduled"), (6, "2024-02-01", "no_show"), (7, "2023-12-31", "cancelled")])
    assert appointment_outcomes(appointments, *PERIOD) == {
        "completed": 6, "no_show": 2, "cancelled": 1,
        "no_show_rate": 0.25,  # 2 / (6 + 2)
        "cancellation_rate": 0.1111,  # 1 / (6 + 2 + 1)
    }


def test_rates_are_none_without_any_resolved_appointment():
    appointments = fb.appointments([(1, "2024-01-10", "scheduled")])
    result = appointment_outcomes(appointments, *PERIOD)
    assert (result["no_show_rate"], result["cancellation_rate"]) == (None, None)


def test_new_patients_counts_first_visits_in_the_period():
    patients = fb.patients([(1, "active", "2024-01-05"), (2, "inactive", None), (3, "active", "2023-06-01")])
    appointments = fb.appointments([(2, "2024-01-20", "completed"), (3, "2024-01-21", "completed")])
    assert new_patients(patients, appointments, *PERIOD) == 2


def test_referrals_counts_rows_created_in_the_period():
    frame = pd.DataFrame({"id": [1, 2, 3], "day": fb.days("2024-01-01", "2024-01-31", "2024-02-01")})
    assert referrals(frame, *PERIOD) == 2

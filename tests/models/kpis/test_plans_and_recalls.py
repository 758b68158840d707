from datetime import date

import pandas as pd

from models.kpis.recalls import recall_reappointment
from models.kpis.treatment import plan_acceptance
from tests.models.kpis import frames_builders as fb

PERIOD = (date(2024, 1, 1), date(2024, 6, 30))


def _plans(rows):
    return pd.DataFrame({"id": range(1, len(rows) + 1), "status": [r[0] for r in rows],
                         "presented_on": fb.days(*[r[1] for r in rows]), "total_fee": [r[2] for r in rows]})


def test_acceptance_counts_and_values_plans_presented_in_the_period():
    plans = _plans([("accepted", "2024-01-10", 1000.0), ("accepted", "2024-03-01", 500.0),
                    ("declined", "2024-04-01", 1500.0), ("presented", "2024-06-30", 1000.0),
                    ("accepted", "2024-07-01", 9999.0)])
    assert plan_acceptance(plans, *PERIOD) == {
        "presented": 4, "accepted": 2, "declined": 1, "pending": 1,
        "acceptance_rate": 0.5,  # 2 / 4
        "presented_value": 4000.0, "accepted_value": 1500.0,
        "value_acceptance_rate": 0.375,  # 1500 / 4000
    }


def test_acceptance_rates_are_none_when_nothing_was_presented():
    result = plan_acceptance(_plans([("accepted", "2023-01-10", 1000.0)]), *PERIOD)
    assert (result["presented"], result["acceptance_rate"], result["value_acceptance_rate"]) == (0, None, None)


def test_a_recall_counts_as_reappointed_with_a_hygiene_visit_from_thirty_days_before_it_was_due():
    recalls = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "patient_id": [1, 2, 3, 4, 5, 6],
                            "due_on": fb.days("2024-03-01", "2024-03-01", "2024-06-01", "2024-06-01",
                                              "2024-06-01", "2025-02-01"),
                            "disabled": [False, False, False, False, True, False]})
    appointments = fb.appointments([
        (1, "2024-01-31", "completed", True),  # exactly due - 30 days: answers the recall
        (2, "2024-01-30", "completed", True), (2, "2024-03-05", "completed", False),  # too early; not hygiene
        (3, "2024-07-15", "scheduled", True),  # booked after the due date
        (4, "2024-06-10", "cancelled", True),  # cancelled does not count
        (5, "2024-06-02", "completed", True),  # disabled recall: left out
    ])
    assert recall_reappointment(recalls, appointments, *PERIOD) == {"due": 4, "reappointed": 2,
                                                                    "reappointment_rate": 0.5}


def test_recall_reappointment_rate_is_none_when_nothing_fell_due():
    recalls = pd.DataFrame({"id": [1], "patient_id": [1], "due_on": fb.days("2023-01-01"), "disabled": [False]})
    assert recall_reappointment(recalls, fb.appointments([]), *PERIOD) == {"due": 0, "reappointed": 0,
                                                                         "reappointment_rate": None}

import json
from datetime import date

import pandas as pd
import pytest

from models.kpis.frames import KpiFrames
from models.kpis.periods import month_end, month_starts
from models.kpis.report import build_report, monthly_counts
from tests.models.kpis import frames_builders as fb


def _empty_frames() -> KpiFrames:
    return KpiFrames(
        patients=fb.patients([]), appointments=fb.appointments([]),
        referrals=pd.DataFrame({"id": [], "day": fb.days()}),
        plans=pd.DataFrame({"id": [], "status": [], "presented_on": fb.days(), "total_fee": []}),
        recalls=pd.DataFrame({"id": [], "patient_id": [], "due_on": fb.days(), "disabled": []}),
        messages=fb.messages([]), enrollments=pd.DataFrame({"id": [], "journey_id": [], "status": [], "day": fb.days()}),
        journeys=pd.DataFrame({"id": [], "key": [], "name": []}),
        step_logs=pd.DataFrame({"enrollment_id": [], "kind": [], "outcome": []}),
        feedback=fb.feedback([]),
    )


def test_month_starts_are_the_calendar_months_ending_with_todays():
    assert month_starts(3, date(2024, 1, 15)) == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)


def test_monthly_counts_give_new_patients_visits_and_no_shows_per_month():
    patients = fb.patients([(1, "active", None), (2, "active", None), (3, "active", "2020-01-01")])
    appointments = fb.appointments([
        (1, "2024-01-10", "completed"), (1, "2024-02-10", "completed"), (2, "2024-02-01", "completed"),
        (3, "2024-02-29", "no_show"), (3, "2024-03-01", "completed"),
    ])
    assert monthly_counts(patients, appointments, [date(2024, 1, 1), date(2024, 2, 1)]) == [
        {"month": "2024-01", "new_patients": 1, "completed_visits": 1, "no_shows": 0, "no_show_rate": 0.0},
        {"month": "2024-02", "new_patients": 1, "completed_visits": 2, "no_shows": 1, "no_show_rate": 0.3333},
    ]


def test_report_of_an_empty_practice_is_json_with_nones_for_undefined_rates():
    report = build_report(_empty_frames(), date(2024, 1, 1), date(2024, 12, 31))
    assert json.loads(json.dumps(report)) == report
    assert report["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert report["patients"]["retention_rate"] is None
    assert report["appointments"]["no_show_rate"] is None
    assert report["journeys"] == []
    assert report["reviews"] == {"requests_sent": 0, "replies": 0, "reply_rate": None, "received": 0,
                                 "average_rating": None}
    assert report["nps"] == {"responses": 0, "promoters": 0, "passives": 0, "detractors": 0, "score": None}
    assert report["satisfaction"] == {"checkins": 0, "scored": 0, "average_rating": None, "satisfied_rate": None}


def test_report_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="starts after it ends"):
        build_report(_empty_frames(), date(2024, 2, 1), date(2024, 1, 1))

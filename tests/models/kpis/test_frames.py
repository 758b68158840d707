import json
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from models.kpis import kpi_report, monthly_series
from models.kpis.frames import load_frames
from tests.factories import (make_appointment, make_enrollment, make_feedback, make_journey, make_message,
                             make_patient, make_practice, make_recall, make_referral, make_step_log,
                             make_treatment_plan)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def practice_rows(session):
    """A Chicago practice with a handful of rows, and one row of another practice that must be ignored."""
    practice = make_practice(session)
    old = make_patient(session, practice, first_visit=date(2020, 1, 1))
    new = make_patient(session, practice, first_name="Ana")
    # 03:00 UTC on 1 March is 21:00 on 29 February in Chicago: the local day decides.
    make_appointment(session, old, start=_utc(2024, 3, 1, 3, 0), status="completed", is_hygiene=True)
    make_appointment(session, old, start=_utc(2023, 9, 1, 15, 0), status="completed")
    make_appointment(session, new, start=_utc(2024, 3, 5, 15, 0), status="completed")
    make_appointment(session, new, start=_utc(2024, 4, 5, 15, 0), status="no_show")
    make_referral(session, old, new, created_at=_utc(2024, 2, 20, 18, 0))
    make_treatment_plan(session, old, status="accepted", presented_on=date(2024, 3, 1), total_fee=800.0)
    make_treatment_plan(session, new, status="presented", presented_on=None, total_fee=200.0,
                        created_at=_utc(2024, 3, 10, 16, 0))
    make_recall(session, old, due_on=date(2024, 3, 20))
    journey = make_journey(session, practice)
    enrollment = make_enrollment(session, journey, old, started_at=_utc(2024, 3, 2, 16, 0), status="completed")
    sent = make_message(session, old, enrollment_id=enrollment.id, template_key="review_request",
                        created_at=_utc(2024, 3, 2, 18, 0))
    make_message(session, old, direction="in", status="received", in_reply_to_id=sent.id,
                 created_at=_utc(2024, 3, 2, 19, 0))
    make_step_log(session, enrollment, step_id="goal", kind="goal", outcome="reached")
    make_feedback(session, old, kind="review", scale="rating", score=4, created_at=_utc(2024, 3, 3, 15, 0))
    make_feedback(session, new, kind="review", scale="", score=None, comment="Lovely staff",
                  created_at=_utc(2024, 7, 1, 3, 0))  # 22:00 on 30 June in Chicago: inside the period
    make_feedback(session, old, kind="survey", scale="nps", score=10, created_at=_utc(2024, 3, 4, 15, 0))
    make_feedback(session, new, kind="checkin", scale="rating", score=3, created_at=_utc(2024, 3, 6, 15, 0))
    other = make_practice(session, name="Elsewhere")
    make_appointment(session, make_patient(session, other), start=_utc(2024, 3, 6, 15, 0), status="no_show")
    session.commit()
    return practice


def test_loader_turns_rows_into_practice_local_days(session, practice_rows):
    frames = load_frames(session=session, practice_id=practice_rows.id)
    assert frames.appointments.sort_values("day")["day"].dt.date.tolist() == [
        date(2023, 9, 1), date(2024, 2, 29), date(2024, 3, 5), date(2024, 4, 5)]
    assert frames.patients["first_visit"].isna().tolist() == [False, True]
    assert frames.plans.sort_values("id")["presented_on"].dt.date.tolist() == [date(2024, 3, 1), date(2024, 3, 10)]
    assert frames.referrals["day"].dt.date.tolist() == [date(2024, 2, 20)]
    assert frames.messages["in_reply_to_id"].isna().tolist() == [True, False]
    assert frames.step_logs.to_dict(orient="records") == [
        {"enrollment_id": 1, "kind": "goal", "outcome": "reached"}]
    assert [(r.kind, r.scale, None if pd.isna(r.score) else int(r.score), r.day.date())
            for r in frames.feedback.sort_values("id").itertuples()] == [
        ("review", "rating", 4, date(2024, 3, 3)), ("review", "", None, date(2024, 6, 30)),
        ("survey", "nps", 10, date(2024, 3, 4)), ("checkin", "rating", 3, date(2024, 3, 6))]


def test_report_from_the_database_has_exact_values(session, practice_rows):
    report = kpi_report(session=session, practice_id=practice_rows.id, date_from=date(2024, 1, 1),
                        date_to=date(2024, 6, 30))
    assert json.loads(json.dumps(report)) == report
    assert report["patients"] == {"at_start": 1, "at_end": 2, "new": 1, "retention_rate": 1.0}
    assert report["referrals"] == 1
    assert report["appointments"] == {"completed": 2, "no_show": 1, "cancelled": 0, "no_show_rate": 0.3333,
                                      "cancellation_rate": 0.0}
    assert report["treatment_plans"]["presented"] == 2
    assert report["treatment_plans"]["value_acceptance_rate"] == 0.8
    assert report["recalls"] == {"due": 1, "reappointed": 1, "reappointment_rate": 1.0}  # hygiene 29 Feb >= 20 Mar - 30 days
    assert report["reviews"] == {"requests_sent": 1, "replies": 1, "reply_rate": 1.0, "received": 2,
                                 "average_rating": 4.0}
    assert report["nps"] == {"responses": 1, "promoters": 1, "passives": 0, "detractors": 0, "score": 100.0}
    assert report["satisfaction"] == {"checkins": 1, "scored": 1, "average_rating": 3.0, "satisfied_rate": 0.0}
    assert report["journeys"] == [{"journey_id": 1, "key": "review_request", "name": "Review request",
                                   "enrolled": 1, "sent": 1, "delivered": 0, "replied": 1, "goal_reached": 1,
                                   "completed": 1}]


def test_monthly_series_from_the_database(session, practice_rows):
    series = monthly_series(session=session, practice_id=practice_rows.id, months=3, today=date(2024, 4, 30))
    assert series == [
        {"month": "2024-02", "new_patients": 0, "completed_visits": 1, "no_shows": 0, "no_show_rate": 0.0},
        {"month": "2024-03", "new_patients": 1, "completed_visits": 1, "no_shows": 0, "no_show_rate": 0.0},
        {"month": "2024-04", "new_patients": 0, "completed_visits": 0, "no_shows": 1, "no_show_rate": 1.0},
    ]


def test_loader_refuses_an_unknown_practice(session):
    with pytest.raises(ValueError, match="no practice with id 99"):
        load_frames(session=session, practice_id=99)


def test_loader_of_an_empty_practice_gives_a_report_without_errors(session):
    practice = make_practice(session)
    report = kpi_report(session=session, practice_id=practice.id, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert report["patients"] == {"at_start": 0, "at_end": 0, "new": 0, "retention_rate": None}
    assert report["messages"]["sent"] == 0

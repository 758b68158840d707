"""The dashboard shows kpi_report's own numbers: rates as exact percentages, every section, the funnels, the chart."""
from __future__ import annotations

from datetime import date

from models.kpis import kpi_report
from portal.state.dashboard import PeriodNumbers, chart_points, funnel_rows, kpi_cards, period_numbers
from tests.factories import make_feedback, make_patient, make_practice

REPORT = {
    "practice_id": 1,
    "period": {"from": "2025-12-04", "to": "2026-12-03"},
    "patients": {"at_start": 83, "at_end": 1093, "new": 17, "retention_rate": 0.9157},
    "new_patients": 17,
    "appointments": {"no_show_rate": None, "cancellation_rate": 0.0845},
    "treatment_plans": {"accepted_value": 14415.0},
    "journeys": [{"journey_id": 3, "key": "review_request", "name": "Review request", "enrolled": 5, "sent": 4,
                  "goal_reached": 2}],
}


def test_every_number_becomes_a_card_with_its_section_and_new_patients_shows_once():
    assert kpi_cards(REPORT) == [
        {"group": "Patients", "label": "At start", "value": "83"},
        {"group": "Patients", "label": "At end", "value": "1,093"},
        {"group": "Patients", "label": "New", "value": "17"},
        {"group": "Patients", "label": "Retention rate", "value": "91.57%"},
        {"group": "Appointments", "label": "No show rate", "value": "—"},
        {"group": "Appointments", "label": "Cancellation rate", "value": "8.45%"},
        {"group": "Treatment plans", "label": "Accepted value", "value": "$14,415.00"},
    ]


def test_funnels_keep_the_report_stage_order_in_plain_words():
    assert funnel_rows(REPORT) == (["Enrolled", "Sent", "Goal reached"],
                                   [{"name": "Review request", "Enrolled": "5", "Sent": "4", "Goal reached": "2"}])
    assert funnel_rows({"journeys": []}) == ([], [])


def test_chart_points_add_the_no_show_rate_in_percent():
    series = [{"month": "2026-01", "new_patients": 3, "no_show_rate": 0.0769},
              {"month": "2026-02", "new_patients": 0, "no_show_rate": None}]
    assert chart_points(series) == [
        {"month": "2026-01", "new_patients": 3, "no_show_rate": 0.0769, "no_show_rate_pct": 7.69},
        {"month": "2026-02", "new_patients": 0, "no_show_rate": None, "no_show_rate_pct": None},
    ]


def test_feedback_sections_become_cards_with_readable_names():
    report = {"reviews": {"received": 12, "average_rating": 4.67},
              "nps": {"responses": 6, "promoters": 2, "score": -16.7},
              "satisfaction": {"checkins": 4, "average_rating": None, "satisfied_rate": 0.6667}}
    assert kpi_cards(report) == [
        {"group": "Reviews", "label": "Received", "value": "12"},
        {"group": "Reviews", "label": "Average rating", "value": "4.67"},
        {"group": "NPS", "label": "Responses", "value": "6"},
        {"group": "NPS", "label": "Promoters", "value": "2"},
        {"group": "NPS", "label": "Score (-100 to 100)", "value": "-16.7"},
        {"group": "Satisfaction", "label": "Check-ins", "value": "4"},
        {"group": "Satisfaction", "label": "Average rating", "value": "—"},
        {"group": "Satisfaction", "label": "Satisfied rate", "value": "66.67%"},
    ]


def test_feedback_cards_show_the_numbers_of_the_kpi_report(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    for kind, scale, score in (("review", "rating", 5), ("review", "rating", 4), ("survey", "nps", 9),
                               ("survey", "nps", 6), ("survey", "nps", 10), ("checkin", "rating", 2)):
        make_feedback(session, patient, kind=kind, scale=scale, score=score)
    report = kpi_report(session=session, practice_id=practice.id, date_from=date(2026, 12, 1),
                        date_to=date(2026, 12, 31))

    cards = {(c["group"], c["label"]): c["value"] for c in kpi_cards(report)}

    assert report["nps"]["score"] == 33.3
    assert (cards[("NPS", "Score (-100 to 100)")], cards[("NPS", "Responses")]) == ("33.3", "3")
    assert (cards[("Reviews", "Received")], cards[("Reviews", "Average rating")]) == ("2", "4.50")
    assert cards[("Satisfaction", "Satisfied rate")] == "0.00%"


def test_the_numbers_say_which_period_they_are_for(session):
    practice = make_practice(session)

    numbers = period_numbers(session=session, practice_id=practice.id, date_from=date(2025, 12, 4),
                             date_to=date(2026, 12, 3))

    assert numbers.caption == "Numbers for Thu 4 Dec 2025 to Thu 3 Dec 2026"
    assert ({"group": "Patients", "label": "New", "value": "0"} in numbers.cards, numbers.error) == (True, "")


def test_a_period_that_ends_before_it_starts_shows_no_numbers_at_all(session):
    practice = make_practice(session)

    numbers = period_numbers(session=session, practice_id=practice.id, date_from=date(2026, 12, 3),
                             date_to=date(2026, 12, 2))

    assert numbers == PeriodNumbers(error="The period must start before it ends.")
    assert (numbers.caption, numbers.cards, numbers.funnels) == ("", [], [])


def test_the_chart_covers_the_chosen_period_not_always_the_last_year():
    from datetime import date

    from portal.state.dashboard import chart_months

    today = date(2026, 12, 4)
    assert chart_months(date(2024, 1, 1), date(2024, 12, 31), today) == (12, date(2024, 12, 31))
    assert chart_months(date(2026, 11, 10), date(2027, 3, 1), today) == (2, today)  # not past today's month
    assert chart_months(date(2015, 1, 1), date(2026, 12, 3), today) == (36, date(2026, 12, 3))
    assert chart_months(date(2026, 12, 1), date(2026, 11, 1), today) == (1, date(2026, 11, 1))  # reversed: 1 month

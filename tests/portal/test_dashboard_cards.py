"""The dashboard shows kpi_report's own numbers: rates as exact percentages, every section, the funnels, the chart."""
from __future__ import annotations

from portal.state.dashboard import chart_points, funnel_rows, kpi_cards

REPORT = {
    "practice_id": 1,
    "period": {"from": "2025-12-04", "to": "2026-12-03"},
    "patients": {"at_start": 83, "at_end": 1093, "new": 17, "retention_rate": 0.9157},
    "new_patients": 17,
    "appointments": {"no_show_rate": None, "cancellation_rate": 0.0845},
    "treatment_plans": {"accepted_value": 14415.0},
    "journeys": [{"journey_id": 3, "key": "review_request", "name": "Review request", "enrolled": 5, "sent": 4}],
}


def test_every_number_becomes_a_card_with_its_section():
    assert kpi_cards(REPORT) == [
        {"group": "Patients", "label": "At start", "value": "83"},
        {"group": "Patients", "label": "At end", "value": "1,093"},
        {"group": "Patients", "label": "New", "value": "17"},
        {"group": "Patients", "label": "Retention rate", "value": "91.57%"},
        {"group": "", "label": "New patients", "value": "17"},
        {"group": "Appointments", "label": "No show rate", "value": "—"},
        {"group": "Appointments", "label": "Cancellation rate", "value": "8.45%"},
        {"group": "Treatment plans", "label": "Accepted value", "value": "$14,415.00"},
    ]


def test_funnels_keep_the_report_stage_order():
    assert funnel_rows(REPORT) == (["enrolled", "sent"], [{"name": "Review request", "enrolled": "5", "sent": "4"}])
    assert funnel_rows({"journeys": []}) == ([], [])


def test_chart_points_add_the_no_show_rate_in_percent():
    series = [{"month": "2026-01", "new_patients": 3, "no_show_rate": 0.0769},
              {"month": "2026-02", "new_patients": 0, "no_show_rate": None}]
    assert chart_points(series) == [
        {"month": "2026-01", "new_patients": 3, "no_show_rate": 0.0769, "no_show_rate_pct": 7.69},
        {"month": "2026-02", "new_patients": 0, "no_show_rate": None, "no_show_rate_pct": None},
    ]

from datetime import date

import pandas as pd

from models.kpis.journeys import journey_funnels
from models.kpis.messages import message_counts, review_requests
from tests.models.kpis import frames_builders as fb

PERIOD = (date(2024, 5, 1), date(2024, 5, 31))


def _messages():
    return fb.messages([
        dict(id=1, direction="out", status="sent", template_key="review_request"),
        dict(id=2, direction="out", status="delivered", template_key="review_request"),
        dict(id=3, direction="out", status="sent", template_key="review_request"),
        dict(id=4, direction="out", status="suppressed", template_key="review_request"),
        dict(id=5, direction="out", status="sent", template_key="appointment_reminder"),
        dict(id=6, direction="out", status="failed", template_key="appointment_reminder"),
        dict(id=7, direction="out", status="deferred", template_key="appointment_reminder"),
        dict(id=8, direction="out", status="sent", template_key="review_request", day="2024-04-30"),
        dict(id=20, direction="in", status="received", in_reply_to_id=1),
        dict(id=21, direction="in", status="received", in_reply_to_id=2, day="2024-06-02"),
        dict(id=22, direction="in", status="received", in_reply_to_id=5),
    ])


def test_message_counts_split_outbound_by_status_and_count_inbound_replies():
    assert message_counts(_messages(), *PERIOD) == {"sent": 4, "delivered": 1, "suppressed": 1, "deferred": 1,
                                                    "failed": 1, "replies": 2}


def test_review_requests_count_sent_requests_and_replies_to_them_whenever_they_came():
    assert review_requests(_messages(), *PERIOD) == {"requests_sent": 3, "replies": 2, "reply_rate": 0.6667}


def test_journey_funnel_counts_enrollments_reaching_each_stage():
    journeys = pd.DataFrame({"id": [1, 2], "key": ["review_request", "nervous_patient_checkin"],
                             "name": ["Review request", "Nervous patient check-in"]})
    enrollments = pd.DataFrame({"id": [1, 2, 3, 4], "journey_id": [1, 1, 1, 1],
                                "status": ["completed", "running", "exited", "completed"],
                                "day": fb.days("2024-05-02", "2024-05-03", "2024-05-04", "2024-04-01")})
    messages = fb.messages([
        dict(id=10, direction="out", status="delivered", enrollment_id=1),
        dict(id=11, direction="out", status="sent", enrollment_id=2),
        dict(id=12, direction="out", status="suppressed", enrollment_id=3),
        dict(id=13, direction="out", status="sent", enrollment_id=4),
        dict(id=20, direction="in", status="received", in_reply_to_id=10),
        dict(id=21, direction="in", status="received", in_reply_to_id=13),
    ])
    step_logs = pd.DataFrame({"enrollment_id": [2, 1, 3], "kind": ["wait_for", "goal", "wait_for"],
                              "outcome": ["replied", "reached", "timeout"]})
    funnels = journey_funnels(journeys, enrollments, messages, step_logs, *PERIOD)
    assert funnels.to_dict(orient="records") == [
        {"journey_id": 2, "key": "nervous_patient_checkin", "name": "Nervous patient check-in", "enrolled": 0,
         "sent": 0, "delivered": 0, "replied": 0, "goal_reached": 0, "completed": 0},
        {"journey_id": 1, "key": "review_request", "name": "Review request", "enrolled": 3, "sent": 2,
         "delivered": 1, "replied": 2, "goal_reached": 1, "completed": 1},
    ]

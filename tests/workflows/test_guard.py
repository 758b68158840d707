"""The pure send guard: every verdict with its exact reason and release time."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone

import pytest

from workflows.journeys.guard import GuardDecision, SendContext, check_send

UTC = timezone.utc


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


BASE = SendContext(
    now=utc(2026, 11, 3, 16, 0),  # Tue 10:00 in Chicago
    channel="sms", message_type="reminder", patient_tz="America/Chicago",
    window_start=time(8), window_end=time(20), closed_weekdays=frozenset({7}), holidays={},
    consent_ok=True, consent_reason="texts allowed by the patient record (no consent change recorded)",
    contact_missing="", sent_to_patient_7d=0, sent_to_household_7d=0, patient_cap=5, household_cap=8,
)

CASES = [
    ("everything_allowed_sends_now", {}, GuardDecision("send", "ok to send", None)),
    ("opted_out_is_suppressed_with_the_date", dict(consent_ok=False, consent_reason="opted out of SMS on 3 Nov 2026"),
     GuardDecision("suppress", "not sent: opted out of SMS on 3 Nov 2026")),
    ("missing_mobile_is_suppressed", dict(contact_missing="no mobile number"),
     GuardDecision("suppress", "not sent: no mobile number")),
    ("cancelled_appointment_is_suppressed", dict(fact_still_true=False, fact_reason="appointment was cancelled"),
     GuardDecision("suppress", "not sent: appointment was cancelled")),
    ("patient_below_weekly_limit_sends", dict(sent_to_patient_7d=4), GuardDecision("send", "ok to send")),
    ("patient_at_weekly_limit_is_suppressed", dict(sent_to_patient_7d=5),
     GuardDecision("suppress", "not sent: weekly limit of 5 messages reached")),
    ("household_at_weekly_limit_is_suppressed", dict(sent_to_patient_7d=2, sent_to_household_7d=8),
     GuardDecision("suppress", "not sent: household weekly limit of 8 messages reached")),
    ("quiet_hours_defer_to_next_morning", dict(now=utc(2027, 1, 5, 4, 14)),
     GuardDecision("defer", "deferred to 08:00 Tue 5 Jan: quiet hours (patient's time 22:14)",
                   utc(2027, 1, 5, 14, 0))),
    ("closed_sunday_defers_to_monday", dict(now=utc(2026, 11, 8, 16, 0)),
     GuardDecision("defer", "deferred to 08:00 Mon 9 Nov: practice closed on Sunday", utc(2026, 11, 9, 14, 0))),
    ("holiday_defers_to_next_open_day", dict(now=utc(2026, 12, 25, 16, 0), holidays={date(2026, 12, 25): "Christmas Day"}),
     GuardDecision("defer", "deferred to 08:00 Sat 26 Dec: holiday (Christmas Day)", utc(2026, 12, 26, 14, 0))),
    ("unnamed_holiday_is_called_a_practice_holiday", dict(now=utc(2026, 12, 24, 16, 0), holidays={date(2026, 12, 24): ""}),
     GuardDecision("defer", "deferred to 08:00 Fri 25 Dec: practice holiday", utc(2026, 12, 25, 14, 0))),
    ("los_angeles_patient_is_deferred_in_their_own_clock", dict(now=utc(2026, 11, 3, 13, 0),
                                                                patient_tz="America/Los_Angeles"),
     GuardDecision("defer", "deferred to 08:00 Tue 3 Nov: quiet hours (patient's time 05:00)", utc(2026, 11, 3, 16, 0))),
    ("step_window_inside_practice_window_sends", dict(step_window_start=time(9), step_window_end=time(12)),
     GuardDecision("send", "ok to send")),
    ("step_window_narrows_the_practice_window", dict(now=utc(2026, 11, 3, 19, 0), step_window_start=time(9),
                                                     step_window_end=time(12)),
     GuardDecision("defer", "deferred to 09:00 Wed 4 Nov: quiet hours (patient's time 13:00)", utc(2026, 11, 4, 15, 0))),
    ("step_window_outside_practice_window_is_suppressed", dict(step_window_start=time(21), step_window_end=time(22)),
     GuardDecision("suppress", "not sent: the step's window 21:00-22:00 lies outside the send window 08:00-20:00")),
    ("cap_outside_hours_is_suppressed_not_deferred", dict(now=utc(2027, 1, 5, 4, 14), sent_to_patient_7d=5),
     GuardDecision("suppress", "not sent: weekly limit of 5 messages reached")),
    ("stale_fact_wins_over_every_other_reason", dict(fact_still_true=False, fact_reason="appointment was moved",
                                                     consent_ok=False, consent_reason="opted out of SMS on 3 Nov 2026",
                                                     now=utc(2027, 1, 5, 4, 14)),
     GuardDecision("suppress", "not sent: appointment was moved")),
    ("consent_wins_over_caps", dict(consent_ok=False, consent_reason="no SMS consent on file", sent_to_patient_7d=9),
     GuardDecision("suppress", "not sent: no SMS consent on file")),
    ("review_request_to_a_child_is_suppressed", dict(message_type="review", patient_age=12),
     GuardDecision("suppress", "not sent: patient is under 18")),
    ("marketing_to_a_seventeen_year_old_is_suppressed", dict(message_type="marketing", patient_age=17),
     GuardDecision("suppress", "not sent: patient is under 18")),
    ("review_request_to_an_eighteen_year_old_sends", dict(message_type="review", patient_age=18),
     GuardDecision("send", "ok to send")),
    ("review_request_with_unknown_age_sends", dict(message_type="review", patient_age=None),
     GuardDecision("send", "ok to send")),
    ("reminder_to_a_child_sends", dict(message_type="reminder", patient_age=12), GuardDecision("send", "ok to send")),
    ("confirmation_to_a_child_sends", dict(message_type="confirmation", patient_age=9),
     GuardDecision("send", "ok to send")),
    # never deferred past the visit it speaks of (the release jitter of up to 15 minutes included)
    ("reminder_deferred_to_the_visit_morning_in_time_is_deferred",
     dict(now=utc(2026, 11, 8, 3, 0), appointment_start=utc(2026, 11, 9, 16, 0)),  # Sat 21:00, visit Mon 10:00
     GuardDecision("defer", "deferred to 08:00 Mon 9 Nov: quiet hours (patient's time 21:00)", utc(2026, 11, 9, 14, 0))),
    ("reminder_deferred_to_the_visit_start_is_suppressed",
     dict(now=utc(2026, 11, 8, 3, 0), appointment_start=utc(2026, 11, 9, 14, 0)),  # visit Mon 08:00
     GuardDecision("suppress", "not sent: no allowed time before the visit")),
    ("reminder_whose_release_could_come_after_the_visit_is_suppressed",
     dict(now=utc(2026, 11, 8, 3, 0), appointment_start=utc(2026, 11, 9, 14, 10)),  # visit Mon 08:10
     GuardDecision("suppress", "not sent: no allowed time before the visit")),
    ("confirmation_on_a_holiday_saturday_before_a_monday_8am_visit_is_suppressed",
     dict(now=utc(2026, 7, 4, 15, 0), message_type="confirmation", appointment_start=utc(2026, 7, 6, 13, 0),
          holidays={date(2026, 7, 4): "Independence Day"}),
     GuardDecision("suppress", "not sent: no allowed time before the visit")),
    ("care_message_on_a_dst_weekend_is_suppressed_when_only_the_visit_morning_is_left",
     dict(now=utc(2026, 11, 1, 2, 0), message_type="care", appointment_start=utc(2026, 11, 2, 14, 5)),
     GuardDecision("suppress", "not sent: no allowed time before the visit")),
    ("care_message_on_a_dst_weekend_is_deferred_when_the_visit_is_later",
     dict(now=utc(2026, 11, 1, 2, 0), message_type="care", appointment_start=utc(2026, 11, 2, 15, 0)),
     GuardDecision("defer", "deferred to 08:00 Mon 2 Nov: quiet hours (patient's time 21:00)", utc(2026, 11, 2, 14, 0))),
    ("care_message_after_the_visit_is_deferred_as_usual",
     dict(now=utc(2026, 11, 8, 3, 0), message_type="care", appointment_start=utc(2026, 11, 7, 15, 0)),
     GuardDecision("defer", "deferred to 08:00 Mon 9 Nov: quiet hours (patient's time 21:00)", utc(2026, 11, 9, 14, 0))),
    ("marketing_is_deferred_whatever_visit_is_coming",
     dict(now=utc(2026, 11, 8, 3, 0), message_type="marketing", appointment_start=utc(2026, 11, 9, 14, 0)),
     GuardDecision("defer", "deferred to 08:00 Mon 9 Nov: quiet hours (patient's time 21:00)", utc(2026, 11, 9, 14, 0))),
    ("age_wins_over_consent", dict(message_type="review", patient_age=12, consent_ok=False,
                                   consent_reason="no SMS consent on file"),
     GuardDecision("suppress", "not sent: patient is under 18")),
]


@pytest.mark.parametrize("changes, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_check_send(changes, expected):
    assert check_send(replace(BASE, **changes)) == expected


def test_check_send_refuses_a_naive_now():
    with pytest.raises(ValueError, match="timezone-aware"):
        check_send(replace(BASE, now=datetime(2026, 11, 3, 10, 0)))



def test_the_guards_release_jitter_is_the_one_the_send_activity_adds():
    from datetime import timedelta

    from workflows.journeys.activities import DEFERRAL_SPREAD_SECONDS
    from workflows.journeys.guard import RELEASE_JITTER

    assert RELEASE_JITTER == timedelta(seconds=DEFERRAL_SPREAD_SECONDS)

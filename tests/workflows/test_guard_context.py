"""load_send_context reads the real rows the guard decides on; check_send on it gives the expected verdicts."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from models.consent import record_consent
from workflows.journeys.guard import GuardDecision, check_send, load_send_context
from tests.factories import make_appointment, make_holiday, make_message, make_patient, make_practice

UTC = timezone.utc
NOW = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)  # Tue 10:00 in Chicago


def context(session, patient, **kwargs):
    values = dict(channel="sms", message_type="reminder", now=NOW)
    values.update(kwargs)
    return load_send_context(session=session, patient_id=patient.id, **values)


def test_context_reads_window_weekdays_caps_and_holidays_from_the_practice(session):
    practice = make_practice(session, send_window_start="09:30", send_window_end="18:00", closed_weekdays="6,7",
                             max_messages_per_patient_per_week=3, max_messages_per_household_per_week=6)
    make_holiday(session, practice, date(2026, 11, 26), "Thanksgiving")
    make_holiday(session, practice, date(2026, 11, 1), "Long gone")
    patient = make_patient(session, practice)
    ctx = context(session, patient)
    assert (ctx.window_start, ctx.window_end) == (time(9, 30), time(18, 0))
    assert ctx.closed_weekdays == frozenset({6, 7})
    assert ctx.holidays == {date(2026, 11, 26): "Thanksgiving"}
    assert (ctx.patient_cap, ctx.household_cap) == (3, 6)
    assert ctx.patient_tz == "America/Chicago"


def test_patient_time_zone_overrides_the_practice_zone(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, timezone="America/Los_Angeles")
    ctx = context(session, patient, now=datetime(2026, 11, 3, 13, 0, tzinfo=UTC))  # 07:00 Chicago, 05:00 LA
    assert ctx.patient_tz == "America/Los_Angeles"
    assert check_send(ctx) == GuardDecision(
        "defer", "deferred to 08:00 Tue 3 Nov: quiet hours (patient's time 05:00)",
        datetime(2026, 11, 3, 16, 0, tzinfo=UTC))


def test_weekly_count_includes_only_messages_that_went_out_in_the_last_seven_days(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    counted = [("out", "sent", NOW - timedelta(days=1)), ("out", "delivered", NOW - timedelta(days=6, hours=23)),
               ("out", "sending", NOW - timedelta(minutes=1))]
    ignored = [("out", "failed", NOW - timedelta(days=1)), ("out", "suppressed", NOW - timedelta(days=1)),
               ("out", "deferred", NOW - timedelta(days=1)), ("in", "received", NOW - timedelta(days=1)),
               ("out", "sent", NOW - timedelta(days=7, minutes=1))]
    for direction, status, at in counted + ignored:
        make_message(session, patient, direction=direction, status=status, created_at=at)
    assert context(session, patient).sent_to_patient_7d == 3


def test_weekly_count_uses_the_sent_time_when_there_is_one(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    make_message(session, patient, created_at=NOW - timedelta(days=10), sent_at=NOW - timedelta(days=2))
    assert context(session, patient).sent_to_patient_7d == 1


def test_household_count_covers_the_guarantor_and_everyone_they_guarantee(session):
    practice = make_practice(session, max_messages_per_household_per_week=4)
    parent = make_patient(session, practice, first_name="Ana")
    child = make_patient(session, practice, first_name="Leo", guarantor_id=parent.id)
    sibling = make_patient(session, practice, first_name="Mia", guarantor_id=parent.id)
    stranger = make_patient(session, practice, first_name="Tom")
    for person, count in ((parent, 1), (child, 1), (sibling, 2), (stranger, 5)):
        for _ in range(count):
            make_message(session, person, created_at=NOW - timedelta(days=1))
    ctx = context(session, child)
    assert (ctx.sent_to_patient_7d, ctx.sent_to_household_7d) == (1, 4)
    assert check_send(ctx) == GuardDecision("suppress", "not sent: household weekly limit of 4 messages reached")
    assert context(session, stranger).sent_to_household_7d == 5


def test_opt_out_in_the_ledger_suppresses_with_its_date(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    record_consent(session=session, patient_id=patient.id, channel="sms", granted=False, source="patient_reply",
                   at=datetime(2026, 11, 3, 15, 0, tzinfo=UTC))
    assert check_send(context(session, patient)) == GuardDecision("suppress", "not sent: opted out of SMS on 3 Nov 2026")


def test_patient_without_mobile_number_is_not_texted(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, mobile_phone="")
    assert check_send(context(session, patient)) == GuardDecision("suppress", "not sent: no mobile number")


def test_patient_without_sms_flag_or_ledger_event_is_not_texted(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, sms_ok=False)
    assert check_send(context(session, patient)) == GuardDecision("suppress", "not sent: no SMS consent on file")


def test_email_is_allowed_without_ledger_events_when_an_address_exists(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, sms_ok=False)
    assert check_send(context(session, patient, channel="email", message_type="review")).verdict == "send"


def test_deceased_patient_gets_nothing(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, status="deceased")
    assert check_send(context(session, patient)) == GuardDecision("suppress", "not sent: patient record is not active")


FUTURE = datetime(2026, 11, 5, 15, 0, tzinfo=UTC)

APPOINTMENT_CASES = [
    ("scheduled_reminder_sends", "reminder", dict(status="scheduled"), {}, "ok to send"),
    ("cancelled_reminder_is_suppressed", "reminder", dict(status="cancelled"), {},
     "not sent: appointment was cancelled"),
    ("no_show_reminder_is_suppressed", "reminder", dict(status="no_show"), {},
     "not sent: appointment was marked as a no-show"),
    ("completed_reminder_is_suppressed", "reminder", dict(status="completed"), {},
     "not sent: appointment was already completed"),
    ("moved_reminder_is_suppressed", "reminder", dict(start=FUTURE + timedelta(days=2)), dict(expected_start=FUTURE),
     "not sent: appointment was moved"),
    ("unmoved_reminder_sends", "reminder", {}, dict(expected_start=FUTURE), "ok to send"),
    ("past_reminder_is_suppressed", "reminder", dict(start=NOW - timedelta(hours=1)), {},
     "not sent: appointment time has passed"),
    ("confirmation_request_for_confirmed_visit_is_suppressed", "confirmation", dict(status="confirmed", confirmed=True),
     {}, "not sent: appointment is already confirmed"),
    ("review_after_completed_visit_sends", "review", dict(status="completed", start=NOW - timedelta(days=1)), {},
     "ok to send"),
    ("review_for_unfinished_visit_is_suppressed", "review", dict(status="scheduled"), {},
     "not sent: appointment has not been completed"),
    ("care_message_before_a_visit_sends", "care", {}, {}, "ok to send"),
    ("explicit_rule_overrides_the_message_type", "care", dict(status="confirmed"), dict(appointment_rule="unconfirmed"),
     "not sent: appointment is already confirmed"),
]


@pytest.mark.parametrize("message_type, appointment_fields, kwargs, reason", [c[1:] for c in APPOINTMENT_CASES],
                         ids=[c[0] for c in APPOINTMENT_CASES])
def test_the_appointment_a_message_speaks_of_must_still_be_as_assumed(session, message_type, appointment_fields,
                                                                     kwargs, reason):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    appointment = make_appointment(session, patient, **{"start": FUTURE, **appointment_fields})
    ctx = context(session, patient, message_type=message_type, appointment_id=appointment.id, **kwargs)
    assert check_send(ctx).reason == reason


def test_appointment_of_another_patient_is_a_programming_error(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    other = make_patient(session, practice, first_name="Tom")
    appointment = make_appointment(session, other, start=FUTURE)
    with pytest.raises(ValueError, match=f"appointment {appointment.id} does not belong to patient {patient.id}"):
        context(session, patient, appointment_id=appointment.id)


def test_deleted_appointment_suppresses_the_message(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    assert check_send(context(session, patient, appointment_id=999)).reason == "not sent: appointment no longer exists"


def test_unknown_patient_is_reported_by_id(session):
    with pytest.raises(ValueError, match="patient 424242 not found"):
        load_send_context(session=session, patient_id=424242, channel="sms", message_type="reminder", now=NOW)


def test_step_window_is_carried_into_the_context(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    ctx = context(session, patient, now=datetime(2026, 11, 3, 19, 0, tzinfo=UTC), step_window=(time(9), time(12)))
    assert check_send(ctx) == GuardDecision("defer", "deferred to 09:00 Wed 4 Nov: quiet hours (patient's time 13:00)",
                                            datetime(2026, 11, 4, 15, 0, tzinfo=UTC))


def test_holiday_row_defers_with_its_name(session):
    practice = make_practice(session)
    make_holiday(session, practice, date(2026, 11, 26), "Thanksgiving")
    patient = make_patient(session, practice)
    ctx = context(session, patient, now=datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert check_send(ctx) == GuardDecision("defer", "deferred to 08:00 Fri 27 Nov: holiday (Thanksgiving)",
                                            datetime(2026, 11, 27, 14, 0, tzinfo=UTC))


def test_reasons_name_rules_never_the_patient(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, first_name="Zebedee", mobile_phone="", email="zeb@example.com")
    record_consent(session=session, patient_id=patient.id, channel="email", granted=False, source="portal",
                   evidence="clicked unsubscribe in email to zeb@example.com")
    reasons = [check_send(context(session, patient, channel=channel)).reason for channel in ("sms", "email")]
    assert reasons[0] == "not sent: no mobile number"
    assert reasons[1].startswith("not sent: opted out of email on ")
    assert not any("Zebedee" in r or "zeb@" in r for r in reasons)


@pytest.mark.parametrize(("birthdate", "now", "expected"), [
    # 17 years and 364 days old on the patient's date: the review request is not sent
    (date(2008, 11, 4), NOW, GuardDecision("suppress", "not sent: patient is under 18")),
    # the 18th birthday is today: it is
    (date(2008, 11, 3), NOW, GuardDecision("send", "ok to send")),
    # 04:00 UTC on 4 Nov is still 3 Nov (22:00) in Chicago: the birthday has not come yet where the patient lives
    (date(2008, 11, 4), datetime(2026, 11, 4, 4, 0, tzinfo=UTC), GuardDecision("suppress",
                                                                              "not sent: patient is under 18")),
    (None, NOW, GuardDecision("send", "ok to send")),
])
def test_review_requests_wait_for_the_18th_birthday_on_the_patients_local_date(session, birthdate, now, expected):
    practice = make_practice(session, send_window_start="00:00", send_window_end="23:59")
    patient = make_patient(session, practice, birthdate=birthdate)
    ctx = context(session, patient, message_type="review", now=now)
    assert check_send(ctx) == expected


def test_reminders_still_reach_a_child(session):
    practice = make_practice(session)
    child = make_patient(session, practice, birthdate=date(2014, 6, 1))
    ctx = context(session, child, message_type="reminder")
    assert (ctx.patient_age, check_send(ctx)) == (12, GuardDecision("send", "ok to send"))


def test_context_carries_the_start_of_the_appointment_the_message_speaks_of(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=datetime(2026, 11, 9, 14, 0, tzinfo=UTC))
    saturday_night = datetime(2026, 11, 8, 3, 0, tzinfo=UTC)
    ctx = context(session, patient, appointment_id=visit.id, now=saturday_night)
    assert ctx.appointment_start == visit.start
    assert check_send(ctx) == GuardDecision("suppress", "not sent: no allowed time before the visit")
    assert context(session, patient, now=saturday_night).appointment_start is None

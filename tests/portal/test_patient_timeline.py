"""The timeline: every kind of row about a patient, typed, newest first, filterable, with why a message was not sent."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models.queries.timeline import patient_timeline
from models.tables import (ConsentEvent, Enrollment, JourneyStepLog, JourneyVersion, LoyaltyLedger, Note, Procedure,
                           Referral, Task)
from portal.state.timeline import item_row
from tests.factories import (make_appointment, make_enrollment, make_feedback, make_journey, make_message,
                             make_patient, make_practice)


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def story(session):
    """Maria's year in rows, one per day so the expected order is obvious; Tom is another patient."""
    practice = make_practice(session)  # America/Chicago
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    tom = make_patient(session, practice, first_name="Tom", last_name="Reed")
    visit = make_appointment(session, maria, start=_at(2, 15), status="completed", description="Cleaning",
                             provider="Dr. Ng")
    session.add(Procedure(practice_id=practice.id, patient_id=maria.id, appointment_id=visit.id, cdt_code="D1110",
                          description="Prophylaxis - adult", performed_on=date(2026, 11, 2), fee=95.0))
    journey = make_journey(session, practice)
    run = make_enrollment(session, journey, maria, trigger_ref="appointment:1")
    session.add(JourneyStepLog(enrollment_id=run.id, patient_id=maria.id, step_id="wait_2h", kind="wait",
                               outcome="done", detail="waited 2 hours", dedupe_key="a", at=_at(3, 10)))
    make_message(session, maria, enrollment_id=run.id, step_id="ask_review", template_key="review_request",
                 body="Hi Maria, how was your visit?", status="sent", created_at=_at(4, 10), sent_at=_at(4, 10))
    make_message(session, maria, enrollment_id=run.id, step_id="reminder", status="suppressed",
                 reason="opted out of SMS on 3 Nov", body="Reminder", created_at=_at(5, 10))
    make_message(session, maria, direction="in", channel="sms", status="received", body="Great, thanks!",
                 created_at=_at(6, 10))
    session.add(Task(practice_id=practice.id, patient_id=maria.id, title="Call about crown", created_at=_at(7, 10)))
    session.add(Note(practice_id=practice.id, patient_id=maria.id, kind="commlog", channel="phone",
                     direction="received", body="Asked about whitening", at=_at(8, 10)))
    session.add(Referral(practice_id=practice.id, referrer_patient_id=maria.id, referred_patient_id=tom.id,
                         created_at=_at(9, 10)))
    session.add(LoyaltyLedger(patient_id=maria.id, points=50, reason="referral reward", at=_at(10, 10)))
    session.add(ConsentEvent(patient_id=maria.id, channel="sms", granted=False, source="patient_reply",
                             evidence="STOP", at=_at(11, 10)))
    make_message(session, tom, body="Not Maria's", created_at=_at(12, 10))
    make_feedback(session, maria, kind="review", scale="rating", score=5, comment="Gentle and quick",
                  enrollment_id=run.id, created_at=_at(13, 10))
    session.flush()
    return maria, tom


def test_timeline_lists_every_kind_newest_first(session, story):
    maria, _ = story
    items = patient_timeline(session=session, patient_id=maria.id)

    assert [(i.kind, i.title, i.status) for i in items] == [
        ("feedback", "Review: 5/5 stars", ""),
        ("consent", "Opted out of SMS", "withdrawn"),
        ("loyalty", "+50 points", ""),
        ("referral", "Referred Tom Reed", ""),
        ("note", "Communication phone received", ""),
        ("task", "Task: Call about crown", "open"),
        ("message", "SMS from patient", "received"),
        ("message", "SMS to patient", "suppressed"),
        ("message", "SMS to patient", "sent"),
        ("journey_step", "Review request: wait 2h", "done"),
        # The date-only procedure sits at noon practice time (18:00 UTC), after the 15:00 UTC visit.
        ("procedure", "D1110 Prophylaxis - adult", "completed"),
        ("appointment", "Appointment: Cleaning", "completed"),
    ]
    assert items[-2].at == datetime(2026, 11, 2, 18, 0, tzinfo=timezone.utc)


def test_times_read_on_the_practice_clock_and_a_date_only_procedure_shows_its_date_alone(session, story):
    maria, _ = story
    items = patient_timeline(session=session, patient_id=maria.id)

    # Chicago is UTC-6 in November: the 15:00 UTC visit was at 9 in the morning; the procedure has no time at all.
    assert [(i.kind, i.when) for i in items[-3:]] == [
        ("journey_step", "Tue 3 Nov 2026, 4:00 AM"),
        ("procedure", "Mon 2 Nov 2026"),
        ("appointment", "Mon 2 Nov 2026, 9:00 AM"),
    ]
    assert item_row(items[-2])["at"] == "Mon 2 Nov 2026"


def test_a_waiting_step_says_until_when_on_the_practice_clock(session, story):
    maria, _ = story
    run = session.exec(select(Enrollment)).first()
    session.add(JourneyStepLog(enrollment_id=run.id, patient_id=maria.id, step_id="wait_2h", kind="wait",
                               outcome="waiting", detail="until 2026-12-03T19:37:28.083495+00:00", dedupe_key="w",
                               at=datetime(2026, 12, 3, 17, 37, 28, tzinfo=timezone.utc)))
    session.add(JourneyStepLog(enrollment_id=run.id, patient_id=maria.id, step_id="wait_year", kind="wait",
                               outcome="waiting", detail="until 2027-01-04T15:00:00+00:00", dedupe_key="y",
                               at=datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)))
    session.flush()

    steps = patient_timeline(session=session, patient_id=maria.id, kinds=["journey_step"])

    assert [(s.detail, s.when) for s in steps[:2]] == [
        ("waiting until Mon 4 Jan 2027, 9:00 AM", "Fri 4 Dec 2026, 9:00 AM"),
        ("waiting until Thu 3 Dec, 1:37 PM", "Thu 3 Dec 2026, 11:37 AM"),
    ]


def test_a_task_shows_when_it_is_due_on_the_practice_clock(session, story):
    maria, _ = story
    session.add(Task(practice_id=maria.practice_id, patient_id=maria.id, title="Call after surgery",
                     role="coordinator", created_at=_at(20, 16), due_at=_at(21, 0)))
    session.flush()

    [task, _older] = patient_timeline(session=session, patient_id=maria.id, kinds=["task"])

    assert (task.detail, task.when) == ("for coordinator, due Fri 20 Nov, 6:00 PM", "Fri 20 Nov 2026, 10:00 AM")


def test_a_message_not_sent_shows_why_and_which_journey_step_made_it(session, story):
    maria, _ = story
    messages = patient_timeline(session=session, patient_id=maria.id, kinds=["message"])

    suppressed = messages[1]
    assert (suppressed.status, suppressed.reason, suppressed.source) == (
        "suppressed", "opted out of SMS on 3 Nov", "Review request · reminder")
    sent = messages[2]
    assert (sent.detail, sent.reason, sent.source, sent.at) == (
        "Hi Maria, how was your visit?", "", "Review request · ask review", _at(4, 10))
    assert [m.direction for m in messages] == ["in", "out", "out"]


def test_filtering_by_kinds_and_limit(session, story):
    maria, tom = story
    items = patient_timeline(session=session, patient_id=maria.id, kinds=["task", "appointment", "consent"], limit=2)

    assert [i.kind for i in items] == ["consent", "task"]
    assert [(i.kind, i.title, i.detail) for i in patient_timeline(session=session, patient_id=tom.id)] == [
        ("message", "SMS to patient", "Not Maria's"), ("referral", "Referred by Maria Lopez", "")]


def test_feedback_shows_its_score_on_its_scale_its_kind_and_the_comment(session, story):
    maria, _ = story
    make_feedback(session, maria, kind="survey", scale="nps", score=6, source="sms", created_at=_at(14, 10))
    make_feedback(session, maria, kind="checkin", scale="", score=None, comment="A bit sore\nbut fine",
                  source="staff", created_at=_at(15, 10))

    items = patient_timeline(session=session, patient_id=maria.id, kinds=["feedback"])

    assert [(i.title, i.status, i.detail, i.reason, i.source) for i in items] == [
        ("Check-in", "", "A bit sore\nbut fine", "via staff", ""),
        ("Survey: 6/10 NPS", "detractor", "", "via sms", ""),
        ("Review: 5/5 stars", "", "Gentle and quick", "via link", "Review request"),
    ]
    row = item_row(items[0])
    assert (row["kind_label"], row["at"], row["note"]) == ("Feedback", "Sun 15 Nov 2026, 4:00 AM", "via staff")


def test_an_unknown_kind_is_refused(session, story):
    maria, _ = story
    with pytest.raises(ValueError):
        patient_timeline(session=session, patient_id=maria.id, kinds=["invoice"])


LABELLED = {"trigger": {"event": "appointment.completed"}, "steps": [
    {"id": "after_visit", "kind": "wait", "label": "Let the visit settle", "duration": "PT2H"},
    {"id": "ask", "kind": "send", "label": "Ask for a review", "template": "review_request", "message_type": "review"},
    {"id": "await_reply", "kind": "wait_for", "label": "Wait for a reply", "for": "reply", "timeout": "P3D"},
    {"id": "remind", "kind": "send", "template": "review_reminder", "message_type": "review"}]}


def test_journey_steps_read_with_their_labels_and_in_plain_words(session):
    practice = make_practice(session)
    maria = make_patient(session, practice)
    journey = make_journey(session, practice)
    session.add(JourneyVersion(journey_id=journey.id, version=2, definition=json.dumps(LABELLED)))
    session.flush()
    run = make_enrollment(session, journey, maria, trigger_ref="appointment:1")
    for minute, (step, kind, outcome, detail) in enumerate([
            ("after_visit", "wait", "waiting", "until 2026-12-03T19:37:00+00:00"),
            ("ask", "send", "sent", "sms review_request"),
            ("await_reply", "wait_for", "waiting", "until 2026-12-06T19:40:00+00:00"),
            ("await_reply", "wait_for", "timed_out", "no reply within P3D"),
            ("remind", "send", "suppressed", "email review_reminder: opted out of email on 3 Nov 2026")]):
        session.add(JourneyStepLog(enrollment_id=run.id, patient_id=maria.id, step_id=step, kind=kind, outcome=outcome,
                                   detail=detail, dedupe_key=f"k{minute}",
                                   at=datetime(2026, 12, 3, 17, minute, tzinfo=timezone.utc)))
    make_message(session, maria, enrollment_id=run.id, step_id="ask", created_at=_at(20, 10))
    session.flush()

    steps = patient_timeline(session=session, patient_id=maria.id, kinds=["journey_step"])
    [message] = patient_timeline(session=session, patient_id=maria.id, kinds=["message"])

    assert [(s.title, s.detail) for s in reversed(steps)] == [
        ("Review request: Let the visit settle", "waiting until Thu 3 Dec, 1:37 PM"),
        ("Review request: Ask for a review", "sent by SMS: review request"),
        ("Review request: Wait for a reply", "waiting for a reply until Sun 6 Dec, 1:40 PM"),
        ("Review request: Wait for a reply", "no reply within 3 days"),
        ("Review request: remind", "email review reminder not sent: opted out of email on 3 Nov 2026"),
    ]
    assert message.source == "Review request · Ask for a review"


def test_an_appointment_listed_by_procedure_codes_shows_the_procedures_names(session):
    practice = make_practice(session)
    maria = make_patient(session, practice)
    filling = make_appointment(session, maria, start=_at(2, 15), description="D2391, D0220 +1")
    for code, name in (("D0220", "Intraoral periapical first film"), ("D2391", "Resin composite, one surface"),
                       ("D9999", "")):
        session.add(Procedure(practice_id=practice.id, patient_id=maria.id, appointment_id=filling.id, cdt_code=code,
                              description=name, performed_on=date(2026, 11, 2)))
    make_appointment(session, maria, start=_at(3, 15), description="D1110")  # no procedures linked: the code stays
    make_appointment(session, maria, start=_at(4, 15), description="Cleaning")
    make_appointment(session, maria, start=_at(5, 15), description="")
    session.flush()

    titles = [i.title for i in patient_timeline(session=session, patient_id=maria.id, kinds=["appointment"])]

    assert titles == ["Appointment", "Appointment: Cleaning", "Appointment: D1110",
                      "Appointment: Resin composite, one surface, Intraoral periapical first film, D9999"]


def test_an_imported_consent_says_it_was_imported_and_what_the_old_system_said(session):
    practice = make_practice(session)
    maria = make_patient(session, practice)
    session.add(ConsentEvent(patient_id=maria.id, channel="sms", granted=False, source="import",
                             evidence="Open Dental TxtMsgOk=2", at=datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc)))
    session.add(ConsentEvent(patient_id=maria.id, channel="phone", granted=False, source="import",
                             evidence="Open Dental PreferContactMethod=1 (DoNotCall)",
                             at=datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc)))
    session.add(ConsentEvent(patient_id=maria.id, channel="sms", granted=False, source="patient_reply",
                             evidence="message:12 stop", at=datetime(2026, 12, 4, 19, 0, tzinfo=timezone.utc)))
    session.flush()

    items = patient_timeline(session=session, patient_id=maria.id, kinds=["consent"])

    assert [(i.title, i.detail, i.reason) for i in items] == [
        ("Opted out of SMS", "The patient replied STOP", "source: the patient's reply"),
        ("Opted out of phone (imported from Open Dental)", "Marked do-not-call in Open Dental (imported)", ""),
        ("Opted out of SMS (imported from Open Dental)", "Texts not OK in Open Dental (imported)", ""),
    ]

"""The dry-run predicts every step, its local time, the rendered text and every skip, and writes nothing."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.consent import record_consent
from models.db import session_scope
from models.tables import AuditLog, Enrollment, JourneyStepLog, LoyaltyLedger, Message, Task
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import enrol, install
from workflows.cli.main import main
from workflows.journeys.send_window import spread_release
from workflows.journeys.simulate import simulate

VISIT = datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)  # Tuesday 1 December, 10:00 in Chicago


@pytest.fixture
def review_patient(session):
    practice = make_practice(session, closed_weekdays="7")
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=VISIT, status="completed")
    journeys = install(session, practice.id)
    session.commit()
    return practice, patient, visit, journeys


def _rows(step):
    return (step.local_time, step.step_id, step.kind, step.outcome, step.reason)


def test_the_dry_run_predicts_the_review_request_with_local_times_and_text(session, review_patient):
    practice, patient, visit, journeys = review_patient
    steps = simulate(session=session, journey_key="review_request", patient_id=patient.id,
                     start=VISIT + timedelta(hours=1))
    assert [_rows(s) for s in steps] == [
        ("Tue 1 Dec 2026 11:00 CST", "", "entry", "enrolled", f"enrolled (trigger appointment:{visit.id}, version 1)"),
        ("Tue 1 Dec 2026 11:00 CST", "after_visit", "wait", "waiting", "until Tue 1 Dec 2026 13:00 CST"),
        ("Tue 1 Dec 2026 13:00 CST", "ask", "send", "send", "ok to send"),
        ("Tue 1 Dec 2026 13:00 CST", "await_reply", "wait", "waiting", "until Fri 4 Dec 2026 13:00 CST"),
        ("Fri 4 Dec 2026 13:00 CST", "await_reply", "wait_for", "timed_out", "no reply within 3 days"),
        ("Fri 4 Dec 2026 13:00 CST", "remind", "send", "send", "ok to send"),
        ("Fri 4 Dec 2026 13:00 CST", "", "finish", "completed", "journey finished"),
    ]
    ask = steps[2]
    assert (ask.channel, ask.template, ask.at) == ("sms", "review_request", datetime(2026, 12, 1, 19, 0,
                                                                                      tzinfo=timezone.utc))
    assert ask.text == ("Hi Maria, thank you for visiting Lakeside Dental! Would you share a quick review? "
                        "https://example.com/review Reply STOP to opt out.")


def test_the_dry_run_shows_a_deferral_to_the_next_morning(session, review_patient):
    practice, patient, visit, journeys = review_patient
    late = VISIT + timedelta(hours=9, minutes=30)  # 19:30 local: the request would go out at 21:30
    steps = simulate(session=session, journey_key="review_request", patient_id=patient.id, start=late)
    release = spread_release(datetime(2026, 12, 2, 14, 0, tzinfo=timezone.utc), "enr1:ask:1:deferred1", 15 * 60)
    sends = [(s.local_time, s.step_id, s.outcome, s.reason) for s in steps if s.kind == "send"]
    released = f"Wed 2 Dec 2026 {release - timedelta(hours=6):%H:%M} CST"
    assert sends[:2] == [
        ("Tue 1 Dec 2026 21:30 CST", "ask", "defer", "deferred to 08:00 Wed 2 Dec: quiet hours (patient's time 21:30)"
                                                     f"; tries again at {released}"),
        (released, "ask", "send", "ok to send"),
    ]
    assert 0 <= (release - datetime(2026, 12, 2, 14, 0, tzinfo=timezone.utc)).total_seconds() < 15 * 60


def test_the_dry_run_shows_every_suppression_with_its_reason(session, review_patient):
    practice, patient, visit, journeys = review_patient
    record_consent(session=session, patient_id=patient.id, channel="sms", message_type="any", granted=False,
                   source="patient_reply", at=datetime(2026, 11, 3, 15, 0, tzinfo=timezone.utc))
    patient.email = ""
    session.add(patient)
    session.commit()
    steps = simulate(session=session, journey_key="review_request", patient_id=patient.id, start=VISIT)
    assert [(s.step_id, s.channel, s.outcome, s.reason) for s in steps if s.kind == "send"] == [
        ("ask", "sms", "suppress", "not sent: opted out of SMS on 3 Nov 2026"),
        ("remind", "sms", "suppress", "not sent: opted out of SMS on 3 Nov 2026"),
    ]


def test_the_dry_run_writes_nothing(session, review_patient):
    practice, patient, visit, journeys = review_patient
    simulate(session=session, journey_key="review_request", patient_id=patient.id, start=VISIT)
    counts = [session.exec(select(func.count()).select_from(model)).one()
              for model in (Message, Enrollment, Task, JourneyStepLog, LoyaltyLedger)]
    assert counts == [0, 0, 0, 0, 0]
    assert not session.new and not session.dirty


def test_the_dry_run_says_why_a_patient_would_not_enter(session, review_patient):
    practice, patient, visit, journeys = review_patient
    enrol(session, journeys["review_request"], patient.id, f"appointment:{visit.id}", VISIT)
    steps = simulate(session=session, journey_key="review_request", patient_id=patient.id, start=VISIT)
    assert [_rows(s) for s in steps] == [("Tue 1 Dec 2026 10:00 CST", "", "entry", "not enrolled",
                                          f"already enrolled for this trigger (trigger appointment:{visit.id}, "
                                          "version 1)")]


def test_the_dry_run_of_the_nervous_patient_journey_lists_the_call_task_and_messages(session):
    practice = make_practice(session, closed_weekdays="")
    patient = make_patient(session, practice, anxious=True, timezone="America/New_York")
    visit = make_appointment(session, patient, start=datetime(2026, 12, 10, 19, 0, tzinfo=timezone.utc))
    install(session, practice.id)
    session.commit()
    steps = simulate(session=session, journey_key="nervous_patient_checkin", patient_id=patient.id,
                     start=datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    assert [(s.local_time, s.step_id, s.kind, s.outcome) for s in steps] == [
        ("Tue 1 Dec 2026 10:00 EST", "", "entry", "enrolled"),
        ("Tue 1 Dec 2026 10:00 EST", "call_day", "wait", "waiting"),
        ("Tue 8 Dec 2026 10:00 EST", "call", "task", "create"),
        ("Tue 8 Dec 2026 10:00 EST", "expect_day", "wait", "waiting"),
        ("Wed 9 Dec 2026 10:00 EST", "what_to_expect", "send", "send"),
        ("Wed 9 Dec 2026 10:00 EST", "day_after", "wait", "waiting"),
        ("Fri 11 Dec 2026 10:00 EST", "visited", "branch", "else"),  # the visit has not happened yet
        ("Fri 11 Dec 2026 10:00 EST", "", "finish", "completed"),
    ]
    task = steps[2]
    assert task.text == "Reassurance call: Maria feels nervous about the visit on Thursday 10 December at 2:00 PM"
    assert task.reason == "for the front desk, due in 4 hours (Tue 8 Dec 2026 14:00 EST)"


def test_prm_simulate_prints_the_prediction_as_json_and_audits_the_view(engine, session, review_patient, monkeypatch,
                                                                        capsys):
    practice, patient, visit, journeys = review_patient
    monkeypatch.setattr("workflows.cli.simulate.session_scope", lambda: session_scope(engine))
    code = main(["simulate", "review_request", "--patient", str(patient.id), "--start", "2026-12-01T11:00",
                 "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(p["step_id"], p["kind"], p["outcome"]) for p in printed][:3] == [
        ("", "entry", "enrolled"), ("after_visit", "wait", "waiting"), ("ask", "send", "send")]
    assert printed[2]["at"] == "2026-12-01T19:00:00+00:00"
    session.expire_all()
    audit = session.exec(select(AuditLog).where(AuditLog.action == "view")).all()
    assert [(a.entity, a.entity_id, a.detail) for a in audit] == [("patient", str(patient.id),
                                                                    "journey dry-run review_request")]


def test_prm_simulate_reports_an_unknown_journey(engine, review_patient, monkeypatch, capsys):
    practice, patient, visit, journeys = review_patient
    monkeypatch.setattr("workflows.cli.simulate.session_scope", lambda: session_scope(engine))
    assert main(["simulate", "birthday_cake", "--patient", str(patient.id)]) == 2
    assert capsys.readouterr().err.strip() == "no journey 'birthday_cake' in this practice"


def test_a_start_that_is_not_a_moment_is_refused_with_an_example():
    import pytest

    from workflows.cli.simulate import parse_start

    with pytest.raises(ValueError) as refused:
        parse_start("yesterday", "America/Chicago")
    assert str(refused.value) == ("--start 'yesterday' is not a date and time: write e.g. 2026-12-07T09:30 "
                                  "(practice time) or 2026-12-07T15:30+00:00")
    assert parse_start("2026-12-07T09:30", "America/Chicago").isoformat() == "2026-12-07T09:30:00-06:00"

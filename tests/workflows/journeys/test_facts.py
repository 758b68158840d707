"""Facts the planner reads: ids, codes, booleans and ISO dates about the patient and the trigger, never names."""
from __future__ import annotations

from datetime import date, datetime, timezone

from models.tables import Holiday, Procedure, Recall, Referral, Task
from tests.factories import make_appointment, make_patient, make_practice
from workflows.journeys.facts import load_facts, parse_trigger_ref

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def test_facts_about_a_patient_and_their_appointment(session):
    practice = make_practice(session)
    referrer = make_patient(session, practice, first_name="Ann")
    patient = make_patient(session, practice, anxious=True, email="", timezone="America/Denver",
                           birthdate=date(1990, 12, 2))
    session.add(Referral(practice_id=practice.id, referrer_patient_id=referrer.id, referred_patient_id=patient.id))
    visit = make_appointment(session, patient, start=NOW, status="completed", is_new_patient=True)
    for code in ("D7140", "D0120", "D7140"):
        session.add(Procedure(practice_id=practice.id, patient_id=patient.id, appointment_id=visit.id, cdt_code=code))
    session.add(Recall(practice_id=practice.id, patient_id=patient.id, due_on=date(2026, 11, 21)))
    session.flush()
    assert load_facts(session=session, patient_id=patient.id, trigger_ref=f"appointment:{visit.id}", now=NOW) == {
        "patient.id": patient.id, "patient.tz": "America/Denver", "patient.anxious": True, "patient.age": 35,
        "patient.birthday": "12-02", "patient.preferred_channel": "sms", "patient.language": "en",
        "patient.has_mobile": True, "patient.has_email": False, "patient.sms_ok": True, "patient.status": "active",
        "patient.visit_count": 1, "patient.referred": True, "referrer.id": referrer.id,
        "appointment.id": visit.id, "appointment.start": "2026-12-01T15:00:00+00:00",
        "appointment.status": "completed", "appointment.confirmed": False, "appointment.is_new_patient": True,
        "appointment.is_hygiene": False, "appointment.virtual": False,
        "appointment.procedure_codes": ["D0120", "D7140"],
        "recall.id": 1, "recall.due": "2026-11-21", "recall.overdue_days": 10,
        "practice.send_window": ["08:00", "20:00"], "practice.closed_weekdays": [7], "practice.holidays": {},
    }


def test_the_send_rules_are_facts_so_the_planner_can_move_a_wait_before_a_closed_day(session):
    practice = make_practice(session, send_window_start="09:00", send_window_end="17:30", closed_weekdays="6,7")
    for day, name in ((date(2026, 12, 25), "Christmas Day"), (date(2026, 11, 26), "Thanksgiving"),
                      (date(2026, 12, 31), "")):
        session.add(Holiday(practice_id=practice.id, day=day, name=name))
    patient = make_patient(session, practice)
    facts = load_facts(session=session, patient_id=patient.id, trigger_ref="", now=NOW)
    assert {key: value for key, value in facts.items() if key.startswith("practice.")} == {
        "practice.send_window": ["09:00", "17:30"], "practice.closed_weekdays": [6, 7],
        "practice.holidays": {"2026-12-25": "Christmas Day", "2026-12-31": ""},  # Thanksgiving has passed
    }


def test_a_closed_tasks_outcome_is_a_fact_and_an_open_tasks_is_not(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    done = Task(practice_id=practice.id, patient_id=patient.id, title="Call", status="done", outcome="reached")
    open_ = Task(practice_id=practice.id, patient_id=patient.id, title="Call", outcome="")
    session.add_all([done, open_])
    session.flush()
    facts = lambda task: load_facts(session=session, patient_id=patient.id, trigger_ref="",  # noqa: E731
                                    now=NOW, task_id=task.id)
    assert (facts(done)["task.outcome"], facts(open_)["task.outcome"]) == ("reached", None)


def test_trigger_refs_name_an_entity_and_an_optional_discriminator():
    assert [parse_trigger_ref(ref) for ref in ("appointment:42", "recall:7:2027-01-15", "patient:3:birthday-2026",
                                               "campaign:spring", "")] == [
        ("appointment", 42), ("recall", 7), ("patient", 3), ("campaign", None), ("", None)]

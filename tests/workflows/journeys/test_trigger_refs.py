"""The row a manual enrollment or a dry-run is about, chosen by one function so `prm simulate` and
`prm journeys enrol` agree: the next visit, the latest completed one, the latest procedure, plan, recall, referral."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from models.tables import Practice
from tests.factories import (
    make_appointment, make_patient, make_practice, make_procedure, make_recall, make_referral, make_treatment_plan,
)
from tests.workflows.journeys.helpers import install
from workflows.cli.journeys.enrolling import select_patients
from workflows.journeys.definition import parse_definition
from workflows.journeys.entry import default_trigger_ref, missing_trigger_reason
from workflows.journeys.simulate import simulate

NOW = datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)  # Thursday 14:00 in Chicago


def journey(event: str, when: dict | None = None):
    trigger = {"event": event, **({"when": when} if when else {})}
    return parse_definition({"trigger": trigger, "steps": [{"id": "done", "kind": "end"}]})


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def ref(session, patient, event, when=None):
    return default_trigger_ref(session=session, journey_or_definition=journey(event, when), patient_id=patient.id,
                               now=NOW)


def test_a_booking_journey_is_about_the_next_scheduled_or_confirmed_visit(session, patient):
    make_appointment(session, patient, start=NOW - timedelta(days=1))  # already past
    make_appointment(session, patient, start=NOW + timedelta(days=1), status="cancelled")
    make_appointment(session, patient, start=NOW + timedelta(days=9))
    sooner = make_appointment(session, patient, start=NOW + timedelta(days=4), status="confirmed")
    assert ref(session, patient, "appointment.booked") == f"appointment:{sooner.id}"
    assert ref(session, patient, "appointment.moved") == f"appointment:{sooner.id}"


def test_a_booking_journey_has_nothing_to_be_about_without_an_upcoming_visit(session, patient):
    make_appointment(session, patient, start=NOW - timedelta(days=3), status="completed")
    make_appointment(session, patient, start=NOW + timedelta(days=3), status="cancelled")
    assert ref(session, patient, "appointment.booked") is None
    assert missing_trigger_reason("appointment.booked") == "no upcoming appointment"


def test_a_completed_visit_journey_is_about_the_latest_completed_visit(session, patient):
    make_appointment(session, patient, start=NOW - timedelta(days=30), status="completed")
    latest = make_appointment(session, patient, start=NOW - timedelta(days=2), status="completed")
    make_appointment(session, patient, start=NOW - timedelta(days=20), status="no_show")
    missed = make_appointment(session, patient, start=NOW - timedelta(days=1), status="no_show")
    assert ref(session, patient, "appointment.completed") == f"appointment:{latest.id}"
    assert ref(session, patient, "appointment.no_show") == f"appointment:{missed.id}"
    assert ref(session, patient, "appointment.cancelled") is None


def test_the_trigger_condition_picks_the_latest_visit_that_meets_it_else_the_latest(session, patient):
    first = make_appointment(session, patient, start=NOW - timedelta(days=90), status="completed", is_new_patient=True)
    make_appointment(session, patient, start=NOW - timedelta(days=2), status="completed")
    new_patient = {"field": "appointment.is_new_patient", "op": "eq", "value": True}
    assert ref(session, patient, "appointment.completed", new_patient) == f"appointment:{first.id}"
    hygiene = {"field": "appointment.is_hygiene", "op": "eq", "value": True}
    latest = ref(session, patient, "appointment.completed")
    assert ref(session, patient, "appointment.completed", hygiene) == latest  # the entry decision says why not


def test_procedure_plan_recall_and_referral_journeys_take_the_latest_such_row(session, patient):
    make_procedure(session, patient, status="completed", performed_on=date(2026, 10, 1))
    recent = make_procedure(session, patient, status="completed", performed_on=date(2026, 11, 30))
    make_procedure(session, patient, status="planned")
    old_plan = make_treatment_plan(session, patient, presented_on=date(2026, 9, 1), status="accepted")
    new_plan = make_treatment_plan(session, patient, presented_on=date(2026, 11, 20))
    recall = make_recall(session, patient, due_on=date(2027, 1, 15))
    referrer = make_patient(session, session.get(Practice, patient.practice_id))
    referral = make_referral(session, referrer, patient)
    assert [ref(session, patient, event) for event in (
        "procedure.completed", "treatment_plan.presented", "treatment_plan.accepted", "treatment.unscheduled",
        "recall.due", "referral.created")] == [
        f"procedure:{recent.id}", f"treatment_plan:{new_plan.id}", f"treatment_plan:{old_plan.id}",
        f"treatment_plan:{new_plan.id}:unscheduled", f"recall:{recall.id}:2027-01-15", f"referral:{referral.id}"]


def test_journeys_whose_trigger_names_no_row_are_enrolled_under_the_days_manual_ref(session, patient):
    assert ref(session, patient, "patient.created") == "manual:2026-12-03"
    assert ref(session, patient, "patient.birthday") == "manual:2026-12-03"


@pytest.fixture
def nervous_practice(session):
    practice = make_practice(session, closed_weekdays="")
    booked = make_patient(session, practice, anxious=True)
    visit = make_appointment(session, booked, start=NOW + timedelta(days=5))
    unbooked = make_patient(session, practice, anxious=True)
    make_appointment(session, unbooked, start=NOW - timedelta(days=20), status="completed")
    journeys = install(session, practice.id)
    session.commit()
    return journeys["nervous_patient_checkin"], booked, visit, unbooked


def test_simulate_and_manual_enrolment_choose_the_same_visit(session, nervous_practice):
    journey_row, booked, visit, unbooked = nervous_practice
    chosen, left_out = select_patients(session=session, journey=journey_row, patient_ids=[booked.id, unbooked.id],
                                       segment=None, trigger_ref=None, now=NOW)
    predicted = simulate(session=session, journey_key="nervous_patient_checkin", patient_id=booked.id, start=NOW)
    assert chosen == {booked.id: f"appointment:{visit.id}"}
    assert (predicted[0].outcome, predicted[0].reason) == (
        "enrolled", f"enrolled (trigger appointment:{visit.id}, version 1)")
    assert [step.kind for step in predicted[1:3]] == ["wait", "task"]  # not "exited: no appointment"
    assert left_out == [(unbooked.id, "no upcoming appointment")]


def test_simulate_and_manual_enrolment_both_leave_out_a_patient_without_an_upcoming_visit(session, nervous_practice):
    journey_row, booked, visit, unbooked = nervous_practice
    predicted = simulate(session=session, journey_key="nervous_patient_checkin", patient_id=unbooked.id, start=NOW)
    chosen, left_out = select_patients(session=session, journey=journey_row, patient_ids=[unbooked.id],
                                       segment=None, trigger_ref=None, now=NOW)
    assert [(s.kind, s.outcome, s.reason) for s in predicted] == [
        ("entry", "not enrolled", "no upcoming appointment (version 1)")]
    assert (chosen, left_out) == ({}, [(unbooked.id, "no upcoming appointment")])


def test_an_explicit_ref_is_used_for_every_listed_patient(session, nervous_practice):
    journey_row, booked, visit, unbooked = nervous_practice
    chosen, left_out = select_patients(session=session, journey=journey_row, patient_ids=[booked.id, unbooked.id],
                                       segment=None, trigger_ref="campaign:calm", now=NOW)
    assert (chosen, left_out) == ({booked.id: "campaign:calm", unbooked.id: "campaign:calm"}, [])

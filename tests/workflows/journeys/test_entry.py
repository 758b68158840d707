"""Entry decisions: journey status, duplicate triggers, trigger conditions, segments, re-entry and frequency caps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from models.tables import Procedure, Referral
from tests.factories import make_appointment, make_patient, make_practice
from tests.workflows.journeys.helpers import enrol, install
from workflows.journeys import entry
from workflows.journeys.definition import EntryRules, published_definition
from workflows.journeys.entry import PastEnrollment, decide_entry, entry_verdict, workflow_id_for
from workflows.journeys.versions import latest_version, set_journey_status

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def past(journey_id, status, days_ago):
    return PastEnrollment(journey_id, status, NOW - timedelta(days=days_ago))


@pytest.mark.parametrize(("rules", "history", "expected"), [
    ({"reentry": "never"}, [], (True, "enrolled")),
    ({"reentry": "never"}, [past(1, "running", 1)], (False, "already in this journey")),
    ({"reentry": "never"}, [past(1, "completed", 400)], (False, "already went through this journey (re-entry: never)")),
    ({"reentry": "never"}, [past(2, "running", 1)], (True, "enrolled")),
    ({"reentry": "after_days", "reentry_days": 180}, [past(1, "running", 200)], (False, "already in this journey")),
    ({"reentry": "after_days", "reentry_days": 180}, [past(1, "completed", 30)],
     (False, "entered 30 days ago (re-entry after 180 days)")),
    ({"reentry": "after_days", "reentry_days": 180}, [past(1, "completed", 181)], (True, "enrolled")),
    ({"reentry": "always"}, [past(1, "running", 0)], (True, "enrolled")),  # re-entry while active, allowed
    ({"reentry": "always", "frequency_cap": {"max_enrollments": 2, "days": 30}},
     [past(1, "running", 1), past(1, "completed", 20)],
     (False, "frequency cap: 2 enrollments in this journey in the last 30 days (max 2)")),
    ({"reentry": "always", "frequency_cap": {"max_enrollments": 2, "days": 30}},
     [past(1, "completed", 31), past(2, "completed", 1)], (True, "enrolled")),
    ({"reentry": "always", "frequency_cap": {"max_enrollments": 2, "days": 30, "scope": "all_journeys"}},
     [past(3, "completed", 2), past(2, "completed", 1)],
     (False, "frequency cap: 2 enrollments in all journeys in the last 30 days (max 2)")),
])
def test_reentry_policy_and_frequency_cap(rules, history, expected):
    decision = entry_verdict(EntryRules.model_validate(rules), journey_id=1, past=history, now=NOW)
    assert (decision.enrol, decision.reason) == expected


@pytest.mark.parametrize(("ref", "expected"), [
    ("appointment:42", "review_request-p17-appointment42"),
    ("patient:17:2026", "review_request-p17-patient17-2026"),
    ("", "review_request-p17-none"),
    ("appointment:4 2/../x", "review_request-p17-appointment42x"),
])
def test_workflow_ids_come_from_business_keys_only(ref, expected):
    assert workflow_id_for("review_request", 17, ref) == expected


@pytest.fixture
def practice_with_journeys(session):
    practice = make_practice(session)
    journeys = install(session, practice.id)
    return practice, journeys


def _decide(session, journey, patient_id, ref):
    version = latest_version(session=session, journey_id=journey.id)
    decision = decide_entry(session=session, journey=journey, version=version, patient_id=patient_id,
                            trigger_ref=ref, now=NOW)
    return decision.enrol, decision.reason


def test_an_anxious_patient_booking_enters_the_nervous_patient_journey_and_a_calm_one_does_not(
        session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    anxious = make_patient(session, practice, anxious=True)
    calm = make_patient(session, practice, first_name="Tom", anxious=False)
    visit = make_appointment(session, anxious, start=NOW + timedelta(days=7))
    calm_visit = make_appointment(session, calm, start=NOW + timedelta(days=7))
    assert _decide(session, journeys["nervous_patient_checkin"], anxious.id, f"appointment:{visit.id}") == (
        True, "enrolled")
    assert _decide(session, journeys["nervous_patient_checkin"], calm.id, f"appointment:{calm_visit.id}") == (
        False, "not in the segment: patient.anxious eq true")


def test_the_same_trigger_never_enrols_twice(session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=NOW - timedelta(hours=1), status="completed")
    enrol(session, journeys["review_request"], patient.id, f"appointment:{visit.id}", NOW)
    assert _decide(session, journeys["review_request"], patient.id, f"appointment:{visit.id}") == (
        False, "already enrolled for this trigger")


def test_a_second_visit_within_the_reentry_period_does_not_ask_for_another_review(session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    patient = make_patient(session, practice)
    first = make_appointment(session, patient, start=NOW - timedelta(days=40), status="completed")
    second = make_appointment(session, patient, start=NOW - timedelta(hours=1), status="completed")
    enrollment = enrol(session, journeys["review_request"], patient.id, f"appointment:{first.id}",
                       NOW - timedelta(days=40))
    enrollment.status = "completed"
    session.add(enrollment)
    session.flush()
    assert _decide(session, journeys["review_request"], patient.id, f"appointment:{second.id}") == (
        False, "entered 40 days ago (re-entry after 180 days)")


def test_referral_reward_needs_a_referred_patients_first_visit(session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    referrer = make_patient(session, practice, first_name="Ann")
    newcomer = make_patient(session, practice, first_name="Ben")
    regular = make_patient(session, practice, first_name="Cy")
    session.add(Referral(practice_id=practice.id, referrer_patient_id=referrer.id, referred_patient_id=newcomer.id))
    first = make_appointment(session, newcomer, status="completed", is_new_patient=True)
    again = make_appointment(session, regular, status="completed")
    make_appointment(session, regular, status="completed")
    session.flush()
    journey = journeys["referral_reward"]
    assert _decide(session, journey, newcomer.id, f"appointment:{first.id}") == (True, "enrolled")
    assert _decide(session, journey, regular.id, f"appointment:{again.id}") == (
        False, "trigger condition not met: (appointment.is_new_patient eq true) or (patient.visit_count eq 1)")


def test_a_paused_or_stopped_journey_takes_no_new_entrants(session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, status="completed")
    set_journey_status(session=session, journey_id=journeys["review_request"].id, status="paused")
    assert _decide(session, journeys["review_request"], patient.id, f"appointment:{visit.id}") == (
        False, "journey is paused")


def test_trigger_facts_of_another_patients_row_are_ignored(session, practice_with_journeys):
    practice, journeys = practice_with_journeys
    anxious = make_patient(session, practice, anxious=True)
    other = make_patient(session, practice, first_name="Zed")
    foreign = make_appointment(session, other, start=NOW + timedelta(days=3))
    session.add(Procedure(practice_id=practice.id, patient_id=other.id, appointment_id=foreign.id, cdt_code="D7140"))
    session.flush()
    from workflows.journeys.facts import load_facts

    facts = load_facts(session=session, patient_id=anxious.id, trigger_ref=f"appointment:{foreign.id}", now=NOW)
    assert "appointment.id" not in facts and "appointment.procedure_codes" not in facts


def test_an_unknown_patient_is_not_enrolled(session, practice_with_journeys):
    _, journeys = practice_with_journeys
    assert _decide(session, journeys["review_request"], 99999, "appointment:1") == (False, "patient not found")


def test_a_journey_without_conditions_decides_entry_without_loading_the_patients_facts(
        session, practice_with_journeys, monkeypatch):
    practice, journeys = practice_with_journeys
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=NOW - timedelta(hours=1), status="completed")
    journey = journeys["review_request"]
    definition = published_definition(latest_version(session=session, journey_id=journey.id).definition)
    assert (definition.trigger.when, definition.entry.segment) == (None, None)

    def no_facts(**_kwargs):
        raise AssertionError("facts loaded although no condition reads them")

    monkeypatch.setattr(entry, "load_facts", no_facts)
    assert _decide(session, journey, patient.id, f"appointment:{visit.id}") == (True, "enrolled")

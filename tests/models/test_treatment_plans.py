"""Presenting and accepting a plan each write one event with the plan id and total; declining is audited only."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.change_log import practice_today
from models.tables import AuditLog, DomainEvent, Procedure, TreatmentPlan
from models.treatment_plans import PlannedItem, accept_plan, decline_plan, present_plan
from tests.factories import make_patient, make_practice, make_treatment_plan
from tests.models.recorded import audit, events

CROWN_AND_BUILDUP = [PlannedItem("D2740", 1150.0, tooth="19"), PlannedItem("d2950", 275.5, tooth="19")]


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def _procedures(session, plan_id):
    rows = session.exec(select(Procedure).where(Procedure.treatment_plan_id == plan_id).order_by(Procedure.id))
    return [(p.cdt_code, p.fee, p.status, p.tooth, p.planned_on) for p in rows]


def test_presenting_creates_the_plan_with_its_planned_procedures_and_one_event(session, patient):
    plan = present_plan(session=session, patient_id=patient.id, items=CROWN_AND_BUILDUP,
                        presented_on=date(2026, 11, 2))
    assert (plan.status, plan.presented_on, plan.decided_on, plan.total_fee) == (
        "presented", date(2026, 11, 2), None, 1425.5)
    assert _procedures(session, plan.id) == [("D2740", 1150.0, "planned", "19", date(2026, 11, 2)),
                                             ("D2950", 275.5, "planned", "19", date(2026, 11, 2))]
    assert events(session) == [("treatment_plan.presented", patient.id, plan.id,
                                {"treatment_plan_id": plan.id, "total_fee": 1425.5})]
    assert audit(session) == [("change", "treatment_plan", str(plan.id), "presented", None)]


def test_accepting_sets_the_decision_date_and_leaves_procedures_planned(session, patient):
    plan = make_treatment_plan(session, patient, planned_codes=("D2740", "D2950"), total_fee=2400.0)
    accept_plan(session=session, plan_id=plan.id, decided_on=date(2026, 11, 9))
    assert (plan.status, plan.decided_on) == ("accepted", date(2026, 11, 9))
    assert [p[2] for p in _procedures(session, plan.id)] == ["planned", "planned"]
    assert events(session) == [("treatment_plan.accepted", patient.id, plan.id,
                                {"treatment_plan_id": plan.id, "total_fee": 2400.0})]
    assert audit(session) == [("change", "treatment_plan", str(plan.id), "status presented -> accepted", None)]


def test_decision_date_defaults_to_today_in_the_practice_calendar(session, patient):
    plan = make_treatment_plan(session, patient)
    accept_plan(session=session, plan_id=plan.id)
    assert plan.decided_on == practice_today(session=session, practice_id=patient.practice_id)


def test_declining_is_audited_without_an_event(session, patient):
    plan = make_treatment_plan(session, patient)
    decline_plan(session=session, plan_id=plan.id, decided_on=date(2026, 11, 5))
    assert (plan.status, plan.decided_on) == ("declined", date(2026, 11, 5))
    assert events(session) == []
    assert audit(session) == [("change", "treatment_plan", str(plan.id), "status presented -> declined", None)]


def test_a_decided_plan_cannot_be_decided_again(session, patient):
    plan = make_treatment_plan(session, patient)
    decline_plan(session=session, plan_id=plan.id)
    with pytest.raises(ValueError, match=f"cannot accept treatment plan {plan.id}: it is already declined"):
        accept_plan(session=session, plan_id=plan.id)
    with pytest.raises(ValueError, match="treatment plan 999 does not exist"):
        accept_plan(session=session, plan_id=999)
    assert (plan.status, events(session), len(audit(session))) == ("declined", [], 1)


def test_a_decision_dated_before_the_presentation_is_refused(session, patient):
    plan = make_treatment_plan(session, patient, presented_on=date(2026, 11, 1))
    with pytest.raises(ValueError, match="decided_on cannot be before the plan was presented"):
        accept_plan(session=session, plan_id=plan.id, decided_on=date(2026, 10, 31))
    assert (plan.status, events(session)) == ("presented", [])


@pytest.mark.parametrize(("items", "message"), [
    ([], "a treatment plan needs at least one procedure"),
    ([PlannedItem("D2740", 1150.0), PlannedItem("2950", 275.0)], "cdt_code must be 'D' followed by 4 digits"),
    ([PlannedItem("D2740", -5.0)], "fee must be a number of 0 or more"),
])
def test_an_invalid_plan_is_refused_and_writes_nothing(session, patient, items, message):
    with pytest.raises(ValueError, match=message):
        present_plan(session=session, patient_id=patient.id, items=items)
    assert (session.exec(select(TreatmentPlan)).all(), session.exec(select(Procedure)).all()) == ([], [])
    assert (events(session), audit(session)) == ([], [])


def test_rolled_back_acceptance_leaves_the_plan_presented_and_no_event(engine):
    with Session(engine) as s:
        plan_id = make_treatment_plan(s, make_patient(s, make_practice(s))).id
        s.commit()
    with Session(engine) as s:
        accept_plan(session=s, plan_id=plan_id)
        s.rollback()
    with Session(engine) as s:
        assert (s.get(TreatmentPlan, plan_id).status, s.get(TreatmentPlan, plan_id).decided_on) == ("presented", None)
        assert (s.exec(select(DomainEvent)).all(), s.exec(select(AuditLog)).all()) == ([], [])

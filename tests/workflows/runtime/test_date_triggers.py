"""Date-based triggers: each due fact becomes one DomainEvent with a deterministic ref, however often the scan runs."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from models.events import event_payload
from models.tables import DomainEvent
from tests.factories import make_appointment, make_patient, make_practice, make_recall, make_treatment_plan
from workflows.date_triggers import scan_date_triggers

# 2027-01-10 15:00 UTC is 09:00 in Chicago, the practice's zone.
NOW = datetime(2027, 1, 10, 15, 0, tzinfo=timezone.utc)
ZERO = {"recall.due": 0, "patient.birthday": 0, "treatment.unscheduled": 0, "balance.overdue": 0}


def _events(session):
    return [(e.kind, e.patient_id, e.entity_id, event_payload(e)) for e in session.exec(select(DomainEvent).order_by(DomainEvent.id))]


def test_recall_due_within_thirty_days_fires_once_with_its_ref(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, birthdate=date(1980, 5, 17))
    due = make_recall(session, patient, due_on=date(2027, 1, 15))
    make_recall(session, patient, due_on=date(2027, 3, 1))  # too far ahead
    make_recall(session, patient, due_on=date(2027, 1, 20), scheduled_on=date(2027, 1, 18))  # already booked
    make_recall(session, patient, due_on=date(2027, 1, 20), disabled=True)
    assert scan_date_triggers(session=session, now=NOW) == {**ZERO, "recall.due": 1}
    assert _events(session) == [("recall.due", patient.id, due.id,
                                 {"recall_id": due.id, "due_on": "2027-01-15", "trigger_ref": f"recall:{due.id}:2027-01-15"})]
    assert scan_date_triggers(session=session, now=NOW) == ZERO
    assert len(_events(session)) == 1


def test_birthday_is_judged_by_the_practice_local_date(session):
    practice = make_practice(session)  # America/Chicago
    born_today = make_patient(session, practice, birthdate=date(1990, 1, 10))
    make_patient(session, practice, birthdate=date(1990, 1, 11))
    make_patient(session, practice, birthdate=None)
    make_patient(session, practice, birthdate=date(1990, 1, 10), status="inactive")
    late_evening = datetime(2027, 1, 11, 3, 0, tzinfo=timezone.utc)  # still 10 January in Chicago
    assert scan_date_triggers(session=session, now=late_evening)["patient.birthday"] == 1
    assert _events(session) == [("patient.birthday", born_today.id, born_today.id,
                                 {"year": 2027, "trigger_ref": f"patient:{born_today.id}:birthday-2027"})]


def test_leap_day_birthdays_are_celebrated_on_28_february_in_common_years(session):
    practice = make_practice(session)
    leapling = make_patient(session, practice, birthdate=date(2000, 2, 29))
    feb_28 = datetime(2027, 2, 28, 18, 0, tzinfo=timezone.utc)
    assert scan_date_triggers(session=session, now=feb_28)["patient.birthday"] == 1
    assert _events(session)[0][1] == leapling.id
    feb_28_leap_year = datetime(2028, 2, 28, 18, 0, tzinfo=timezone.utc)
    assert scan_date_triggers(session=session, now=feb_28_leap_year)["patient.birthday"] == 0


def test_presented_plan_without_a_booked_visit_is_unscheduled_treatment(session):
    practice = make_practice(session)
    waiting = make_patient(session, practice, birthdate=None)
    booked = make_patient(session, practice, birthdate=None)
    plan = make_treatment_plan(session, waiting, presented_on=date(2026, 12, 1))
    make_treatment_plan(session, booked, presented_on=date(2026, 12, 1))
    make_appointment(session, booked, start=datetime(2027, 2, 1, 15, 0, tzinfo=timezone.utc))
    make_treatment_plan(session, waiting, presented_on=date(2027, 1, 5))  # inside the grace period
    make_treatment_plan(session, waiting, presented_on=date(2026, 12, 1), planned_codes=())  # nothing planned
    make_treatment_plan(session, waiting, presented_on=date(2026, 12, 1), status="declined")
    assert scan_date_triggers(session=session, now=NOW)["treatment.unscheduled"] == 1
    assert _events(session) == [("treatment.unscheduled", waiting.id, plan.id,
                                 {"treatment_plan_id": plan.id, "trigger_ref": f"treatment_plan:{plan.id}:unscheduled"})]


def test_overdue_balance_fires_once_per_calendar_month(session):
    practice = make_practice(session)
    owing = make_patient(session, practice, birthdate=None, balance_overdue=180.0)
    make_patient(session, practice, birthdate=None, balance_overdue=0.0)
    assert scan_date_triggers(session=session, now=NOW)["balance.overdue"] == 1
    assert scan_date_triggers(session=session, now=datetime(2027, 1, 30, 15, tzinfo=timezone.utc))["balance.overdue"] == 0
    assert scan_date_triggers(session=session, now=datetime(2027, 2, 2, 15, tzinfo=timezone.utc))["balance.overdue"] == 1
    assert [p["trigger_ref"] for *_, p in _events(session)] == [f"patient:{owing.id}:balance-2027-01",
                                                      f"patient:{owing.id}:balance-2027-02"]

"""Every appointment lifecycle change writes its DomainEvent and AuditLog row in the same transaction."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from models.appointments import (book_appointment, cancel_appointment, complete_appointment, confirm_appointment,
                                 mark_no_show, move_appointment)
from models.events import event_payload
from models.tables import Appointment, AuditLog, DomainEvent
from tests.factories import make_appointment, make_patient, make_practice

START = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def _events(session):
    return [(e.kind, e.entity_id, event_payload(e)) for e in session.exec(select(DomainEvent).order_by(DomainEvent.id))]


def _audit(session):
    return [(a.action, a.entity, a.entity_id, a.detail, a.user_id) for a in session.exec(select(AuditLog).order_by(AuditLog.id))]


def test_booking_writes_booked_event_and_audit_row(session, patient):
    appt = book_appointment(session=session, patient_id=patient.id, start=START, duration_minutes=30, description="Cleaning")
    assert (appt.status, appt.duration_minutes, appt.practice_id) == ("scheduled", 30, patient.practice_id)
    assert _events(session) == [("appointment.booked", appt.id, {"appointment_id": appt.id, "start": "2026-12-01T15:00:00+00:00"})]
    assert _audit(session) == [("change", "appointment", str(appt.id), "booked", None)]


def test_completing_sets_status_time_and_writes_completed_event(session, patient):
    appt = make_appointment(session, patient)
    complete_appointment(session=session, appointment_id=appt.id)
    assert appt.status == "completed"
    assert appt.completed_at is not None
    assert _events(session) == [("appointment.completed", appt.id, {"appointment_id": appt.id})]
    assert _audit(session)[0][3] == "status scheduled -> completed"


def test_completing_twice_is_refused_with_a_clear_message(session, patient):
    appt = make_appointment(session, patient)
    complete_appointment(session=session, appointment_id=appt.id)
    with pytest.raises(ValueError, match=f"cannot complete appointment {appt.id}: it is already completed"):
        complete_appointment(session=session, appointment_id=appt.id)
    assert len(_events(session)) == 1


def test_completing_a_cancelled_appointment_is_refused(session, patient):
    appt = make_appointment(session, patient)
    cancel_appointment(session=session, appointment_id=appt.id)
    with pytest.raises(ValueError, match="it is already cancelled"):
        complete_appointment(session=session, appointment_id=appt.id)


def test_cancel_no_show_and_confirm_each_write_their_event(session, patient):
    a, b, c = (make_appointment(session, patient) for _ in range(3))
    cancel_appointment(session=session, appointment_id=a.id, user_id=None)
    mark_no_show(session=session, appointment_id=b.id)
    confirm_appointment(session=session, appointment_id=c.id)
    assert [(k, e) for k, e, _ in _events(session)] == [
        ("appointment.cancelled", a.id), ("appointment.no_show", b.id), ("appointment.confirmed", c.id)]
    assert (a.status, b.status, c.status, c.confirmed) == ("cancelled", "no_show", "confirmed", True)


def test_second_confirmation_changes_nothing(session, patient):
    appt = make_appointment(session, patient)
    confirm_appointment(session=session, appointment_id=appt.id)
    confirm_appointment(session=session, appointment_id=appt.id)
    assert len(_events(session)) == 1
    assert len(_audit(session)) == 1


def test_moving_reschedules_clears_confirmation_and_records_both_times(session, patient):
    appt = make_appointment(session, patient)
    confirm_appointment(session=session, appointment_id=appt.id)
    new_start = START + timedelta(days=2)
    move_appointment(session=session, appointment_id=appt.id, new_start=new_start)
    assert (appt.start, appt.status, appt.confirmed) == (new_start, "scheduled", False)
    assert _events(session)[-1] == ("appointment.moved", appt.id, {
        "appointment_id": appt.id, "old_start": "2026-12-01T15:00:00+00:00", "new_start": "2026-12-03T15:00:00+00:00"})


def test_naive_times_and_unknown_ids_are_refused(session, patient):
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        book_appointment(session=session, patient_id=patient.id, start=datetime(2026, 12, 1, 9))
    with pytest.raises(ValueError, match="patient 999 does not exist"):
        book_appointment(session=session, patient_id=999, start=START)
    with pytest.raises(ValueError, match="appointment 999 does not exist"):
        cancel_appointment(session=session, appointment_id=999)


def test_rollback_leaves_neither_the_change_nor_its_event(engine):
    with Session(engine) as s:
        appt = make_appointment(s, make_patient(s, make_practice(s)))
        s.commit()
        appt_id = appt.id
    with Session(engine) as s:
        complete_appointment(session=s, appointment_id=appt_id)
        s.rollback()
    with Session(engine) as s:
        assert s.get(Appointment, appt_id).status == "scheduled"
        assert s.exec(select(DomainEvent)).all() == []
        assert s.exec(select(AuditLog)).all() == []


def test_a_visit_on_a_later_practice_day_cannot_be_completed_yet(session, patient):
    # 2026-12-02 05:30 UTC is still 1 December (23:30) in Chicago: the 15:00 UTC visit on 2 December is tomorrow.
    appt = make_appointment(session, patient, start=datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc))
    late_evening = datetime(2026, 12, 2, 5, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match=f"cannot complete appointment {appt.id}: it is on a later day"):
        complete_appointment(session=session, appointment_id=appt.id, now=late_evening)
    assert (appt.status, _events(session)) == ("scheduled", [])


def test_a_visit_later_today_can_be_completed_early(session, patient):
    appt = make_appointment(session, patient, start=datetime(2026, 12, 2, 22, 0, tzinfo=timezone.utc))
    complete_appointment(session=session, appointment_id=appt.id, now=datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc))
    assert appt.status == "completed"


def test_a_visit_that_has_not_started_cannot_be_a_no_show(session, patient):
    appt = make_appointment(session, patient, start=datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="has not started yet"):
        mark_no_show(session=session, appointment_id=appt.id, now=datetime(2026, 12, 2, 14, 59, tzinfo=timezone.utc))
    assert _events(session) == []


def test_completing_a_visit_completes_its_planned_procedures_with_their_events(session, patient):
    from models.tables import Procedure
    from tests.factories import make_procedure

    appt = make_appointment(session, patient)
    planned = make_procedure(session, patient, appointment_id=appt.id, status="planned", cdt_code="D2391")
    other = make_procedure(session, patient, status="planned", cdt_code="D2740")  # not booked for this visit
    complete_appointment(session=session, appointment_id=appt.id, now=START)
    assert (session.get(Procedure, planned.id).status, session.get(Procedure, other.id).status) == ("completed", "planned")
    assert session.get(Procedure, planned.id).performed_on == START.date()
    assert [(kind, payload) for kind, _, payload in _events(session)] == [
        ("appointment.completed", {"appointment_id": appt.id}),
        ("procedure.completed", {"cdt_code": "D2391", "procedure_id": planned.id})]

"""Completing a procedure writes one procedure.completed event (CDT code and id) and an AuditLog row."""
from datetime import date

import pytest
from sqlmodel import Session, select

from models.change_log import practice_today
from models.procedures import complete_procedure, record_completed_procedure
from models.tables import AuditLog, DomainEvent, Procedure
from tests.factories import make_appointment, make_patient, make_practice, make_procedure
from tests.models.recorded import audit, events


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def test_completing_a_planned_procedure_sets_status_and_date_and_writes_one_event(session, patient):
    procedure = make_procedure(session, patient, cdt_code="D2391")
    complete_procedure(session=session, procedure_id=procedure.id, performed_on=date(2026, 12, 3))
    assert (procedure.status, procedure.performed_on) == ("completed", date(2026, 12, 3))
    assert events(session) == [("procedure.completed", patient.id, procedure.id,
                                {"cdt_code": "D2391", "procedure_id": procedure.id})]
    assert audit(session) == [("change", "procedure", str(procedure.id), "status planned -> completed", None)]


def test_completion_date_defaults_to_today_in_the_practice_calendar(session, patient):
    procedure = make_procedure(session, patient)
    complete_procedure(session=session, procedure_id=procedure.id)
    assert procedure.performed_on == practice_today(session=session, practice_id=patient.practice_id)


def test_completing_twice_is_refused_and_writes_one_event(session, patient):
    procedure = make_procedure(session, patient)
    complete_procedure(session=session, procedure_id=procedure.id)
    with pytest.raises(ValueError, match=f"cannot complete procedure {procedure.id}: it is already completed"):
        complete_procedure(session=session, procedure_id=procedure.id)
    with pytest.raises(ValueError, match="procedure 999 does not exist"):
        complete_procedure(session=session, procedure_id=999)
    assert len(events(session)) == 1


def test_recording_a_completed_procedure_normalises_the_code_and_links_the_appointment(session, patient):
    appointment = make_appointment(session, patient)
    procedure = record_completed_procedure(session=session, patient_id=patient.id, cdt_code=" d1110 ", fee=120.456,
                                           appointment_id=appointment.id, tooth="", performed_on=date(2026, 12, 1))
    stored = session.get(Procedure, procedure.id)
    assert (stored.cdt_code, stored.fee, stored.status, stored.appointment_id, stored.performed_on) == (
        "D1110", 120.46, "completed", appointment.id, date(2026, 12, 1))
    assert events(session) == [("procedure.completed", patient.id, procedure.id,
                                {"cdt_code": "D1110", "procedure_id": procedure.id})]
    assert audit(session) == [("change", "procedure", str(procedure.id), "recorded completed", None)]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"cdt_code": "1110"}, "cdt_code must be 'D' followed by 4 digits"),
    ({"cdt_code": "D111"}, "cdt_code must be 'D' followed by 4 digits"),
    ({"cdt_code": "D11100"}, "cdt_code must be 'D' followed by 4 digits"),
    ({"cdt_code": "DX110"}, "cdt_code must be 'D' followed by 4 digits"),
    ({"fee": -1}, "fee must be a number of 0 or more"),
    ({"fee": float("nan")}, "fee must be a number of 0 or more"),
    ({"fee": "95"}, "fee must be a number of 0 or more"),
    ({"description": "x" * 201}, "description must be at most 200 characters"),
    ({"patient_id": 999}, "patient 999 does not exist"),
])
def test_invalid_procedure_is_refused_with_a_clear_message_and_writes_nothing(session, patient, overrides, message):
    fields = dict(patient_id=patient.id, cdt_code="D1110", fee=95.0) | overrides
    with pytest.raises(ValueError, match=message):
        record_completed_procedure(session=session, **fields)
    assert (session.exec(select(Procedure)).all(), events(session), audit(session)) == ([], [], [])


def test_an_appointment_of_another_patient_is_refused(session, patient):
    other = make_patient(session, make_practice(session, name="Other Dental"), first_name="Bo")
    appointment = make_appointment(session, other)
    with pytest.raises(ValueError, match=f"appointment {appointment.id} is not an appointment of patient {patient.id}"):
        record_completed_procedure(session=session, patient_id=patient.id, cdt_code="D1110", fee=95.0,
                                   appointment_id=appointment.id)
    assert events(session) == []


def test_rolled_back_completion_leaves_the_procedure_planned_and_no_event(engine):
    with Session(engine) as s:
        procedure_id = make_procedure(s, make_patient(s, make_practice(s))).id
        s.commit()
    with Session(engine) as s:
        complete_procedure(session=s, procedure_id=procedure_id)
        s.rollback()
    with Session(engine) as s:
        assert s.get(Procedure, procedure_id).status == "planned"
        assert s.exec(select(DomainEvent)).all() == []
        assert s.exec(select(AuditLog)).all() == []

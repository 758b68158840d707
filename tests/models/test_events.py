"""Domain events are written in the caller's transaction and carry ids, never PHI."""
import json

import pytest
from sqlmodel import Session, select

from models.events import EventKind, emit_event, event_payload
from models.tables import DomainEvent, Patient, Practice
from tests.factories import make_patient, make_practice


def test_emitted_event_is_stored_with_kind_ids_and_sorted_json_payload(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    event = emit_event(session=session, practice_id=practice.id, kind=EventKind.APPOINTMENT_COMPLETED,
                       patient_id=patient.id, entity_id=42, payload={"b": 2, "appointment_id": 42})
    session.commit()
    stored = session.exec(select(DomainEvent)).one()
    assert stored.id == event.id
    assert (stored.kind, stored.patient_id, stored.entity_id) == ("appointment.completed", patient.id, 42)
    assert stored.payload == '{"appointment_id": 42, "b": 2}'
    assert event_payload(stored) == {"appointment_id": 42, "b": 2}
    assert stored.dispatched_at is None


def test_event_and_change_roll_back_together(engine):
    with Session(engine) as s:
        practice = make_practice(s)
        s.commit()
        practice_id = practice.id
    with Session(engine) as s:
        patient = make_patient(s, s.get(Practice, practice_id))
        emit_event(session=s, practice_id=practice_id, kind="patient.created", patient_id=patient.id)
        s.rollback()
    with Session(engine) as s:
        assert s.exec(select(Patient)).all() == []
        assert s.exec(select(DomainEvent)).all() == []


def test_unknown_event_kind_is_refused(session):
    practice = make_practice(session)
    with pytest.raises(ValueError):
        emit_event(session=session, practice_id=practice.id, kind="appointment.exploded", patient_id=None)


def test_payload_with_free_text_is_refused_so_phi_cannot_leak(session):
    practice = make_practice(session)
    with pytest.raises(ValueError, match="'note' must be an id or a short code"):
        emit_event(session=session, practice_id=practice.id, kind="reply.received", patient_id=None,
                   payload={"note": "Maria says her tooth still hurts after the root canal last week, please call"})
    with pytest.raises(ValueError, match="'items' must be an id or a short code"):
        emit_event(session=session, practice_id=practice.id, kind="reply.received", patient_id=None,
                   payload={"items": ["a"]})


def test_every_contract_event_kind_has_its_dotted_value():
    assert {k.value for k in EventKind} == {
        "patient.created", "appointment.booked", "appointment.moved", "appointment.cancelled",
        "appointment.completed", "appointment.no_show", "appointment.confirmed", "procedure.completed",
        "treatment_plan.presented", "treatment_plan.accepted", "referral.created", "feedback.received",
        "reply.received", "recall.due", "patient.birthday", "treatment.unscheduled", "balance.overdue",
        "task.completed"}
    assert json.dumps(EventKind.BIRTHDAY) == '"patient.birthday"'

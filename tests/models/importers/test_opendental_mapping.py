"""How Open Dental's enums and quirks map onto our rows, on small hand-made exports."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from models.importers.opendental import import_opendental
from models.importers.opendental.mapping import recall_interval
from models.tables import Appointment, ConsentEvent, Patient, Procedure, TreatmentPlan
from tests.factories import (
    make_practice, od_appointment, od_patient, od_procedure, od_procedure_code, write_opendental_dump,
)

_CONFIRMED = dict(DefNum=20, Category=2, ItemOrder=0, ItemName="Appointment Confirmed", ItemValue="")
_UNCONFIRMED = dict(DefNum=19, Category=2, ItemOrder=1, ItemName="Unconfirmed", ItemValue="")


def _import(engine, tmp_path, tables, name="od.sql", **kwargs):
    return import_opendental(engine=engine, path=write_opendental_dump(tmp_path / name, tables), **kwargs)


def _statuses(session) -> dict[str, str]:
    return {a.external_id: a.status for a in session.exec(select(Appointment))}


def test_appointment_statuses_follow_open_dentals_enum(engine, session, tmp_path):
    appointments = [od_appointment(1, 1, AptStatus=1), od_appointment(2, 1, AptStatus=2),
                    od_appointment(3, 1, AptStatus=3), od_appointment(4, 1, AptStatus=5),
                    od_appointment(5, 1, AptStatus=1, Confirmed=20), od_appointment(6, 1, AptStatus=1, Confirmed=19),
                    od_appointment(7, 1, AptStatus=6), od_appointment(8, 1, AptStatus=7),
                    od_appointment(9, 1, AptStatus=3, AptDateTime="0001-01-01 00:00:00")]
    summary = _import(engine, tmp_path, {"definition": [_CONFIRMED, _UNCONFIRMED], "patient": [od_patient(1)],
                                         "appointment": appointments})
    assert _statuses(session) == {
        "opendental:appointment:1": "scheduled", "opendental:appointment:2": "completed",
        "opendental:appointment:3": "cancelled", "opendental:appointment:4": "no_show",
        "opendental:appointment:5": "confirmed", "opendental:appointment:6": "scheduled"}
    assert summary.tables["appointment"].skipped == {
        "planned appointment (AptStatus 6), not on the schedule": 1,
        "patient note (AptStatus 7), not a visit": 1, "no appointment time (0001-01-01)": 1}


def test_only_planned_and_completed_procedures_are_imported(engine, session, tmp_path):
    procedures = [od_procedure(1, 1, ProcStatus=2), od_procedure(2, 1, ProcStatus=1, DateTP="2026-02-01"),
                  od_procedure(3, 1, ProcStatus=3), od_procedure(4, 1, ProcStatus=6), od_procedure(5, 1, ProcStatus=6)]
    summary = _import(engine, tmp_path, {"procedurecode": [od_procedure_code()], "patient": [od_patient(1)],
                                         "procedurelog": procedures})
    rows = {p.external_id: (p.status, p.performed_on, p.planned_on) for p in session.exec(select(Procedure))}
    assert rows == {"opendental:procedurelog:1": ("completed", date(2026, 3, 2), None),
                    "opendental:procedurelog:2": ("planned", None, date(2026, 2, 1))}
    assert summary.tables["procedurelog"].skipped == {
        "ProcStatus 3 (existing, current provider)": 1, "ProcStatus 6 (deleted)": 2}


def test_procedure_on_a_skipped_appointment_keeps_no_appointment_link(engine, session, tmp_path):
    _import(engine, tmp_path, {
        "procedurecode": [od_procedure_code()], "patient": [od_patient(1)],
        "appointment": [od_appointment(1, 1), od_appointment(2, 1, AptStatus=6)],
        "procedurelog": [od_procedure(1, 1, AptNum=1), od_procedure(2, 1, AptNum=2, ProcStatus=1)]})
    [visit] = session.exec(select(Appointment)).all()
    links = {p.external_id: p.appointment_id for p in session.exec(select(Procedure))}
    assert links == {"opendental:procedurelog:1": visit.id, "opendental:procedurelog:2": None}


def test_preferred_channel_follows_prefer_contact_method(engine, session, tmp_path):
    patients = [od_patient(1, PreferContactMethod=8), od_patient(2, PreferContactMethod=5),
                od_patient(3, PreferContactMethod=2), od_patient(4, PreferContactMethod=4),
                od_patient(5, PreferContactMethod=0, TxtMsgOk=1),
                od_patient(6, PreferContactMethod=7, TxtMsgOk=0),
                od_patient(7, PreferContactMethod=0, WirelessPhone="", Email="", HmPhone="(555) 000-1111")]
    _import(engine, tmp_path, {"patient": patients})
    channels = {p.external_id: p.preferred_channel for p in session.exec(select(Patient))}
    assert channels == {"opendental:patient:1": "sms", "opendental:patient:2": "email",
                        "opendental:patient:3": "phone", "opendental:patient:4": "phone",
                        "opendental:patient:5": "sms", "opendental:patient:6": "email",
                        "opendental:patient:7": "phone"}


def test_do_not_call_is_recorded_as_a_phone_opt_out(engine, session, tmp_path):
    _import(engine, tmp_path, {"patient": [od_patient(1, PreferContactMethod=1)]})
    [event] = session.exec(select(ConsentEvent)).all()
    assert (event.channel, event.granted, event.source, event.evidence) == (
        "phone", False, "import", "Open Dental PreferContactMethod=1 (DoNotCall)")


def test_text_permission_given_back_in_open_dental_is_recorded_once(engine, session, tmp_path):
    _import(engine, tmp_path, {"patient": [od_patient(1, TxtMsgOk=2)]}, name="first.sql")
    summary = _import(engine, tmp_path, {"patient": [od_patient(1, TxtMsgOk=1)]}, name="second.sql")
    again = _import(engine, tmp_path, {"patient": [od_patient(1, TxtMsgOk=1)]}, name="third.sql")
    events = session.exec(select(ConsentEvent.granted, ConsentEvent.evidence).order_by(ConsentEvent.id)).all()
    assert events == [(False, "Open Dental TxtMsgOk=2"), (True, "Open Dental TxtMsgOk=1")]
    assert (summary.tables["patient"].updated, summary.tables["consent"].imported) == (1, 1)
    assert (again.imported, again.updated) == (0, 0)
    assert session.exec(select(Patient.sms_ok)).one() is True


def test_treatment_plan_decision_made_here_survives_a_new_export(engine, session, tmp_path):
    tables = {"procedurecode": [od_procedure_code()], "patient": [od_patient(1)],
              "procedurelog": [od_procedure(1, 1, ProcStatus=1, ProcFee=120.5, DateTP="2026-01-10")]}
    _import(engine, tmp_path, tables, name="first.sql")
    plan = session.exec(select(TreatmentPlan)).one()
    assert (plan.status, plan.total_fee, plan.presented_on) == ("presented", 120.5, date(2026, 1, 10))
    plan.status = "accepted"
    session.commit()
    tables["procedurelog"].append(od_procedure(2, 1, ProcStatus=1, ProcFee=80.0, DateTP="2026-01-05"))
    summary = _import(engine, tmp_path, tables, name="second.sql")
    session.expire_all()
    plan = session.exec(select(TreatmentPlan)).one()
    assert (plan.status, plan.total_fee, plan.presented_on) == ("accepted", 200.5, date(2026, 1, 5))
    assert (summary.tables["treatplan"].updated, summary.tables["procedurelog"].imported) == (1, 1)


def test_deleted_patients_and_their_rows_are_skipped(engine, session, tmp_path):
    summary = _import(engine, tmp_path, {"patient": [od_patient(1), od_patient(2, PatStatus=4)],
                                         "appointment": [od_appointment(1, 1), od_appointment(2, 2)]})
    assert session.exec(select(Patient.external_id)).all() == ["opendental:patient:1"]
    assert summary.tables["patient"].skipped == {"PatStatus 4 (deleted)": 1}
    assert summary.tables["appointment"].skipped == {"patient not imported": 1}


def test_times_use_the_time_zone_of_the_chosen_practice(engine, session, tmp_path):
    make_practice(session, name="Other")
    practice = make_practice(session, name="Harbor Dental", timezone="America/New_York")
    session.commit()
    summary = _import(engine, tmp_path, {"patient": [od_patient(1)],
                                         "appointment": [od_appointment(1, 1, AptDateTime="2026-03-02 09:00:00")]},
                      practice_id=practice.id)
    appointment = session.exec(select(Appointment)).one()
    assert (summary.practice_id, appointment.practice_id) == (practice.id, practice.id)
    assert appointment.start == datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


def test_recall_intervals_read_as_short_text():
    assert [recall_interval(text) for text in ("0y6m0d", "1y0m0d", "0y0m2w0d", "1y6m0d", "0y0m0d")] == [
        "6m", "1y", "2w", "1y6m", ""]

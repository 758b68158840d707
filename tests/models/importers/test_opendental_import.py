"""Importing the 300-patient synthetic Open Dental export: counts from its README, fields, links, idempotence."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

from sqlalchemy import func
from sqlmodel import Session, select

from models.importers.opendental import import_opendental
from models.tables import (
    Appointment, AuditLog, ConsentEvent, Note, Patient, Practice, Procedure, Recall, TreatmentPlan,
)
from tests.models.importers.conftest import OPENDENTAL_300, count, rows_in_file


def _by_external_id(session: Session, model, key: str):
    return session.exec(select(model).where(model.external_id == key)).one()


def test_import_creates_the_practice_and_every_patient(imported_300):
    engine, summary = imported_300
    with Session(engine) as session:
        [practice] = session.exec(select(Practice)).all()
    assert (practice.name, practice.timezone) == ("Imported practice", "America/Chicago")
    assert summary.practice_id == practice.id
    assert count(engine, Patient) == 300
    assert (summary.tables["patient"].read, summary.tables["patient"].imported) == (300, 300)


def test_appointments_keep_their_open_dental_status(imported_300):
    engine, summary = imported_300
    assert count(engine, Appointment) == 1793
    assert count(engine, Appointment, Appointment.status == "completed") == 1738
    assert count(engine, Appointment, Appointment.status == "scheduled") == 55
    assert count(engine, Appointment, Appointment.is_hygiene) == 876
    assert count(engine, Appointment, Appointment.is_new_patient) == 388
    assert summary.tables["appointment"].imported == 1793


def test_procedures_are_completed_or_planned_with_cdt_codes(imported_300):
    engine, _summary = imported_300
    assert count(engine, Procedure) == 6732
    assert count(engine, Procedure, Procedure.status == "completed") == 5953
    assert count(engine, Procedure, Procedure.status == "planned") == 779
    assert count(engine, Procedure, Procedure.cdt_code == "D1110") == 919
    assert count(engine, Procedure, Procedure.cdt_code == "D4341") == 279
    with_visit = sum(1 for row in rows_in_file(OPENDENTAL_300, "procedurelog") if row["AptNum"] != "0")
    assert count(engine, Procedure, Procedure.appointment_id.is_not(None)) == with_visit


def test_recalls_and_commlog_notes_are_imported(imported_300):
    engine, _summary = imported_300
    assert count(engine, Recall) == 298
    assert count(engine, Recall, Recall.interval == "6m") == 298
    assert count(engine, Recall, Recall.previous_on.is_(None)) == 10
    assert count(engine, Note, Note.kind == "commlog") == 917
    with Session(engine) as session:
        channels = dict(session.exec(select(Note.channel, func.count()).group_by(Note.channel)).all())
    assert channels == {"phone": 458, "text": 177, "email": 134, "in_person": 98, "mail": 50}


def test_each_patient_with_planned_work_gets_one_presented_treatment_plan(imported_300):
    engine, _summary = imported_300
    planned = [row for row in rows_in_file(OPENDENTAL_300, "procedurelog") if row["ProcStatus"] == "1"]
    assert count(engine, TreatmentPlan) == len({row["PatNum"] for row in planned})
    assert count(engine, TreatmentPlan, TreatmentPlan.status == "presented") == count(engine, TreatmentPlan)
    assert count(engine, Procedure, Procedure.status == "planned", Procedure.treatment_plan_id.is_(None)) == 0
    with Session(engine) as session:
        sums = session.exec(select(Procedure.treatment_plan_id, func.sum(Procedure.fee), func.min(Procedure.planned_on))
                            .where(Procedure.status == "planned").group_by(Procedure.treatment_plan_id)).all()
        plans = {plan.id: plan for plan in session.exec(select(TreatmentPlan))}
    assert {plan_id: (round(total, 2), first) for plan_id, total, first in sums} == {
        plan.id: (plan.total_fee, plan.presented_on) for plan in plans.values()}


def test_patient_fields_come_from_the_export(imported_300):
    engine, _summary = imported_300
    with Session(engine) as session:
        patient = _by_external_id(session, Patient, "opendental:patient:10000")
    assert (patient.first_name, patient.last_name, patient.preferred_name) == ("Sandra", "Young", "")
    assert (patient.birthdate, patient.gender, patient.first_visit) == (date(1985, 1, 2), "female", date(2024, 7, 20))
    assert (patient.mobile_phone, patient.home_phone, patient.work_phone) == (
        "(261) 676-8976", "(619) 976-2933", "(923) 303-1179")
    assert (patient.email, patient.address, patient.city, patient.state, patient.zip) == (
        "jamesalvarez@example.org", "171 Mullen Spur", "Chicago", "IL", "60601")
    assert (patient.preferred_channel, patient.sms_ok, patient.status, patient.guarantor_id) == ("sms", True, "active", None)


def test_contact_preferences_follow_prefer_contact_method_and_txt_msg_ok(imported_300):
    engine, _summary = imported_300
    with Session(engine) as session:
        channels = dict(session.exec(select(Patient.preferred_channel, func.count())
                                     .group_by(Patient.preferred_channel)).all())
    assert channels == {"sms": 183, "email": 106, "phone": 11}
    assert count(engine, Patient, Patient.sms_ok) == 203


def test_text_opt_outs_become_consent_events(imported_300):
    engine, summary = imported_300
    opted_out = {f"opendental:patient:{row['PatNum']}" for row in rows_in_file(OPENDENTAL_300, "patient")
                 if row["TxtMsgOk"] == "2"}
    with Session(engine) as session:
        events = session.exec(select(ConsentEvent, Patient.external_id).join(Patient)).all()
    assert {external_id for _event, external_id in events} == opted_out
    assert {(e.channel, e.message_type, e.granted, e.source, e.evidence) for e, _ in events} == {
        ("sms", "any", False, "import", "Open Dental TxtMsgOk=2")}
    assert summary.tables["consent"].imported == len(opted_out) == 67


def test_guarantors_link_family_members(imported_300):
    engine, _summary = imported_300
    expected = {row["PatNum"]: row["Guarantor"] for row in rows_in_file(OPENDENTAL_300, "patient")
                if row["Guarantor"] != row["PatNum"]}
    with Session(engine) as session:
        ids = dict(session.exec(select(Patient.id, Patient.external_id)).all())
        linked = session.exec(select(Patient.external_id, Patient.guarantor_id).where(Patient.guarantor_id.is_not(None)))
        actual = {external_id.rsplit(":", 1)[1]: ids[guarantor].rsplit(":", 1)[1] for external_id, guarantor in linked}
    assert actual == expected
    assert len(actual) == 12


def test_appointment_times_are_chicago_wall_clock_stored_as_utc(imported_300):
    engine, _summary = imported_300
    with Session(engine) as session:
        summer = _by_external_id(session, Appointment, "opendental:appointment:10000")  # 2025-03-28 12:30 CDT
        winter = _by_external_id(session, Appointment, "opendental:appointment:10001")  # 2025-12-03 12:45 CST
        hygiene = _by_external_id(session, Appointment, "opendental:appointment:10003")
    assert summer.start == datetime(2025, 3, 28, 17, 30, tzinfo=timezone.utc)
    assert winter.start == datetime(2025, 12, 3, 18, 45, tzinfo=timezone.utc)
    assert (summer.duration_minutes, summer.provider, summer.operatory) == (75, "Michael Torres, DDS", "Op 2")
    assert (summer.description, summer.note, summer.is_new_patient) == (
        "D0150, D0274, D0330 +1", "May need premedication", True)
    assert summer.completed_at == datetime(2025, 3, 28, 18, 45, tzinfo=timezone.utc)
    assert (hygiene.is_hygiene, hygiene.provider, hygiene.operatory) == (True, "Jessica Williams, RDH", "Op 4")


def test_tables_we_do_not_import_are_counted_as_skipped(imported_300):
    _engine, summary = imported_300
    assert summary.tables["claimproc"].skipped == {"table not imported": 2820}
    assert summary.tables["procnote"].skipped == {"table not imported": 4785}
    assert summary.tables["payment"].skipped == {"table not imported": 384}
    assert summary.tables["procedurecode"].skipped == {"lookup only (codes and names)": 50}
    assert sum(t.read for name, t in summary.tables.items() if name not in ("treatplan", "consent")) == 21196
    assert summary.statements == 21198  # the INSERTs plus the two SET FOREIGN_KEY_CHECKS


def test_import_of_300_patients_is_well_under_thirty_seconds(imported_300):
    _engine, summary = imported_300
    assert summary.seconds < 30


def test_second_import_of_the_same_file_changes_nothing(imported_300):
    engine, _first = imported_300
    tables = (Patient, Appointment, Procedure, TreatmentPlan, Recall, Note, ConsentEvent, Practice, AuditLog)
    before = Counter({model.__name__: count(engine, model) for model in tables})
    summary = import_opendental(engine=engine, path=OPENDENTAL_300)
    assert (summary.imported, summary.updated) == (0, 0)
    assert summary.tables["procedurelog"].unchanged == 6732
    assert summary.tables["consent"].unchanged == 67
    assert Counter({model.__name__: count(engine, model) for model in tables}) == before

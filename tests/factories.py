"""Factories for test rows: the one place tests build practices, patients and appointments."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import Session

from models.tables import Appointment, Patient, Practice


def make_practice(session: Session, **overrides) -> Practice:
    values = dict(name="Lakeside Dental", timezone="America/Chicago", review_url="https://example.com/review")
    values.update(overrides)
    practice = Practice(**values)
    session.add(practice)
    session.flush()
    return practice


def make_patient(session: Session, practice: Practice, **overrides) -> Patient:
    values = dict(practice_id=practice.id, first_name="Maria", last_name="Lopez", email="maria@example.com",
                  mobile_phone="(555) 201-3344", preferred_channel="sms", sms_ok=True, birthdate=date(1980, 5, 17))
    values.update(overrides)
    patient = Patient(**values)
    session.add(patient)
    session.flush()
    return patient


def make_appointment(session: Session, patient: Patient, **overrides) -> Appointment:
    values = dict(practice_id=patient.practice_id, patient_id=patient.id,
                  start=datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc), duration_minutes=60)
    values.update(overrides)
    appointment = Appointment(**values)
    session.add(appointment)
    session.flush()
    return appointment


def make_staff_user(session: Session, practice: Practice, **overrides):
    """A staff login; the password is 'correct horse battery' unless overridden."""
    from models.auth import create_user

    values = dict(practice_id=practice.id, email="desk@example.com", full_name="Dana Desk", role="front_desk",
                  password="correct horse battery")
    values.update(overrides)
    return create_user(session=session, **values)


def make_message(session: Session, patient: Patient, **overrides):
    from models.tables import Message

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, direction="out", channel="sms",
                  to_address=patient.mobile_phone, body="Hello", status="sent",
                  created_at=datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc))
    values.update(overrides)
    message = Message(**values)
    session.add(message)
    session.flush()
    return message


def make_journey(session: Session, practice: Practice, **overrides):
    """A journey with one published version (version 1, an empty definition)."""
    from models.tables import Journey, JourneyVersion

    values = dict(practice_id=practice.id, key="review_request", name="Review request",
                  trigger="appointment.completed", status="active")
    values.update(overrides)
    journey = Journey(**values)
    session.add(journey)
    session.flush()
    session.add(JourneyVersion(journey_id=journey.id, version=1, definition="{}"))
    session.flush()
    return journey


def make_enrollment(session: Session, journey, patient: Patient, **overrides):
    from sqlmodel import select

    from models.tables import Enrollment, JourneyVersion

    version = session.exec(select(JourneyVersion).where(JourneyVersion.journey_id == journey.id)
                           .order_by(JourneyVersion.version.desc())).first()
    values = dict(practice_id=patient.practice_id, journey_id=journey.id, version_id=version.id,
                  patient_id=patient.id, workflow_id=f"{journey.key}-p{patient.id}-t{overrides.get('trigger_ref', '')}",
                  started_at=datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    values.update(overrides)
    enrollment = Enrollment(**values)
    session.add(enrollment)
    session.flush()
    return enrollment


def make_holiday(session: Session, practice: Practice, day: date, name: str = ""):
    from models.tables import Holiday

    holiday = Holiday(practice_id=practice.id, day=day, name=name)
    session.add(holiday)
    session.flush()
    return holiday


def make_recall(session: Session, patient: Patient, **overrides):
    from models.tables import Recall

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, due_on=date(2027, 1, 15), interval="6m")
    values.update(overrides)
    recall = Recall(**values)
    session.add(recall)
    session.flush()
    return recall


def make_treatment_plan(session: Session, patient: Patient, planned_codes: tuple[str, ...] = ("D2740",), **overrides):
    """A presented plan with one planned procedure per CDT code given."""
    from models.tables import Procedure, TreatmentPlan

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, status="presented",
                  presented_on=date(2026, 11, 1), total_fee=1200.0)
    values.update(overrides)
    plan = TreatmentPlan(**values)
    session.add(plan)
    session.flush()
    for code in planned_codes:
        session.add(Procedure(practice_id=patient.practice_id, patient_id=patient.id, treatment_plan_id=plan.id,
                              cdt_code=code, status="planned", fee=1200.0))
    session.flush()
    return plan


# Open Dental export rows (dicts of column -> value) and a writer that turns them into an INSERT script.
def od_patient(pat_num: int, **overrides) -> dict:
    values = dict(PatNum=pat_num, LName="Lopez", FName="Maria", MiddleI="", Preferred="", PatStatus=0, Gender=1,
                  Birthdate="1980-05-17", Address="1 Main St", Address2="", City="Chicago", State="IL", Zip="60601",
                  HmPhone="", WkPhone="", WirelessPhone="(555) 201-3344", Email="maria@example.com",
                  Guarantor=pat_num, DateFirstVisit="2024-01-02", TxtMsgOk=1, PreferContactMethod=8)
    values.update(overrides)
    return values


def od_appointment(apt_num: int, pat_num: int, **overrides) -> dict:
    values = dict(AptNum=apt_num, PatNum=pat_num, AptStatus=2, Pattern="XXXXXXXXXXXX", Confirmed=0, Op=100,
                  Note="", ProvNum=100, ProvHyg=0, AptDateTime="2026-03-02 09:00:00", IsNewPatient=0,
                  ProcDescript="D0120", IsHygiene=0)
    values.update(overrides)
    return values


def od_procedure(proc_num: int, pat_num: int, **overrides) -> dict:
    values = dict(ProcNum=proc_num, PatNum=pat_num, AptNum=0, CodeNum=1, ProcDate="2026-03-02", ProcFee=100.0,
                  Surf="", ToothNum="", ToothRange="", ProcStatus=2, ProvNum=100, DateTP="0001-01-01")
    values.update(overrides)
    return values


def od_procedure_code(code_num: int = 1, code: str = "D0120", descript: str = "Periodic oral evaluation") -> dict:
    return dict(CodeNum=code_num, ProcCode=code, Descript=descript)


def _od_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    return repr(value)


def write_opendental_dump(path, tables: dict[str, list[dict]], *, closed: bool = True):
    """An export like Open Dental's: SET FOREIGN_KEY_CHECKS bracket, one single-row INSERT per line."""
    lines = ["-- Synthetic Open Dental Database (test)", "", "SET FOREIGN_KEY_CHECKS = 0;", ""]
    for table, rows in tables.items():
        for row in rows:
            columns = ", ".join(row)
            values = ", ".join(_od_literal(value) for value in row.values())
            lines.append(f"INSERT INTO `{table}` ({columns}) VALUES ({values});")
    if closed:
        lines += ["", "SET FOREIGN_KEY_CHECKS = 1;"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_referral(session: Session, referrer: Patient, referred: Patient, **overrides):
    from models.tables import Referral

    values = dict(practice_id=referrer.practice_id, referrer_patient_id=referrer.id, referred_patient_id=referred.id,
                  created_at=datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc))
    values.update(overrides)
    referral = Referral(**values)
    session.add(referral)
    session.flush()
    return referral


def make_step_log(session: Session, enrollment, step_id: str = "wait_reply", **overrides):
    """What a run recorded at one step (kind and outcome as the journey engine writes them)."""
    from models.tables import JourneyStepLog

    values = dict(enrollment_id=enrollment.id, patient_id=enrollment.patient_id, step_id=step_id, kind="wait_for",
                  outcome="replied", dedupe_key=f"{enrollment.id}:{step_id}:{overrides.get('kind', 'wait_for')}")
    values.update(overrides)
    log = JourneyStepLog(**values)
    session.add(log)
    session.flush()
    return log


def make_procedure(session: Session, patient: Patient, **overrides):
    """A planned procedure (no plan unless treatment_plan_id is given)."""
    from models.tables import Procedure

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, cdt_code="D2391", status="planned",
                  fee=180.0, planned_on=date(2026, 11, 1))
    values.update(overrides)
    procedure = Procedure(**values)
    session.add(procedure)
    session.flush()
    return procedure


def make_feedback(session: Session, patient: Patient, **overrides):
    """An NPS survey answer of 9 received by link."""
    from models.tables import Feedback

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, kind="survey", score=9, scale="nps",
                  source="link", created_at=datetime(2026, 12, 2, 16, 0, tzinfo=timezone.utc))
    values.update(overrides)
    feedback = Feedback(**values)
    session.add(feedback)
    session.flush()
    return feedback


def make_task(session: Session, patient: Patient, **overrides):
    """An open front-desk call task due 2 Dec 2026 16:00 UTC (a journey's when enrollment_id is given)."""
    from models.tables import Task

    values = dict(practice_id=patient.practice_id, patient_id=patient.id, title="Call about the visit",
                  role="front_desk", due_at=datetime(2026, 12, 2, 16, 0, tzinfo=timezone.utc),
                  created_at=datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc))
    values.update(overrides)
    task = Task(**values)
    session.add(task)
    session.flush()
    return task

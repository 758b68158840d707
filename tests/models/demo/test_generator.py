import random
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, SQLModel, func, select

import models.tables  # noqa: F401
from models.auth import authenticate
from models.db import make_engine
from models.demo import load_demo
from models.demo.people import make_people
from models.kpis import kpi_report
from models.settings import get_settings
from models.tables import (Appointment, ConsentEvent, DomainEvent, Holiday, Message, Patient, Practice, Procedure,
                           Referral, StaffUser, TreatmentPlan)

TODAY = date(2025, 6, 11)  # a Wednesday
CHICAGO = ZoneInfo("America/Chicago")


def _fresh_session(path) -> Session:
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    return Session(engine, expire_on_commit=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One 300-patient demo shared by the read-only tests of this module."""
    with _fresh_session(tmp_path_factory.mktemp("demo") / "demo.db") as session:
        summary = load_demo(session=session, today=TODAY)
        session.commit()
        yield session, summary


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_demo_creates_the_practice_with_its_contact_details(demo):
    session, summary = demo
    practice = session.get(Practice, summary.practice_id)
    assert (practice.name, practice.timezone, practice.review_url) == (
        "Lakeside Family Dental", "America/Chicago", "https://reviews.example.com/lakeside")
    assert practice.phone == "(312) 555-0100"


def test_same_seed_gives_the_same_practice(tmp_path):
    firsts, summaries = [], []
    for name in ("a", "b"):
        with _fresh_session(tmp_path / f"{name}.db") as session:
            summaries.append(load_demo(session=session, patients=40, seed=11, today=TODAY))
            first = session.exec(select(Patient).order_by(Patient.id)).first()
            firsts.append((first.first_name, first.last_name, first.birthdate, first.mobile_phone))
    assert summaries[0] == summaries[1]
    assert firsts[0] == firsts[1]


def test_another_seed_gives_other_people():
    def first_person(seed):
        person = make_people(random.Random(seed), 5, TODAY)[0]
        return person.first_name, person.last_name, person.birthdate, person.mobile_phone

    assert first_person(11) == first_person(11)
    assert first_person(12) != first_person(11)


def test_demo_has_the_requested_number_of_patients_in_households(demo):
    session, summary = demo
    assert summary.patients == _count(session, Patient) == 300
    patients = session.exec(select(Patient)).all()
    assert all(p.guarantor_id is not None for p in patients)
    heads = {p.guarantor_id for p in patients}
    assert all(session.get(Patient, head).guarantor_id == head for head in heads)
    assert summary.households == len(heads) < 300


def test_demo_contacts_use_reserved_numbers_and_domains(demo):
    session, _ = demo
    patients = session.exec(select(Patient)).all()
    assert all(re.fullmatch(r"\(\d{3}\) 555-01\d\d", p.mobile_phone) for p in patients if p.mobile_phone)
    assert all(p.email.rsplit("@", 1)[1] in ("example.com", "example.net", "example.org") for p in patients if p.email)
    ages = [(TODAY - p.birthdate).days // 365 for p in patients]
    assert min(ages) >= 3 and max(ages) <= 90
    assert {p.preferred_channel for p in patients} == {"sms", "email", "phone"}
    assert any(p.timezone not in (None, "America/Chicago") for p in patients)


def test_demo_has_anxious_and_sms_opted_out_patients_recorded_in_the_consent_ledger(demo):
    session, summary = demo
    anxious = _count(session, Patient, Patient.anxious)
    assert anxious == summary.anxious_patients and 0.04 * 300 <= anxious <= 0.14 * 300
    opt_outs = session.exec(select(ConsentEvent).where(ConsentEvent.granted == False)).all()  # noqa: E712
    assert len(opt_outs) == summary.sms_opted_out > 0
    assert {(e.channel, e.source) for e in opt_outs} == {("sms", "demo")}
    assert all(not session.get(Patient, e.patient_id).sms_ok for e in opt_outs)


def test_demo_books_today_within_opening_hours(demo):
    session, summary = demo
    start, end = (datetime.combine(TODAY + timedelta(days=n), time(0), tzinfo=CHICAGO) for n in (0, 1))
    today = session.exec(select(Appointment).where(Appointment.start >= start, Appointment.start < end)).all()
    assert len(today) == summary.todays_appointments >= 8
    assert {a.status for a in today} == {"scheduled"}
    local = [a.start.astimezone(CHICAGO) for a in today]
    assert all(time(8) <= t.time() and (t + timedelta(minutes=a.duration_minutes)).time() <= time(17)
               for t, a in zip(local, today, strict=True))


def test_demo_books_the_next_four_weeks_and_leaves_nothing_scheduled_in_the_past(demo):
    session, summary = demo
    today_start = datetime.combine(TODAY, time(0), tzinfo=CHICAGO)
    horizon = today_start + timedelta(days=29)
    ahead = _count(session, Appointment, Appointment.start >= today_start + timedelta(days=1), Appointment.start < horizon)
    assert ahead == summary.upcoming_appointments > 10
    assert _count(session, Appointment, Appointment.status == "scheduled", Appointment.start < today_start) == 0
    assert _count(session, Appointment, Appointment.start >= horizon) == 0


def test_demo_history_spans_three_years_with_realistic_attendance(demo):
    session, summary = demo
    oldest = session.exec(select(func.min(Appointment.start))).one()
    assert (TODAY - oldest.date()).days >= 3 * 365
    report = kpi_report(session=session, practice_id=summary.practice_id, date_from=TODAY - timedelta(days=364),
                        date_to=TODAY)
    assert 0.02 <= report["appointments"]["no_show_rate"] <= 0.10
    assert 0.03 <= report["appointments"]["cancellation_rate"] <= 0.15
    assert 0.75 <= report["patients"]["retention_rate"] <= 1.0
    assert report["new_patients"] > 0 and report["referrals"] > 0


def test_demo_procedures_plans_and_referrals_are_consistent(demo):
    session, summary = demo
    done = session.exec(select(Procedure).where(Procedure.status == "completed")).all()
    assert all(p.fee > 0 and p.performed_on is not None and p.appointment_id is not None for p in done)
    assert {"D0120", "D1110", "D0274", "D0150", "D2740", "D4910"} <= {p.cdt_code for p in done}
    assert set(session.exec(select(TreatmentPlan.status).distinct()).all()) == {"presented", "accepted", "declined"}
    referrals = session.exec(select(Referral)).all()
    assert len(referrals) == summary.referrals
    assert all(r.referrer_patient_id != r.referred_patient_id for r in referrals)


def test_demo_holidays_cover_this_and_next_year(demo):
    session, _ = demo
    days = {h.day for h in session.exec(select(Holiday)).all()}
    assert len(days) == 22
    assert {date(2025, 7, 4), date(2025, 11, 27), date(2026, 7, 3), date(2026, 12, 25)} <= days


def test_demo_admin_can_log_in_and_every_role_has_a_user(demo):
    session, summary = demo
    settings = get_settings()
    admin = authenticate(session=session, email=settings.admin_email, password=settings.admin_password)
    assert admin is not None and admin.role == "admin"
    assert {role for _, role in summary.logins} == {"admin", "front_desk", "coordinator", "manager"}
    assert _count(session, StaffUser) == 4


def test_demo_is_history_and_sends_or_emits_nothing(demo):
    session, _ = demo
    assert _count(session, DomainEvent) == 0
    assert _count(session, Message) == 0


def test_a_second_load_leaves_the_existing_practice_alone(demo):
    session, summary = demo
    again = load_demo(session=session, today=TODAY)
    assert (again.created, again.practice_id, again.patients) == (False, summary.practice_id, 0)
    assert _count(session, Patient) == 300

"""`load_demo`: the built-in demo practice, three years of history and a booked month ahead; nothing is sent."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.auth import create_user
from models.demo import writer
from models.demo.book import Book
from models.demo.holidays import us_federal_holidays
from models.demo.names import PRACTICE_PHONE
from models.demo.notes import make_notes
from models.demo.people import PersonSpec, make_people
from models.demo.schedule import fill_today
from models.demo.specs import VisitSpec
from models.demo.visits import HORIZON_DAYS, History, simulate_person
from models.settings import get_settings
from models.tables import Holiday, Practice, Role

PRACTICE_NAME = "Lakeside Family Dental"
PRACTICE_TZ = "America/Chicago"
STAFF = (("frontdesk", "Renee Carter", Role.FRONT_DESK), ("coordinator", "Marcus Bell", Role.COORDINATOR),
         ("manager", "Helen Ortiz", Role.MANAGER))


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded; `created` is False when a practice already existed and nothing was touched."""

    created: bool
    practice_id: int | None
    patients: int = 0
    households: int = 0
    appointments: int = 0
    completed_visits: int = 0
    todays_appointments: int = 0
    upcoming_appointments: int = 0  # after today, within the booked four weeks
    procedures: int = 0
    treatment_plans: int = 0
    recalls: int = 0
    referrals: int = 0
    notes: int = 0
    anxious_patients: int = 0
    sms_opted_out: int = 0
    logins: tuple[tuple[str, str], ...] = ()  # (email, role)
    password: str = ""  # every demo login shares the configured admin password


def practice_today(tz: str = PRACTICE_TZ) -> date:
    """The practice's calendar day, not the server's."""
    return datetime.now(ZoneInfo(tz)).date()


def _create_practice(session: Session, today: date) -> Practice:
    practice = Practice(name=PRACTICE_NAME, timezone=PRACTICE_TZ, phone=PRACTICE_PHONE,
                        email="office@lakeside-dental.example.com", review_url="https://reviews.example.com/lakeside")
    session.add(practice)
    session.flush()
    session.add_all([Holiday(practice_id=practice.id, day=day, name=name)
                     for year in (today.year, today.year + 1) for day, name in us_federal_holidays(year)])
    return practice


def _create_staff(session: Session, practice: Practice) -> tuple[tuple[str, str], ...]:
    """The configured admin plus one login per other role, all with the admin password."""
    settings = get_settings()
    domain = settings.admin_email.rsplit("@", 1)[-1]
    logins = [(settings.admin_email, "Practice Admin", Role.ADMIN)]
    logins += [(f"{local}@{domain}", name, role) for local, name, role in STAFF]
    for email, name, role in logins:
        create_user(session=session, practice_id=practice.id, email=email, full_name=name, role=role,
                    password=settings.admin_password)
    return tuple((email.strip().lower(), str(role)) for email, _, role in logins)


def load_demo(*, session: Session, patients: int = 300, seed: int = 7, today: date | None = None) -> DemoSummary:
    """Create the demo practice unless a practice exists; deterministic for a given seed and day."""
    existing = session.exec(select(Practice)).first()
    if existing is not None:
        return DemoSummary(created=False, practice_id=existing.id)
    if patients < 1:
        raise ValueError("the demo needs at least one patient")
    today = today or practice_today()
    rng = random.Random(seed)
    practice = _create_practice(session, today)
    logins = _create_staff(session, practice)
    people = make_people(rng, patients, today)
    closed = {day for year in range(today.year - 4, today.year + 2) for day, _ in us_federal_holidays(year)}
    book = Book(today, closed)
    histories = [simulate_person(rng, person, today, book) for person in people]
    fill_today(rng, people, histories, today, book)
    counts = _write(session, practice, rng, people, histories, today)
    return DemoSummary(created=True, practice_id=practice.id, logins=logins,
                       password=get_settings().admin_password, **counts)


def _write(session: Session, practice: Practice, rng: random.Random, people: list[PersonSpec],
           histories: list[History], today: date) -> dict[str, int]:
    """All rows in four flushes; returns the counts for the summary."""
    clock = writer.Clock(practice.timezone)
    visits = [v for h in histories for v in h.visits]
    plans = [p for h in histories for p in h.plans]
    notes = make_notes(rng, people, visits, plans, today)
    patients = writer.write_patients(session, practice, people, clock, today)
    written = writer.write_plans_and_visits(session, practice, patients, visits, plans, clock)
    procs = [p for v in visits for p in v.procs] + [p for plan in plans for p in plan.procs]
    pairs = list(zip(people, patients, strict=True))
    recalls = [r for (person, row), h in zip(pairs, histories, strict=True)
               if (r := writer.recall_row(practice, person, row, h.visits)) is not None]
    referrals = [writer.referral_row(practice, p, patients, clock, today) for p in people if p.referred_by is not None]
    consents = [c for person, row in pairs for c in writer.consent_rows(person, row, clock)]
    session.add_all(writer.procedure_rows(practice, written, procs) + recalls + referrals + consents
                    + [writer.note_row(practice, n, patients, clock) for n in notes])
    session.flush()
    return dict(_visit_counts(visits, today), patients=len(people), households=len({p.household for p in people}),
                procedures=len(procs), treatment_plans=len(plans), recalls=len(recalls), referrals=len(referrals),
                notes=len(notes), anxious_patients=sum(p.anxious for p in people),
                sms_opted_out=sum(p.sms_opt_out_day is not None for p in people))


def _visit_counts(visits: list[VisitSpec], today: date) -> dict[str, int]:
    horizon = today + timedelta(days=HORIZON_DAYS)
    return dict(appointments=len(visits), completed_visits=sum(v.status == "completed" for v in visits),
                todays_appointments=sum(v.day == today for v in visits),
                upcoming_appointments=sum(today < v.day <= horizon and v.status == "scheduled" for v in visits))

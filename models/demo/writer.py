"""Turns the demo's plain records into rows, a table at a time, flushing only when ids are needed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.demo.notes import NoteSpec
from models.demo.people import PersonSpec
from models.demo.specs import PlanSpec, ProcSpec, VisitSpec
from models.tables import (Appointment, ConsentEvent, Note, Patient, Practice, Procedure, Recall, Referral,
                           TreatmentPlan)


@dataclass
class Written:
    """Rows by spec, so later tables can point at earlier ones."""

    patients: list[Patient]
    plans: dict[int, TreatmentPlan]  # id(PlanSpec) -> row
    appointments: dict[int, Appointment]  # id(VisitSpec) -> row


class Clock:
    """Practice-local day and minute to an aware UTC timestamp."""

    def __init__(self, tz: str) -> None:
        self._tz = ZoneInfo(tz)

    def at(self, day: date, minute: int = 9 * 60) -> datetime:
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self._tz)
        return local.astimezone(timezone.utc)


def _patient_row(practice: Practice, person: PersonSpec, clock: Clock, today: date) -> Patient:
    joined = person.first_visit or today - timedelta(days=3)
    return Patient(
        practice_id=practice.id, external_id=f"demo:{person.index + 1}", first_name=person.first_name,
        last_name=person.last_name, preferred_name=person.preferred_name, birthdate=person.birthdate,
        gender=person.gender, email=person.email, mobile_phone=person.mobile_phone, home_phone=person.home_phone,
        address=person.address, city=person.city, state="IL", zip=person.zip,
        preferred_channel=person.preferred_channel, sms_ok=person.sms_ok, language=person.language,
        timezone=person.timezone, anxious=person.anxious, status=person.status, first_visit=person.first_visit,
        created_at=clock.at(joined - timedelta(days=7)), updated_at=clock.at(joined),
    )


def write_patients(session: Session, practice: Practice, people: list[PersonSpec], clock: Clock,
                   today: date) -> list[Patient]:
    """Patients first (for ids), then every member points at the household's guarantor."""
    rows = [_patient_row(practice, person, clock, today) for person in people]
    session.add_all(rows)
    session.flush()
    for person, row in zip(people, rows, strict=True):
        row.guarantor_id = rows[person.head].id
    session.flush()
    return rows


def write_plans_and_visits(session: Session, practice: Practice, patients: list[Patient], visits: list[VisitSpec],
                           plans: list[PlanSpec], clock: Clock) -> Written:
    plan_rows = {id(plan): TreatmentPlan(
        practice_id=practice.id, patient_id=patients[plan.person].id, status=plan.status,
        presented_on=plan.presented_on, decided_on=plan.decided_on, total_fee=plan.total_fee,
        created_at=clock.at(plan.presented_on, 11 * 60)) for plan in plans}
    visit_rows = {id(visit): _appointment_row(practice, patients, visit, clock) for visit in visits}
    session.add_all(list(plan_rows.values()) + list(visit_rows.values()))
    session.flush()
    return Written(patients, plan_rows, visit_rows)


def _appointment_row(practice: Practice, patients: list[Patient], visit: VisitSpec, clock: Clock) -> Appointment:
    start = clock.at(visit.day, visit.start_minute)
    end, booked = start + timedelta(minutes=visit.duration), clock.at(visit.booked_on, 10 * 60)
    done = visit.status == "completed"
    return Appointment(
        practice_id=practice.id, patient_id=patients[visit.person].id, start=start, duration_minutes=visit.duration,
        status=visit.status, provider=visit.provider, operatory=visit.operatory,
        is_new_patient=visit.kind == "new_patient", is_hygiene=visit.is_hygiene, description=visit.description,
        completed_at=end if done else None, created_at=booked,
        updated_at=end if visit.status != "scheduled" else booked,
    )


def procedure_rows(practice: Practice, written: Written, procs: list[ProcSpec]) -> list[Procedure]:
    """Completed when their visit was; otherwise planned (on a plan, or attached to a booked visit)."""
    rows = []
    for proc in procs:
        visit, plan = proc.visit, proc.plan
        done = visit is not None and visit.status == "completed"
        patient_id = written.patients[(visit or plan).person].id
        rows.append(Procedure(
            practice_id=practice.id, patient_id=patient_id, cdt_code=proc.code, description=proc.description,
            appointment_id=written.appointments[id(visit)].id if visit is not None else None,
            treatment_plan_id=written.plans[id(plan)].id if plan is not None else None,
            status="completed" if done else "planned", fee=proc.fee, tooth=proc.tooth, surface=proc.surface,
            performed_on=visit.day if done else None,
            planned_on=plan.presented_on if plan is not None else visit.day if not done else None,
        ))
    return rows


def recall_row(practice: Practice, person: PersonSpec, patient: Patient, visits: list[VisitSpec]) -> Recall | None:
    """Due six months (four for perio) after the last cleaning; scheduled when a hygiene visit is booked."""
    cleans = [v.day for v in visits if v.is_hygiene and v.status == "completed"]
    if not cleans:
        return None
    booked = [v.day for v in visits if v.is_hygiene and v.status == "scheduled"]
    months = 4 if person.perio else 6
    return Recall(practice_id=practice.id, patient_id=patient.id, previous_on=max(cleans),
                  due_on=max(cleans) + timedelta(days=months * 365 // 12), scheduled_on=min(booked, default=None),
                  interval=f"{months}m", disabled=person.status != "active")


def referral_row(practice: Practice, person: PersonSpec, patients: list[Patient], clock: Clock,
                 today: date) -> Referral:
    """Recorded a week before the referred patient's first visit, when they booked."""
    arrived = person.first_visit or today
    return Referral(practice_id=practice.id, referrer_patient_id=patients[person.referred_by].id,
                    referred_patient_id=patients[person.index].id,
                    created_at=clock.at(arrived - timedelta(days=7), 12 * 60))


def consent_rows(person: PersonSpec, patient: Patient, clock: Clock) -> list[ConsentEvent]:
    """Texting consent from the intake form; a later STOP is its own, newer row."""
    if not person.mobile_phone or person.first_visit is None:
        return []
    rows = [ConsentEvent(patient_id=patient.id, channel="sms", granted=True, source="demo",
                         evidence="intake form", at=clock.at(person.first_visit, 8 * 60))]
    if person.sms_opt_out_day is not None:
        rows.append(ConsentEvent(patient_id=patient.id, channel="sms", granted=False, source="demo",
                                 evidence="replied STOP", at=clock.at(person.sms_opt_out_day, 13 * 60)))
    return rows


def note_row(practice: Practice, note: NoteSpec, patients: list[Patient], clock: Clock) -> Note:
    return Note(practice_id=practice.id, patient_id=patients[note.person].id, kind=note.kind, channel=note.channel,
                direction=note.direction, body=note.body, at=clock.at(note.day, note.minute))

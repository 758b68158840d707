"""Communication history the front desk would have logged: calls, reminders, plan discussions."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from models.demo.people import PersonSpec
from models.demo.specs import PlanSpec, VisitSpec


@dataclass(frozen=True)
class NoteSpec:
    person: int
    day: date
    minute: int  # practice-local minutes after midnight
    kind: str  # note / commlog
    channel: str
    direction: str
    body: str


def _visit_notes(rng: random.Random, visit: VisitSpec) -> list[NoteSpec]:
    if visit.status == "no_show":
        return [NoteSpec(visit.person, visit.day, 16 * 60 + 30, "commlog", "phone", "sent",
                         "No-show. Left a voicemail asking the patient to call back and rebook.")]
    if visit.status == "cancelled":
        return [NoteSpec(visit.person, visit.day - timedelta(days=rng.randint(1, 3)), 9 * 60 + 15, "commlog", "phone",
                         "received", "Patient called to cancel; will call back to reschedule.")]
    if visit.status == "completed" and rng.random() < 0.2:
        return [NoteSpec(visit.person, visit.day - timedelta(days=2), 10 * 60, "commlog", "text", "sent",
                         "Appointment reminder sent; patient confirmed by text.")]
    return []


def _plan_notes(plan: PlanSpec) -> list[NoteSpec]:
    notes = [NoteSpec(plan.person, plan.presented_on, 11 * 60, "commlog", "in_person", "sent",
                      "Reviewed the treatment plan and insurance estimate with the patient.")]
    if plan.status == "declined" and plan.decided_on is not None:
        notes.append(NoteSpec(plan.person, plan.decided_on, 14 * 60, "commlog", "phone", "received",
                              "Patient declined the treatment for now (cost); asked us to keep it on file."))
    return notes


def _person_notes(person: PersonSpec, today: date) -> list[NoteSpec]:
    notes = []
    if person.anxious and person.first_visit is not None:
        notes.append(NoteSpec(person.index, person.first_visit, 8 * 60, "note", "", "",
                              "Dental anxiety: explain each step, offer nitrous, prefers morning appointments."))
    if person.sms_opt_out_day is not None:
        notes.append(NoteSpec(person.index, person.sms_opt_out_day, 13 * 60, "note", "", "",
                              "Asked not to receive text messages."))
    if person.lapse_day is not None and person.lapse_day + timedelta(days=200) < today:
        notes.append(NoteSpec(person.index, person.lapse_day + timedelta(days=200), 10 * 60, "commlog", "mail", "sent",
                              "Recall overdue: postcard sent."))
    return notes


def make_notes(rng: random.Random, people: list[PersonSpec], visits: list[VisitSpec], plans: list[PlanSpec],
               today: date) -> list[NoteSpec]:
    """Notes dated before today only: the demo never writes the future."""
    notes = [n for v in visits for n in _visit_notes(rng, v)]
    notes += [n for plan in plans for n in _plan_notes(plan)]
    notes += [n for p in people for n in _person_notes(p, today)]
    return [n for n in notes if n.day < today]

"""Three years of visits for one demo patient: recalls every few months, treatment, the odd no-show."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.demo.book import Book
from models.demo.findings import hygiene_codes, maybe_plan
from models.demo.people import HISTORY_DAYS, PersonSpec
from models.demo.specs import PlanSpec, ProcSpec, VisitSpec

HORIZON_DAYS = 28  # appointments are already booked for the coming four weeks
DURATIONS = {"new_patient": 90, "recall": 60, "treatment": 60, "emergency": 30}
ROOM_KIND = {"new_patient": "hygiene", "recall": "hygiene", "treatment": "doctor", "emergency": "doctor"}


@dataclass
class History:
    visits: list[VisitSpec] = field(default_factory=list)
    plans: list[PlanSpec] = field(default_factory=list)


@dataclass
class VisitContext:
    rng: random.Random
    person: PersonSpec
    today: date
    book: Book
    history: History

    @property
    def horizon(self) -> date:
        return self.today + timedelta(days=HORIZON_DAYS)

    def can_come(self, day: date) -> bool:
        """Nobody comes after drifting away; only active patients have appointments ahead."""
        if self.person.lapse_day is not None and day > self.person.lapse_day:
            return False
        return day < self.today or (day <= self.horizon and self.person.status == "active")


def _outcome(ctx: VisitContext, day: date) -> str:
    """Past visits mostly happen; about 5% are no-shows (twice that for nervous patients) and 9% are cancelled."""
    if day >= ctx.today:
        return "scheduled"
    roll = ctx.rng.random()
    no_show = 0.10 if ctx.person.anxious else 0.05
    return "no_show" if roll < no_show else "cancelled" if roll < no_show + 0.09 else "completed"


def attend(ctx: VisitContext, day: date, kind: str, *, book_rate: float = 1.0,
           must_complete: bool = False) -> VisitSpec | None:
    """Book the visit (rebooking after a no-show or cancellation); the last attempt, or None when never booked."""
    last = None
    for _attempt in range(3):
        day = ctx.book.next_open(day)
        if not ctx.can_come(day) or (day > ctx.today and ctx.rng.random() >= book_rate):
            return last
        slot = ctx.book.place(ctx.rng, day, ROOM_KIND[kind], DURATIONS[kind])
        status = "completed" if must_complete else _outcome(ctx, slot.day)
        last = VisitSpec(person=ctx.person.index, day=slot.day, start_minute=slot.start_minute,
                         duration=DURATIONS[kind], kind=kind, status=status, operatory=slot.operatory,
                         provider=slot.provider,
                         booked_on=min(slot.day, ctx.today) - timedelta(days=ctx.rng.randint(3, 40)))
        ctx.history.visits.append(last)
        if status in ("completed", "scheduled"):
            return last
        day = slot.day + timedelta(days=ctx.rng.randint(5, 25))
    return last


def _after_exam(ctx: VisitContext, visit: VisitSpec) -> None:
    """An exam may produce a plan; accepted plans are treated in later visits."""
    plan = maybe_plan(ctx.rng, ctx.person, visit.day, new_patient=visit.kind == "new_patient", today=ctx.today)
    if plan is None:
        return
    ctx.history.plans.append(plan)
    if plan.status != "accepted":
        return
    day = plan.decided_on + timedelta(days=ctx.rng.randint(3, 30))
    for stage in plan.stages:
        done = attend(ctx, day, "treatment", book_rate=0.85)
        if done is None:
            return
        for proc in stage:
            proc.visit = done
        if done.status != "completed":
            return
        day = done.day + timedelta(days=ctx.rng.randint(14, 28))


def hygiene_visit(ctx: VisitContext, day: date, kind: str, last_bitewings: date, **kwargs) -> VisitSpec | None:
    visit = attend(ctx, day, kind, **kwargs)
    if visit is not None and visit.status in ("completed", "scheduled"):
        due = (visit.day - last_bitewings).days > 330
        visit.procs = hygiene_codes(ctx.person, visit.day, new_patient=kind == "new_patient", bitewings_due=due)
        for proc in visit.procs:
            proc.visit = visit
        if visit.status == "completed":
            _after_exam(ctx, visit)
    return visit


def _recall_cycle(ctx: VisitContext, last_clean: date, last_bitewings: date) -> None:
    """Recall visits every ~6 months (4 for perio patients) until the patient lapses or the next one is ahead."""
    interval = 120 if ctx.person.perio else 182
    while True:
        target = last_clean + timedelta(days=interval + ctx.rng.randint(-14, 28))
        if target > ctx.horizon:
            return
        visit = hygiene_visit(ctx, target, "recall", last_bitewings, book_rate=0.7)
        if visit is None or visit.status != "completed":
            return
        if any(p.code in ("D0274", "D0272") for p in visit.procs):
            last_bitewings = visit.day
        last_clean = visit.day


def _emergencies(ctx: VisitContext) -> None:
    """Now and then a patient calls with a toothache and is seen the same week."""
    start = max(ctx.person.first_visit, ctx.today - timedelta(days=HISTORY_DAYS))
    for year in range(3):
        if ctx.rng.random() < 0.05:
            day = start + timedelta(days=ctx.rng.randint(0, 364) + 365 * year)
            if day < ctx.today:
                visit = attend(ctx, day, "emergency")
                if visit is not None and visit.status == "completed":
                    visit.procs = [ProcSpec("D0140", visit=visit), ProcSpec("D0220", visit=visit)]
                    _after_exam(ctx, visit)


def simulate_person(rng: random.Random, person: PersonSpec, today: date, book: Book) -> History:
    """The visit history (and booked future) of one patient."""
    ctx = VisitContext(rng, person, today, book, History())
    window_start = today - timedelta(days=HISTORY_DAYS)
    if person.first_visit is None:  # a new patient whose first appointment is still ahead
        hygiene_visit(ctx, today + timedelta(days=rng.randint(1, HORIZON_DAYS - 1)), "new_patient", today)
        return ctx.history
    if person.first_visit >= window_start:
        first = hygiene_visit(ctx, person.first_visit, "new_patient", person.first_visit, must_complete=True)
        person.first_visit = first.day  # the book may have moved it to the next open day
        last_clean = last_bitewings = first.day
    else:
        last_clean = window_start - timedelta(days=rng.randint(0, 180))
        last_bitewings = last_clean - timedelta(days=rng.randint(0, 300))
    _recall_cycle(ctx, last_clean, last_bitewings)
    _emergencies(ctx)
    return ctx.history

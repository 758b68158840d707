"""Today's book: the demo always opens with a full-enough day for the front desk to work through."""
from __future__ import annotations

import random
from datetime import date

from models.demo.book import Book
from models.demo.people import PersonSpec
from models.demo.specs import ProcSpec, VisitSpec
from models.demo.visits import History, VisitContext, attend, hygiene_visit

TODAY_MINIMUM = 12
RECALL_DUE_DAYS = 150  # a cleaning this long ago means the six-month recall is near


def _days_since_cleaning(person: PersonSpec, history: History, today: date) -> int:
    cleans = [v.day for v in history.visits if v.is_hygiene and v.status == "completed"]
    return (today - max(cleans, default=person.first_visit)).days


def _free_today(person: PersonSpec, history: History, today: date) -> bool:
    """Active, still coming, and nothing booked from today on."""
    return (person.status == "active" and person.first_visit is not None and person.lapse_day is None
            and not any(v.day >= today for v in history.visits))


def _book_one(rng: random.Random, person: PersonSpec, history: History, today: date, book: Book) -> VisitSpec | None:
    """A recall if one is near, else open accepted treatment, else a limited exam for a complaint."""
    ctx = VisitContext(rng, person, today, book, history)
    if _days_since_cleaning(person, history, today) > RECALL_DUE_DAYS:
        return hygiene_visit(ctx, today, "recall", person.first_visit)
    open_stage = next((stage for plan in history.plans if plan.status == "accepted"
                       for stage in plan.stages if all(p.visit is None for p in stage)), None)
    visit = attend(ctx, today, "treatment" if open_stage else "emergency")
    if visit is not None:
        for proc in open_stage or []:
            proc.visit = visit
        if open_stage is None:
            visit.procs = [ProcSpec("D0140", visit=visit)]
    return visit


def fill_today(rng: random.Random, people: list[PersonSpec], histories: list[History], today: date, book: Book,
               minimum: int = TODAY_MINIMUM) -> None:
    """Top today's schedule up to `minimum` appointments: two thirds due recalls, the rest in the doctors' rooms."""
    todays = [v for h in histories for v in h.visits if v.day == today]
    booked = len(todays)
    candidates = [p for p, h in zip(people, histories, strict=True) if _free_today(p, h, today)]
    rng.shuffle(candidates)
    due = [p for p in candidates if _days_since_cleaning(p, histories[p.index], today) > RECALL_DUE_DAYS]
    others = [p for p in candidates if p not in due]
    recall_share = max(0, minimum * 2 // 3 - sum(v.is_hygiene for v in todays))
    for person in due[:recall_share] + others + due[recall_share:]:
        if booked >= minimum:
            return
        if _book_one(rng, person, histories[person.index], today, book) is not None:
            booked += 1

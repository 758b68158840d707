"""Demo households: who the patients are, how they reach us, and when they joined or drifted away."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from models.demo.names import LAST_NAMES, NICKNAMES, ContactBook, first_name, street_address

HISTORY_DAYS = 3 * 365  # the demo holds three years of visits
OTHER_TIME_ZONES = ("America/New_York", "America/Denver", "America/Los_Angeles", "America/Phoenix")
_FALLBACKS = {"sms": ("sms", "email", "phone"), "email": ("email", "sms", "phone"), "phone": ("phone",)}


@dataclass
class PersonSpec:
    """One demo patient before it becomes a row; `index` is its place in load order."""

    index: int
    household: int
    head: int  # index of the household's guarantor (itself for the head)
    first_name: str
    last_name: str
    gender: str
    birthdate: date
    preferred_name: str = ""
    email: str = ""
    mobile_phone: str = ""
    home_phone: str = ""
    address: str = ""
    city: str = ""
    zip: str = ""
    preferred_channel: str = "sms"
    language: str = "en"
    timezone: str | None = None
    anxious: bool = False
    status: str = "active"
    first_visit: date | None = None  # None: the first appointment is still ahead
    lapse_day: date | None = None  # stops coming after this day
    perio: bool = False
    sms_opt_out_day: date | None = None
    referred_by: int | None = None  # index of the referring patient

    @property
    def sms_ok(self) -> bool:
        return bool(self.mobile_phone) and self.sms_opt_out_day is None

    def age_on(self, day: date) -> int:
        return day.year - self.birthdate.year - ((day.month, day.day) < (self.birthdate.month, self.birthdate.day))


def _birthdate(rng: random.Random, today: date, age: int) -> date:
    return today - timedelta(days=int(age * 365.25) + rng.randint(1, 360))


def _household_ages(rng: random.Random) -> list[int]:
    """Ages of one household: single adult, couple, or family with children."""
    roll = rng.random()
    if roll < 0.40:
        return [rng.randint(19, 89)]
    if roll < 0.65:
        age = rng.randint(24, 85)
        return [age, max(19, min(89, age + rng.randint(-6, 6)))]
    parent = rng.randint(28, 52)
    adults = [parent] if rng.random() < 0.2 else [parent, max(24, parent + rng.randint(-5, 5))]
    return adults + [rng.randint(3, 17) for _ in range(rng.randint(1, 3))]


def _join_day(rng: random.Random, today: date) -> date | None:
    """When a household first came: before the history window (established), inside it (new), or not yet."""
    roll = rng.random()
    if roll < 0.58:
        return today - timedelta(days=HISTORY_DAYS + rng.randint(30, 4000))
    if roll < 0.98:
        return today - timedelta(days=rng.randint(10, HISTORY_DAYS - 1))
    return None


def _contact(rng: random.Random, book: ContactBook, person: PersonSpec, head: PersonSpec | None, today: date) -> None:
    """Children share the guarantor's phone and e-mail; adults have their own."""
    age = person.age_on(today)
    if head is not None and age < 16:
        person.mobile_phone, person.email = head.mobile_phone, head.email
        person.preferred_channel = head.preferred_channel
        return
    person.mobile_phone = book.phone() if rng.random() < 0.93 else ""
    person.email = book.email(person.first_name, person.last_name) if rng.random() < 0.88 else ""
    if rng.random() < 0.25:
        person.home_phone = book.phone()
    roll = rng.random() + (0.3 if age >= 75 else 0.0)  # older patients prefer a call
    wanted = "sms" if roll < 0.6 else "email" if roll < 0.9 else "phone"
    available = {"sms": bool(person.mobile_phone), "email": bool(person.email), "phone": True}
    person.preferred_channel = next(c for c in _FALLBACKS[wanted] if available[c])


def _clinical_profile(rng: random.Random, person: PersonSpec, join: date | None, today: date) -> None:
    """First visit, perio status, anxiety and whether (and when) the patient drifts away."""
    if join is not None:
        earliest = person.birthdate + timedelta(days=3 * 365)  # children start at about three
        person.first_visit = max(join, earliest) if max(join, earliest) < today else None
    adult = person.age_on(today) >= 35
    person.perio = adult and rng.random() < 0.12
    person.anxious = rng.random() < 0.08
    if person.first_visit is not None and rng.random() < 0.22:
        start = max(person.first_visit, today - timedelta(days=HISTORY_DAYS))
        span = (today - start).days
        if span > 60:
            person.lapse_day = start + timedelta(days=rng.randint(30, span))


def _opt_out(rng: random.Random, person: PersonSpec, today: date) -> None:
    """About one in twenty texting patients has replied STOP at some point."""
    if not person.mobile_phone or person.first_visit is None or rng.random() >= 0.05:
        return
    span = max(1, (today - max(person.first_visit, today - timedelta(days=HISTORY_DAYS))).days)
    person.sms_opt_out_day = today - timedelta(days=rng.randint(1, span))
    if person.preferred_channel == "sms":
        person.preferred_channel = "email" if person.email else "phone"


def make_people(rng: random.Random, count: int, today: date) -> list[PersonSpec]:
    """`count` patients in households, in a deterministic order (heads before their dependents)."""
    book, people, household = ContactBook(rng), [], 0
    while len(people) < count:
        ages = _household_ages(rng)[: count - len(people)]
        last, join = rng.choice(LAST_NAMES), _join_day(rng, today)
        street, city, zip_code = street_address(rng)
        language = "es" if rng.random() < 0.06 else "en"
        head: PersonSpec | None = None
        for age in ages:
            gender = rng.choice(("female", "male"))
            name = first_name(rng, gender)
            person = PersonSpec(index=len(people), household=household, head=head.index if head else len(people),
                                first_name=name, last_name=last, gender=gender, birthdate=_birthdate(rng, today, age),
                                preferred_name=NICKNAMES.get(name, "") if rng.random() < 0.5 else "",
                                address=street, city=city, zip=zip_code, language=language)
            _contact(rng, book, person, head, today)
            _clinical_profile(rng, person, join, today)
            _opt_out(rng, person, today)
            if head is None and age >= 18 and rng.random() < 0.04:
                person.timezone = rng.choice(OTHER_TIME_ZONES)
            people.append(person)
            head = head or person
        if rng.random() < 0.04:
            _move_away(rng, people[head.index:], today)
        household += 1
    _assign_referrals(rng, people, today)
    return people


def _move_away(rng: random.Random, household: list[PersonSpec], today: date) -> None:
    """The whole household moved: inactive, and no visits after the move."""
    moved_on = today - timedelta(days=rng.randint(20, 400))
    for person in household:
        person.status = "inactive"
        if person.first_visit is not None:
            person.lapse_day = min(person.lapse_day or today, max(person.first_visit, moved_on))


def _assign_referrals(rng: random.Random, people: list[PersonSpec], today: date) -> None:
    """About three in ten new households was sent by an existing patient from another household."""
    window_start = today - timedelta(days=HISTORY_DAYS)
    for person in people:
        is_new_head = person.head == person.index and (person.first_visit is None or person.first_visit >= window_start)
        if not is_new_head or rng.random() >= 0.3:
            continue
        arrival = person.first_visit or today
        candidates = [p.index for p in people if p.household != person.household and p.first_visit is not None
                      and p.first_visit < arrival - timedelta(days=30) and p.age_on(today) >= 18]
        if candidates:
            person.referred_by = rng.choice(candidates)

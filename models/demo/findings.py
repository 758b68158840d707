"""What a demo exam finds: routine hygiene codes and, sometimes, a treatment plan."""
from __future__ import annotations

import random
from datetime import date, timedelta

from models.demo.cdt import ANTERIORS, MOLARS, PREMOLARS, QUADRANTS
from models.demo.people import PersonSpec
from models.demo.specs import PlanSpec, ProcSpec


def hygiene_codes(person: PersonSpec, day: date, *, new_patient: bool, bitewings_due: bool) -> list[ProcSpec]:
    """Exam, cleaning and radiographs for a new-patient or recall visit."""
    age = person.age_on(day)
    codes = ["D0150", "D0210" if age >= 18 else "D0330"] if new_patient else ["D0120"]
    if age < 14:
        codes += ["D1120", "D1206"] + ([] if new_patient or not bitewings_due else ["D0272"])
    elif person.perio and not new_patient:
        codes += ["D4910"] + (["D0274"] if bitewings_due else [])
    else:
        codes += ["D1110"] + (["D0274"] if bitewings_due and not new_patient else [])
    return [ProcSpec(code) for code in codes]


def _filling(rng: random.Random) -> list[ProcSpec]:
    procs = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.25:
            procs.append(ProcSpec("D2330", str(rng.choice(ANTERIORS)), rng.choice(("M", "D", "F", "L"))))
        else:
            code = rng.choice(("D2391", "D2391", "D2392", "D2140"))
            surface = rng.choice(("MO", "DO")) if code == "D2392" else rng.choice(("O", "B", "L"))
            procs.append(ProcSpec(code, str(rng.choice(MOLARS + PREMOLARS)), surface))
    return procs


def _stages_for(rng: random.Random, person: PersonSpec, day: date) -> list[list[ProcSpec]]:
    """One of the usual findings, split into the visits it takes."""
    if person.age_on(day) < 15:
        if 6 <= person.age_on(day) and rng.random() < 0.5:
            return [[ProcSpec("D1351", str(t), "O") for t in rng.sample((3, 14, 19, 30), k=rng.randint(2, 4))]]
        return [_filling(rng)[:1]]
    roll = rng.random()
    if person.perio and roll < 0.5:
        quads = rng.sample(QUADRANTS, k=rng.choice((2, 4)))
        code = "D4341" if rng.random() < 0.7 else "D4342"
        procs = [ProcSpec(code, "", quadrant) for quadrant in quads]  # two quadrants per visit
        return [procs[:2], procs[2:]] if len(procs) > 2 else [procs]
    if roll < 0.55:
        return [_filling(rng)]
    tooth = str(rng.choice(MOLARS))
    if roll < 0.75:
        return [[ProcSpec("D2950", tooth), ProcSpec("D2740", tooth)]]
    if roll < 0.88:
        if rng.random() < 0.3:
            return [[ProcSpec("D3310", str(rng.choice(ANTERIORS)))]]
        return [[ProcSpec("D3330", tooth)], [ProcSpec("D2950", tooth), ProcSpec("D2740", tooth)]]
    return [[ProcSpec("D7210" if rng.random() < 0.4 else "D7140", tooth)]]


def maybe_plan(rng: random.Random, person: PersonSpec, day: date, *, new_patient: bool, today: date) -> PlanSpec | None:
    """About one exam in five (two in five for new patients) ends with a presented plan."""
    if rng.random() >= (0.4 if new_patient else 0.18):
        return None
    stages = _stages_for(rng, person, day)
    if person.anxious and person.age_on(day) >= 15:
        stages[0].append(ProcSpec("D9230"))  # nitrous for the nervous
    plan = PlanSpec(person=person.index, presented_on=day, stages=stages)
    for proc in plan.procs:
        proc.plan = plan
    _decide(rng, plan, today)
    return plan


def _decide(rng: random.Random, plan: PlanSpec, today: date) -> None:
    """Most plans are accepted, some declined, recent ones often still open."""
    age = (today - plan.presented_on).days
    roll = rng.random()
    accepted, declined = (0.35, 0.05) if age < 21 else (0.58, 0.17)
    if roll < accepted:
        plan.status = "accepted"
    elif roll < accepted + declined:
        plan.status = "declined"
    else:
        return
    plan.decided_on = plan.presented_on + timedelta(days=rng.randint(0, min(14, max(age, 0))))

"""Plain records of the demo history before it is written: visits, procedures and treatment plans."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.demo.cdt import lookup


@dataclass(eq=False)
class ProcSpec:
    """One procedure; `visit` is the appointment it is (or will be) done in."""

    code: str
    tooth: str = ""
    surface: str = ""
    plan: PlanSpec | None = None
    visit: VisitSpec | None = None

    @property
    def fee(self) -> float:
        return lookup(self.code).fee

    @property
    def description(self) -> str:
        return lookup(self.code).description


@dataclass(eq=False)
class PlanSpec:
    person: int
    presented_on: date
    stages: list[list[ProcSpec]]  # each stage is done in one visit
    status: str = "presented"  # presented / accepted / declined
    decided_on: date | None = None

    @property
    def procs(self) -> list[ProcSpec]:
        return [proc for stage in self.stages for proc in stage]

    @property
    def total_fee(self) -> float:
        return round(sum(proc.fee for proc in self.procs), 2)


@dataclass(eq=False)
class VisitSpec:
    person: int
    day: date
    start_minute: int
    duration: int
    kind: str  # new_patient / recall / treatment / emergency
    status: str
    operatory: str
    provider: str
    booked_on: date
    procs: list[ProcSpec] = field(default_factory=list)  # routine codes; plan procedures point here via .visit

    @property
    def is_hygiene(self) -> bool:
        return self.kind in ("new_patient", "recall")

    @property
    def description(self) -> str:
        return {"new_patient": "New patient exam and cleaning", "recall": "Recall: exam and cleaning",
                "treatment": "Treatment", "emergency": "Emergency exam"}[self.kind]

"""Treatment plans, presented and decided: presenting and accepting write their DomainEvent, every change an AuditLog.

A plan is created when it is presented (there is no draft state): its planned procedures are written with it and its
total is their sum. Accepting or declining records the decision date; planned procedures stay "planned" until each
is completed (models.procedures.complete_procedure), which is what unscheduled-treatment follow-ups look for.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models.change_log import practice_today, record_change
from models.events import EventKind
from models.procedures import normalize_cdt_code, validate_fee
from models.tables import Patient, Procedure, TreatmentPlan
from models.validation import bounded_text


@dataclass(frozen=True)
class PlannedItem:
    """One procedure proposed in a plan."""

    cdt_code: str
    fee: float
    description: str = ""
    tooth: str = ""
    surface: str = ""


def present_plan(*, session: Session, patient_id: int, items: Sequence[PlannedItem], presented_on: date | None = None,
                 user_id: int | None = None) -> TreatmentPlan:
    """Create a presented plan with its planned procedures; treatment_plan.presented starts follow-up journeys."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    procedures = [_planned_procedure(patient, item) for item in items]  # validate every item before writing any
    if not procedures:
        raise ValueError("a treatment plan needs at least one procedure")
    presented_on = presented_on or practice_today(session=session, practice_id=patient.practice_id)
    plan = TreatmentPlan(practice_id=patient.practice_id, patient_id=patient.id, status="presented",
                         presented_on=presented_on, total_fee=round(sum(p.fee for p in procedures), 2))
    session.add(plan)
    session.flush()
    for procedure in procedures:
        procedure.treatment_plan_id = plan.id
        procedure.planned_on = presented_on
        session.add(procedure)
    _record(session, plan, user_id, "presented", EventKind.TREATMENT_PLAN_PRESENTED)
    return plan


def accept_plan(*, session: Session, plan_id: int, decided_on: date | None = None,
                user_id: int | None = None) -> TreatmentPlan:
    """The patient said yes; the procedures stay planned until done."""
    plan = _decide(session, plan_id, "accepted", decided_on)
    _record(session, plan, user_id, "status presented -> accepted", EventKind.TREATMENT_PLAN_ACCEPTED)
    return plan


def decline_plan(*, session: Session, plan_id: int, decided_on: date | None = None,
                 user_id: int | None = None) -> TreatmentPlan:
    """The patient said no; audited only, as no journey starts on a declined plan (no event kind exists for it)."""
    plan = _decide(session, plan_id, "declined", decided_on)
    _record(session, plan, user_id, "status presented -> declined", None)
    return plan


def _decide(session: Session, plan_id: int, status: str, decided_on: date | None) -> TreatmentPlan:
    """Only a presented plan can be decided; a second decision is refused so the first one's date stays true."""
    plan = session.get(TreatmentPlan, plan_id)
    if plan is None:
        raise ValueError(f"treatment plan {plan_id} does not exist")
    if plan.status != "presented":
        verb = "accept" if status == "accepted" else "decline"
        raise ValueError(f"cannot {verb} treatment plan {plan_id}: it is already {plan.status}")
    if decided_on is not None and plan.presented_on is not None and decided_on < plan.presented_on:
        raise ValueError("decided_on cannot be before the plan was presented")
    plan.status = status
    plan.decided_on = decided_on or practice_today(session=session, practice_id=plan.practice_id)
    session.add(plan)
    return plan


def _planned_procedure(patient: Patient, item: PlannedItem) -> Procedure:
    return Procedure(practice_id=patient.practice_id, patient_id=patient.id, cdt_code=normalize_cdt_code(item.cdt_code),
                     fee=validate_fee(item.fee), status="planned",
                     description=bounded_text(item.description, field="description", max_length=200),
                     tooth=bounded_text(item.tooth, field="tooth", max_length=20),
                     surface=bounded_text(item.surface, field="surface", max_length=20))


def _record(session: Session, plan: TreatmentPlan, user_id: int | None, detail: str, kind: EventKind | None) -> None:
    payload = {"treatment_plan_id": plan.id, "total_fee": plan.total_fee} if kind is not None else None
    record_change(session=session, practice_id=plan.practice_id, entity="treatment_plan", entity_id=plan.id,
                  detail=detail, user_id=user_id, patient_id=plan.patient_id, kind=kind, payload=payload)

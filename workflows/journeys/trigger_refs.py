"""The row a journey is about when staff enrol a patient by hand or dry-run one, with no event to name it.

`prm simulate` and `prm journeys enrol` both ask `default_trigger_ref`, so the prediction and the enrollment agree:
an appointment-triggered journey is about the patient's next visit (booked, moved, confirmed) or their latest
completed / cancelled / missed one; procedure, treatment-plan, recall and referral journeys about the latest such
row. Refs have the dispatcher's form ("appointment:42", "recall:7:2027-01-15"), so a run the event already started
is recognised as "already enrolled for this trigger". None means the patient has no such row: they are not enrolled.
Journeys whose trigger names no row (patient.created, birthdays, balances) get "manual:<UTC date>".
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlmodel import Session, select

from models.tables import (
    Appointment, AppointmentStatus, Journey, Procedure, Recall, Referral, TreatmentPlan,
)
from workflows.journeys.conditions import evaluate
from workflows.journeys.definition import JourneyDefinition, published_definition
from workflows.journeys.facts import load_facts
from workflows.journeys.versions import latest_version

CANDIDATES = 50  # the most recent rows tried against the trigger's condition
_UPCOMING = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
_PAST_VISIT = {"appointment.completed": AppointmentStatus.COMPLETED, "appointment.cancelled": AppointmentStatus.CANCELLED,
               "appointment.no_show": AppointmentStatus.NO_SHOW}
MISSING_REASONS = {
    "appointment.booked": "no upcoming appointment", "appointment.moved": "no upcoming appointment",
    "appointment.confirmed": "no upcoming appointment", "appointment.completed": "no completed appointment",
    "appointment.cancelled": "no cancelled appointment", "appointment.no_show": "no missed appointment",
    "procedure.completed": "no completed procedure", "treatment_plan.presented": "no presented treatment plan",
    "treatment_plan.accepted": "no accepted treatment plan", "treatment.unscheduled": "no presented treatment plan",
    "recall.due": "no recall on file", "referral.created": "not referred by another patient",
}


def default_trigger_ref(*, session: Session, journey_or_definition: Journey | JourneyDefinition, patient_id: int,
                        now: datetime) -> str | None:
    """The trigger ref a manual enrollment or dry-run of this journey uses for the patient; None when there is none."""
    definition = _definition(session, journey_or_definition)
    event = definition.trigger.event
    finder = _FINDERS.get(event)
    if finder is None:
        return f"manual:{now.astimezone(timezone.utc).date().isoformat()}"
    refs = finder(session, patient_id, now, event)
    if not refs:
        return None
    return _first_meeting_trigger(session, definition, patient_id, refs, now)


def missing_trigger_reason(event: str) -> str:
    """Why a patient has nothing for a journey with this trigger to be about, e.g. "no upcoming appointment"."""
    return MISSING_REASONS.get(event, "nothing for this journey to be about")


def _definition(session: Session, journey_or_definition: Journey | JourneyDefinition) -> JourneyDefinition:
    if isinstance(journey_or_definition, JourneyDefinition):
        return journey_or_definition
    version = latest_version(session=session, journey_id=journey_or_definition.id)
    if version is None:
        raise LookupError(f"journey '{journey_or_definition.key}' has no published version")
    return published_definition(version.definition)


def _first_meeting_trigger(session: Session, definition: JourneyDefinition, patient_id: int, refs: list[str],
                           now: datetime) -> str:
    """The first ref whose facts meet the trigger's condition; else the first one, so the entry decision says why."""
    when = definition.trigger.when
    if when is None:
        return refs[0]
    for ref in refs:
        if evaluate(when, load_facts(session=session, patient_id=patient_id, trigger_ref=ref, now=now)):
            return ref
    return refs[0]


def _upcoming_visits(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    rows = session.exec(select(Appointment.id).where(
        Appointment.patient_id == patient_id, Appointment.status.in_(_UPCOMING), Appointment.start >= now)
        .order_by(Appointment.start, Appointment.id).limit(CANDIDATES)).all()
    return [f"appointment:{row}" for row in rows]


def _past_visits(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    rows = session.exec(select(Appointment.id).where(
        Appointment.patient_id == patient_id, Appointment.status == _PAST_VISIT[event], Appointment.start <= now)
        .order_by(Appointment.start.desc(), Appointment.id.desc()).limit(CANDIDATES)).all()
    return [f"appointment:{row}" for row in rows]


def _procedures(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    rows = session.exec(select(Procedure.id).where(Procedure.patient_id == patient_id, Procedure.status == "completed")
                        .order_by(Procedure.performed_on.desc().nulls_last(), Procedure.id.desc())
                        .limit(CANDIDATES)).all()
    return [f"procedure:{row}" for row in rows]


def _plans(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    statuses = ("accepted",) if event == "treatment_plan.accepted" else ("presented", "accepted")
    rows = session.exec(select(TreatmentPlan.id).where(TreatmentPlan.patient_id == patient_id,
                                                       TreatmentPlan.status.in_(statuses))
                        .order_by(TreatmentPlan.presented_on.desc().nulls_last(), TreatmentPlan.id.desc())
                        .limit(CANDIDATES)).all()
    suffix = ":unscheduled" if event == "treatment.unscheduled" else ""  # the date trigger's ref
    return [f"treatment_plan:{row}{suffix}" for row in rows]


def _recalls(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    rows = session.exec(select(Recall).where(Recall.patient_id == patient_id, Recall.disabled == False,  # noqa: E712
                                             Recall.due_on.is_not(None), Recall.scheduled_on.is_(None))
                        .order_by(Recall.due_on, Recall.id).limit(CANDIDATES)).all()
    return [f"recall:{row.id}:{row.due_on.isoformat()}" for row in rows]


def _referrals(session: Session, patient_id: int, now: datetime, event: str) -> list[str]:
    rows = session.exec(select(Referral.id).where(Referral.referred_patient_id == patient_id)).all()
    return [f"referral:{row}" for row in rows]


_FINDERS: dict[str, Callable[[Session, int, datetime, str], list[str]]] = {
    "appointment.booked": _upcoming_visits, "appointment.moved": _upcoming_visits,
    "appointment.confirmed": _upcoming_visits, "appointment.completed": _past_visits,
    "appointment.cancelled": _past_visits, "appointment.no_show": _past_visits, "procedure.completed": _procedures,
    "treatment_plan.presented": _plans, "treatment_plan.accepted": _plans, "treatment.unscheduled": _plans,
    "recall.due": _recalls, "referral.created": _referrals,
}

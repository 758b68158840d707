"""What a change set off: which journeys its events started and why the others did not, read back from the
Enrollment rows (whoever dispatched the events: the portal's pass or the worker's loop) and the dispatch report."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlmodel import Session, select

from models.tables import DomainEvent, Enrollment, Journey, JourneyStatus
from workflows.dispatcher import DispatchReport, trigger_ref_for


# Entry refusals that only mean "this journey is not for this patient" (decide_entry's wording): not news to staff.
NOT_FOR_THIS_PATIENT = ("trigger condition not met", "not in the segment")


@dataclass(frozen=True)
class FollowUps:
    started: tuple[str, ...] = ()  # journey names with a run for these events
    not_started: tuple[str, ...] = ()  # "<journey name> is paused", "<journey name>: already in this journey"
    pending: bool = False  # some events still wait for a dispatcher (Temporal was unreachable)


@contextmanager
def written_events(session: Session) -> Iterator[list[int]]:
    """Collects the ids of the DomainEvents the session writes inside the block (the change's own events)."""
    ids: list[int] = []

    def collect(flushed: Session, _context) -> None:  # noqa: ANN001
        # After a flush the new objects have their ids but are still listed as new.
        ids.extend(obj.id for obj in flushed.new if isinstance(obj, DomainEvent))

    event.listen(session, "after_flush", collect)
    try:
        yield ids
    finally:
        event.remove(session, "after_flush", collect)


def follow_ups(*, session: Session, event_ids: Sequence[int], report: DispatchReport | None) -> FollowUps:
    """For each event, the journeys it triggers (drafts aside): started, or why not when staff would want to know
    (paused or stopped, refused by re-entry rules or caps); journeys that are not for this patient are left out."""
    refused = {(event_id, journey_id): reason for event_id, journey_id, reason in (report.refused if report else [])}
    started: list[str] = []
    not_started: list[str] = []
    pending = False
    for event_id in event_ids:
        event = session.get(DomainEvent, event_id)
        if event is None or event.patient_id is None:
            continue
        pending = pending or event.dispatched_at is None
        for journey in _triggered(session, event):
            if _has_run(session, journey, event):
                started.append(journey.name)
            elif journey.status != JourneyStatus.ACTIVE:
                not_started.append(f"{journey.name} is {journey.status}")
            elif _worth_saying(refused.get((event.id, journey.id))):
                not_started.append(f"{journey.name}: {refused[(event.id, journey.id)]}")
    return FollowUps(tuple(dict.fromkeys(started)), tuple(dict.fromkeys(not_started)), pending)


def _worth_saying(refusal: str | None) -> bool:
    return refusal is not None and not refusal.startswith(NOT_FOR_THIS_PATIENT)


def _triggered(session: Session, event: DomainEvent) -> list[Journey]:
    return list(session.exec(select(Journey).where(Journey.practice_id == event.practice_id,
                                                   Journey.trigger == event.kind,
                                                   Journey.status != JourneyStatus.DRAFT).order_by(Journey.id)))


def _has_run(session: Session, journey: Journey, event: DomainEvent) -> bool:
    run = session.exec(select(Enrollment.id).where(Enrollment.journey_id == journey.id,
                                                   Enrollment.patient_id == event.patient_id,
                                                   Enrollment.trigger_ref == trigger_ref_for(event))).first()
    return run is not None

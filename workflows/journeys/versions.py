"""Publishing journeys: validated, immutable versions; running enrollments stay on the version they started with.

Journey status: draft (nothing runs), active (new entrants), paused (no new entrants, running enrollments go on),
stopped (no new entrants, running enrollments are closed as "exited" with the reason JOURNEY_STOPPED; their
workflows end at their next step, and staff may cancel them at once with run_control).
"""
from __future__ import annotations

import json

from sqlalchemy import event, func
from sqlmodel import Session, select

from models.tables import (
    AuditLog, Enrollment, EnrollmentStatus, Journey, JourneyStatus, JourneyVersion, MessageTemplate,
)
from models.types import utcnow
from workflows.journeys.definition import JourneyDefinition, parse_definition

JOURNEY_STOPPED = "journey stopped by staff"


@event.listens_for(JourneyVersion, "before_update")
def _versions_are_immutable(mapper, connection, target) -> None:  # noqa: ANN001
    """A published version is what running enrollments execute: changing it would change them mid-run."""
    raise ValueError("a published journey version cannot be changed; publish a new version instead")


def template_keys(*, session: Session, practice_id: int) -> set[str]:
    """Template keys the practice has (on any channel): what a send step may name."""
    rows = session.exec(select(MessageTemplate.key).where(MessageTemplate.practice_id == practice_id)).all()
    return set(rows)


def publish(*, session: Session, journey_id: int, definition: dict | str | JourneyDefinition,
            user_id: int | None = None) -> JourneyVersion:
    """Validate and store the next version; raises DefinitionError listing every problem."""
    journey = _journey(session, journey_id)
    raw = json.loads(definition.to_json()) if isinstance(definition, JourneyDefinition) else definition
    parsed = parse_definition(raw, template_keys=template_keys(session=session, practice_id=journey.practice_id))
    number = session.exec(select(func.max(JourneyVersion.version))
                          .where(JourneyVersion.journey_id == journey_id)).one() or 0
    version = JourneyVersion(journey_id=journey_id, version=number + 1, definition=parsed.to_json(),
                             published_by=user_id, published_at=utcnow())
    journey.trigger = parsed.trigger.event
    session.add_all([version, journey, AuditLog(practice_id=journey.practice_id, user_id=user_id, action="publish",
                                                entity="journey", entity_id=str(journey_id),
                                                detail=f"version {number + 1}")])
    session.flush()
    return version


def latest_version(*, session: Session, journey_id: int) -> JourneyVersion | None:
    return session.exec(select(JourneyVersion).where(JourneyVersion.journey_id == journey_id)
                        .order_by(JourneyVersion.version.desc())).first()


def set_journey_status(*, session: Session, journey_id: int, status: str, user_id: int | None = None,
                       reason: str = "") -> Journey:
    """Activate, pause or stop a journey; stopping closes its running enrollments with the recorded reason."""
    journey = _journey(session, journey_id)
    status = JourneyStatus(status)
    if status == JourneyStatus.ACTIVE and latest_version(session=session, journey_id=journey_id) is None:
        raise ValueError("publish a version before activating the journey")
    closed = 0
    if status == JourneyStatus.STOPPED:
        closed = _close_running(session, journey_id, reason)
    journey.status = status.value
    detail = f"status {status.value}" + (f", {closed} running enrollments exited" if closed else "")
    session.add_all([journey, AuditLog(practice_id=journey.practice_id, user_id=user_id, action="change",
                                       entity="journey", entity_id=str(journey_id), detail=detail)])
    session.flush()
    return journey


def _close_running(session: Session, journey_id: int, reason: str) -> int:
    running = session.exec(select(Enrollment).where(Enrollment.journey_id == journey_id,
                                                    Enrollment.status == EnrollmentStatus.RUNNING)).all()
    now = utcnow()
    # The staff's reason is kept after the fixed prefix; bounded like the column.
    exit_reason = (f"{JOURNEY_STOPPED}: {reason.strip()}" if reason.strip() else JOURNEY_STOPPED)[:300]
    for enrollment in running:
        enrollment.status, enrollment.exit_reason, enrollment.ended_at = EnrollmentStatus.EXITED, exit_reason, now
        session.add(enrollment)
    return len(running)


def _journey(session: Session, journey_id: int) -> Journey:
    journey = session.get(Journey, journey_id)
    if journey is None:
        raise LookupError(f"journey {journey_id} not found")
    return journey

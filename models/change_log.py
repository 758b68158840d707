"""What every journey-relevant change writes next to itself: its DomainEvent (if any) and an AuditLog row."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.events import EventKind, emit_event
from models.tables import AuditLog, Practice
from models.types import utcnow


def record_change(*, session: Session, practice_id: int, entity: str, entity_id: int, detail: str,
                  user_id: int | None, patient_id: int | None = None, kind: EventKind | None = None,
                  payload: dict | None = None) -> None:
    """Flush the change, then add its event and audit row to the same transaction (ids and field names, no PHI)."""
    session.flush()
    if kind is not None:
        emit_event(session=session, practice_id=practice_id, kind=kind, patient_id=patient_id,
                   entity_id=entity_id, payload=payload)
    session.add(AuditLog(practice_id=practice_id, user_id=user_id, action="change", entity=entity,
                         entity_id=str(entity_id), detail=detail[:500]))
    session.flush()


def practice_today(*, session: Session, practice_id: int, now: datetime | None = None) -> date:
    """Today on the practice's calendar: a plan accepted at 7 pm in Chicago is accepted that day, not the next."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise ValueError(f"practice {practice_id} does not exist")
    return (now or utcnow()).astimezone(ZoneInfo(practice.timezone)).date()

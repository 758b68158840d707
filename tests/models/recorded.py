"""What a domain change left behind: its DomainEvents and AuditLog rows, as plain tuples for exact assertions."""
from sqlmodel import select

from models.events import event_payload
from models.tables import AuditLog, DomainEvent


def events(session) -> list[tuple]:
    """(kind, patient_id, entity_id, payload) per DomainEvent, oldest first."""
    rows = session.exec(select(DomainEvent).order_by(DomainEvent.id))
    return [(e.kind, e.patient_id, e.entity_id, event_payload(e)) for e in rows]


def audit(session) -> list[tuple]:
    """(action, entity, entity_id, detail, user_id) per AuditLog row, oldest first."""
    rows = session.exec(select(AuditLog).order_by(AuditLog.id))
    return [(a.action, a.entity, a.entity_id, a.detail, a.user_id) for a in rows]

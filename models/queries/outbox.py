"""The sandbox outbox: every message out and in, newest first, one page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import Message, Patient

PAGE_SIZE = 25


@dataclass(frozen=True)
class OutboxRow:
    id: int
    at: datetime
    direction: str
    channel: str
    to_address: str
    from_address: str
    subject: str
    body: str
    status: str
    reason: str
    template_key: str
    patient_id: int | None
    patient_name: str


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def outbox_page(*, session: Session, practice_id: int, page: int = 1, page_size: int = PAGE_SIZE) -> OutboxPage:
    """Messages of the practice, newest first (by creation: a deferred message keeps its place)."""
    page = max(1, page)
    total = session.exec(select(func.count()).select_from(Message).where(Message.practice_id == practice_id)).one()
    rows = session.exec(select(Message, Patient).join(Patient, Patient.id == Message.patient_id, isouter=True)
                        .where(Message.practice_id == practice_id)
                        .order_by(Message.created_at.desc(), Message.id.desc())
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return OutboxPage(rows=[OutboxRow(id=m.id, at=m.sent_at or m.created_at, direction=m.direction, channel=m.channel,
                                      to_address=m.to_address, from_address=m.from_address, subject=m.subject,
                                      body=m.body, status=m.status, reason=m.reason, template_key=m.template_key,
                                      patient_id=m.patient_id, patient_name=p.display_name if p else "")
                            for m, p in rows],
                      total=total, page=page, page_size=page_size)

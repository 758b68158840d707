"""Send a message at most once, however often the activity that asks is retried or replayed.

Protocol (one Message row per idempotency key, unique in the database):
1. claim: insert the row with status "sending" and COMMIT before the provider is called;
   a caller whose insert hits the unique key does not send, it reads the row instead;
2. deliver, then settle with a conditional update "sending" -> "sent" that must change exactly one row;
3. a retry that finds "sent"/"delivered" returns the stored result (duplicate=True) and calls nothing.

Failures:
- TransientSendError: the provider did not take the message, so the claim is released (row deleted while still
  "sending") and the error re-raised; the next attempt claims afresh and may send exactly once.
- PermanentSendError: the row becomes "failed" with the reason; the error is re-raised (non-retryable for journeys);
  a later call for the same key raises it again from the stored row.
- anything else from the provider, or a row left in "sending" longer than the lease (the process died between
  the provider call and the update): the outcome is unknown, the message may have gone out. It is never resent:
  the row becomes "failed" with reason UNKNOWN_OUTCOME for staff to check, and PermanentSendError is raised.
  A "sending" row younger than the lease belongs to an attempt in flight: TransientSendError, retry later.

session_factory: a zero-argument callable returning a context manager that yields a Session
(e.g. `lambda: Session(engine)` or `lambda: session_scope(engine)`); every step commits explicitly.
with_claim / with_sent: optional callables given the session of the claim / of the sending -> sent update, to add
the caller's own rows (a journey's decisions, its send log) to that transaction instead of committing them apart.
Rows they add must be idempotent (checked before being added): a claim whose rows collide is claimed again, and a
"sent" update whose extra rows collide is written without them, so the message's status is never lost.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.tables import Message, MessageStatus
from models.types import utcnow
from workflows.channels.base import ChannelSender, OutboundMessage, PermanentSendError, TransientSendError, scrub

# Longer than any provider call may take (SMTP timeout 30 s); after it a "sending" row is presumed orphaned.
SENDING_LEASE = timedelta(minutes=5)
UNKNOWN_OUTCOME = "unknown outcome: the provider may have sent it; check before resending"


@dataclass(frozen=True)
class SendResult:
    message_id: int
    status: str
    duplicate: bool  # True when an earlier call already did the work
    reason: str = ""
    provider_ref: str = ""


Staging = Callable[[Session], None]


def send_once(*, session_factory: Callable, senders: Mapping[str, ChannelSender], msg: OutboundMessage,
              lease: timedelta = SENDING_LEASE, clock: Callable[[], datetime] = utcnow,
              with_claim: Staging | None = None, with_sent: Staging | None = None) -> SendResult:
    """Deliver msg through senders[msg.channel] unless a call with the same idempotency key already did."""
    for _ in range(3):  # a claim released by a transient failure between our insert and read: claim again
        message_id = _claim(session_factory, msg, clock(), with_claim)
        if message_id is not None:
            return _deliver_claimed(session_factory, senders, msg, message_id, clock, with_sent)
        existing = _load(session_factory, msg.idempotency_key)
        if existing is not None:
            return _settle_existing(session_factory, existing, lease, clock())
    raise TransientSendError("message claim kept changing hands; try again")


def _claim(session_factory: Callable, msg: OutboundMessage, now: datetime, staging: Staging | None) -> int | None:
    """Insert and commit the "sending" row (with the caller's rows); None when the key is already taken."""
    with session_factory() as session:
        if staging is not None:
            staging(session)
        row = Message(practice_id=msg.practice_id, patient_id=msg.patient_id, direction="out", channel=msg.channel,
                      to_address=msg.to_address, from_address=msg.from_address, subject=msg.subject, body=msg.body,
                      status=MessageStatus.SENDING, idempotency_key=msg.idempotency_key,
                      enrollment_id=msg.enrollment_id, step_id=msg.step_id, template_key=msg.template_key,
                      created_at=now)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return None
        return row.id


def _load(session_factory: Callable, key: str) -> Message | None:
    with session_factory() as session:
        return session.exec(select(Message).where(Message.idempotency_key == key)).first()


def _settle_existing(session_factory: Callable, row: Message, lease: timedelta, now: datetime) -> SendResult:
    """What an earlier call left behind decides; nothing here calls the provider."""
    if row.status == MessageStatus.FAILED:
        raise PermanentSendError(row.reason, message_id=row.id)
    if row.status != MessageStatus.SENDING:  # sent, delivered, or recorded as suppressed/deferred by the caller
        return SendResult(row.id, row.status, True, row.reason, row.provider_ref)
    if now - row.created_at < lease:
        raise TransientSendError(f"message {row.id} is being sent by another attempt", message_id=row.id)
    _transition(session_factory, row.id, status=MessageStatus.FAILED, reason=UNKNOWN_OUTCOME)
    raise PermanentSendError(UNKNOWN_OUTCOME, message_id=row.id)


def _deliver_claimed(session_factory: Callable, senders: Mapping[str, ChannelSender], msg: OutboundMessage,
                     message_id: int, clock: Callable[[], datetime], with_sent: Staging | None) -> SendResult:
    """Call the provider for a row we claimed, then settle the row according to what happened."""
    try:
        sender = senders.get(msg.channel)
        if sender is None:
            raise PermanentSendError(f"no sender configured for channel {msg.channel}")
        provider_ref = sender.deliver(msg)
    except TransientSendError as exc:
        _release(session_factory, message_id)
        raise TransientSendError(exc.reason) from exc
    except PermanentSendError as exc:
        reason = scrub(exc.reason, 300)
        _transition(session_factory, message_id, status=MessageStatus.FAILED, reason=reason)
        raise PermanentSendError(reason, message_id=message_id) from exc
    except Exception as exc:
        reason = f"{UNKNOWN_OUTCOME} ({type(exc).__name__})"
        _transition(session_factory, message_id, status=MessageStatus.FAILED, reason=reason)
        raise PermanentSendError(reason, message_id=message_id) from exc
    _mark_sent(session_factory, message_id, provider_ref[:200], clock(), with_sent)
    return SendResult(message_id, MessageStatus.SENT, False, "", provider_ref[:200])


def _transition(session_factory: Callable, message_id: int, **values) -> int:
    """Conditional update out of "sending"; returns how many rows changed (0 if another path settled it)."""
    with session_factory() as session:
        result = session.execute(update(Message).where(Message.id == message_id,
                                                       Message.status == MessageStatus.SENDING).values(**values))
        session.commit()
        return result.rowcount


def _mark_sent(session_factory: Callable, message_id: int, provider_ref: str, now: datetime,
               staging: Staging | None) -> None:
    """sending -> sent must change exactly one row; a row the lease path marked unknown is corrected to sent.
    The caller's rows ride along; if they collide, the status is written alone (it matters more)."""
    values = dict(status=MessageStatus.SENT, provider_ref=provider_ref, sent_at=now, reason="")
    try:
        _settle_sent(session_factory, message_id, values, staging)
    except IntegrityError:
        if staging is None:
            raise
        _settle_sent(session_factory, message_id, values, None)


def _settle_sent(session_factory: Callable, message_id: int, values: dict, staging: Staging | None) -> None:
    with session_factory() as session:
        orphaned = and_(Message.status == MessageStatus.FAILED, Message.reason == UNKNOWN_OUTCOME)
        result = session.execute(update(Message).where(
            Message.id == message_id, or_(Message.status == MessageStatus.SENDING, orphaned)).values(**values))
        if result.rowcount != 1:
            session.rollback()
            raise RuntimeError(f"message {message_id} vanished while it was being sent")
        if staging is not None:
            staging(session)
        session.commit()  # an IntegrityError here leaves nothing written: the session rolls back on close


def _release(session_factory: Callable, message_id: int) -> None:
    """Give the key back after a transient failure: the provider did not take the message."""
    with session_factory() as session:
        session.execute(delete(Message).where(Message.id == message_id, Message.status == MessageStatus.SENDING))
        session.commit()

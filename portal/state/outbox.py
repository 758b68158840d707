"""The sandbox outbox, and 'Reply as the patient' so staff can test how journeys react to answers."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from models.queries.local_time import local_moment
from models.queries.outbox import PAGE_SIZE, OutboxRow, outbox_page
from models.queries.step_words import channel_name, reply_reading
from models.tables import Message, Practice
from portal.state.base import AuthState, db

NOT_SENT = ("suppressed", "deferred", "failed")
EMPTY_REPLY = "Type a reply first."
NOT_ANSWERABLE = "Only a message that was sent can be answered."
# A patient can only answer what reached them: a reply to a deferred or suppressed message would be counted against
# a send that has not happened (and the run, sending it later, would take the reply as old).
ANSWERABLE = ("sent", "delivered")


def answerable(*, direction: str, status: str, patient_id: int | None) -> bool:
    """Whether staff may reply to this message as its patient."""
    return direction == "out" and status in ANSWERABLE and patient_id is not None


def reply_problem(body: str) -> str:
    """Why a typed reply cannot be recorded ("" when it can): a blank one would be an inbound message of nothing."""
    return EMPTY_REPLY if not body.strip() else ""


def outbox_row(r: OutboxRow, tz: ZoneInfo) -> dict[str, str]:
    """One message for the browser; its time on the practice clock, written as the timeline writes it."""
    return {"id": str(r.id), "at": local_moment(r.at, tz), "direction": r.direction, "channel": channel_name(r.channel),
            "address": r.to_address if r.direction == "out" else r.from_address,
            "subject": r.subject, "body": r.body, "status": r.status,
            "reason": reply_reading(r.reason) if r.direction == "in" else r.reason if r.status in NOT_SENT else "",
            "template": r.template_key, "patient": r.patient_name, "patient_id": str(r.patient_id or ""),
            "can_reply": "yes" if answerable(direction=r.direction, status=r.status, patient_id=r.patient_id) else ""}


class OutboxState(AuthState):
    page: int = 1
    page_count: int = 1
    total: int = 0
    rows: list[dict[str, str]] = []
    replying: bool = False

    def _load(self) -> None:
        user = self._staff()
        if user is None:
            self.rows = []
            return
        with db() as session:
            result = outbox_page(session=session, practice_id=user.practice_id, page=self.page, page_size=PAGE_SIZE)
            tz = ZoneInfo(session.get(Practice, user.practice_id).timezone)
        self.total, self.page_count = result.total, result.page_count
        self.rows = [outbox_row(r, tz) for r in result.rows]

    @rx.event
    def load(self):
        self._load()

    @rx.event
    def next_page(self):
        if self.page < self.page_count:
            self.page += 1
            self._load()

    @rx.event
    def previous_page(self):
        if self.page > 1:
            self.page -= 1
            self._load()

    @rx.event(background=True)
    async def reply_as_patient(self, form: dict):
        """Record the text as the patient's inbound reply, then dispatch so a waiting run gets its signal now."""
        from models.inbound import receive_reply
        from portal.temporal_link import dispatch_now

        body = str(form.get("body", "")).strip()
        message_id = int(form.get("message_id") or 0)
        if reply_problem(body):
            yield rx.toast.error(reply_problem(body))
            return
        async with self:
            user = self._staff()
            if user is None or self.replying:
                return
            self.replying = True
        with db() as session:
            original = session.get(Message, message_id)
            problem = _reply_refusal(original, user.practice_id)
            if problem:
                async with self:
                    self.replying = False
                yield rx.toast.error(problem)
                return
            receive_reply(session=session, patient_id=original.patient_id, channel=original.channel, body=body,
                          from_address=original.to_address, in_reply_to_id=original.id)
        started = await dispatch_now()
        async with self:
            self.replying = False
            self.page = 1
            self._load()
        yield rx.toast.success("Reply recorded.") if started else rx.toast.warning(
            "Reply recorded; waiting journeys hear of it when the worker is up.")


def _reply_refusal(original: Message | None, practice_id: int) -> str:
    if original is None or original.practice_id != practice_id or original.patient_id is None:
        return "That message cannot be answered."
    if not answerable(direction=original.direction, status=original.status, patient_id=original.patient_id):
        return NOT_ANSWERABLE
    return ""

"""The outbox page: replying as the patient needs some text, and times read like the timeline's."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import reflex as rx

from models.queries.outbox import outbox_page
from models.queries.timeline import patient_timeline
from portal.state.outbox import OutboxState, outbox_row
from tests.factories import make_message, make_patient, make_practice


class _StandInState:
    """Enough of OutboxState for the handler's first steps; records whether the handler went on to use it."""

    replying = False

    def __init__(self) -> None:
        self.entered = 0

    async def __aenter__(self):
        self.entered += 1
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    def _staff(self):
        return None


def _script(event) -> str:  # noqa: ANN001
    """The browser-side call an event spec stands for (specs holding Vars do not compare equal)."""
    return "; ".join(str(value) for _name, value in event.args)


async def _events(form: dict) -> tuple[list[str], int]:
    """What the handler sends the browser, and how often it touched the state."""
    state = _StandInState()
    events = [_script(event) async for event in OutboxState.reply_as_patient.fn(state, form)]
    return events, state.entered


async def test_a_blank_reply_is_refused_with_a_message_and_nothing_recorded():
    for body in ("", "   \n\t"):
        events, entered = await _events({"body": body, "message_id": "7"})
        assert (events, entered) == ([_script(rx.toast.error("Type a reply first."))], 0)


async def test_a_reply_with_text_goes_on_to_check_who_is_signed_in():
    events, entered = await _events({"body": " Yes please ", "message_id": "7"})
    assert (events, entered) == ([], 1)


def test_outbox_times_read_on_the_practice_clock_like_the_timeline(session):
    practice = make_practice(session)  # America/Chicago: 19:58 UTC on 3 Dec is 1:58 PM
    patient = make_patient(session, practice)
    make_message(session, patient, created_at=datetime(2026, 12, 3, 19, 58, tzinfo=timezone.utc), sent_at=None)

    [row] = outbox_page(session=session, practice_id=practice.id).rows
    shown = outbox_row(row, ZoneInfo(practice.timezone))

    assert (shown["at"], shown["can_reply"], shown["patient_id"]) == ("Thu 3 Dec 2026, 1:58 PM", "yes", str(patient.id))
    [item] = patient_timeline(session=session, patient_id=patient.id, kinds=["message"])
    assert item.when == shown["at"]


def test_only_messages_that_were_sent_can_be_answered_as_the_patient(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    for status in ("sent", "delivered", "deferred", "suppressed", "failed", "sending"):
        make_message(session, patient, status=status, body=status)
    rows = outbox_page(session=session, practice_id=practice.id).rows
    shown = {row.body: outbox_row(row, ZoneInfo(practice.timezone))["can_reply"] for row in rows}
    assert shown == {"sent": "yes", "delivered": "yes", "deferred": "", "suppressed": "", "failed": "",
                     "sending": ""}


def test_a_reply_to_a_deferred_message_is_refused_by_the_handler_too(session):
    from portal.state.outbox import NOT_ANSWERABLE, _reply_refusal

    practice = make_practice(session)
    patient = make_patient(session, practice)
    deferred = make_message(session, patient, status="deferred")
    sent = make_message(session, patient, status="sent")
    assert (_reply_refusal(deferred, practice.id), _reply_refusal(sent, practice.id),
            _reply_refusal(sent, practice.id + 1)) == (NOT_ANSWERABLE, "", "That message cannot be answered.")


def test_a_reply_in_the_outbox_says_how_it_was_read_and_on_which_channel(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    make_message(session, patient, direction="in", status="received", reason="intent: other", body="Who is this?")
    [row] = outbox_page(session=session, practice_id=practice.id).rows
    shown = outbox_row(row, ZoneInfo(practice.timezone))
    assert (shown["channel"], shown["reason"], shown["can_reply"]) == ("SMS", "no keyword: for staff to read", "")

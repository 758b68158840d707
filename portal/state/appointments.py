"""The day's appointment book: complete, no-show or cancel a visit (asking first where a slip would hurt), then
start or steer its journeys at once and say truthfully what started."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import reflex as rx

from models.queries.appointments import appointments_on_day, practice_today
from models.tables import Appointment, Practice
from models.types import utcnow
from portal.friendly_errors import staff_message
from portal.state.base import AuthState, db
from portal.visit_actions import (VISIT_ACTIONS, VisitOutcome, completed_toast, confirm_question, needs_asking,
                                  run_visit_action)


class AppointmentsState(AuthState):
    day: str = ""  # ISO date in the practice's time zone
    rows: list[dict[str, str]] = []
    busy_id: int = 0
    confirm_action: str = ""  # "complete" / "no_show" / "cancel" while the confirm dialog is open
    confirm_id: int = 0
    confirm_text: str = ""
    confirm_label: str = ""

    def _load(self) -> None:
        user = self._staff()
        if user is None:
            self.rows = []
            return
        with db() as session:
            if not self.day:
                self.day = practice_today(session=session, practice_id=user.practice_id).isoformat()
            day = appointments_on_day(session=session, practice_id=user.practice_id, day=date.fromisoformat(self.day))
        self.rows = [{"id": str(a.id), "patient_id": str(a.patient_id), "patient": a.patient_name,
                      "time": a.local_time, "duration": f"{a.duration_minutes} min", "status": a.status,
                      "description": a.description, "provider": a.provider} for a in day]

    @rx.event
    def load(self):
        self._load()

    @rx.event
    def set_day(self, value: str):
        try:
            self.day = date.fromisoformat(value).isoformat()
        except ValueError:
            return rx.toast.error("Pick a valid date.")
        self._load()
        return None

    @rx.event
    def today(self):
        self.day = ""
        self._load()

    @rx.event
    def ask(self, action: str, appointment_id: int):
        """Open the confirm dialog for the action, or go straight on when there is nothing to confirm."""
        user = self._staff()
        if user is None or action not in VISIT_ACTIONS or self.busy_id:
            return None
        with db() as session:
            appointment = session.get(Appointment, appointment_id)
            if appointment is None or appointment.practice_id != user.practice_id:
                return rx.toast.error("This visit is no longer in the book. Reload the page.")
            tz = ZoneInfo(session.get(Practice, user.practice_id).timezone)
            if not needs_asking(action, appointment, tz, utcnow()):
                return AppointmentsState.act(action, appointment_id)
            self.confirm_text = confirm_question(action, appointment, tz)
        self.confirm_action, self.confirm_id, self.confirm_label = action, appointment_id, VISIT_ACTIONS[action]
        return None

    def _close_dialog(self) -> None:
        self.confirm_action, self.confirm_id, self.confirm_text, self.confirm_label = "", 0, "", ""

    @rx.event
    def dismiss(self):
        self._close_dialog()

    @rx.event
    def dialog_open_change(self, is_open: bool):
        """Escape or a click outside closes the dialog without acting."""
        if not is_open:
            self._close_dialog()

    @rx.event
    def confirm(self):
        action, appointment_id = self.confirm_action, self.confirm_id
        self._close_dialog()
        return AppointmentsState.act(action, appointment_id) if action else None

    @rx.event(background=True)
    async def act(self, action: str, appointment_id: int):
        """Commit the change (its DomainEvents in the same transaction), then dispatch without blocking the page."""
        async with self:
            user = self._staff()
            if user is None or self.busy_id or action not in VISIT_ACTIONS:
                return
            self.busy_id = appointment_id
        outcome = await run_visit_action(action, appointment_id, user)
        async with self:
            self.busy_id = 0
            self._load()
        yield _toast(action, outcome)


def _toast(action: str, outcome: VisitOutcome) -> rx.Component:
    """Refusals in staff words; a completion names the journeys it started (or why none did)."""
    if outcome.error is not None:
        return rx.toast.error(staff_message(outcome.error))
    if action == "complete":
        toast = rx.toast.success if outcome.dispatched else rx.toast.warning
        return toast(completed_toast(outcome.follow_ups))
    done = "Marked as a no-show." if action == "no_show" else "Visit cancelled."
    return rx.toast.success(done) if outcome.dispatched else rx.toast.warning(
        f"{done} Its journeys hear of it when the worker is up.")

"""The day's appointment book; 'Mark completed' records the visit and starts its journeys at once."""
from __future__ import annotations

from datetime import date

import reflex as rx

from models.queries.appointments import appointments_on_day, practice_today
from portal.state.base import AuthState, db

WORKER_DOWN = "Completed; the journey will start when the worker is up."


class AppointmentsState(AuthState):
    day: str = ""  # ISO date in the practice's time zone
    rows: list[dict[str, str]] = []
    busy_id: int = 0

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

    @rx.event(background=True)
    async def mark_completed(self, appointment_id: int):
        """Commit the completion (its DomainEvent in the same transaction), then dispatch without blocking the page."""
        from models.appointments import complete_appointment
        from portal.temporal_link import dispatch_now

        async with self:
            user = self._staff()
            if user is None or self.busy_id:
                return
            self.busy_id = appointment_id
        try:
            with db() as session:
                complete_appointment(session=session, appointment_id=appointment_id, user_id=user.id)
        except ValueError as exc:  # already completed / cancelled: the message names the id only
            async with self:
                self.busy_id = 0
                self._load()
            yield rx.toast.error(str(exc))
            return
        async with self:
            self._load()
        started = await dispatch_now()
        async with self:
            self.busy_id = 0
        yield rx.toast.success("Completed; follow-up journeys started.") if started else rx.toast.warning(WORKER_DOWN)

"""The patient header's care flags: staff mark a nervous patient and record texts OK / opted out (audited)."""
from __future__ import annotations

import reflex as rx

from models.patient_flags import set_nervous, set_texts_ok
from models.tables import Patient
from portal.friendly_errors import staff_message
from portal.state.base import db
from portal.state.timeline import TimelineState


class PatientFlagsState(TimelineState):
    """Changes the flags of the patient the page shows, then reloads the header and timeline."""

    def _change(self, change, done: str):  # noqa: ANN001, ANN202 (a models.patient_flags function)
        user, patient_id = self._staff(), self._current_patient_id()
        if user is None or patient_id is None:
            return None
        with db() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.practice_id != user.practice_id:
                return rx.toast.error("This patient is not on file in this practice.")
            try:
                changed = change(session=session, patient_id=patient_id, user_id=user.id)
            except ValueError as exc:
                return rx.toast.error(staff_message(exc))
        self._load()
        return rx.toast.success(done) if changed else None

    @rx.event
    def set_nervous(self, nervous: bool):
        return self._change(lambda **kw: set_nervous(nervous=nervous, **kw),
                            "Marked as a nervous patient." if nervous else "Nervous patient flag removed.")

    @rx.event
    def set_texts_ok(self, texts_ok: bool):
        return self._change(lambda **kw: set_texts_ok(texts_ok=texts_ok, **kw),
                            "Recorded: texts are OK." if texts_ok else "Recorded: no texts.")

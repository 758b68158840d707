"""One patient's header and typed timeline; opening it is audited (patient id only)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import reflex as rx

from models.patient_flags import texts_allowed
from models.queries.patients import record_patient_view
from models.queries.step_words import channel_name
from models.queries.timeline import TimelineItem, TimelineKind, patient_timeline
from models.tables import Patient, Practice
from portal.state.base import AuthState, db

NOT_SENT = ("suppressed", "deferred", "failed")
PAGE_STEP = 50
KIND_LABELS = {TimelineKind.APPOINTMENT: "Appointments", TimelineKind.PROCEDURE: "Procedures",
               TimelineKind.MESSAGE: "Messages", TimelineKind.JOURNEY_STEP: "Journey steps",
               TimelineKind.TASK: "Tasks", TimelineKind.NOTE: "Notes", TimelineKind.REFERRAL: "Referrals",
               TimelineKind.LOYALTY: "Points", TimelineKind.CONSENT: "Consent", TimelineKind.FEEDBACK: "Feedback"}


def _age(born: date | None, today: date) -> str:
    if born is None:
        return ""
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def item_row(item: TimelineItem) -> dict[str, str]:
    """One timeline entry for the browser; its time is the query's practice-local text (a date alone for a date)."""
    return {"kind": item.kind, "kind_label": KIND_LABELS[TimelineKind(item.kind)],
            "at": item.when, "title": item.title, "detail": item.detail,
            "status": item.status, "source": item.source,
            "why_not_sent": item.reason if item.kind == TimelineKind.MESSAGE and item.status in NOT_SENT else "",
            # Consent source, a reply's recognised intent: context that is not a "why not sent".
            "note": item.reason if item.kind != TimelineKind.MESSAGE or item.direction == "in" else ""}


def _flags(session, patient: Patient) -> list[str]:  # noqa: ANN001
    """Flags the front desk must see first: nervous patients and anyone we may not text."""
    from models.consent import consent_allows

    flags = ["Anxious patient"] if patient.anxious else []
    sms_ok, why = consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="any")
    if not sms_ok:
        flags.append(f"No SMS: {why}")
    return flags


class TimelineState(AuthState):
    header: dict[str, str] = {}
    flags: list[str] = []
    items: list[dict[str, str]] = []
    selected_kinds: list[str] = []  # empty = every kind
    limit: int = PAGE_STEP  # only this many newest items go to the browser
    missing: bool = False

    def _current_patient_id(self) -> int | None:
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        return int(raw) if raw.isdigit() else None

    def _load(self, *, audit: bool = False) -> None:
        """Reload header and items; `audit` when the page is opened (filter clicks are not new views)."""
        user, patient_id = self._staff(), self._current_patient_id()
        self.header, self.flags, self.items, self.missing = {}, [], [], False
        if user is None or patient_id is None:
            self.missing = patient_id is None
            return
        with db() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.practice_id != user.practice_id:
                self.missing = True
                return
            if audit:
                record_patient_view(session=session, user=user, patient_id=patient_id)
            tz = ZoneInfo(session.get(Practice, patient.practice_id).timezone)
            items = patient_timeline(session=session, patient_id=patient_id, kinds=self.selected_kinds or None,
                                     limit=self.limit)
            self.flags = _flags(session, patient)
            texts_ok = texts_allowed(session=session, patient_id=patient_id)
        self.header = {"id": str(patient.id), "name": patient.display_name, "first_name": patient.first_name,
                       "born": patient.birthdate.isoformat() if patient.birthdate else "",
                       "age": _age(patient.birthdate, datetime.now(tz).date()), "phone": patient.mobile_phone,
                       "email": patient.email, "channel": channel_name(patient.preferred_channel), "status": patient.status,
                       "anxious": "yes" if patient.anxious else "", "texts_ok": "yes" if texts_ok else ""}
        self.items = [item_row(item) for item in items]

    @rx.event
    def load(self):
        self.selected_kinds, self.limit = [], PAGE_STEP
        self._load(audit=True)

    @rx.event
    def refresh(self):
        self._load()

    @rx.event
    def toggle_kind(self, kind: str):
        if kind not in KIND_LABELS:
            return
        chosen = set(self.selected_kinds) ^ {kind}
        self.selected_kinds = [k for k in KIND_LABELS if k in chosen]
        self._load()

    @rx.event
    def show_more(self):
        self.limit += PAGE_STEP
        self._load()

    @rx.event
    def show_all(self):
        self.selected_kinds = []
        self._load()

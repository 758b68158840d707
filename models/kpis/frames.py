"""Loads one practice's rows into the DataFrames the KPI functions take (the only KPI code that touches SQL).

Every `day`-like column is a practice-local calendar day as a naive midnight datetime64, so periods are
compared in the practice's own calendar.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from models.tables import (Appointment, Enrollment, Feedback, Journey, JourneyStepLog, Message, Patient, Practice,
                           Recall, Referral, TreatmentPlan)


@dataclass(frozen=True)
class KpiFrames:
    patients: pd.DataFrame  # id, status, first_visit
    appointments: pd.DataFrame  # id, patient_id, day, status, is_hygiene
    referrals: pd.DataFrame  # id, day
    plans: pd.DataFrame  # id, status, presented_on, total_fee
    recalls: pd.DataFrame  # id, patient_id, due_on, disabled
    messages: pd.DataFrame  # id, enrollment_id, direction, status, template_key, in_reply_to_id, day
    enrollments: pd.DataFrame  # id, journey_id, status, day
    journeys: pd.DataFrame  # id, key, name
    step_logs: pd.DataFrame  # enrollment_id, kind, outcome
    feedback: pd.DataFrame  # id, kind, scale, score (Int64, <NA> for a comment only), day


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def _local_day(values: pd.Series, tz: str) -> pd.Series:
    """Aware UTC timestamps to the practice-local day (naive midnight)."""
    return pd.to_datetime(values, utc=True).dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _as_day(values: pd.Series) -> pd.Series:
    """Date columns (possibly empty) to naive midnight datetimes; missing stays NaT."""
    return pd.to_datetime(values.astype(object), errors="coerce")


def _ids(values: pd.Series) -> pd.Series:
    """Nullable foreign keys keep integer ids with <NA> holes."""
    return values.astype("Int64")


def load_frames(*, session: Session, practice_id: int) -> KpiFrames:
    """All KPI inputs of one practice; raises ValueError for an unknown practice."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise ValueError(f"no practice with id {practice_id}")
    tz = practice.timezone
    return KpiFrames(
        patients=_patients(session, practice_id),
        appointments=_appointments(session, practice_id, tz),
        referrals=_referrals(session, practice_id, tz),
        plans=_plans(session, practice_id, tz),
        recalls=_recalls(session, practice_id),
        messages=_messages(session, practice_id, tz),
        enrollments=_enrollments(session, practice_id, tz),
        journeys=_frame(session.exec(select(Journey.id, Journey.key, Journey.name)
                                     .where(Journey.practice_id == practice_id)), ["id", "key", "name"]),
        step_logs=_step_logs(session, practice_id),
        feedback=_feedback(session, practice_id, tz),
    )


def _patients(session: Session, practice_id: int) -> pd.DataFrame:
    rows = session.exec(select(Patient.id, Patient.status, Patient.first_visit)
                        .where(Patient.practice_id == practice_id))
    frame = _frame(rows, ["id", "status", "first_visit"])
    return frame.assign(first_visit=_as_day(frame["first_visit"]))


def _appointments(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    rows = session.exec(select(Appointment.id, Appointment.patient_id, Appointment.start, Appointment.status,
                               Appointment.is_hygiene).where(Appointment.practice_id == practice_id))
    frame = _frame(rows, ["id", "patient_id", "start", "status", "is_hygiene"])
    return frame.assign(day=_local_day(frame["start"], tz), is_hygiene=frame["is_hygiene"].astype(bool)).drop(
        columns="start")[["id", "patient_id", "day", "status", "is_hygiene"]]


def _referrals(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    rows = session.exec(select(Referral.id, Referral.created_at).where(Referral.practice_id == practice_id))
    frame = _frame(rows, ["id", "created_at"])
    return pd.DataFrame({"id": frame["id"], "day": _local_day(frame["created_at"], tz)})


def _plans(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    """presented_on, or the day the plan was recorded when an import left it empty."""
    rows = session.exec(select(TreatmentPlan.id, TreatmentPlan.status, TreatmentPlan.presented_on,
                               TreatmentPlan.created_at, TreatmentPlan.total_fee)
                        .where(TreatmentPlan.practice_id == practice_id))
    frame = _frame(rows, ["id", "status", "presented_on", "created_at", "total_fee"])
    presented = _as_day(frame["presented_on"]).fillna(_local_day(frame["created_at"], tz))
    return pd.DataFrame({"id": frame["id"], "status": frame["status"], "presented_on": presented,
                         "total_fee": frame["total_fee"].astype(float)})


def _recalls(session: Session, practice_id: int) -> pd.DataFrame:
    rows = session.exec(select(Recall.id, Recall.patient_id, Recall.due_on, Recall.disabled)
                        .where(Recall.practice_id == practice_id))
    frame = _frame(rows, ["id", "patient_id", "due_on", "disabled"])
    return frame.assign(due_on=_as_day(frame["due_on"]), disabled=frame["disabled"].astype(bool))


def _messages(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    rows = session.exec(select(Message.id, Message.enrollment_id, Message.direction, Message.status,
                               Message.template_key, Message.in_reply_to_id, Message.created_at)
                        .where(Message.practice_id == practice_id))
    frame = _frame(rows, ["id", "enrollment_id", "direction", "status", "template_key", "in_reply_to_id", "created_at"])
    return frame.assign(enrollment_id=_ids(frame["enrollment_id"]), in_reply_to_id=_ids(frame["in_reply_to_id"]),
                        template_key=frame["template_key"].astype(str),
                        day=_local_day(frame["created_at"], tz)).drop(columns="created_at")


def _enrollments(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    rows = session.exec(select(Enrollment.id, Enrollment.journey_id, Enrollment.status, Enrollment.started_at)
                        .where(Enrollment.practice_id == practice_id))
    frame = _frame(rows, ["id", "journey_id", "status", "started_at"])
    return frame.assign(day=_local_day(frame["started_at"], tz)).drop(columns="started_at")


def _step_logs(session: Session, practice_id: int) -> pd.DataFrame:
    rows = session.exec(select(JourneyStepLog.enrollment_id, JourneyStepLog.kind, JourneyStepLog.outcome)
                        .join(Enrollment, Enrollment.id == JourneyStepLog.enrollment_id)
                        .where(Enrollment.practice_id == practice_id))
    return _frame(rows, ["enrollment_id", "kind", "outcome"])



def _feedback(session: Session, practice_id: int, tz: str) -> pd.DataFrame:
    rows = session.exec(select(Feedback.id, Feedback.kind, Feedback.scale, Feedback.score, Feedback.created_at)
                        .where(Feedback.practice_id == practice_id))
    frame = _frame(rows, ["id", "kind", "scale", "score", "created_at"])
    return frame.assign(score=frame["score"].astype("Int64"), day=_local_day(frame["created_at"], tz)).drop(
        columns="created_at")

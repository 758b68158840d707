"""The KPI report and monthly series the dashboard and `prm kpis --json` share: frames from SQL, pure KPIs, JSON out."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlmodel import Session

from models.kpis.appointments import appointment_outcomes
from models.kpis.feedback import net_promoter, review_ratings, satisfaction
from models.kpis.frames import KpiFrames, load_frames
from models.kpis.journeys import FUNNEL_STAGES, journey_funnels
from models.kpis.messages import message_counts, review_requests
from models.kpis.patients import new_patients, referrals
from models.kpis.periods import in_period, month_end, month_starts, ratio
from models.kpis.recalls import recall_reappointment
from models.kpis.retention import new_patient_ids, retention
from models.kpis.treatment import plan_acceptance
from models.tables import Practice
from models.types import utcnow


def practice_today(practice: Practice, now: datetime | None = None) -> date:
    """Today in the practice's time zone (its calendar decides what "this month" is)."""
    return (now or utcnow()).astimezone(ZoneInfo(practice.timezone)).date()


def build_report(frames: KpiFrames, date_from: date, date_to: date) -> dict:
    """Every KPI of the period as plain JSON values (pure: frames in, dict out)."""
    if date_from > date_to:
        raise ValueError("the period starts after it ends")
    funnels = journey_funnels(frames.journeys, frames.enrollments, frames.messages, frames.step_logs, date_from, date_to)
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "patients": retention(frames.patients, frames.appointments, date_from, date_to),
        "new_patients": new_patients(frames.patients, frames.appointments, date_from, date_to),
        "referrals": referrals(frames.referrals, date_from, date_to),
        "appointments": appointment_outcomes(frames.appointments, date_from, date_to),
        "treatment_plans": plan_acceptance(frames.plans, date_from, date_to),
        "recalls": recall_reappointment(frames.recalls, frames.appointments, date_from, date_to),
        "messages": message_counts(frames.messages, date_from, date_to),
        "reviews": {**review_requests(frames.messages, date_from, date_to),
                    **review_ratings(frames.feedback, date_from, date_to)},
        "nps": net_promoter(frames.feedback, date_from, date_to),
        "satisfaction": satisfaction(frames.feedback, date_from, date_to),
        "journeys": _funnel_records(funnels),
    }


def _funnel_records(funnels: pd.DataFrame) -> list[dict]:
    """numpy integers to plain ints, so json.dumps takes the report as it is."""
    return [{"journey_id": int(row.journey_id), "key": str(row.key), "name": str(row.name),
             **{stage: int(getattr(row, stage)) for stage in FUNNEL_STAGES}}
            for row in funnels.itertuples(index=False)]


def kpi_report(*, session: Session, practice_id: int, date_from: date, date_to: date) -> dict:
    """The practice's KPIs for [date_from, date_to] (both included, practice-local days), JSON-ready."""
    report = build_report(load_frames(session=session, practice_id=practice_id), date_from, date_to)
    return {"practice_id": practice_id, **report}


def monthly_counts(patients: pd.DataFrame, appointments: pd.DataFrame, months: list[date]) -> list[dict]:
    """Per calendar month: new patients, completed visits, no-shows and the no-show rate."""
    series = []
    for start in months:
        end = month_end(start)
        statuses = appointments.loc[in_period(appointments["day"], start, end), "status"]
        completed, no_shows = int((statuses == "completed").sum()), int((statuses == "no_show").sum())
        series.append({"month": start.strftime("%Y-%m"),
                       "new_patients": len(new_patient_ids(patients, appointments, start, end)),
                       "completed_visits": completed, "no_shows": no_shows,
                       "no_show_rate": ratio(no_shows, completed + no_shows)})
    return series


def monthly_series(*, session: Session, practice_id: int, months: int = 12, today: date | None = None) -> list[dict]:
    """The last `months` calendar months up to today's (practice-local), oldest first, for the dashboard chart."""
    frames = load_frames(session=session, practice_id=practice_id)
    today = today or practice_today(session.get(Practice, practice_id))
    return monthly_counts(frames.patients, frames.appointments, month_starts(months, today))

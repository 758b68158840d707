"""The appointment book of one local day, with patient names, for the front desk."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.queries.visit_names import visit_names
from models.tables import Appointment, Patient, Practice
from models.types import utcnow


@dataclass(frozen=True)
class DayAppointment:
    id: int
    patient_id: int
    patient_name: str
    start: datetime  # UTC
    local_time: str  # HH:MM in the practice's time zone
    duration_minutes: int
    status: str
    description: str
    provider: str


def practice_today(*, session: Session, practice_id: int, now: datetime | None = None) -> date:
    """Today's date where the practice is (the front desk's 'today', not the server's)."""
    practice = session.get(Practice, practice_id)
    return (now or utcnow()).astimezone(ZoneInfo(practice.timezone)).date()


def day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight starting and ending the day (DST days are 23 or 25 hours)."""
    tz = ZoneInfo(tz_name)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    utc = ZoneInfo("UTC")
    return start.astimezone(utc), end.astimezone(utc)


def appointments_on_day(*, session: Session, practice_id: int, day: date) -> list[DayAppointment]:
    """Every appointment of the practice starting on that local day, in start order."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise ValueError(f"practice {practice_id} does not exist")
    start, end = day_bounds(day, practice.timezone)
    tz = ZoneInfo(practice.timezone)
    rows = session.exec(select(Appointment, Patient).join(Patient, Patient.id == Appointment.patient_id)
                        .where(Appointment.practice_id == practice_id, Appointment.start >= start,
                               Appointment.start < end)
                        .order_by(Appointment.start, Appointment.id)).all()
    names = visit_names(session, [a for a, _p in rows])
    return [DayAppointment(id=a.id, patient_id=p.id, patient_name=p.display_name, start=a.start,
                           local_time=a.start.astimezone(tz).strftime("%H:%M"), duration_minutes=a.duration_minutes,
                           status=a.status, description=names.get(a.id) or a.description, provider=a.provider)
            for a, p in rows]

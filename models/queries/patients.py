"""Patient search by name or phone, one page at a time, and the audit record of a patient view."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models.tables import AuditLog, Patient, StaffUser

PAGE_SIZE = 25
# Phone numbers are stored as typed, e.g. "(555) 201-3344"; these characters are ignored when matching digits.
_PHONE_PUNCTUATION = ("(", ")", "-", " ", ".", "+", "/")
_MIN_PHONE_DIGITS = 3


@dataclass(frozen=True)
class PatientRow:
    """One line of the patient list."""

    id: int
    name: str
    phone: str
    email: str
    birthdate: date | None
    status: str


@dataclass(frozen=True)
class PatientPage:
    rows: list[PatientRow]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _digits_only(column):  # noqa: ANN001, ANN202
    """SQL expression: the column with phone punctuation removed (works on SQLite and PostgreSQL)."""
    expr = column
    for char in _PHONE_PUNCTUATION:
        expr = func.replace(expr, char, "")
    return expr


def _search_filter(query: str):  # noqa: ANN202
    """Phone digits when the query is a number, otherwise every word must start a first, last or preferred name."""
    text = query.strip()
    digits = re.sub(r"\D", "", text)
    if digits and not re.search(r"[A-Za-z]", text):
        if len(digits) < _MIN_PHONE_DIGITS:
            return None
        pattern = f"%{digits}%"
        return or_(*(_digits_only(col).like(pattern)
                     for col in (Patient.mobile_phone, Patient.home_phone, Patient.work_phone)))
    conditions = []
    for word in text.lower().split():
        pattern = f"{word}%"
        conditions.append(or_(func.lower(Patient.first_name).like(pattern),
                              func.lower(Patient.last_name).like(pattern),
                              func.lower(Patient.preferred_name).like(pattern)))
    return conditions


def search_patients(*, session: Session, practice_id: int, query: str = "", page: int = 1,
                    page_size: int = PAGE_SIZE) -> PatientPage:
    """Patients of the practice matching the query, sorted by last then first name; an empty query lists everyone."""
    page = max(1, page)
    statement = select(Patient).where(Patient.practice_id == practice_id)
    count = select(func.count()).select_from(Patient).where(Patient.practice_id == practice_id)
    if query.strip():
        condition = _search_filter(query)
        if condition is None:
            return PatientPage(rows=[], total=0, page=1, page_size=page_size)
        conditions = condition if isinstance(condition, list) else [condition]
        statement = statement.where(*conditions)
        count = count.where(*conditions)
    total = session.exec(count).one()
    ordered = statement.order_by(func.lower(Patient.last_name), func.lower(Patient.first_name), Patient.id)
    patients = session.exec(ordered.offset((page - 1) * page_size).limit(page_size)).all()
    rows = [PatientRow(id=p.id, name=p.display_name, phone=p.mobile_phone or p.home_phone or p.work_phone,
                       email=p.email, birthdate=p.birthdate, status=p.status) for p in patients]
    return PatientPage(rows=rows, total=total, page=page, page_size=page_size)


def record_patient_view(*, session: Session, user: StaffUser, patient_id: int) -> AuditLog:
    """Every look at a patient's record lands in the audit log (the id only, never PHI)."""
    entry = AuditLog(practice_id=user.practice_id, user_id=user.id, action="view", entity="patient",
                     entity_id=str(patient_id))
    session.add(entry)
    session.flush()
    return entry

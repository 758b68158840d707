"""Patient search by name, phone or email, one page at a time, and the audit record of a patient view."""
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


def _phone_digits(text: str) -> str:
    """The digits to look for; a leading +1 or 1 (the North American country code) is dropped, as stored numbers
    are usually typed without it."""
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+1") or (len(digits) == 11 and digits.startswith("1")):
        return digits[1:]
    return digits


def _phone_filter(text: str):  # noqa: ANN202
    digits = _phone_digits(text)
    if len(digits) < _MIN_PHONE_DIGITS:
        return None
    return [or_(*(_digits_only(col).contains(digits, autoescape=True)
                  for col in (Patient.mobile_phone, Patient.home_phone, Patient.work_phone)))]


def _search_filter(query: str):  # noqa: ANN202
    """Conditions for the query: an email address (or its start) when it has an @, phone digits when it is a number,
    otherwise every word must start a first, last or preferred name. None when it cannot match anyone.

    Typed % and _ are searched for literally (autoescape), never as LIKE wildcards."""
    text = query.strip()
    if "@" in text:
        return [func.lower(Patient.email).startswith(text.lower(), autoescape=True)]
    if re.search(r"\d", text) and not re.search(r"[A-Za-z]", text):
        return _phone_filter(text)
    return [or_(*(func.lower(col).startswith(word, autoescape=True)
                  for col in (Patient.first_name, Patient.last_name, Patient.preferred_name)))
            for word in text.lower().split()]


def search_patients(*, session: Session, practice_id: int, query: str = "", page: int = 1,
                    page_size: int = PAGE_SIZE) -> PatientPage:
    """Patients of the practice matching the query, sorted by last then first name; an empty query lists everyone."""
    page = max(1, page)
    statement = select(Patient).where(Patient.practice_id == practice_id)
    count = select(func.count()).select_from(Patient).where(Patient.practice_id == practice_id)
    if query.strip():
        conditions = _search_filter(query)
        if conditions is None:
            return PatientPage(rows=[], total=0, page=1, page_size=page_size)
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

"""Completed procedures: each completion writes procedure.completed (CDT code and id) and an AuditLog row.

CDT codes are the ADA's "D" followed by four digits; input is trimmed and upper-cased ("d1110" -> "D1110").
"""
from __future__ import annotations

import math
import re
from datetime import date

from sqlmodel import Session

from models.change_log import practice_today, record_change
from models.events import EventKind
from models.tables import Appointment, Patient, Procedure
from models.validation import bounded_text

_CDT = re.compile(r"D\d{4}")


def normalize_cdt_code(raw: str) -> str:
    """The code in canonical form, or a ValueError that names the field and the expected shape."""
    code = (raw or "").strip().upper()
    if _CDT.fullmatch(code) is None:
        raise ValueError("cdt_code must be 'D' followed by 4 digits, like D1110")
    return code


def complete_procedure(*, session: Session, procedure_id: int, performed_on: date | None = None,
                       user_id: int | None = None) -> Procedure:
    """Mark a planned procedure done (performed today on the practice's calendar unless given)."""
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise ValueError(f"procedure {procedure_id} does not exist")
    if procedure.status != "planned":
        raise ValueError(f"cannot complete procedure {procedure_id}: it is already {procedure.status}")
    procedure.status = "completed"
    procedure.performed_on = performed_on or practice_today(session=session, practice_id=procedure.practice_id)
    session.add(procedure)
    _record_completed(session, procedure, user_id, "status planned -> completed")
    return procedure


def record_completed_procedure(*, session: Session, patient_id: int, cdt_code: str, fee: float,
                               appointment_id: int | None = None, description: str = "", tooth: str = "",
                               surface: str = "", performed_on: date | None = None,
                               user_id: int | None = None) -> Procedure:
    """Record a procedure done without a plan (e.g. a filling found and done at a check-up)."""
    code = normalize_cdt_code(cdt_code)
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    _check_appointment(session, patient, appointment_id)
    performed_on = performed_on or practice_today(session=session, practice_id=patient.practice_id)
    procedure = Procedure(practice_id=patient.practice_id, patient_id=patient.id, appointment_id=appointment_id,
                          cdt_code=code, fee=validate_fee(fee), status="completed", performed_on=performed_on,
                          description=bounded_text(description, field="description", max_length=200),
                          tooth=bounded_text(tooth, field="tooth", max_length=20),
                          surface=bounded_text(surface, field="surface", max_length=20))
    session.add(procedure)
    session.flush()
    _record_completed(session, procedure, user_id, "recorded completed")
    return procedure


def validate_fee(fee: float) -> float:
    """A finite, non-negative amount rounded to cents."""
    if isinstance(fee, bool) or not isinstance(fee, int | float) or not math.isfinite(fee) or fee < 0:
        raise ValueError("fee must be a number of 0 or more")
    return round(float(fee), 2)


def _record_completed(session: Session, procedure: Procedure, user_id: int | None, detail: str) -> None:
    record_change(session=session, practice_id=procedure.practice_id, entity="procedure", entity_id=procedure.id,
                  detail=detail, user_id=user_id, patient_id=procedure.patient_id,
                  kind=EventKind.PROCEDURE_COMPLETED,
                  payload={"cdt_code": procedure.cdt_code, "procedure_id": procedure.id})


def _check_appointment(session: Session, patient: Patient, appointment_id: int | None) -> None:
    if appointment_id is None:
        return
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.patient_id != patient.id:
        raise ValueError(f"appointment {appointment_id} is not an appointment of patient {patient.id}")


"""One Open Dental row -> the field values of one of our rows (pure: no database, no I/O)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel

from models.importers.opendental import enums
from models.importers.opendental.fields import RowFields
from models.tables import Appointment, AppointmentStatus, Channel, Note, Patient, Procedure, Recall

MINUTES_PER_PATTERN_CHAR = 5  # Open Dental's Pattern holds one character per 5 minutes of the visit
_INTERVAL_PART = re.compile(r"(\d+)([ymwd])")


def external_id(table: str, key: object) -> str:
    return f"opendental:{table}:{key}"


def limit(model: type[SQLModel], column: str) -> int:
    """The declared length of one of our string columns."""
    return model.__table__.c[column].type.length


@dataclass
class Record:
    """What one of our rows should hold: `refs` name our FK columns by the external_id of the row they point to."""

    key: str
    line: int
    fields: dict[str, object]
    refs: dict[str, str | None] = field(default_factory=dict)  # None: the column is set to NULL
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookups:
    codes: dict[int, tuple[str, str]]  # CodeNum -> (CDT code, description)
    providers: dict[int, str]
    operatories: dict[int, str]
    confirmed_defs: frozenset[int]  # DefNums of confirmation statuses that mean "confirmed"


def provider_name(f: RowFields) -> str:
    name = " ".join(part for part in (f.text("FName", limit=100), f.text("LName", limit=100)) if part)
    suffix = f.text("Suffix", limit=100)
    return (f"{name}, {suffix}" if suffix else name)[: limit(Appointment, "provider")]


def is_confirmed_status(item_name: str) -> bool:
    """Open Dental's confirmation statuses are practice-defined; names like "Appointment Confirmed" mean yes."""
    name = item_name.lower()
    return "confirmed" in name and "unconfirmed" not in name and "not " not in name


def _preferred_channel(method: int, mobile: str, email: str, phones: bool, txt_ok: int) -> str:
    """The stated ContactMethod when it is one we use, else the best contact point the patient has."""
    stated = enums.CONTACT_METHOD.get(method)
    if stated is not None:
        return stated
    if mobile and txt_ok == enums.YN_YES:
        return Channel.SMS
    if email:
        return Channel.EMAIL
    return Channel.PHONE if phones and method != enums.DO_NOT_CALL else Channel.SMS


def consent_statements(txt_ok: int, method: int) -> dict[str, tuple[bool | None, str]]:
    """What the export says about texting and calling: (granted or None when it says nothing, evidence)."""
    sms = {enums.YN_YES: True, enums.YN_NO: False}.get(txt_ok)
    phone = method != enums.DO_NOT_CALL
    phone_evidence = f"Open Dental PreferContactMethod={method}" + (" (DoNotCall)" if not phone else "")
    return {"sms": (sms, f"Open Dental TxtMsgOk={txt_ok}"), "phone": (phone, phone_evidence)}


def map_patient(f: RowFields) -> tuple[Record | None, str]:
    pat_num = f.int("PatNum", required=True)
    status = enums.PATIENT_STATUS.get(f.int("PatStatus"), "active")
    if status is None:
        return None, enums.PATIENT_DELETED_REASON
    mobile, home, work = (f.text(c, limit=limit(Patient, "mobile_phone")) for c in ("WirelessPhone", "HmPhone", "WkPhone"))
    email = f.text("Email", limit=limit(Patient, "email"))
    txt_ok, method = f.int("TxtMsgOk"), f.int("PreferContactMethod")
    street = ", ".join(part for part in (f.text("Address", limit=200), f.text("Address2", limit=200)) if part)
    if len(street) > limit(Patient, "address"):
        raise f.fail("Address and Address2 together are longer than 200 characters")
    fields = dict(
        first_name=f.text("FName", limit=limit(Patient, "first_name"), required=True),
        last_name=f.text("LName", limit=limit(Patient, "last_name"), required=True),
        preferred_name=f.text("Preferred", limit=limit(Patient, "preferred_name")),
        birthdate=f.date("Birthdate"),
        gender=enums.GENDER.get(f.int("Gender", default=2), ""),
        email=email, mobile_phone=mobile, home_phone=home, work_phone=work, address=street,
        city=f.text("City", limit=limit(Patient, "city")),
        state=f.text("State", limit=limit(Patient, "state")),
        zip=f.text("Zip", limit=limit(Patient, "zip")),
        preferred_channel=_preferred_channel(method, mobile, email, bool(mobile or home or work), txt_ok),
        sms_ok=txt_ok == enums.YN_YES,
        status=status,
        first_visit=f.date("DateFirstVisit"),
    )
    guarantor = f.int("Guarantor", default=pat_num) or pat_num
    refs = {"guarantor_id": external_id("patient", guarantor)}
    extra = {"consent": consent_statements(txt_ok, method)}
    return Record(external_id("patient", pat_num), f.line, fields, refs, extra), ""


def map_appointment(f: RowFields, lookups: Lookups, tz: ZoneInfo) -> tuple[Record | None, str]:
    apt_num = f.int("AptNum", required=True)
    code = f.int("AptStatus", required=True)
    status, label = enums.APPOINTMENT_STATUS.get(code, (None, f"AptStatus {code} (unknown)"))
    if status is None:
        return None, label
    start = f.local_datetime("AptDateTime", tz, required=True)
    if start is None:
        return None, "no appointment time (0001-01-01)"
    duration = len(f.text("Pattern", limit=1000)) * MINUTES_PER_PATTERN_CHAR or 60
    confirmed = f.int("Confirmed") in lookups.confirmed_defs
    if status == AppointmentStatus.SCHEDULED and confirmed:
        status = AppointmentStatus.CONFIRMED
    is_hygiene = bool(f.int("IsHygiene"))
    prov_num = f.int("ProvHyg") if is_hygiene and f.int("ProvHyg") else f.int("ProvNum")
    fields = dict(
        start=start, duration_minutes=duration, status=status, confirmed=confirmed,
        provider=lookups.providers.get(prov_num, ""), operatory=lookups.operatories.get(f.int("Op"), ""),
        is_new_patient=bool(f.int("IsNewPatient")), is_hygiene=is_hygiene,
        description=f.free_text("ProcDescript", limit=limit(Appointment, "description")),
        note=f.free_text("Note", limit=limit(Appointment, "note")),
        completed_at=start + timedelta(minutes=duration) if status == AppointmentStatus.COMPLETED else None,
    )
    refs = {"patient_id": external_id("patient", f.int("PatNum", required=True))}
    return Record(external_id("appointment", apt_num), f.line, fields, refs), ""


def map_procedure(f: RowFields, lookups: Lookups) -> tuple[Record | None, str]:
    proc_num = f.int("ProcNum", required=True)
    code = f.int("ProcStatus", required=True)
    status, label = enums.PROCEDURE_STATUS.get(code, (None, f"ProcStatus {code} (unknown)"))
    if status is None:
        return None, label
    code_num = f.int("CodeNum", required=True)
    if code_num not in lookups.codes:
        raise f.fail(f"CodeNum {code_num} is not in the export's procedurecode table")
    cdt_code, description = lookups.codes[code_num]
    proc_date, date_tp = f.date("ProcDate"), f.date("DateTP")
    tooth = f.text("ToothNum", limit=limit(Procedure, "tooth")) or f.text("ToothRange", limit=limit(Procedure, "tooth"))
    fields = dict(
        cdt_code=cdt_code, description=description, status=status, fee=round(f.number("ProcFee"), 2),
        tooth=tooth, surface=f.text("Surf", limit=limit(Procedure, "surface")),
        performed_on=proc_date if status == "completed" else None,
        planned_on=date_tp or (proc_date if status == "planned" else None),
    )
    pat_num, apt_num = f.int("PatNum", required=True), f.int("AptNum")
    refs = {"patient_id": external_id("patient", pat_num),
            "appointment_id": external_id("appointment", apt_num) if apt_num else None}
    return Record(external_id("procedurelog", proc_num), f.line, fields, refs, {"pat_num": pat_num}), ""


def recall_interval(text: str) -> str:
    """Open Dental's "0y6m0d" as "6m" (zero parts dropped; years, months, weeks, days in that order)."""
    parts = {unit: int(count) for count, unit in _INTERVAL_PART.findall(text)}
    return "".join(f"{parts[unit]}{unit}" for unit in "ymwd" if parts.get(unit))


def map_recall(f: RowFields) -> tuple[Record | None, str]:
    recall_num = f.int("RecallNum", required=True)
    raw_interval = f.text("RecallInterval", limit=100)
    interval = recall_interval(raw_interval) if _INTERVAL_PART.search(raw_interval) else raw_interval
    if len(interval) > limit(Recall, "interval"):
        raise f.fail("RecallInterval is not an Open Dental interval such as 0y6m0d")
    fields = dict(
        due_on=f.date("DateDue"), previous_on=f.date("DatePrevious"), scheduled_on=f.date("DateScheduled"),
        interval=interval, disabled=bool(f.int("IsDisabled")),
    )
    refs = {"patient_id": external_id("patient", f.int("PatNum", required=True))}
    return Record(external_id("recall", recall_num), f.line, fields, refs), ""


def map_commlog(f: RowFields, tz: ZoneInfo) -> tuple[Record | None, str]:
    commlog_num = f.int("CommlogNum", required=True)
    at = f.local_datetime("CommDateTime", tz)
    if at is None:
        return None, "no date (0001-01-01)"
    fields = dict(
        kind="commlog", channel=enums.COMM_MODE.get(f.int("Mode_"), ""),
        direction=enums.COMM_DIRECTION.get(f.int("SentOrReceived"), ""),
        body=f.free_text("Note", limit=limit(Note, "body")), at=at,
    )
    refs = {"patient_id": external_id("patient", f.int("PatNum", required=True))}
    return Record(external_id("commlog", commlog_num), f.line, fields, refs), ""

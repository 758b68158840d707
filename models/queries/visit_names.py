"""What a visit is called: imported visits are often described by CDT codes only ("D0150, D0274 +1"); staff read
their procedures' names instead, on the timeline and in the appointment book alike."""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, select

from models.tables import Appointment, Procedure

CODES_ONLY = re.compile(r"^\s*D\d{4}(?:\s*,\s*D\d{4})*(?:\s*\+\d+)?\s*$")


def visit_names(session: Session, appointments: Iterable[Appointment]) -> dict[int, str]:
    """Appointment id -> its procedures' names, for descriptions that are only codes; the codes' order first, each
    name once, a procedure without a description by its code. Other appointments keep their description."""
    coded = [a for a in appointments if CODES_ONLY.match(a.description or "")]
    if not coded:
        return {}
    rows = session.exec(select(Procedure).where(Procedure.appointment_id.in_([a.id for a in coded]))
                        .order_by(Procedure.id)).all()
    names: dict[int, str] = {}
    for appointment in coded:
        codes = re.findall(r"D\d{4}", appointment.description)
        linked = sorted((p for p in rows if p.appointment_id == appointment.id),
                        key=lambda p: codes.index(p.cdt_code) if p.cdt_code in codes else len(codes))
        if linked:
            names[appointment.id] = ", ".join(dict.fromkeys(p.description or p.cdt_code for p in linked))
    return names

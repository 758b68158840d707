"""Open Dental's integer enums and how each value maps onto ours.

Values are those of Open Dental's own enums (OpenDentBusiness: ApptStatus, ProcStat, ContactMethod, YN,
CommItemMode, CommSentOrReceived, PatientGender, PatientStatus). A value mapped to None is not imported; the
label then becomes the skip reason counted in the import summary.
"""
from __future__ import annotations

from models.tables import AppointmentStatus, Channel

# ApptStatus. UnschedList (3) is a visit taken off the schedule to be rebooked, so it counts as cancelled here;
# Broken (5) stays on the schedule with a big X: the patient did not come (or cancelled too late), a no-show.
APPOINTMENT_STATUS: dict[int, tuple[str | None, str]] = {
    0: (None, "AptStatus 0 (none)"),
    1: (AppointmentStatus.SCHEDULED, "Scheduled"),
    2: (AppointmentStatus.COMPLETED, "Complete"),
    3: (AppointmentStatus.CANCELLED, "UnschedList"),
    4: (AppointmentStatus.SCHEDULED, "ASAP"),
    5: (AppointmentStatus.NO_SHOW, "Broken"),
    6: (None, "planned appointment (AptStatus 6), not on the schedule"),
    7: (None, "patient note (AptStatus 7), not a visit"),
    8: (None, "completed patient note (AptStatus 8), not a visit"),
}

# ProcStat: only treatment-planned and completed work is ours to track.
PROCEDURE_STATUS: dict[int, tuple[str | None, str]] = {
    1: ("planned", "TP"),
    2: ("completed", "C"),
    3: (None, "ProcStatus 3 (existing, current provider)"),
    4: (None, "ProcStatus 4 (existing, other provider)"),
    5: (None, "ProcStatus 5 (referred out)"),
    6: (None, "ProcStatus 6 (deleted)"),
    7: (None, "ProcStatus 7 (condition)"),
    8: (None, "ProcStatus 8 (inactive treatment plan)"),
}
TREATMENT_PLANNED = 1

# ContactMethod (PreferContactMethod). None means "no usable preference": derive one from the contact points.
# 4 (WirelessPh) asks for a call on the mobile, so it is "phone" like the home and work phones.
CONTACT_METHOD: dict[int, str | None] = {
    0: None,       # None
    1: None,       # DoNotCall: also recorded as a phone opt-out
    2: Channel.PHONE,   # HmPhone
    3: Channel.PHONE,   # WkPhone
    4: Channel.PHONE,   # WirelessPh
    5: Channel.EMAIL,   # Email
    6: None,       # SeeNotes
    7: None,       # Mail: we do not send letters
    8: Channel.SMS,     # TextMessage
}
DO_NOT_CALL = 1

# YN (TxtMsgOk): 0 unknown, 1 yes, 2 no. Unknown is treated as "not OK" for sms_ok (texting needs consent).
YN_UNKNOWN, YN_YES, YN_NO = 0, 1, 2

# CommItemMode and CommSentOrReceived, as the Note.channel / Note.direction words.
COMM_MODE: dict[int, str] = {
    0: "", 1: "email", 2: "mail", 3: "phone", 4: "in_person", 5: "text",
    6: "email_text", 7: "phone_text", 8: "fax",
}
COMM_DIRECTION: dict[int, str] = {0: "", 1: "sent", 2: "received"}

# PatientGender: 0 male, 1 female, 2 unknown; later versions add 3 other.
GENDER: dict[int, str] = {0: "male", 1: "female", 2: "", 3: "other"}

# PatientStatus. Deleted (4) patients are not imported, nor anything that belongs to them.
PATIENT_STATUS: dict[int, str | None] = {
    0: "active", 1: "non_patient", 2: "inactive", 3: "archived", 4: None, 5: "deceased", 6: "prospective",
}
PATIENT_DELETED_REASON = "PatStatus 4 (deleted)"

# definition.Category for appointment confirmation statuses (appointment.Confirmed is one of its DefNums).
DEFINITION_CATEGORY_CONFIRMED = 2

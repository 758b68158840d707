"""The appointment book of a local day, the outbox page and the journey overview."""
from __future__ import annotations

from datetime import date, datetime, timezone

from models.queries.appointments import appointments_on_day, practice_today
from models.queries.journeys import journey_overview, journey_runs
from models.queries.outbox import outbox_page
from models.tables import JourneyVersion
from tests.factories import (make_appointment, make_enrollment, make_journey, make_message, make_patient,
                             make_practice)


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone.utc)


def test_a_day_is_the_practice_local_day_not_the_utc_day(session):
    practice = make_practice(session)  # America/Chicago, UTC-6 in December
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    tom = make_patient(session, practice, first_name="Tom", last_name="Reed")
    make_appointment(session, maria, start=_utc(1, 5, 59))  # 23:59 on 30 Nov local
    late = make_appointment(session, tom, start=_utc(2, 3, 30), status="confirmed")  # 21:30 on 1 Dec local
    early = make_appointment(session, maria, start=_utc(1, 14, 0), description="Cleaning", provider="Dr. Ng")
    make_appointment(session, tom, start=_utc(2, 6, 0))  # 00:00 on 2 Dec local

    day = appointments_on_day(session=session, practice_id=practice.id, day=date(2026, 12, 1))

    assert [(a.id, a.patient_name, a.local_time, a.status, a.description, a.provider) for a in day] == [
        (early.id, "Maria Lopez", "08:00", "scheduled", "Cleaning", "Dr. Ng"),
        (late.id, "Tom Reed", "21:30", "confirmed", "", ""),
    ]


def test_an_imported_visit_described_by_codes_reads_as_its_procedures_names(session):
    from tests.factories import make_procedure

    practice = make_practice(session)
    maria = make_patient(session, practice)
    coded = make_appointment(session, maria, start=_utc(1, 15), description="D2391, D0220")
    make_procedure(session, maria, appointment_id=coded.id, cdt_code="D0220", description="Periapical X-ray")
    make_procedure(session, maria, appointment_id=coded.id, cdt_code="D2391", description="Resin filling, one surface")
    unlinked = make_appointment(session, maria, start=_utc(1, 17), description="D0150")

    day = appointments_on_day(session=session, practice_id=practice.id, day=date(2026, 12, 1))

    assert [(a.id, a.description) for a in day] == [
        (coded.id, "Resin filling, one surface, Periapical X-ray"), (unlinked.id, "D0150")]


def test_practice_today_uses_the_practice_time_zone(session):
    practice = make_practice(session)
    assert practice_today(session=session, practice_id=practice.id, now=_utc(2, 3)) == date(2026, 12, 1)
    assert practice_today(session=session, practice_id=practice.id, now=_utc(2, 6)) == date(2026, 12, 2)


def test_outbox_lists_messages_newest_first_with_reason_and_patient(session):
    practice = make_practice(session)
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    first = make_message(session, maria, body="one", created_at=_utc(1, 10))
    held = make_message(session, maria, body="two", status="deferred", reason="outside the send window",
                        created_at=_utc(1, 11))
    reply = make_message(session, maria, direction="in", body="ok", status="received", created_at=_utc(1, 12))

    page = outbox_page(session=session, practice_id=practice.id, page_size=2)
    assert (page.total, page.page_count) == (3, 2)
    assert [(r.id, r.direction, r.status, r.reason, r.patient_name) for r in page.rows] == [
        (reply.id, "in", "received", "", "Maria Lopez"),
        (held.id, "out", "deferred", "outside the send window", "Maria Lopez"),
    ]
    assert [r.id for r in outbox_page(session=session, practice_id=practice.id, page=2, page_size=2).rows] == [first.id]


def test_journey_overview_counts_runs_by_status_and_shows_the_newest_version(session):
    practice = make_practice(session)
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    tom = make_patient(session, practice, first_name="Tom", last_name="Reed")
    review = make_journey(session, practice)
    make_enrollment(session, review, maria, trigger_ref="a1", status="completed", current_step="end")
    session.add(JourneyVersion(journey_id=review.id, version=2, definition="{}"))
    session.flush()
    make_journey(session, practice, key="nervous", name="Nervous patient check-in", status="paused")
    make_enrollment(session, review, tom, trigger_ref="a2", current_step="wait_reply", started_at=_utc(2, 9))
    make_enrollment(session, review, maria, trigger_ref="a3", current_step="ask_review", started_at=_utc(3, 9))

    overview = journey_overview(session=session, practice_id=practice.id)
    assert [(j.name, j.status, j.version, j.runs_by_status, j.total_runs) for j in overview] == [
        ("Nervous patient check-in", "paused", 1, {}, 0),
        ("Review request", "active", 2, {"completed": 1, "running": 2}, 3),
    ]
    # Each run stays on the version it started on.
    runs = journey_runs(session=session, journey_id=review.id)
    assert [(r.patient_name, r.status, r.current_step, r.version) for r in runs] == [
        ("Maria Lopez", "running", "ask_review", 2),
        ("Tom Reed", "running", "wait_reply", 2),
        ("Maria Lopez", "completed", "end", 1),
    ]

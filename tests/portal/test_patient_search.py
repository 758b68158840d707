"""Patient search: by name words or by phone digits, 25 to a page, sorted by last then first name."""
from __future__ import annotations

from sqlmodel import select

from models.queries.patients import record_patient_view, search_patients
from models.tables import AuditLog
from tests.factories import make_patient, make_practice, make_staff_user


def _ids(page) -> list[int]:  # noqa: ANN001
    return [row.id for row in page.rows]


def test_name_search_matches_the_start_of_first_last_or_preferred_name(session):
    practice = make_practice(session)
    maria = make_patient(session, practice, first_name="Maria", last_name="Lopez")
    mario = make_patient(session, practice, first_name="Mario", last_name="Adams")
    beth = make_patient(session, practice, first_name="Elizabeth", last_name="Marsh", preferred_name="Beth")
    make_patient(session, practice, first_name="Rosemary", last_name="Kane")

    assert _ids(search_patients(session=session, practice_id=practice.id, query="mar")) == [mario.id, maria.id, beth.id]
    assert _ids(search_patients(session=session, practice_id=practice.id, query="BETH")) == [beth.id]
    assert _ids(search_patients(session=session, practice_id=practice.id, query="maria lop")) == [maria.id]


def test_phone_search_ignores_punctuation_in_stored_numbers(session):
    practice = make_practice(session)
    mobile = make_patient(session, practice, first_name="Ann", mobile_phone="(555) 201-3344")
    home = make_patient(session, practice, first_name="Ben", mobile_phone="", home_phone="555.987.2013")
    make_patient(session, practice, first_name="Cy", mobile_phone="555-000-1111")

    page = search_patients(session=session, practice_id=practice.id, query="201-33")
    assert _ids(page) == [mobile.id]
    assert page.rows[0].phone == "(555) 201-3344"
    assert _ids(search_patients(session=session, practice_id=practice.id, query="9872013")) == [home.id]
    assert search_patients(session=session, practice_id=practice.id, query="12").total == 0


def test_pages_hold_25_rows_and_count_the_whole_result(session):
    practice = make_practice(session)
    patients = [make_patient(session, practice, first_name=f"P{i:02d}", last_name="Smith") for i in range(60)]
    other = make_practice(session, name="Elsewhere")
    make_patient(session, other, last_name="Smith")

    third = search_patients(session=session, practice_id=practice.id, query="smith", page=3)
    assert third.total == 60
    assert third.page_count == 3
    assert _ids(third) == [p.id for p in patients[50:]]
    assert len(search_patients(session=session, practice_id=practice.id, page=1).rows) == 25


def test_viewing_a_patient_writes_an_audit_row_with_the_id_only(session):
    practice = make_practice(session)
    patient = make_patient(session, practice)
    user = make_staff_user(session, practice)

    record_patient_view(session=session, user=user, patient_id=patient.id)

    row = session.exec(select(AuditLog)).one()
    assert (row.practice_id, row.user_id, row.action, row.entity, row.entity_id, row.detail) == (
        practice.id, user.id, "view", "patient", str(patient.id), "")

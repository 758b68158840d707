"""Patient search: by name words, phone digits or email address, 25 to a page, sorted by last then first name."""
from __future__ import annotations

from sqlmodel import Session, SQLModel, select

from models.db import make_engine
from models.queries.patients import record_patient_view, search_patients
from models.tables import AuditLog
from portal.state.patients import empty_result_text
from tests.factories import make_patient, make_practice, make_staff_user
from tests.postgres import throwaway_database


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


def test_percent_and_underscore_are_searched_literally_not_as_wildcards(session):
    practice = make_practice(session)
    make_patient(session, practice, first_name="Ann", last_name="Lee", email="ann.lee@example.com")
    odd = make_patient(session, practice, first_name="Bo", last_name="Ng", email="bo_ng@example.com")

    # As wildcards, "ann_lee@" would match ann.lee@ and "%" everyone.
    for query in ("%", "_", "a%", "%@", "ann_lee@"):
        assert search_patients(session=session, practice_id=practice.id, query=query).total == 0, query
    assert _ids(search_patients(session=session, practice_id=practice.id, query="bo_ng@")) == [odd.id]


def test_wildcards_are_literal_on_postgresql_too():
    with throwaway_database() as url:
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            practice = make_practice(session)
            make_patient(session, practice, first_name="Ann", last_name="Lee", email="ann.lee@example.com")
            odd = make_patient(session, practice, first_name="Bo", last_name="Ng", email="bo_ng@example.com",
                               mobile_phone="+1 (202) 852-5387")
            totals = [search_patients(session=session, practice_id=practice.id, query=q).total
                      for q in ("%", "_", "a%", "ann_lee@")]
            found = [_ids(search_patients(session=session, practice_id=practice.id, query=q))
                     for q in ("BO_NG@Example.com", "+1 202 852 5387")]
        engine.dispose()
    assert totals == [0, 0, 0, 0]
    assert found == [[odd.id], [odd.id]]


def test_a_leading_country_code_is_ignored_in_phone_search(session):
    practice = make_practice(session)
    patient = make_patient(session, practice, mobile_phone="(202) 852-5387")
    make_patient(session, practice, first_name="Other", mobile_phone="(555) 201-3344")

    for query in ("+1 202 852 5387", "1-202-852-5387", "+1 (202) 852-5387", "12028525387", "+1 202"):
        assert _ids(search_patients(session=session, practice_id=practice.id, query=query)) == [patient.id], query


def test_email_search_matches_the_whole_address_or_its_start_ignoring_case(session):
    practice = make_practice(session)
    maria = make_patient(session, practice, email="Maria.Lopez@Example.com")
    make_patient(session, practice, first_name="Mario", email="mario@example.com")
    make_patient(session, practice, first_name="Ana", email="ana@lopez-maria.com")

    assert _ids(search_patients(session=session, practice_id=practice.id, query="maria.lopez@example.com")) == [maria.id]
    assert _ids(search_patients(session=session, practice_id=practice.id, query=" MARIA.LOPEZ@EXA ")) == [maria.id]
    assert search_patients(session=session, practice_id=practice.id, query="lopez@example.com").total == 0


def test_an_empty_result_says_what_matched_nothing():
    assert empty_result_text(" zed ", 0) == "No patients match 'zed'."
    assert empty_result_text("", 0) == "No patients yet."
    assert empty_result_text("zed", 3) == ""


def test_a_long_search_is_quoted_back_shortened():
    pasted = "word " * 1000
    text = empty_result_text(pasted, 0)
    assert text == "No patients match '" + ("word " * 12).strip() + "…'."
    assert len(text) < 90

"""Bad input is refused whole: a clear message (file, line, problem, no patient data) and nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from models.importers.opendental import OpenDentalImportError, import_opendental
from models.tables import Appointment, AuditLog, Note, Patient, Practice, Procedure, Recall
from tests.factories import (
    make_patient, make_practice, od_appointment, od_patient, od_procedure, od_procedure_code, write_opendental_dump,
)
from tests.models.importers.conftest import FHIR_EXAMPLE, OPENDENTAL_300, count

_TABLES = (Practice, Patient, Appointment, Procedure, Recall, Note, AuditLog)


def _nothing_written(engine) -> bool:
    return all(count(engine, model) == 0 for model in _TABLES)


def _import_error(engine, path) -> str:
    with pytest.raises(OpenDentalImportError) as error:
        import_opendental(engine=engine, path=path)
    return str(error.value)


def test_file_cut_in_the_middle_of_a_statement_imports_nothing(engine, tmp_path):
    data = OPENDENTAL_300.read_bytes()
    cut = tmp_path / "cut.sql"
    cut.write_bytes(data[: len(data) // 2])
    last_line = data[: len(data) // 2].count(b"\n") + 1
    message = _import_error(engine, cut)
    assert message.startswith(f"cut.sql, line {last_line}: the file ends ")
    assert "is it truncated?" in message
    assert _nothing_written(engine)


def test_file_missing_the_closing_set_statement_imports_nothing(engine, tmp_path):
    lines = OPENDENTAL_300.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[-1].strip() == "SET FOREIGN_KEY_CHECKS = 1;"
    cut = tmp_path / "no_end.sql"
    cut.write_text("".join(lines[:-2]), encoding="utf-8")
    message = _import_error(engine, cut)
    assert message == (f"no_end.sql, line {len(lines) - 2}: the file ends without the closing "
                       "`SET FOREIGN_KEY_CHECKS = 1;` of the export (is it truncated?)")
    assert _nothing_written(engine)


def test_fhir_json_is_not_an_open_dental_export(engine):
    message = _import_error(engine, FHIR_EXAMPLE)
    assert message == "Patient-example.json, line 1: unexpected character '{': this is not a MySQL INSERT script"
    assert _nothing_written(engine)


def test_sql_without_patients_is_not_an_open_dental_export(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "codes.sql", {"procedurecode": [od_procedure_code()]})
    assert _import_error(engine, path) == (
        "codes.sql: the file has no `patient` INSERT statements: this is not an Open Dental export")
    assert _nothing_written(engine)


def test_appointment_of_an_unknown_patient_is_refused_with_its_line(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "orphan.sql", {
        "patient": [od_patient(1)], "appointment": [od_appointment(10, 1), od_appointment(11, 99)]})
    # Lines: 3 header lines + blank, then patient (5), appointments (6, 7).
    assert _import_error(engine, path) == "orphan.sql, line 7: `appointment`: PatNum 99 is not a patient in the export"
    assert _nothing_written(engine)


def test_missing_last_name_is_refused_without_showing_patient_data(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "noname.sql", {
        "patient": [od_patient(1), od_patient(2, LName=None, FName="Zebedee")]})
    message = _import_error(engine, path)
    assert message == "noname.sql, line 6: `patient`: LName is NULL"
    assert "Zebedee" not in message and "555" not in message
    assert _nothing_written(engine)


def test_bad_date_names_the_column_not_the_value(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "baddate.sql", {"patient": [od_patient(1, Birthdate="17/05/1980")]})
    assert _import_error(engine, path) == "baddate.sql, line 5: `patient`: Birthdate is not a date"


def test_duplicate_key_is_refused(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "dup.sql", {"patient": [od_patient(1), od_patient(2), od_patient(1)]})
    assert _import_error(engine, path) == "dup.sql, line 7: `patient`: PatNum 1 appears twice (first on line 5)"
    assert _nothing_written(engine)


def test_procedure_with_a_code_missing_from_procedurecode_is_refused(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "code.sql", {
        "procedurecode": [od_procedure_code(1)], "patient": [od_patient(1)], "procedurelog": [od_procedure(5, 1, CodeNum=7)]})
    assert _import_error(engine, path) == (
        "code.sql, line 7: `procedurelog`: CodeNum 7 is not in the export's procedurecode table")


def test_guarantor_outside_the_export_is_refused(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "family.sql", {"patient": [od_patient(1, Guarantor=42)]})
    assert _import_error(engine, path) == "family.sql, line 5: `patient`: Guarantor 42 is not a patient in the export"


def test_refused_file_leaves_existing_data_untouched(engine, session, tmp_path):
    practice = make_practice(session)
    make_patient(session, practice, external_id="opendental:patient:1", first_name="Kept")
    session.commit()
    path = write_opendental_dump(tmp_path / "bad.sql", {
        "patient": [od_patient(1, FName="Changed"), od_patient(2)], "appointment": [od_appointment(10, 3)]})
    _import_error(engine, path)
    session.expire_all()
    assert session.exec(select(Patient.first_name)).all() == ["Kept"]
    assert count(engine, AuditLog) == 0


def test_unknown_practice_is_refused(engine, tmp_path):
    path = write_opendental_dump(tmp_path / "ok.sql", {"patient": [od_patient(1)]})
    with pytest.raises(OpenDentalImportError, match=r"^ok.sql: practice 5 does not exist$"):
        import_opendental(engine=engine, path=path, practice_id=5)


def test_several_practices_need_a_practice_id(engine, session, tmp_path):
    make_practice(session, name="North")
    make_practice(session, name="South")
    session.commit()
    path = write_opendental_dump(tmp_path / "ok.sql", {"patient": [od_patient(1)]})
    with pytest.raises(OpenDentalImportError, match="several practices exist"):
        import_opendental(engine=engine, path=path)
    assert count(engine, Patient) == 0


def test_missing_file_is_a_clear_error(engine, tmp_path):
    with pytest.raises(OpenDentalImportError, match=r"^nope.sql: no such file$"):
        import_opendental(engine=engine, path=tmp_path / "nope.sql")


def test_an_empty_file_is_called_empty(engine, tmp_path):
    empty = tmp_path / "empty.sql"
    empty.write_bytes(b"")
    assert _import_error(engine, empty) == "empty.sql: the file is empty"
    assert _import_error(engine, Path("/dev/null")) == "null: the file is empty"
    assert _nothing_written(engine)


def test_a_line_of_plain_text_is_not_an_export_rather_than_a_truncated_one(engine, tmp_path):
    hostname = tmp_path / "hostname"
    hostname.write_text("frontdesk01\n", encoding="utf-8")
    assert _import_error(engine, hostname) == "hostname, line 1: the text is not SQL: this is not an Open Dental export"
    assert _nothing_written(engine)


def test_a_folder_is_not_an_export_file(engine, tmp_path):
    assert _import_error(engine, tmp_path) == f"{tmp_path.name}: this is a folder, not an export file"

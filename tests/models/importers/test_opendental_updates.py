"""A newer export of the same practice: only what changed is updated (opendental_80.sql, with perio tables)."""
from __future__ import annotations

from sqlmodel import Session, select

from models.importers.opendental import import_opendental
from models.tables import Appointment, Patient
from tests.models.importers.conftest import OPENDENTAL_80, count, fresh_engine, rows_in_file


def test_changed_phone_in_a_newer_export_updates_one_patient(tmp_path):
    engine = fresh_engine(tmp_path)
    first = import_opendental(engine=engine, path=OPENDENTAL_80)
    assert (count(engine, Patient), count(engine, Appointment)) == (80, 745)
    assert first.tables["periomeasure"].skipped == {"table not imported": 22793}

    patient = rows_in_file(OPENDENTAL_80, "patient")[3]
    old_line = next(line for line in OPENDENTAL_80.read_text(encoding="utf-8").splitlines()
                    if line.startswith("INSERT INTO `patient`") and f"VALUES ({patient['PatNum']}," in line)
    new_line = old_line.replace(f"'{patient['WirelessPhone']}'", "'(555) 010-2030'")
    assert new_line != old_line
    changed = tmp_path / "opendental_80_newer.sql"
    changed.write_text(OPENDENTAL_80.read_text(encoding="utf-8").replace(old_line, new_line), encoding="utf-8")

    second = import_opendental(engine=engine, path=changed)
    assert (second.imported, second.updated) == (0, 1)
    assert (second.tables["patient"].updated, second.tables["patient"].unchanged) == (1, 79)
    assert second.tables["appointment"].unchanged == 745
    with Session(engine) as session:
        row = session.exec(select(Patient).where(Patient.external_id == f"opendental:patient:{patient['PatNum']}")).one()
    assert row.mobile_phone == "(555) 010-2030"
    assert row.updated_at > row.created_at
    engine.dispose()

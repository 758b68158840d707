"""Fixtures for the Open Dental import tests: the real synthetic exports, one shared imported database per module."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401
from models.db import make_engine
from models.importers.opendental import import_opendental

REALDATA = Path(__file__).resolve().parents[3].parent / "shared" / "realdata"
OPENDENTAL_300 = REALDATA / "synthetic-opendental" / "opendental_300.sql"
OPENDENTAL_80 = REALDATA / "synthetic-opendental" / "opendental_80.sql"
FHIR_EXAMPLE = REALDATA / "hl7-fhir-r4-examples" / "Patient-example.json"

_INSERT = re.compile(r"^INSERT INTO `(\w+)` \(([^)]*)\) VALUES \((.*)\);$")


def rows_in_file(path: Path, table: str) -> list[dict[str, str]]:
    """The rows of one table read with a regex and the csv module: an independent check on the importer."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        found = _INSERT.match(line)
        if found and found.group(1) == table:
            columns = [c.strip() for c in found.group(2).split(",")]
            [values] = csv.reader([found.group(3)], quotechar="'", skipinitialspace=True, escapechar="\\")
            rows.append(dict(zip(columns, values)))
    return rows


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def fresh_engine(directory: Path):
    engine = make_engine(f"sqlite:///{directory / 'import.db'}")
    SQLModel.metadata.create_all(engine)
    return engine


@pytest.fixture(scope="module")
def imported_300(tmp_path_factory):
    """opendental_300.sql imported once into a fresh database, shared by tests that only read."""
    engine = fresh_engine(tmp_path_factory.mktemp("od300"))
    summary = import_opendental(engine=engine, path=OPENDENTAL_300)
    yield engine, summary
    engine.dispose()

"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401
from models.db import make_engine
from models.migrate import upgrade
from models.tables import Appointment, Patient, Practice

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


def _schema_drift(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return diff


@pytest.fixture
def postgres_url():
    """A throwaway PostgreSQL database on the machine's server, dropped afterwards."""
    name = f"prm_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_migrations_on_sqlite_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert _schema_drift(url) == []


def test_migrations_on_postgres_match_the_models(postgres_url):
    upgrade(postgres_url)
    assert _schema_drift(postgres_url) == []


def test_second_upgrade_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    before = sorted(inspect(make_engine(url)).get_table_names())
    upgrade(url)
    assert sorted(inspect(make_engine(url)).get_table_names()) == before
    assert "patient" in before and "enrollment" in before


def test_postgres_keeps_timestamps_in_utc(postgres_url):
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    start = datetime(2027, 3, 14, 8, 30, tzinfo=timezone.utc)
    with Session(engine) as s:
        practice = Practice(name="P")
        s.add(practice)
        s.flush()
        patient = Patient(practice_id=practice.id, first_name="A", last_name="B")
        s.add(patient)
        s.flush()
        s.add(Appointment(practice_id=practice.id, patient_id=patient.id, start=start))
        s.commit()
    with Session(engine) as s:
        loaded = s.exec(select(Appointment)).one()
    engine.dispose()
    assert loaded.start == start
    assert loaded.start.tzinfo is not None

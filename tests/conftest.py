"""Shared fixtures: a fresh database per test (SQLite file under tmp_path) and a session on it."""
from __future__ import annotations

import pytest
from sqlmodel import Session, SQLModel

import models.tables  # noqa: F401
from models.db import make_engine


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s

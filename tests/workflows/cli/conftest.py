"""The CLI reads DATABASE_URL through the cached settings and engine: point both at a fresh SQLite file."""
from __future__ import annotations

import pytest
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from models.db import get_engine
from models.settings import get_settings


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = get_engine()
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()

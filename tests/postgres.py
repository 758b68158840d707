"""Throwaway PostgreSQL databases on the machine's server (127.0.0.1:5432, trust auth) for production-mode tests."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


@contextmanager
def throwaway_database(prefix: str = "prm_test") -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, drop it afterwards (also when connections are left open)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

"""Alembic environment: migrations are generated from SQLModel.metadata and run against the configured database."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers every table)
from models.db import make_engine
from models.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.attributes.get("url") or get_settings().db_url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()

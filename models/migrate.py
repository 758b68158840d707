"""Apply (or generate) Alembic migrations without an alembic.ini on disk."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from models.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = url or get_settings().db_url
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest schema; a no-op when it is already there."""
    command.upgrade(alembic_config(url), "head")


def generate(message: str, url: str) -> None:
    """Developer helper: autogenerate a revision against an up-to-date scratch database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)

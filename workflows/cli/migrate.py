"""`prm migrate`: bring the database schema up to date."""
from __future__ import annotations

from models.migrate import upgrade
from models.settings import get_settings


def run(_args) -> int:  # noqa: ANN001
    upgrade()
    print(f"database is up to date ({get_settings().db_url.split('://')[0]})")
    return 0

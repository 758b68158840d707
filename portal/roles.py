"""Which staff roles may open which area (checked on page load and again in every handler)."""
from __future__ import annotations

from models.tables import Role

ALL_STAFF: tuple[str, ...] = (Role.FRONT_DESK, Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
JOURNEY_STAFF: tuple[str, ...] = (Role.COORDINATOR, Role.MANAGER, Role.ADMIN)
KPI_STAFF: tuple[str, ...] = (Role.MANAGER, Role.ADMIN)
SEES_EVERY_TASK: tuple[str, ...] = (Role.MANAGER, Role.ADMIN)  # the others see their own role's tasks

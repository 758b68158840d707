"""Reaching Temporal from `prm journeys`: a clear failure when it is down (run statuses: workflows.run_control)."""
from __future__ import annotations

from temporalio.client import Client

from models.settings import Settings, get_settings
from workflows.cli.journeys.common import JourneyCommandError
from workflows.temporal_client import TEMPORAL_ERRORS, connect_within

__all__ = ["TEMPORAL_ERRORS", "connect_or_fail", "connect_or_none"]


async def connect_or_fail(settings: Settings | None = None) -> Client:
    """A client, or a JourneyCommandError (exit 1) naming the address, before anything has been changed."""
    settings = settings or get_settings()
    try:
        return await connect_within(settings)
    except TEMPORAL_ERRORS as exc:
        raise JourneyCommandError(f"Temporal is not reachable at {settings.temporal_address} "
                                  f"({type(exc).__name__}); nothing was changed. Start it with `prm up` "
                                  "and try again") from None


async def connect_or_none(settings: Settings | None = None) -> Client | None:
    try:
        return await connect_or_fail(settings)
    except JourneyCommandError:
        return None

"""Reaching Temporal from `prm journeys`: a clear failure when it is down (run statuses: workflows.run_control)."""
from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.service import RPCError

from models.settings import Settings, get_settings
from workflows.cli.journeys.common import JourneyCommandError
from workflows.temporal_client import connect

CONNECT_TIMEOUT_SECONDS = 5
# What talking to a Temporal server that is down, slow or restarting raises.
TEMPORAL_ERRORS = (RuntimeError, OSError, RPCError, asyncio.TimeoutError)


async def connect_or_fail(settings: Settings | None = None) -> Client:
    """A client, or a JourneyCommandError (exit 1) naming the address, before anything has been changed."""
    settings = settings or get_settings()
    try:
        return await asyncio.wait_for(connect(settings), timeout=CONNECT_TIMEOUT_SECONDS)
    except TEMPORAL_ERRORS as exc:
        raise JourneyCommandError(f"Temporal is not reachable at {settings.temporal_address} "
                                  f"({type(exc).__name__}); nothing was changed. Start it with `prm up` "
                                  "and try again") from None


async def connect_or_none(settings: Settings | None = None) -> Client | None:
    try:
        return await connect_or_fail(settings)
    except JourneyCommandError:
        return None


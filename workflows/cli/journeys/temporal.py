"""Reaching Temporal from `prm journeys`: a clear failure when it is down, and live run statuses when it answers."""
from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.exceptions import TemporalError
from temporalio.service import RPCError

from models.settings import Settings, get_settings
from workflows.cli.journeys.common import JourneyCommandError
from workflows.journeys.payloads import RunStatus
from workflows.run_control import run_status
from workflows.temporal_client import connect

CONNECT_TIMEOUT_SECONDS = 5
STATUS_TIMEOUT_SECONDS = 5
# What talking to a Temporal server that is down, slow or restarting raises.
TEMPORAL_ERRORS = (RuntimeError, OSError, RPCError, asyncio.TimeoutError)
# A run can also refuse or fail a query (e.g. its worker cannot decode it); its database row is shown instead.
STATUS_ERRORS = (*TEMPORAL_ERRORS, TemporalError)


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


async def _one_status(client: Client, workflow_id: str) -> RunStatus | None:
    """The run's own answer, or None when it does not answer in time (no worker, finished, unknown)."""
    try:
        return await asyncio.wait_for(run_status(client, workflow_id), timeout=STATUS_TIMEOUT_SECONDS)
    except STATUS_ERRORS:
        return None


async def live_statuses(client: Client, workflow_ids: list[str]) -> dict[str, RunStatus]:
    """What each workflow reports about itself, for those that answer."""
    answers = await asyncio.gather(*(_one_status(client, wid) for wid in workflow_ids))
    return {wid: status for wid, status in zip(workflow_ids, answers, strict=True) if status is not None}

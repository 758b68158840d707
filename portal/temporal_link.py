"""The portal's link to Temporal: run the dispatcher now, read a run's live step; both degrade when it is down."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from temporalio.service import RPCError

from models.db import session_scope
from models.settings import Settings, get_settings
from workflows.journeys.payloads import RunStatus

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
DISPATCH_TIMEOUT_SECONDS = 30
STATUS_TIMEOUT_SECONDS = 5
# What can go wrong talking to a Temporal server that is down, slow or restarting.
TEMPORAL_ERRORS = (RuntimeError, OSError, RPCError, asyncio.TimeoutError)


async def _client(settings: Settings | None = None):  # noqa: ANN202
    from workflows.temporal_client import connect

    return await asyncio.wait_for(connect(settings), timeout=CONNECT_TIMEOUT_SECONDS)


async def dispatch_now(*, settings: Settings | None = None, session_factory: Callable = session_scope) -> bool:
    """Turn pending domain events into journey runs right away; False if Temporal is unreachable or an event failed.

    The event row is already committed, so nothing is lost on False: the worker's own loop dispatches it later.
    """
    from workflows.dispatcher import dispatch_pending

    try:
        client = await _client(settings)
        task_queue = (settings or get_settings()).task_queue
        report = await asyncio.wait_for(
            dispatch_pending(client=client, session_factory=session_factory, task_queue=task_queue),
            timeout=DISPATCH_TIMEOUT_SECONDS)
    except TEMPORAL_ERRORS as exc:
        log.warning("dispatch from the portal failed (%s); the worker will dispatch", type(exc).__name__)
        return False
    # The dispatcher keeps an event it could not handle pending for its next pass: not started yet.
    return not report.failed_events


async def live_steps(workflow_ids: list[str], *, settings: Settings | None = None) -> dict[str, RunStatus] | None:
    """Each run's status as the workflow itself reports it (runs that do not answer are left out);
    None if Temporal is unreachable."""
    from workflows.run_control import run_statuses

    try:
        client = await _client(settings)
    except TEMPORAL_ERRORS as exc:
        log.warning("reading run status failed (%s); showing the database copy", type(exc).__name__)
        return None
    return await run_statuses(client, workflow_ids, timeout_s=STATUS_TIMEOUT_SECONDS)

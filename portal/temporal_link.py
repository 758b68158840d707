"""The portal's link to Temporal: run the dispatcher now, read a run's live step; both degrade when it is down."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from temporalio.service import RPCError

from models.db import session_scope
from models.settings import Settings, get_settings

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


async def live_steps(workflow_ids: list[str]) -> dict[str, dict] | None:
    """Each running workflow's current step as the workflow itself reports it; None if Temporal is unreachable."""
    from workflows.run_control import run_status

    try:
        client = await _client()
        statuses = await asyncio.wait_for(
            asyncio.gather(*(run_status(client, wid) for wid in workflow_ids)), timeout=STATUS_TIMEOUT_SECONDS)
    except TEMPORAL_ERRORS as exc:
        log.warning("reading run status failed (%s); showing the database copy", type(exc).__name__)
        return None
    return {wid: {"step_id": s.step_id, "kind": s.kind, "waiting_until": s.waiting_until or "",
                  "paused": s.paused, "finished": s.finished}
            for wid, s in zip(workflow_ids, statuses, strict=True) if s is not None}

"""The portal's link to Temporal: a client for staff controls, run the dispatcher now, read runs' live steps; each
degrades when Temporal is down."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from temporalio.client import Client

from models.db import session_scope
from models.settings import Settings, get_settings
from workflows.journeys.payloads import RunStatus
from workflows.temporal_client import TEMPORAL_ERRORS, connect_within

if TYPE_CHECKING:
    from workflows.dispatcher import DispatchReport

log = logging.getLogger(__name__)

DISPATCH_TIMEOUT_SECONDS = 30
STATUS_TIMEOUT_SECONDS = 5


async def client(settings: Settings | None = None) -> Client:
    """A connected client within a few seconds; raises one of TEMPORAL_ERRORS when Temporal is down."""
    return await connect_within(settings)


async def dispatch_now(*, settings: Settings | None = None, session_factory: Callable = session_scope) -> bool:
    """Turn pending domain events into journey runs right away; False if Temporal is unreachable or an event failed.

    The event row is already committed, so nothing is lost on False: the worker's own loop dispatches it later.
    """
    report = await dispatch_report_now(settings=settings, session_factory=session_factory)
    # The dispatcher keeps an event it could not handle pending for its next pass: not started yet.
    return report is not None and not report.failed_events


async def dispatch_report_now(*, settings: Settings | None = None,
                              session_factory: Callable = session_scope) -> DispatchReport | None:
    """dispatch_now's pass with its report (what started, what the entry rules refused); None if Temporal is down."""
    from workflows.dispatcher import dispatch_pending

    try:
        temporal = await client(settings)
        task_queue = (settings or get_settings()).task_queue
        report = await asyncio.wait_for(
            dispatch_pending(client=temporal, session_factory=session_factory, task_queue=task_queue),
            timeout=DISPATCH_TIMEOUT_SECONDS)
    except TEMPORAL_ERRORS as exc:
        log.warning("dispatch from the portal failed (%s); the worker will dispatch", type(exc).__name__)
        return None
    return report


async def live_steps(workflow_ids: list[str], *, settings: Settings | None = None) -> dict[str, RunStatus] | None:
    """Each run's status as the workflow itself reports it (runs that do not answer are left out);
    None if Temporal is unreachable."""
    from workflows.run_control import run_statuses

    try:
        temporal = await client(settings)
    except TEMPORAL_ERRORS as exc:
        log.warning("reading run status failed (%s); showing the database copy", type(exc).__name__)
        return None
    return await run_statuses(temporal, workflow_ids, timeout_s=STATUS_TIMEOUT_SECONDS)

"""Staff controls for one running journey: pause, resume, cancel, skip to a step, and its live status."""
from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import TemporalError
from temporalio.service import RPCError, RPCStatusCode

from workflows.journeys.payloads import RunStatus
from workflows.temporal_client import TEMPORAL_ERRORS

RUN_ACTIONS = ("pause", "resume", "cancel", "skip")
DEFAULT_CANCEL_REASON = "cancelled by staff"
STATUS_TIMEOUT_SECONDS = 5
# What asking a run that is slow, unreadable (e.g. its worker cannot decode it) or on a server going down raises;
# TemporalError covers RPCError and failed queries, OSError covers timeouts and refused connections.
STATUS_ERRORS = (RuntimeError, OSError, TemporalError)


async def _signal(client: Client, workflow_id: str, name: str, *args: Any) -> bool:
    """Send a signal; False when the run does not exist or has already finished."""
    try:
        await client.get_workflow_handle(workflow_id).signal(name, *args)
        return True
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise


async def pause_run(client: Client, workflow_id: str) -> bool:
    """The run holds before its next step until resumed (sends due meanwhile wait)."""
    return await _signal(client, workflow_id, "pause")


async def resume_run(client: Client, workflow_id: str) -> bool:
    return await _signal(client, workflow_id, "resume")


async def cancel_run(client: Client, workflow_id: str, reason: str = DEFAULT_CANCEL_REASON) -> bool:
    """End the run; the reason lands in the enrollment's exit reason (keep it free of PHI)."""
    return await _signal(client, workflow_id, "cancel", reason)


async def skip_run(client: Client, workflow_id: str, step_id: str) -> bool:
    """Jump to a step of the pinned version (the workflow refuses an unknown step id and logs the refusal)."""
    return await _signal(client, workflow_id, "skip_to", step_id)


async def act_on_run(client: Client, workflow_id: str, action: str, *, step_id: str = "",
                     reason: str = DEFAULT_CANCEL_REASON) -> bool:
    """One of RUN_ACTIONS by name (skip needs step_id); False when the run does not exist or has finished."""
    if action == "pause":
        return await pause_run(client, workflow_id)
    if action == "resume":
        return await resume_run(client, workflow_id)
    if action == "cancel":
        return await cancel_run(client, workflow_id, reason)
    if action == "skip":
        return await skip_run(client, workflow_id, step_id)
    raise ValueError(f"unknown run action '{action}' (one of {', '.join(RUN_ACTIONS)})")


@dataclass(frozen=True)
class CancelReport:
    cancelled: int
    already_finished: int
    unanswered: tuple[str, ...]  # workflow ids Temporal could not be asked about


async def cancel_runs(client: Client, workflow_ids: Iterable[str], reason: str) -> CancelReport:
    """Cancel many runs at once (stopping a journey); a run Temporal fails to answer for is reported, not raised."""
    async def one(workflow_id: str) -> bool | None:
        try:
            return await cancel_run(client, workflow_id, reason)
        except TEMPORAL_ERRORS:
            return None

    ids = list(workflow_ids)
    answers = await asyncio.gather(*(one(wid) for wid in ids))
    return CancelReport(cancelled=answers.count(True), already_finished=answers.count(False),
                        unanswered=tuple(wid for wid, answer in zip(ids, answers, strict=True) if answer is None))


async def wait_for_end(client: Client, workflow_id: str, timeout_s: float) -> bool:
    """Whether the run has closed within timeout_s (after a cancel, so a page can show the run's final state)."""
    try:
        await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), timeout=timeout_s)
    except WorkflowFailureError:
        return True  # it ended, as failed
    except TEMPORAL_ERRORS:  # not yet (no worker took the signal), or the server did not answer
        return False
    return True


async def run_status(client: Client, workflow_id: str) -> RunStatus | None:
    """Where the run is; None if no such run exists."""
    try:
        return await client.get_workflow_handle(workflow_id).query("status", result_type=RunStatus)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise


async def run_statuses(client: Client, workflow_ids: Iterable[str],
                       timeout_s: float = STATUS_TIMEOUT_SECONDS) -> dict[str, RunStatus]:
    """What each run reports about itself, all asked at once; a run that does not answer within timeout_s
    (no worker polling, finished, unknown, failing) is left out, so callers show its database copy instead."""
    async def answer(workflow_id: str) -> RunStatus | None:
        try:
            return await asyncio.wait_for(run_status(client, workflow_id), timeout=timeout_s)
        except STATUS_ERRORS:
            return None

    ids = list(workflow_ids)
    answers = await asyncio.gather(*(answer(wid) for wid in ids))
    return {wid: status for wid, status in zip(ids, answers, strict=True) if status is not None}

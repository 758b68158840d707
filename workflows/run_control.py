"""Staff controls for one running journey: pause, resume, cancel, skip to a step, and its live status."""
from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows.journeys.payloads import RunStatus


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


async def cancel_run(client: Client, workflow_id: str, reason: str = "cancelled by staff") -> bool:
    """End the run; the reason lands in the enrollment's exit reason (keep it free of PHI)."""
    return await _signal(client, workflow_id, "cancel", reason)


async def skip_run(client: Client, workflow_id: str, step_id: str) -> bool:
    """Jump to a step of the pinned version (the workflow refuses an unknown step id and logs the refusal)."""
    return await _signal(client, workflow_id, "skip_to", step_id)


async def run_status(client: Client, workflow_id: str) -> RunStatus | None:
    """Where the run is; None if no such run exists."""
    try:
        return await client.get_workflow_handle(workflow_id).query("status", result_type=RunStatus)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise

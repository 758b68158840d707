"""The journey worker: the journey workflow, the date-trigger scan and their activities on one task queue."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.channels.base import ChannelSender
from workflows.journeys.activities import JourneyActivities
from workflows.journeys.workflow import JourneyWorkflow
from workflows.sandbox_bytecode import ensure_bytecode, modules_of
from workflows.schedules import DateTriggerActivities, DateTriggerScanWorkflow

# In-flight sends get this long to finish on shutdown, so send_once can record what the provider answered.
GRACEFUL_SHUTDOWN = timedelta(seconds=15)
# Imported once outside the sandbox: the table and ORM modules touch the platform at import time (which the sandbox
# forbids) and hold no state a workflow could change. Workflow code itself stays sandboxed.
PASSTHROUGH_MODULES = ("models", "sqlmodel", "sqlalchemy")


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES))


def build_worker(client: Client, *, session_factory: Callable, senders: Mapping[str, ChannelSender],
                 task_queue: str) -> Worker:
    """A worker hosting every journey workflow and activity (all activities are async: no executor needed)."""
    activities = [*JourneyActivities(session_factory, senders).activities(),
                  *DateTriggerActivities(session_factory).activities()]
    workflows = [JourneyWorkflow, DateTriggerScanWorkflow]
    ensure_bytecode(modules_of(workflows))
    return Worker(client, task_queue=task_queue, workflows=workflows,
                  activities=activities, graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
                  workflow_runner=workflow_runner())

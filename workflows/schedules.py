"""Temporal Schedule for date-based triggers: an hourly scan workflow whose activity emits due DomainEvents.

Hourly rather than daily because practices sit in different time zones: each scan judges by every practice's own
local date, and trigger refs make a repeated scan emit nothing twice. The dispatcher turns the events into runs.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import activity, workflow
from temporalio.client import (Client, Schedule, ScheduleActionStartWorkflow, ScheduleAlreadyRunningError,
                               ScheduleHandle, ScheduleIntervalSpec, ScheduleOverlapPolicy, SchedulePolicy,
                               ScheduleSpec, ScheduleUpdate)

with workflow.unsafe.imports_passed_through():
    from workflows.date_triggers import scan_date_triggers

SCHEDULE_ID = "prm-date-triggers"
SCAN_EVERY = timedelta(hours=1)


@dataclass
class ScanRequest:
    as_of: str  # ISO moment the scan judges by (the workflow's deterministic now)


@dataclass
class ScanReport:
    counts: dict[str, int] = field(default_factory=dict)  # new events by kind


class DateTriggerActivities:
    """The scan's one effect: read due facts, write DomainEvents."""

    def __init__(self, session_factory: Callable) -> None:
        self.session_factory = session_factory

    @activity.defn(name="scan_date_triggers")
    async def scan(self, request: ScanRequest) -> ScanReport:
        return await asyncio.to_thread(self._scan, request)  # blocking database work off the event loop

    def _scan(self, request: ScanRequest) -> ScanReport:
        with self.session_factory() as session:
            counts = scan_date_triggers(session=session, now=datetime.fromisoformat(request.as_of))
            session.commit()
        return ScanReport(counts)

    def activities(self) -> list:
        return [self.scan]


@workflow.defn(name="DateTriggerScan")
class DateTriggerScanWorkflow:
    @workflow.run
    async def run(self) -> ScanReport:
        return await workflow.execute_activity(
            "scan_date_triggers", ScanRequest(workflow.now().isoformat()), result_type=ScanReport,
            start_to_close_timeout=timedelta(minutes=10))


def _schedule(task_queue: str, every: timedelta, schedule_id: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(DateTriggerScanWorkflow.run, id=f"{schedule_id}-scan",
                                           task_queue=task_queue, execution_timeout=timedelta(minutes=30)),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        # A missed hour is caught up once; two scans never run side by side.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(hours=2)),
    )


async def ensure_schedule(client: Client, *, task_queue: str, every: timedelta = SCAN_EVERY,
                          schedule_id: str = SCHEDULE_ID) -> ScheduleHandle:
    """Create the scan schedule, or bring an existing one up to date; safe to call at every worker start."""
    schedule = _schedule(task_queue, every, schedule_id)
    try:
        return await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        handle = client.get_schedule_handle(schedule_id)
        await handle.update(lambda _current: ScheduleUpdate(schedule=schedule))
        return handle

"""The date-trigger schedule on the real dev server: created idempotently, and a triggered scan emits events."""
from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from sqlmodel import Session, select
from temporalio.worker import Worker

from models.tables import DomainEvent
from tests.factories import make_patient, make_practice, make_recall
from workflows.schedules import DateTriggerActivities, DateTriggerScanWorkflow, ensure_schedule


async def _wait_for_events(engine, expected: int) -> list[DomainEvent]:
    for _ in range(150):
        with Session(engine) as s:
            events = list(s.exec(select(DomainEvent)))
        if len(events) >= expected:
            return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {expected} events, found {len(events)}")


async def test_triggered_schedule_runs_the_scan_and_emits_the_due_recall(dev_server_env, engine, session_factory):
    with Session(engine) as s:
        patient = make_patient(s, make_practice(s, timezone="UTC"), birthdate=None)
        recall = make_recall(s, patient, due_on=date.today() + timedelta(days=3))
        s.commit()
        recall_id, due_on = recall.id, recall.due_on
    client, queue = dev_server_env.client, f"scan-{uuid.uuid4()}"
    handle = await ensure_schedule(client, task_queue=queue, schedule_id=queue)
    try:
        async with Worker(client, task_queue=queue, workflows=[DateTriggerScanWorkflow],
                          activities=DateTriggerActivities(session_factory).activities()):
            await handle.trigger()
            [event] = await _wait_for_events(engine, 1)
    finally:
        await handle.delete()
    assert (event.kind, event.entity_id) == ("recall.due", recall_id)
    assert f'"trigger_ref": "recall:{recall_id}:{due_on.isoformat()}"' in event.payload


async def test_ensuring_the_schedule_twice_updates_it_in_place(dev_server_env):
    client, schedule_id = dev_server_env.client, f"sched-{uuid.uuid4()}"
    await ensure_schedule(client, task_queue="q1", schedule_id=schedule_id)
    handle = await ensure_schedule(client, task_queue="q2", every=timedelta(hours=2), schedule_id=schedule_id)
    try:
        described = await handle.describe()
        assert [i.every for i in described.schedule.spec.intervals] == [timedelta(hours=2)]
        assert described.schedule.action.task_queue == "q2"
        assert described.schedule.action.workflow == "DateTriggerScan"
    finally:
        await handle.delete()

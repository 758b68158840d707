"""Run controls reach a running journey by its workflow id; unknown or finished runs answer None / False."""
from __future__ import annotations

import time
import uuid

from temporalio import workflow
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from workflows.journeys.payloads import RunStatus
    from workflows.run_control import cancel_run, pause_run, resume_run, run_status, run_statuses, skip_run


@workflow.defn(name="JourneyWorkflow")
class FakeJourney:
    """Stands in for the journey workflow: same signal and query names, records what it was told."""

    def __init__(self) -> None:
        self.step, self.paused, self.finished = "first", False, False
        self.cancel_reason = ""

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self.finished)
        return self.cancel_reason

    @workflow.signal
    def pause(self) -> None:
        self.paused = True

    @workflow.signal
    def resume(self) -> None:
        self.paused = False

    @workflow.signal
    def skip_to(self, step_id: str) -> None:
        self.step = step_id

    @workflow.signal
    def cancel(self, reason: str) -> None:
        self.cancel_reason, self.finished = reason, True

    @workflow.query
    def status(self) -> RunStatus:
        return RunStatus(self.step, "wait", None, self.paused, self.finished)


async def test_controls_pause_skip_resume_and_cancel_a_running_run(dev_server_env):
    client, queue = dev_server_env.client, f"ctl-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[FakeJourney]):
        handle = await client.start_workflow("JourneyWorkflow", id=queue, task_queue=queue)
        assert await run_status(client, queue) == RunStatus("first", "wait", None, False, False)
        assert await pause_run(client, queue) is True
        assert await skip_run(client, queue, "ask_review") is True
        assert await run_status(client, queue) == RunStatus("ask_review", "wait", None, True, False)
        assert await resume_run(client, queue) is True
        assert (await run_status(client, queue)).paused is False
        assert await cancel_run(client, queue, "patient asked by phone") is True
        assert await handle.result() == "patient asked by phone"
        assert await pause_run(client, queue) is False  # finished runs take no more signals


async def test_unknown_run_has_no_status_and_takes_no_signal(dev_server_env):
    client = dev_server_env.client
    assert await run_status(client, "no-such-run") is None
    assert await cancel_run(client, "no-such-run") is False


async def test_statuses_of_many_runs_leave_out_the_ones_that_do_not_exist(dev_server_env):
    client, queue = dev_server_env.client, f"ctl-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[FakeJourney]):
        first = await client.start_workflow("JourneyWorkflow", id=f"{queue}-a", task_queue=queue)
        second = await client.start_workflow("JourneyWorkflow", id=f"{queue}-b", task_queue=queue)
        await pause_run(client, second.id)

        statuses = await run_statuses(client, [first.id, "no-such-run", second.id])

        assert statuses == {first.id: RunStatus("first", "wait", None, False, False),
                            second.id: RunStatus("first", "wait", None, True, False)}
        for handle in (first, second):
            await cancel_run(client, handle.id)


async def test_a_run_without_a_worker_is_left_out_once_the_timeout_passes(dev_server_env):
    client, queue = dev_server_env.client, f"ctl-{uuid.uuid4()}"
    handle = await client.start_workflow("JourneyWorkflow", id=queue, task_queue=queue)  # nobody polls this queue
    try:
        started = time.monotonic()
        assert await run_statuses(client, [queue], timeout_s=0.5) == {}
        assert time.monotonic() - started < 3
    finally:
        await handle.terminate("test over")

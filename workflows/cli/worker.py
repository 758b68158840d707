"""`prm worker`: the journey worker plus the event dispatcher (every 2 s) until SIGINT or SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from sqlmodel import Session
from temporalio.client import Client

from models.db import make_engine
from models.settings import Settings, get_settings
from workflows.channels.registry import build_senders
from workflows.dispatcher import dispatch_pending
from workflows.schedules import ensure_schedule
from workflows.temporal_client import connect
from workflows.worker import build_worker

DISPATCH_EVERY_SECONDS = 2.0
log = logging.getLogger("prm.worker")


async def dispatch_loop(client: Client, session_factory: Callable, task_queue: str, stop: asyncio.Event) -> None:
    """Dispatch pending events until told to stop; a failed pass is logged and tried again on the next tick."""
    while not stop.is_set():
        try:
            report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=task_queue)
            if report.events:
                log.info("dispatched %d events: %d enrolled, %d signalled, %d failed", report.events,
                         report.enrolled, report.signalled, len(report.failed_events))
        except Exception as exc:  # the database or Temporal may be briefly away; the loop must outlive that
            log.warning("dispatch pass failed: %s", type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=DISPATCH_EVERY_SECONDS)
        except TimeoutError:
            pass  # next tick


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Run the worker and the dispatcher until `stop` is set; announce readiness on one line."""
    engine = make_engine(settings.db_url)
    session_factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
    client = await connect(settings)
    await ensure_schedule(client, task_queue=settings.task_queue)
    worker = build_worker(client, session_factory=session_factory, senders=build_senders(settings),
                          task_queue=settings.task_queue)
    async with worker:
        dispatcher = asyncio.create_task(dispatch_loop(client, session_factory, settings.task_queue, stop))
        print(f"prm worker ready: task queue {settings.task_queue} on {settings.temporal_address}", flush=True)
        await stop.wait()
        await dispatcher
    engine.dispose()


def run(_args) -> int:  # noqa: ANN001
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(get_settings(), stop)

    asyncio.run(main())
    print("prm worker stopped", flush=True)
    return 0

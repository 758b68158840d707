"""`prm journeys enrol / runs / run … / stop` against the real Temporal dev server, with a worker running the real
JourneyWorkflow. The CLI connects like production (address, codec key and task queue from settings); each command
runs in a thread because it runs its own event loop, while the worker runs on the test's loop."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.db import session_scope
from models.settings import get_settings
from models.tables import AuditLog, Enrollment, JourneyStepLog, Practice
from tests.factories import make_patient
from tests.workflows.cli.journeys_helpers import practice, published  # noqa: F401  (fixtures)
from workflows.channels.registry import build_senders
from workflows.journeys.entry import workflow_id_for
from workflows.journeys.versions import JOURNEY_STOPPED
from workflows.temporal_client import connect
from workflows.worker import build_worker

ANXIOUS_ONLY = {"field": "patient.anxious", "op": "eq", "value": True}


@pytest.fixture
async def worker(cli_db, dev_server_env, monkeypatch, tmp_path):
    """Settings pointing at the dev server with a fresh codec key and task queue, and a real journey worker."""
    monkeypatch.setenv("PRM_TEMPORAL_ADDRESS", dev_server_env.client.service_client.config.target_host)
    monkeypatch.setenv("PRM_CODEC_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("PRM_TASK_QUEUE", f"cli-journeys-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("PRM_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    settings = get_settings()
    client = await connect(settings)
    async with build_worker(client, session_factory=lambda: Session(cli_db, expire_on_commit=False),
                            senders=build_senders(settings), task_queue=settings.task_queue):
        yield client
    get_settings.cache_clear()


async def prm(*argv: str) -> int:
    """Run `prm journeys …` as the shell would, off the test's event loop."""
    from workflows.cli.main import main

    return await asyncio.to_thread(main, ["journeys", *argv])


async def runs_json(capsys, *extra: str) -> list[dict]:
    assert await prm("runs", "quick_review", "--json", *extra) == 0
    return json.loads(capsys.readouterr().out)


async def until_run(capsys, workflow_id: str, check: Callable[[dict], bool]) -> dict:
    """Poll `prm journeys runs` until the run passes `check` (signals are applied asynchronously)."""
    for _ in range(50):
        run = next(r for r in await runs_json(capsys) if r["workflow_id"] == workflow_id)
        if check(run):
            return run
        await asyncio.sleep(0.2)
    raise AssertionError(f"run never passed the check: {run}")


def sleeping_in_first_wait(run: dict) -> bool:
    """The workflow answers and sleeps in its first step (its step is recorded and its deadline is set)."""
    return run["step_source"] == "workflow" and run["current_step"] == "after_visit" and bool(run["waiting_until"])


def new_patients(published, **overrides_per_patient) -> list[int]:  # noqa: F811
    with session_scope() as session:
        practice = session.get(Practice, published.practice_id)
        return [make_patient(session, practice, **overrides).id for overrides in overrides_per_patient.values()]


async def test_a_run_is_enrolled_paused_resumed_and_cancelled_from_the_shell(published, worker, capsys):  # noqa: F811
    (patient_id,) = new_patients(published, first={})
    assert await prm("enrol", "quick_review", "--patients", str(patient_id), "--ref", "campaign:cli1") == 0
    assert capsys.readouterr().out == "quick_review: 1 enrolled, 0 already enrolled, 0 skipped\n"
    workflow_id = workflow_id_for("quick_review", patient_id, "campaign:cli1")

    run = await until_run(capsys, workflow_id, sleeping_in_first_wait)
    assert {k: v for k, v in run.items() if k not in ("started_at", "waiting_until")} == {
        "workflow_id": workflow_id, "patient_id": patient_id, "version": 1, "status": "running",
        "current_step": "after_visit", "step_source": "workflow", "paused": False, "exit_reason": ""}
    waited = datetime.fromisoformat(run["waiting_until"]) - datetime.fromisoformat(run["started_at"])
    assert timedelta(minutes=59) < waited < timedelta(minutes=61)

    assert await prm("run", "pause", workflow_id) == 0
    assert capsys.readouterr().out == f"paused {workflow_id}: it holds before its next step until resumed\n"
    await until_run(capsys, workflow_id, lambda run: run["paused"] is True)
    assert await prm("run", "resume", workflow_id) == 0
    assert capsys.readouterr().out == f"resumed {workflow_id}\n"
    await until_run(capsys, workflow_id, lambda run: run["paused"] is False and bool(run["waiting_until"]))
    assert await prm("run", "cancel", workflow_id, "--reason", "patient asked by phone") == 0
    assert capsys.readouterr().out == f"cancelled {workflow_id}: patient asked by phone\n"
    assert await worker.get_workflow_handle(workflow_id).result() == "cancelled"

    with session_scope() as session:
        row = session.exec(select(Enrollment).where(Enrollment.workflow_id == workflow_id)).one()
        audit = session.exec(select(AuditLog.detail).where(AuditLog.entity == "enrollment")
                             .order_by(AuditLog.id)).all()
    assert (row.status, row.exit_reason) == ("cancelled", "patient asked by phone")
    assert audit == ["run pause from the CLI", "run resume from the CLI",
                     "run cancel from the CLI: patient asked by phone"]
    assert await prm("run", "pause", workflow_id) == 1
    assert capsys.readouterr().err == (f"prm journeys: no running workflow {workflow_id} (unknown, or it has "
                                       "already finished)\n")


async def test_segment_enrolment_skip_and_stop_from_the_shell(published, worker, capsys, tmp_path):  # noqa: F811
    calm, nervous, jittery = new_patients(published, calm={"anxious": False}, nervous={"anxious": True},
                                          jittery={"anxious": True})
    segment = tmp_path / "anxious.json"
    segment.write_text(json.dumps(ANXIOUS_ONLY), encoding="utf-8")
    patients = f"{calm},{nervous},{jittery}"
    assert await prm("enrol", "quick_review", "--patients", patients, "--segment-json", str(segment),
                     "--ref", "campaign:calm") == 0
    assert capsys.readouterr().out == ("quick_review: 2 enrolled, 0 already enrolled, 1 skipped\n"
                                       f"  patient {calm}: not in the segment: patient.anxious eq true\n")
    assert await prm("enrol", "quick_review", "--patients", f"{nervous}", "--ref", "campaign:calm") == 0
    assert capsys.readouterr().out == "quick_review: 0 enrolled, 1 already enrolled, 0 skipped\n"

    skipped, stopped = (workflow_id_for("quick_review", p, "campaign:calm") for p in (nervous, jittery))
    await until_run(capsys, skipped, sleeping_in_first_wait)
    assert await prm("run", "skip", skipped, "--to", "dnoe") == 2
    assert capsys.readouterr().err == ("prm journeys: version 1 of this run has no step 'dnoe' "
                                       "(steps: after_visit, ask, done)\n")
    assert await prm("run", "skip", skipped, "--to", "done") == 0
    assert capsys.readouterr().out == f"moved {skipped} to step 'done'\n"
    assert await worker.get_workflow_handle(skipped).result() == "completed"

    await until_run(capsys, stopped, sleeping_in_first_wait)
    assert await prm("stop", "quick_review", "--reason", "wrong template") == 0
    assert capsys.readouterr().out == ("stopped quick_review: 1 running enrollments exited (journey stopped by staff)\n"
                                       "1 workflows cancelled\n")
    assert await worker.get_workflow_handle(stopped).result() == "cancelled"
    with session_scope() as session:
        row = session.exec(select(Enrollment).where(Enrollment.workflow_id == stopped)).one()
        logged = session.exec(select(JourneyStepLog.kind, JourneyStepLog.outcome, JourneyStepLog.detail)
                              .where(JourneyStepLog.enrollment_id == row.id, JourneyStepLog.kind == "control")).all()
    assert (row.status, row.exit_reason) == ("exited", f"{JOURNEY_STOPPED}: wrong template")
    assert logged == [("control", "cancelled", "wrong template")]
    assert [r["status"] for r in await runs_json(capsys)] == ["exited", "completed"]

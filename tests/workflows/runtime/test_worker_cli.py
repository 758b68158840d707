"""`prm worker` as a real process: no Reflex import, one ready line, a journey sent end to end, clean stop."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401
from models.appointments import complete_appointment
from models.db import make_engine
from models.tables import Message
from tests.factories import make_appointment, make_journey, make_patient, make_practice
from workflows.journeys.versions import publish
from workflows.schedules import SCHEDULE_ID
from workflows.templates.seed import seed_templates

BIN = Path(sys.executable).parent
ONE_SEND = {"trigger": {"event": "appointment.completed"},
            "steps": [{"id": "thanks", "kind": "send", "channel": "email", "template": "review_request",
                       "message_type": "review"}]}


def test_worker_modules_import_neither_reflex_nor_the_portal():
    code = ("import sys, workflows.cli.worker, workflows.worker, workflows.dispatcher, workflows.run_control; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reflex', 'portal')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "[]"


def _clinic(db_url: str) -> int:
    """A practice open around the clock, a patient with email, the one-send journey; returns the appointment id."""
    engine = make_engine(db_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        practice = make_practice(s, timezone="UTC", send_window_start="00:00", send_window_end="23:59",
                                 closed_weekdays="")
        seed_templates(session=s, practice_id=practice.id)
        journey = make_journey(s, practice, key=f"thanks_{uuid.uuid4().hex[:8]}")
        publish(session=s, journey_id=journey.id, definition=ONE_SEND)
        appointment = make_appointment(s, make_patient(s, practice, preferred_channel="email"))
        s.commit()
        appointment_id = appointment.id
    engine.dispose()
    return appointment_id


async def _wait_for_sent(db_url: str, log: Path, timeout: float = 40) -> Message:
    engine = make_engine(db_url)
    try:
        for _ in range(int(timeout * 5)):
            with Session(engine) as s:
                sent = s.exec(select(Message).where(Message.status == "sent")).first()
            if sent is not None:
                return sent
            await asyncio.sleep(0.2)
        raise AssertionError("no message was sent; worker log:\n" + log.read_text()[-3000:])
    finally:
        engine.dispose()


async def test_prm_worker_runs_a_journey_end_to_end_and_stops_on_sigterm(dev_server_env, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'prm.db'}"
    appointment_id = _clinic(db_url)
    env = {**os.environ, "DATABASE_URL": db_url, "PRM_VAR_DIR": str(tmp_path / "var"),
           "PRM_TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
           "PRM_TASK_QUEUE": f"cli-{uuid.uuid4()}", "PRM_EMAIL_SENDER": "sandbox", "PRM_CODEC_KEY": ""}
    log_file = (tmp_path / "worker.log").open("wb")
    proc = await asyncio.create_subprocess_exec(str(BIN / "prm"), "worker", env=env, cwd=tmp_path,
                                                stdout=asyncio.subprocess.PIPE, stderr=log_file)
    try:
        ready = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert ready.decode().startswith(f"prm worker ready: task queue {env['PRM_TASK_QUEUE']} on ")
        engine = make_engine(db_url)
        with Session(engine) as s:
            complete_appointment(session=s, appointment_id=appointment_id)
            s.commit()
        engine.dispose()
        message = await _wait_for_sent(db_url, log=tmp_path / "worker.log")
        assert (message.channel, message.to_address, message.subject) == (
            "email", "maria@example.com", "How was your visit to Lakeside Dental?")
        assert message.provider_ref.startswith("sandbox:") and message.provider_ref.endswith(".eml")
        assert (tmp_path / "var" / "mail" / message.provider_ref.removeprefix("sandbox:")).exists()
        assert (tmp_path / "var" / "codec.key").exists()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        assert (await proc.stdout.read()).decode().strip() == "prm worker stopped"
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log_file.close()
        await dev_server_env.client.get_schedule_handle(SCHEDULE_ID).delete()

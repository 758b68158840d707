"""`prm outbox --json` lists the latest messages out and in, newest first, with exactly the documented fields."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlmodel import Session

from tests.factories import make_message, make_patient, make_practice

BIN = Path(sys.executable).parent


def _prm(engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": str(engine.url), "COLUMNS": "200"}  # a wide terminal: no wrapping
    return subprocess.run([str(BIN / "prm"), "outbox", *args], capture_output=True, text=True, env=env, timeout=60)


def test_outbox_json_lists_newest_first_with_every_field(engine):
    with Session(engine) as s:
        patient = make_patient(s, make_practice(s))
        make_message(s, patient, body="old", created_at=datetime(2026, 12, 1, 9, tzinfo=timezone.utc))
        out = make_message(s, patient, channel="email", subject="How was your visit?", body="Hi Maria",
                           status="suppressed", reason="opted out of email",
                           created_at=datetime(2026, 12, 2, 9, tzinfo=timezone.utc))
        reply = make_message(s, patient, direction="in", body="STOP", status="received", reason="intent: stop",
                             created_at=datetime(2026, 12, 3, 9, tzinfo=timezone.utc))
        s.commit()
        ids, patient_id = (reply.id, out.id), patient.id
    result = _prm(engine, "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"id": ids[0], "patient_id": patient_id, "direction": "in", "channel": "sms", "status": "received",
         "reason": "intent: stop", "subject": "", "body": "STOP", "created_at": "2026-12-03T09:00:00+00:00"},
        {"id": ids[1], "patient_id": patient_id, "direction": "out", "channel": "email", "status": "suppressed",
         "reason": "opted out of email", "subject": "How was your visit?", "body": "Hi Maria",
         "created_at": "2026-12-02T09:00:00+00:00"},
    ]


def test_outbox_table_shows_the_messages(engine):
    with Session(engine) as s:
        make_message(s, make_patient(s, make_practice(s)), body="See you Tuesday at 9", status="sent")
        s.commit()
    result = _prm(engine)
    assert result.returncode == 0, result.stderr
    assert "Outbox: 1 latest messages" in result.stdout
    assert "See you Tuesday at 9" in result.stdout


def test_empty_outbox_prints_an_empty_json_list(engine):
    assert json.loads(_prm(engine, "--json").stdout) == []

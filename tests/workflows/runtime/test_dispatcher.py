"""The dispatcher turns events into exactly one enrollment and run each, and signals the runs an event concerns."""
from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, select
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    import workflows.enrol
    from models.appointments import book_appointment, complete_appointment, confirm_appointment, move_appointment
    from models.events import emit_event
    from models.inbound import receive_reply
    from models.tables import DomainEvent, Enrollment, Patient, Practice
    from models.tasks import complete_task
    from tests.factories import (make_appointment, make_enrollment, make_journey, make_patient, make_practice,
                                 make_task)
    from workflows.dispatcher import dispatch_pending, trigger_ref_for
    from workflows.enrol import enrol_segment
    from workflows.journeys.payloads import EventSignal, JourneyInput, ReplySignal
    from workflows.journeys.versions import publish

WAIT_THEN_END = {"trigger": {"event": "appointment.completed"}, "entry": {"reentry": "always"},
                 "steps": [{"id": "hold", "kind": "wait", "duration": "P30D"}, {"id": "done", "kind": "end"}]}


@workflow.defn(name="JourneyWorkflow")
class FakeJourney:
    """Registered under the real name: records its input and every signal, runs until the test ends it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @workflow.run
    async def run(self, data: JourneyInput) -> None:
        self.seen.append(f"start enrollment {data.enrollment_id}")
        await workflow.wait_condition(lambda: False)

    @workflow.signal
    def reply_received(self, signal: ReplySignal) -> None:
        self.seen.append(f"reply {signal.message_id} {signal.intent}")

    @workflow.signal
    def event_received(self, signal: EventSignal) -> None:
        self.seen.append(f"event {signal.kind} {signal.entity_id}")

    @workflow.query
    def log(self) -> list[str]:
        return self.seen


@pytest.fixture
async def worker(dev_server_env):
    queue = f"dispatch-{uuid.uuid4()}"
    async with Worker(dev_server_env.client, task_queue=queue, workflows=[FakeJourney]):
        yield dev_server_env.client, queue


@pytest.fixture
def clinic(engine):
    """A practice with an active journey on appointment.completed and two patients with a completed visit each."""
    with Session(engine, expire_on_commit=False) as s:
        practice = make_practice(s)
        from tests.factories import make_journey

        # A fresh key per test: the dev server is shared, so workflow ids must not repeat across tests.
        journey = make_journey(s, practice, key=f"thanks_{uuid.uuid4().hex[:8]}", trigger="appointment.completed")
        publish(session=s, journey_id=journey.id, definition=WAIT_THEN_END)
        patients = [make_patient(s, practice, first_name=f"P{i}") for i in range(2)]
        appts = [make_appointment(s, p) for p in patients]
        s.commit()
        return practice, journey, patients, appts


def _complete(engine, appointment_id: int) -> None:
    with Session(engine) as s:
        complete_appointment(session=s, appointment_id=appointment_id)
        s.commit()


def _enrollments(engine) -> list[Enrollment]:
    with Session(engine) as s:
        return list(s.exec(select(Enrollment).order_by(Enrollment.id)))


def _undispatched(engine) -> list[int]:
    with Session(engine) as s:
        return list(s.exec(select(DomainEvent.id).where(DomainEvent.dispatched_at == None)))  # noqa: E711


async def _log(client: Client, workflow_id: str) -> list[str]:
    return await client.get_workflow_handle(workflow_id).query("log", result_type=list[str])


async def test_completed_visit_enrols_the_patient_once_and_marks_the_event(worker, engine, session_factory, clinic):
    client, queue = worker
    _, journey, patients, appts = clinic
    _complete(engine, appts[0].id)
    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert (report.events, report.enrolled, report.not_enrolled, report.failed_events) == (1, 1, 0, [])
    [enrollment] = _enrollments(engine)
    assert enrollment.workflow_id == f"{journey.key}-p{patients[0].id}-appointment{appts[0].id}"
    assert (enrollment.trigger_ref, enrollment.status, enrollment.journey_id) == (
        f"appointment:{appts[0].id}", "running", journey.id)
    assert await _log(client, enrollment.workflow_id) == [f"start enrollment {enrollment.id}"]
    assert _undispatched(engine) == []
    again = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert again.events == 0


async def test_crash_between_enrollment_and_start_is_repaired_by_the_next_pass(worker, engine, session_factory, clinic,
                                                                                monkeypatch):
    client, queue = worker
    _, _, _, appts = clinic
    _complete(engine, appts[0].id)
    real_start = workflows.enrol.start_run

    async def crash(*args, **kwargs):
        raise ConnectionError("worker died after the insert")

    monkeypatch.setattr(workflows.enrol, "start_run", crash)
    crashed = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    [enrollment] = _enrollments(engine)
    assert crashed.failed_events == _undispatched(engine) != []
    monkeypatch.setattr(workflows.enrol, "start_run", real_start)
    repaired = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert (repaired.enrolled, repaired.already_enrolled, repaired.failed_events) == (0, 1, [])
    assert [e.id for e in _enrollments(engine)] == [enrollment.id]
    assert await _log(client, enrollment.workflow_id) == [f"start enrollment {enrollment.id}"]
    assert _undispatched(engine) == []


def test_two_dispatchers_at_once_create_one_enrollment_per_event(dev_server_env, engine, session_factory, clinic):
    practice, journey, _, _ = clinic
    with Session(engine) as s:
        for i in range(12):
            patient = make_patient(s, s.get(Practice, practice.id), first_name=f"Q{i}")
            complete_appointment(session=s, appointment_id=make_appointment(s, patient).id)
        s.commit()
    target = dev_server_env.client.service_client.config.target_host
    queue = f"race-{uuid.uuid4()}"
    reports, ready = [], threading.Barrier(2)

    def dispatcher() -> None:
        async def go():
            client = await Client.connect(target)
            ready.wait()
            reports.append(await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue))
        asyncio.run(go())

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    enrollments = _enrollments(engine)
    assert len(enrollments) == 12
    assert len({e.workflow_id for e in enrollments}) == 12
    assert sum(r.enrolled for r in reports) == 12
    assert [r.failed_events for r in reports] == [[], []]
    assert all(r.events > 0 for r in reports), "both dispatchers must have raced over the same events"
    assert _undispatched(engine) == []


async def test_reply_signals_every_running_run_of_that_patient(worker, engine, session_factory, clinic):
    client, queue = worker
    _, _, patients, appts = clinic
    _complete(engine, appts[0].id)
    _complete(engine, appts[1].id)
    await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    with Session(engine, expire_on_commit=False) as s:
        reply = receive_reply(session=s, patient_id=patients[0].id, channel="sms", body="STOP")
        s.commit()
    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert report.signalled == 1
    first, second = _enrollments(engine)
    assert (await _log(client, first.workflow_id))[-1] == f"reply {reply.id} stop"
    assert len(await _log(client, second.workflow_id)) == 1


async def test_appointment_changes_reach_every_run_of_the_patient_that_listens(worker, engine, session_factory,
                                                                                clinic):
    client, queue = worker
    _, journey, patients, appts = clinic
    _complete(engine, appts[0].id)
    await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    with Session(engine, expire_on_commit=False) as s:
        other = make_appointment(s, patients[0], start=datetime(2027, 3, 1, 15, tzinfo=timezone.utc))
        second = make_enrollment(s, journey, patients[0], trigger_ref=f"appointment:{other.id}",
                                 workflow_id=f"{journey.key}-p{patients[0].id}-appointment{other.id}")
        s.commit()
    await client.start_workflow("JourneyWorkflow", JourneyInput(second.id), id=second.workflow_id, task_queue=queue)
    with Session(engine) as s:
        move_appointment(session=s, appointment_id=other.id, new_start=datetime(2027, 3, 2, 15, tzinfo=timezone.utc))
        confirm_appointment(session=s, appointment_id=other.id)
        s.commit()
    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert report.signalled == 4  # each run decides itself whether the appointment is its own
    for enrollment in _enrollments(engine):
        assert (await _log(client, enrollment.workflow_id))[1:] == [
            f"event appointment.moved {other.id}", f"event appointment.confirmed {other.id}"]


async def test_goal_event_reaches_only_runs_whose_journey_waits_for_it(worker, engine, session_factory, clinic):
    client, queue = worker
    practice, thanks, patients, appts = clinic
    _complete(engine, appts[0].id)
    with Session(engine, expire_on_commit=False) as s:
        recall = make_journey(s, s.get(Practice, practice.id), key=f"recall_{uuid.uuid4().hex[:8]}",
                              trigger="recall.due")
        publish(session=s, journey_id=recall.id, definition={**WAIT_THEN_END, "trigger": {"event": "recall.due"},
                                                             "goals": ["appointment.booked"]})
        waiting = make_enrollment(s, recall, patients[0], trigger_ref="recall:1:2027-01-15",
                                  workflow_id=f"{recall.key}-p{patients[0].id}-recall1-2027-01-15")
        s.commit()
    await client.start_workflow("JourneyWorkflow", JourneyInput(waiting.id), id=waiting.workflow_id, task_queue=queue)
    await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    with Session(engine, expire_on_commit=False) as s:
        booked = book_appointment(session=s, patient_id=patients[0].id,
                                  start=datetime(2027, 1, 20, 15, tzinfo=timezone.utc))
        s.commit()
    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert report.signalled == 1
    thanks_run = next(e for e in _enrollments(engine) if e.journey_id == thanks.id)
    assert (await _log(client, waiting.workflow_id))[1:] == [f"event appointment.booked {booked.id}"]
    assert len(await _log(client, thanks_run.workflow_id)) == 1


async def test_a_closed_task_reaches_only_the_run_that_created_it(worker, engine, session_factory, clinic):
    client, queue = worker
    _, _, patients, appts = clinic
    _complete(engine, appts[0].id)
    _complete(engine, appts[1].id)
    await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    own, other = _enrollments(engine)
    with Session(engine, expire_on_commit=False) as s:
        task = make_task(s, s.get(Patient, patients[0].id), enrollment_id=own.id)
        loose = make_task(s, s.get(Patient, patients[1].id))  # no journey asked for it: nobody to tell
        s.commit()
    with Session(engine) as s:
        complete_task(session=s, task_id=task.id, outcome="reached", user_id=None)
        complete_task(session=s, task_id=loose.id, outcome="done", user_id=None)
        s.commit()

    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)

    assert (report.events, report.signalled, report.failed_events) == (2, 1, [])
    assert (await _log(client, own.workflow_id))[1:] == [f"event task.completed {task.id}"]
    assert len(await _log(client, other.workflow_id)) == 1
    assert _undispatched(engine) == []


async def test_the_report_names_each_refusal_with_its_event_and_journey(worker, engine, session_factory, clinic):
    client, queue = worker
    practice, _, _, appts = clinic
    with Session(engine, expire_on_commit=False) as s:
        picky = make_journey(s, s.get(Practice, practice.id), key=f"picky_{uuid.uuid4().hex[:8]}",
                             trigger="appointment.completed")
        publish(session=s, journey_id=picky.id, definition={
            **WAIT_THEN_END, "entry": {"reentry": "always",
                                       "segment": {"field": "patient.anxious", "op": "eq", "value": True}}})
        s.commit()
    _complete(engine, appts[0].id)
    [event_id] = _undispatched(engine)

    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)

    assert (report.enrolled, report.not_enrolled) == (1, 1)
    assert report.refused == [(event_id, picky.id, "not in the segment: patient.anxious eq true")]


async def test_events_no_active_journey_listens_to_only_get_marked(worker, engine, session_factory, clinic):
    client, queue = worker
    practice, _, patients, _ = clinic
    with Session(engine) as s:
        emit_event(session=s, practice_id=practice.id, kind="patient.created", patient_id=patients[0].id)
        s.commit()
    report = await dispatch_pending(client=client, session_factory=session_factory, task_queue=queue)
    assert (report.events, report.enrolled, report.signalled) == (1, 0, 0)
    assert _enrollments(engine) == []
    assert _undispatched(engine) == []


async def test_segment_enrollment_enrols_each_patient_once(worker, engine, session_factory, clinic):
    client, queue = worker
    _, journey, patients, _ = clinic
    ids = [p.id for p in patients]
    report = await enrol_segment(client=client, session_factory=session_factory, journey_id=journey.id,
                                 patient_ids=ids, trigger_ref="campaign:spring", task_queue=queue)
    assert (report.enrolled, report.already_enrolled, report.skipped) == (2, 0, [])
    again = await enrol_segment(client=client, session_factory=session_factory, journey_id=journey.id,
                                patient_ids=[*ids, 999999], trigger_ref="campaign:spring", task_queue=queue)
    assert (again.enrolled, again.already_enrolled, again.skipped) == (0, 2, [(999999, "patient not found")])
    assert sorted(e.workflow_id for e in _enrollments(engine)) == [f"{journey.key}-p{i}-campaignspring" for i in ids]


def test_trigger_refs_name_the_entity_the_event_is_about():
    def ref(kind, entity_id=None, patient_id=5, payload="{}"):
        return trigger_ref_for(DomainEvent(practice_id=1, kind=kind, patient_id=patient_id, entity_id=entity_id,
                                           payload=payload))

    assert ref("appointment.completed", 42) == "appointment:42"
    assert ref("treatment_plan.presented", 7) == "treatment_plan:7"
    assert ref("reply.received", 9) == "message:9"
    assert ref("patient.created") == "patient:5"
    assert ref("recall.due", 3, payload='{"trigger_ref": "recall:3:2027-01-15"}') == "recall:3:2027-01-15"

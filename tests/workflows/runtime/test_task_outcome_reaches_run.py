"""Staff close a journey task with an outcome; the dispatcher tells the run, which takes that outcome's branch."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlmodel import Session, select

from models.tables import Practice, Task
from models.tasks import complete_task
from tests.factories import make_enrollment, make_journey, make_patient, make_practice
from tests.workflows.journeys.helpers import RecordingSender, journey_worker, step_logs
from workflows.dispatcher import dispatch_pending
from workflows.journeys.payloads import JourneyInput
from workflows.journeys.versions import publish
from workflows.journeys.workflow import JourneyWorkflow

CALL_THEN_BRANCH = {
    "trigger": {"event": "appointment.booked"}, "entry": {"reentry": "always"},
    "steps": [
        {"id": "call", "kind": "task", "role": "front_desk", "title": "Call {{ first_name }}", "due": "PT4H",
         "timeout": "P3D", "branches": {"reached": "glad", "no_answer": "gave_up"}, "on_timeout": "gave_up"},
        {"id": "glad", "kind": "goal", "name": "patient reached"},
        {"id": "gave_up", "kind": "exit", "reason": "could not reach the patient"},
    ],
}


async def _created_task(session_factory, enrollment_id: int) -> Task:
    """The run's task once its activity has written it (the worker runs in the background)."""
    for _ in range(200):
        with session_factory() as session:
            task = session.exec(select(Task).where(Task.enrollment_id == enrollment_id)).first()
        if task is not None:
            return task
        await asyncio.sleep(0.05)
    raise AssertionError("the run never created its task")


async def test_done_with_an_outcome_moves_the_waiting_run_down_that_branch(time_skipping_env, engine):
    session_factory = lambda: Session(engine, expire_on_commit=False)  # noqa: E731
    with session_factory() as s:
        practice = make_practice(s, closed_weekdays="")
        journey = make_journey(s, practice, key=f"call_{uuid.uuid4().hex[:8]}", trigger="appointment.booked")
        publish(session=s, journey_id=journey.id, definition=CALL_THEN_BRANCH)
        patient = make_patient(s, s.get(Practice, practice.id))
        run = make_enrollment(s, journey, patient, trigger_ref="patient:1",
                              workflow_id=f"{journey.key}-p{patient.id}-patient1")
        s.commit()
    sender = RecordingSender()
    async with journey_worker(time_skipping_env, session_factory, {"sms": sender, "email": sender}) as queue:
        handle = await time_skipping_env.client.start_workflow(
            JourneyWorkflow.run, JourneyInput(run.id), id=run.workflow_id, task_queue=queue,
            execution_timeout=timedelta(days=30))
        task = await _created_task(session_factory, run.id)
        with session_factory() as s:
            complete_task(session=s, task_id=task.id, outcome="reached", user_id=None)
            s.commit()

        report = await dispatch_pending(client=time_skipping_env.client, session_factory=session_factory,
                                        task_queue=queue)
        await handle.result()

    assert (report.signalled, report.failed_events) == (1, [])
    with session_factory() as s:
        logs = step_logs(s, run.id)
    # Whether the run logged its wait before the signal came depends on timing; the rest does not.
    assert [log for log in logs if log != ("call", "task", "waiting")] == [
        ("call", "task", "created"), ("call", "task", "outcome"), ("glad", "goal", "reached")]

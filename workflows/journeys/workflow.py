"""The one generic journey workflow: runs the pinned JourneyVersion for one enrollment by asking the planner what to
do next and then sleeping, waiting for a signal, or running an activity. It decides nothing itself.

Changing what the planner decides for running journeys changes their command history: guard such a change with
`workflow.patched("<change-id>")` here and pass the flag to the planner (see the replay tests).
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows.journeys import planner, planner_signals
    from workflows.journeys.activities import JourneyActivities
    from workflows.journeys.definition import published_definition
    from workflows.journeys.payloads import (
        AwardRequest, CurrentStep, EventSignal, FactsRequest, FinishRequest, JourneyInput, RecordRequest, ReplySignal,
        RunStatus, SendRequest, StepEntry, TaskRequest,
    )

RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), backoff_coefficient=2.0,
                    maximum_interval=timedelta(minutes=5), maximum_attempts=50)
ACTIVITY_TIMEOUT = timedelta(minutes=2)


@workflow.defn(name="JourneyWorkflow")
class JourneyWorkflow:
    def __init__(self) -> None:
        self._inbox: list[tuple] = []  # signals not yet given to the planner
        self._state: planner.RunState | None = None
        self._definition = None
        self._waiting_until: str | None = None
        self._enrollment_id = 0
        self._reported_step = ""  # the step last written to Enrollment.current_step

    @workflow.run
    async def run(self, data: JourneyInput) -> str:
        self._enrollment_id = data.enrollment_id
        try:
            return await self._run()
        except ActivityError as err:  # a permanent failure: close the enrollment with why, then fail the run
            cause = err.cause.message if isinstance(err.cause, ApplicationError) else err.message
            await self._act(JourneyActivities.finish_enrollment,
                            FinishRequest(data.enrollment_id, "failed", f"stopped: {cause}"[:300], self._now()))
            raise

    async def _run(self) -> str:
        context = await self._act(JourneyActivities.load_run_context, FactsRequest(self._enrollment_id, self._now()))
        self._definition = published_definition(context.definition)
        self._state = planner.start(self._definition, enrollment_id=self._enrollment_id, facts=context.facts,
                                    now=workflow.now())
        while True:
            self._drain_inbox()
            step = planner.plan(self._definition, self._state, workflow.now())
            self._state = step.state
            action = step.action
            await self._record(finishing=isinstance(action, planner.FinishAction))
            if isinstance(action, planner.FinishAction):
                await self._act(JourneyActivities.finish_enrollment,
                                FinishRequest(self._enrollment_id, action.status, action.reason, self._now()))
                return action.status
            await self._perform(action)

    async def _perform(self, action) -> None:
        """Do one effect and feed its result back to the planner."""
        now = workflow.now
        if isinstance(action, planner.WaitAction):
            await self._wait(action)
        elif isinstance(action, planner.SendAction):
            result = await self._act(JourneyActivities.send_step, self._send_request(action))
            not_before = datetime.fromisoformat(result.not_before) if result.not_before else None
            self._state = planner.after_send(self._definition, self._state, result.verdict, result.reason,
                                             not_before, now())
        elif isinstance(action, planner.TaskAction):
            result = await self._act(JourneyActivities.create_task, TaskRequest(
                self._enrollment_id, action.step_id, action.visit, action.role, action.user_id, action.title,
                action.due_seconds, self._now()))
            self._state = planner.after_task(self._definition, self._state, result.task_id, result.ended, now())
        elif isinstance(action, planner.AwardAction):
            result = await self._act(JourneyActivities.award_points, AwardRequest(
                self._enrollment_id, action.step_id, action.visit, action.points, action.reason, action.to,
                self._now()))
            self._state = planner.after_award(self._definition, self._state, result.ended, now())
        elif isinstance(action, planner.RefreshAction):
            facts = await self._act(JourneyActivities.load_facts,
                                    FactsRequest(self._enrollment_id, self._now(), action.task_id))
            self._state = planner.with_facts(self._state, facts)

    async def _wait(self, action: planner.WaitAction) -> None:
        """Sleep until the planner's moment, or until a signal arrives (then the planner decides again)."""
        timeout = (action.until - workflow.now()).total_seconds() if action.until else None
        if timeout is not None and timeout <= 0:
            return  # recording the decision took us past the moment
        self._waiting_until = action.until.isoformat() if action.until else None
        try:
            await workflow.wait_condition(lambda: bool(self._inbox), timeout=timeout)
        except asyncio.TimeoutError:
            pass  # the moment has come: the planner sees the later clock and moves on
        self._waiting_until = None

    def _send_request(self, action: planner.SendAction) -> SendRequest:
        window = action.window or ("", "")
        return SendRequest(self._enrollment_id, action.step_id, action.visit, action.channel, action.template,
                           action.variant, action.message_type, action.to, action.deferral, self._now(),
                           window[0], window[1], self._state.facts.get("appointment.start") or "")

    async def _record(self, *, finishing: bool) -> None:
        """Write the planner's decisions to the step log, and the step the run is at, before acting on them."""
        self._state, logs = planner.take_logs(self._state)
        step_id = self._state.step_id
        if logs:
            entries = [StepEntry(e.step_id, e.visit, e.kind, e.outcome, e.detail, e.seq) for e in logs]
            await self._act(JourneyActivities.record_step,
                            RecordRequest(self._enrollment_id, step_id, self._now(), entries))
        elif step_id != self._reported_step and not finishing:
            await self._act(JourneyActivities.update_current_step, CurrentStep(self._enrollment_id, step_id))
        self._reported_step = step_id

    def _drain_inbox(self) -> None:
        while self._inbox:
            name, *args = self._inbox.pop(0)
            self._state = planner_signals.apply_signal(self._definition, self._state, name, tuple(args),
                                                       workflow.now())

    async def _act(self, activity, arg):
        return await workflow.execute_activity_method(activity, arg, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                      retry_policy=RETRY)

    def _now(self) -> str:
        return workflow.now().isoformat()

    @workflow.signal
    def reply_received(self, signal: ReplySignal) -> None:
        self._inbox.append(("reply", signal.intent, signal.message_id))

    @workflow.signal
    def event_received(self, signal: EventSignal) -> None:
        self._inbox.append(("event", signal.kind, signal.entity_id))

    @workflow.signal
    def pause(self) -> None:
        self._inbox.append(("pause",))

    @workflow.signal
    def resume(self) -> None:
        self._inbox.append(("resume",))

    @workflow.signal
    def cancel(self, reason: str) -> None:
        self._inbox.append(("cancel", reason))

    @workflow.signal
    def skip_to(self, step_id: str) -> None:
        self._inbox.append(("skip_to", step_id))

    @workflow.query
    def status(self) -> RunStatus:
        state = self._state
        if state is None:
            return RunStatus("", "", None, False, False)
        kind = self._definition.step(state.step_id).kind
        return RunStatus(state.step_id, kind, self._waiting_until, state.paused, state.finished is not None)

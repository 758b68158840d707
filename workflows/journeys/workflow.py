"""The one generic journey workflow: runs the pinned JourneyVersion for one enrollment by asking the planner what to
do next and then sleeping, waiting for a signal, or running an activity. It decides nothing itself.

Changing what the planner decides for running journeys changes their command history: guard such a change with
`workflow.patched("<change-id>")` here and pass the flag to the planner (see the replay tests).

Runs started since LEAN_RUNS write the planner's decisions in the same activity as the effect that follows them and
do their short database steps (load, record, finish) as local activities; runs started before keep one activity per
write, so their recorded histories still replay.
"""
# No `from __future__ import annotations` here: the sandbox executes this module for every run, and string
# annotations would make each handler decorator compile and evaluate its type hints again.
import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    # Imported by full name: `from workflows.journeys import planner` would take the package the sandbox has just
    # loaded afresh for this module and so load the planner again for every run instead of passing it through.
    import workflows.journeys.planner as planner
    import workflows.journeys.planner_signals as planner_signals
    from workflows.journeys.activities import JourneyActivities
    from workflows.journeys.definition import published_definition
    from workflows.journeys.payloads import (
        AwardRequest, CurrentStep, EventSignal, FactsRequest, FinishRequest, JourneyInput, RecordRequest, ReplySignal,
        RunStatus, SendRequest, StepEntry, TaskRequest,
    )

LEAN_RUNS = "records-ride-with-effects-and-local-db-steps"
# A repeated event signal used to be applied again (a moved appointment refreshed the facts twice).
IGNORE_REPEATED_EVENTS = "ignore-repeated-event-signals"
# Actions whose activity writes the pending record itself, in lean runs.
_CARRIES_RECORD = (planner.SendAction, planner.TaskAction, planner.AwardAction, planner.FinishAction)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), backoff_coefficient=2.0,
                    maximum_interval=timedelta(minutes=5), maximum_attempts=50)
ACTIVITY_TIMEOUT = timedelta(minutes=2)
LOCAL_TIMEOUT = timedelta(seconds=30)  # a database step; longer waits are retried with backoff


@workflow.defn(name="JourneyWorkflow")
class JourneyWorkflow:
    def __init__(self) -> None:
        self._inbox: list[tuple] = []  # signals not yet given to the planner
        self._state: planner.RunState | None = None
        self._definition = None
        self._waiting_until: str | None = None
        self._enrollment_id = 0
        self._reported_step = ""  # the step last written to Enrollment.current_step
        self._lean = False  # LEAN_RUNS: records ride with effects, database steps are local activities

    @workflow.run
    async def run(self, data: JourneyInput) -> str:
        self._enrollment_id = data.enrollment_id
        self._lean = workflow.patched(LEAN_RUNS)
        try:
            return await self._run()
        except ActivityError as err:  # a permanent failure: close the enrollment with why, then fail the run
            cause = err.cause.message if isinstance(err.cause, ApplicationError) else err.message
            await self._db(JourneyActivities.finish_enrollment,
                           FinishRequest(data.enrollment_id, "failed", f"stopped: {cause}"[:300], self._now()))
            raise

    async def _run(self) -> str:
        context = await self._db(JourneyActivities.load_run_context, FactsRequest(self._enrollment_id, self._now()))
        self._definition = published_definition(context.definition)
        self._state = planner.start(self._definition, enrollment_id=self._enrollment_id, facts=context.facts,
                                    now=workflow.now())
        while True:
            self._drain_inbox()
            step = planner.plan(self._definition, self._state, workflow.now())
            self._state = step.state
            action = step.action
            record = self._take_record(finishing=isinstance(action, planner.FinishAction))
            if not (self._lean and isinstance(action, _CARRIES_RECORD)):
                await self._write(record)
                record = None
            if isinstance(action, planner.FinishAction):
                await self._db(JourneyActivities.finish_enrollment, FinishRequest(
                    self._enrollment_id, action.status, action.reason, self._now(), record))
                return action.status
            await self._perform(action, record)

    async def _perform(self, action, record: RecordRequest | None) -> None:
        """Do one effect (carrying the decisions that led to it, if not yet written) and feed its result back."""
        now = workflow.now
        if isinstance(action, planner.WaitAction):
            await self._wait(action)
        elif isinstance(action, planner.SendAction):
            result = await self._act(JourneyActivities.send_step, self._send_request(action, record))
            not_before = datetime.fromisoformat(result.not_before) if result.not_before else None
            self._state = planner.after_send(self._definition, self._state, result.verdict, result.reason,
                                             not_before, now())
        elif isinstance(action, planner.TaskAction):
            result = await self._act(JourneyActivities.create_task, TaskRequest(
                self._enrollment_id, action.step_id, action.visit, action.role, action.user_id, action.title,
                action.due_seconds, self._now(), record))
            self._state = planner.after_task(self._definition, self._state, result.task_id, result.ended, now())
        elif isinstance(action, planner.AwardAction):
            result = await self._act(JourneyActivities.award_points, AwardRequest(
                self._enrollment_id, action.step_id, action.visit, action.points, action.reason, action.to,
                self._now(), record))
            self._state = planner.after_award(self._definition, self._state, result.ended, now())
        elif isinstance(action, planner.RefreshAction):
            facts = await self._db(JourneyActivities.load_facts,
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

    def _send_request(self, action: planner.SendAction, record: RecordRequest | None) -> SendRequest:
        window = action.window or ("", "")
        return SendRequest(self._enrollment_id, action.step_id, action.visit, action.channel, action.template,
                           action.variant, action.message_type, action.to, action.deferral, self._now(),
                           window[0], window[1], self._state.facts.get("appointment.start") or "", record)

    def _take_record(self, *, finishing: bool) -> RecordRequest | None:
        """The planner's decisions and the step the run is at, still to be written before acting on them."""
        self._state, logs = planner.take_logs(self._state)
        step_id, reported = self._state.step_id, self._reported_step
        self._reported_step = step_id
        if not logs and (step_id == reported or finishing):
            return None
        entries = [StepEntry(e.step_id, e.visit, e.kind, e.outcome, e.detail, e.seq) for e in logs]
        return RecordRequest(self._enrollment_id, step_id, self._now(), entries)

    async def _write(self, record: RecordRequest | None) -> None:
        if record is None:
            return
        if record.entries or self._lean:
            await self._db(JourneyActivities.record_step, record)
        else:
            await self._db(JourneyActivities.update_current_step, CurrentStep(self._enrollment_id, record.current_step))

    def _drain_inbox(self) -> None:
        while self._inbox:
            name, *args = self._inbox.pop(0)
            if name == "event" and planner_signals.repeated_event(self._state, *args) \
                    and workflow.patched(IGNORE_REPEATED_EVENTS):
                continue  # the dispatcher delivered this event again after a crash (replies: see on_reply)
            self._state = planner_signals.apply_signal(self._definition, self._state, name, tuple(args),
                                                       workflow.now())

    async def _act(self, activity, arg):
        return await workflow.execute_activity_method(activity, arg, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                      retry_policy=RETRY)

    async def _db(self, activity, arg):
        """A short database step: a local activity in lean runs (no round trip through the server)."""
        if not self._lean:
            return await self._act(activity, arg)
        return await workflow.execute_local_activity_method(activity, arg, start_to_close_timeout=LOCAL_TIMEOUT,
                                                            retry_policy=RETRY)

    def _now(self) -> str:
        return workflow.now().isoformat()

    @workflow.signal
    def reply_received(self, signal: ReplySignal) -> None:
        self._inbox.append(("reply", signal.intent, signal.message_id))

    @workflow.signal
    def event_received(self, signal: EventSignal) -> None:
        self._inbox.append(("event", signal.kind, signal.entity_id, signal.event_id))

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

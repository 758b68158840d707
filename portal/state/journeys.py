"""Journeys with run counts; one journey's runs with the step each is on (live from Temporal when it answers)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from models.queries.journeys import journey_overview, journey_runs
from models.queries.local_time import local_moment
from models.queries.step_words import step_name
from models.tables import Journey, JourneyStatus, Practice
from portal.roles import JOURNEY_STAFF
from portal.state.base import AuthState, db
from workflows.journeys.payloads import RunStatus

_STATUS_ORDER = ("running", "completed", "exited", "cancelled", "failed")


def _counts_text(counts: dict[str, int]) -> str:
    parts = [f"{counts[s]} {s}" for s in _STATUS_ORDER if counts.get(s)]
    parts += [f"{n} {s}" for s, n in sorted(counts.items()) if s not in _STATUS_ORDER]
    return ", ".join(parts) or "no runs yet"


def steps_source(running: int, live: dict | None) -> str:
    """Where the running runs' current steps come from: their workflows, or the database copy for those that did
    not answer."""
    if live is None:
        return "Temporal is not reachable: current steps as last recorded"
    if len(live) < running:
        return (f"{running - len(live)} of {running} running runs did not answer (is the worker running?): "
                "their steps as last recorded")
    return "Current steps live from the workflows"


class JourneysState(AuthState):
    journeys: list[dict[str, str]] = []
    journey: dict[str, str] = {}
    journey_missing: bool = False  # the id in the address is no journey of this practice
    runs: list[dict[str, str]] = []
    steps_source: str = ""  # where the current steps of running runs came from

    def _load_list(self) -> None:
        user = self._staff(JOURNEY_STAFF)
        if user is None:
            self.journeys = []
            return
        with db() as session:
            overview = journey_overview(session=session, practice_id=user.practice_id)
        self.journeys = [{"id": str(j.id), "key": j.key, "name": j.name, "trigger": j.trigger, "status": j.status,
                          "version": str(j.version) if j.version is not None else "draft",
                          "runs": _counts_text(j.runs_by_status), "total": str(j.total_runs)} for j in overview]

    def _journey_id(self) -> int | None:
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        return int(raw) if raw.isdigit() else None

    @rx.event
    def load_list(self):
        self._load_list()

    @rx.event
    async def load_runs(self):
        """Runs from the database; the step of each running one is then asked of its workflow."""
        from portal.temporal_link import live_steps

        user, journey_id = self._staff(JOURNEY_STAFF), self._journey_id()
        self.journey, self.runs, self.steps_source, self.journey_missing = {}, [], "", False
        if user is None:
            return
        with db() as session:
            journey = session.get(Journey, journey_id) if journey_id is not None else None
            if journey is None or journey.practice_id != user.practice_id:
                self.journey_missing = True
                return
            tz = ZoneInfo(session.get(Practice, journey.practice_id).timezone)
            runs = journey_runs(session=session, journey_id=journey_id)
        self.journey = {"id": str(journey.id), "name": journey.name, "status": journey.status,
                        "trigger": journey.trigger}
        running = [r.workflow_id for r in runs if r.status == "running"]
        steps = await live_steps(running) if running else {}
        if running:
            self.steps_source = steps_source(len(running), steps)
        self.runs = [self._run_row(r, tz, (steps or {}).get(r.workflow_id)) for r in runs]

    @staticmethod
    def _run_row(run, tz: ZoneInfo, live: RunStatus | None) -> dict[str, str]:  # noqa: ANN001
        steps = run.steps  # the pinned version's labels: "Wait for a reply", not "await_reply"
        step = step_name(run.current_step, steps) if run.current_step else ""
        paused = ""  # "yes" / "no" as the run says, "" when it did not answer
        if live is not None:
            paused = "yes" if live.paused else "no"
            until = live.waiting_until
            if until:
                until = local_moment(datetime.fromisoformat(until), tz)
            step = step_name(live.step_id, steps) + (f" (waiting until {until})" if until else "")
            step += " · paused" if live.paused else ""
        return {"patient": run.patient_name, "patient_id": str(run.patient_id), "version": str(run.version),
                "started": local_moment(run.started_at, tz), "status": run.status,
                "step": step, "exit_reason": run.exit_reason, "workflow_id": run.workflow_id, "paused": paused}

    def _set_status(self, journey_id: int, status: str):
        from workflows.journeys.versions import set_journey_status

        user = self._staff(JOURNEY_STAFF)
        if user is None:
            return rx.toast.error("Your role cannot change journeys.")
        with db() as session:
            journey = session.get(Journey, journey_id)
            if journey is None or journey.practice_id != user.practice_id:
                return rx.toast.error("No such journey.")
            try:
                set_journey_status(session=session, journey_id=journey_id, status=status, user_id=user.id)
            except ValueError as exc:  # e.g. no published version yet; the message names no patient
                return rx.toast.error(str(exc))
        self._load_list()
        if self.journey.get("id") == str(journey_id):
            self.journey = {**self.journey, "status": status}
        return rx.toast.success(f"Journey {status}.")

    @rx.event
    def pause(self, journey_id: int):
        return self._set_status(journey_id, JourneyStatus.PAUSED)

    @rx.event
    def resume(self, journey_id: int):
        return self._set_status(journey_id, JourneyStatus.ACTIVE)

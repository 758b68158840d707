"""The journey pages' controls: pause / resume / cancel / skip one run, and stop a journey, each through a small
dialog where it needs a reason or a step. The work (role check again, Temporal, audit) is portal.journey_actions."""
from __future__ import annotations

import reflex as rx

from portal.roles import JOURNEY_STAFF
from portal.state.journeys import JourneysState


def stop_confirmation(running: int) -> str:
    """What stopping will do, for the confirmation."""
    runs = "No run is running" if running == 0 else f"{running} running run{'s' if running != 1 else ''} will end"
    return f"{runs}; nobody new enters the journey. This cannot be undone."


def _toast(outcome):  # noqa: ANN001, ANN202
    return rx.toast.success(outcome.message) if outcome.ok else rx.toast.error(outcome.message)


class RunControlsState(JourneysState):
    busy: bool = False
    cancel_id: str = ""  # workflow id whose cancel dialog is open
    cancel_reason: str = ""
    skip_id: str = ""  # workflow id whose skip dialog is open
    skip_steps: list[str] = []
    skip_step: str = ""
    stop_id: str = ""  # journey id whose stop dialog is open
    stop_title: str = ""
    stop_summary: str = ""  # how many running runs will end
    stop_reason: str = ""

    def _refresh(self):  # noqa: ANN202
        """Reload what the page shows: one journey's runs, or the list."""
        return JourneysState.load_runs if self._journey_id() is not None else JourneysState.load_list

    def _close_dialogs(self) -> None:
        self.cancel_id, self.cancel_reason, self.skip_id, self.skip_steps, self.skip_step = "", "", "", [], ""
        self.stop_id, self.stop_title, self.stop_summary, self.stop_reason = "", "", "", ""

    @rx.event
    def dialog_open_changed(self, is_open: bool):
        if not is_open and not self.busy:
            self._close_dialogs()

    async def _act(self, workflow_id: str, action: str, *, step_id: str = "", reason: str = ""):  # noqa: ANN202
        """Run the action (the caller has shown busy), close the dialog, toast and reload the runs."""
        from portal.journey_actions import control_run

        try:
            outcome = await control_run(user=self._staff(JOURNEY_STAFF), workflow_id=workflow_id, action=action,
                                        step_id=step_id, reason=reason)
        finally:
            self.busy = False
        self._close_dialogs()
        return [_toast(outcome), self._refresh()]

    @rx.event
    async def pause_run(self, workflow_id: str):
        self.busy = True
        yield
        yield await self._act(workflow_id, "pause")

    @rx.event
    async def resume_run(self, workflow_id: str):
        self.busy = True
        yield
        yield await self._act(workflow_id, "resume")

    @rx.event
    def open_cancel(self, workflow_id: str):
        self._close_dialogs()
        self.cancel_id = workflow_id

    @rx.event
    def set_cancel_reason(self, value: str):
        self.cancel_reason = value

    @rx.event
    async def confirm_cancel(self):
        if not self.cancel_reason.strip():
            yield rx.toast.error("Give a reason for cancelling the run.")
            return
        self.busy = True
        yield
        yield await self._act(self.cancel_id, "cancel", reason=self.cancel_reason)

    @rx.event
    def open_skip(self, workflow_id: str):
        from portal.journey_actions import skip_choices

        self._close_dialogs()
        steps = skip_choices(user=self._staff(JOURNEY_STAFF), workflow_id=workflow_id)
        if not isinstance(steps, list):
            return [_toast(steps), self._refresh()]
        self.skip_id, self.skip_steps = workflow_id, steps
        return None

    @rx.event
    def set_skip_step(self, value: str):
        self.skip_step = value

    @rx.event
    async def confirm_skip(self):
        self.busy = True
        yield
        yield await self._act(self.skip_id, "skip", step_id=self.skip_step)

    @rx.event
    def open_stop(self, journey_id: int, name: str):
        from portal.journey_actions import running_count

        self._close_dialogs()
        running = running_count(user=self._staff(JOURNEY_STAFF), journey_id=journey_id)
        if not isinstance(running, int):
            return [_toast(running), self._refresh()]
        self.stop_id, self.stop_title = str(journey_id), f"Stop {name}"
        self.stop_summary = stop_confirmation(running)
        return None

    @rx.event
    def set_stop_reason(self, value: str):
        self.stop_reason = value

    @rx.event
    async def confirm_stop(self):
        from portal.journey_actions import stop_journey_now

        if not self.stop_reason.strip():
            yield rx.toast.error("Give a reason for stopping the journey.")
            return
        self.busy = True
        yield
        try:
            outcome = await stop_journey_now(user=self._staff(JOURNEY_STAFF), journey_id=int(self.stop_id),
                                             reason=self.stop_reason)
        finally:
            self.busy = False
        self._close_dialogs()
        yield [_toast(outcome), self._refresh()]

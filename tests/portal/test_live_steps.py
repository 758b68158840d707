"""The journey page asks each running workflow for its step and says where the steps it shows came from."""
from __future__ import annotations

import socket
from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from models.settings import Settings
from portal.state.journeys import JourneysState, steps_source
from portal.temporal_link import live_steps
from workflows.journeys.payloads import RunStatus


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_live_steps_are_none_when_temporal_is_unreachable(tmp_path):
    settings = Settings(temporal_address=f"localhost:{_closed_port()}", var_dir=tmp_path)
    assert await live_steps(["review_request-p1-appointment1"], settings=settings) is None


def test_the_page_says_which_steps_are_live_and_which_are_the_database_copy():
    one = {"review_request-p1-appointment1": RunStatus("ask", "wait", None, False, False)}
    assert steps_source(1, one) == "Current steps live from the workflows"
    assert steps_source(3, one) == ("2 of 3 running runs did not answer (is the worker running?): "
                                    "their steps as last recorded")
    assert steps_source(2, None) == "Temporal is not reachable: current steps as last recorded"


def test_a_run_row_shows_its_start_and_its_live_wait_on_the_practice_clock():
    run = SimpleNamespace(current_step="ask", patient_name="Maria Lopez", patient_id=17, version=2,
                          started_at=datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc), status="running",
                          exit_reason="", workflow_id="review_request-p17-appointment42", steps={})
    live = RunStatus("await_reply", "wait_for", "2026-12-03T19:37:28.083495+00:00", True, False)

    row = JourneysState._run_row(run, ZoneInfo("America/Chicago"), live)

    assert (row["started"], row["step"]) == ("Thu 3 Dec 2026, 9:00 AM",
                                             "await reply (waiting until Thu 3 Dec 2026, 1:37 PM) · paused")
    assert JourneysState._run_row(run, ZoneInfo("America/Chicago"), None)["step"] == "ask"


def test_a_run_row_names_its_step_by_the_label_of_its_pinned_version():
    from models.queries.step_words import StepInfo

    steps = {"ask": StepInfo(label="Ask for a review"), "await_reply": StepInfo(label="Wait for a reply")}
    run = SimpleNamespace(current_step="ask", patient_name="Maria Lopez", patient_id=17, version=2,
                          started_at=datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc), status="running",
                          exit_reason="", workflow_id="review_request-p17-appointment42", steps=steps)
    live = RunStatus("await_reply", "wait_for", None, False, False)
    tz = ZoneInfo("America/Chicago")
    assert [JourneysState._run_row(run, tz, status)["step"] for status in (None, live)] == [
        "Ask for a review", "Wait for a reply"]

"""Recorded histories of every journey shape replay against today's workflow code (re-record with
`python -m tests.workflows.journeys.record_histories` after an intended change), and a planner change that is not
guarded by workflow.patched breaks them."""
from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from workflows.journeys import planner_steps
from workflows.journeys.planner_state import advance
from workflows.journeys.workflow import JourneyWorkflow

HISTORIES = sorted((Path(__file__).resolve().parent / "histories").glob("*.json"))


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


def test_every_journey_shape_has_a_recorded_history():
    assert [path.stem for path in HISTORIES] == [
        "nervous_cancelled", "nervous_completed", "referral_reward", "review_deferred_to_morning",
        "review_no_reply", "review_paused_skipped_cancelled", "review_with_reply"]


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_recorded_history_replays_without_nondeterminism(path):
    result = await Replayer(workflows=[JourneyWorkflow]).replay_workflow(_history(path))
    assert result.replay_failure is None


def _skip_every_wait(definition, state, step, now):
    """An engine change: plain waits no longer wait."""
    return advance(definition, state, None, now)


def _skip_waits_for_new_runs_only(definition, state, step, now):
    """The same change, guarded: runs that started before it keep waiting."""
    if workflow.patched("skip-plain-waits"):
        return _skip_every_wait(definition, state, step, now)
    return _original_wait(definition, state, step, now)


_original_wait = planner_steps.HANDLERS["wait"]


async def test_an_unguarded_planner_change_breaks_replay_of_running_journeys(monkeypatch):
    monkeypatch.setitem(planner_steps.HANDLERS, "wait", _skip_every_wait)
    with pytest.raises(NondeterminismError):
        await Replayer(workflows=[JourneyWorkflow]).replay_workflow(_history(HISTORIES[4]))  # review_no_reply


async def test_the_same_change_guarded_by_workflow_patched_replays(monkeypatch):
    monkeypatch.setitem(planner_steps.HANDLERS, "wait", _skip_waits_for_new_runs_only)
    result = await Replayer(workflows=[JourneyWorkflow]).replay_workflow(_history(HISTORIES[4]))
    assert result.replay_failure is None

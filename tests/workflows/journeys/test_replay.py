"""Recorded histories of every journey shape replay against today's workflow code (re-record with
`python -m tests.workflows.journeys.record_histories` after an intended change), and a planner change that is not
guarded by workflow.patched breaks them.

histories/*.json are runs of today's code; histories/before_lean_runs/ are the same shapes recorded before
LEAN_RUNS (one activity per write): runs started then may still be running, so they must replay as long as the
workflow keeps that branch."""
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

HISTORY_DIR = Path(__file__).resolve().parent / "histories"
HISTORIES = sorted(HISTORY_DIR.glob("*.json"))
BEFORE_LEAN_RUNS = sorted((HISTORY_DIR / "before_lean_runs").glob("*.json"))
SHAPES = ["nervous_cancelled", "nervous_completed", "referral_reward", "review_deferred_to_morning",
          "review_no_reply", "review_paused_skipped_cancelled", "review_with_reply"]
NO_REPLY = [HISTORY_DIR / "review_no_reply.json", HISTORY_DIR / "before_lean_runs" / "review_no_reply.json"]


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    return path.relative_to(HISTORY_DIR).with_suffix("").as_posix()


def test_every_journey_shape_has_a_recorded_history():
    assert [path.stem for path in HISTORIES] == SHAPES


def test_every_journey_shape_has_a_history_from_before_lean_runs():
    assert [path.stem for path in BEFORE_LEAN_RUNS] == SHAPES


@pytest.mark.parametrize("path", HISTORIES + BEFORE_LEAN_RUNS, ids=_name)
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


@pytest.mark.parametrize("path", NO_REPLY, ids=_name)
async def test_an_unguarded_planner_change_breaks_replay_of_running_journeys(monkeypatch, path):
    monkeypatch.setitem(planner_steps.HANDLERS, "wait", _skip_every_wait)
    with pytest.raises(NondeterminismError):
        await Replayer(workflows=[JourneyWorkflow]).replay_workflow(_history(path))


@pytest.mark.parametrize("path", NO_REPLY, ids=_name)
async def test_the_same_change_guarded_by_workflow_patched_replays(monkeypatch, path):
    monkeypatch.setitem(planner_steps.HANDLERS, "wait", _skip_waits_for_new_runs_only)
    result = await Replayer(workflows=[JourneyWorkflow]).replay_workflow(_history(path))
    assert result.replay_failure is None

"""The worker writes bytecode for the modules the sandbox re-imports per run, even where bytecode writing is off."""
from __future__ import annotations

import importlib
import sys

from workflows.journeys.workflow import JourneyWorkflow
from workflows.sandbox_bytecode import ensure_bytecode, modules_of
from workflows.schedules import DateTriggerScanWorkflow


def test_the_sandboxed_modules_are_the_workflow_modules_and_their_packages():
    assert modules_of([JourneyWorkflow, DateTriggerScanWorkflow]) == [
        "workflows", "workflows.journeys", "workflows.journeys.workflow", "workflows.schedules"]


def _fresh_module(tmp_path, monkeypatch):
    """Import a new module with bytecode writing off (as under PYTHONDONTWRITEBYTECODE); its cache folder."""
    (tmp_path / "prm_probe_wf.py").write_text("ANSWER = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setitem(sys.modules, "prm_probe_wf", None)  # so that the module is removed after the test
    del sys.modules["prm_probe_wf"]
    importlib.import_module("prm_probe_wf")
    return tmp_path / "__pycache__"


def test_bytecode_is_written_once_when_python_would_not_write_it(tmp_path, monkeypatch):
    cache_dir = _fresh_module(tmp_path, monkeypatch)
    assert not cache_dir.exists()  # Python itself wrote nothing
    [written] = ensure_bytecode(["prm_probe_wf", "not_imported_at_all"])
    assert written.parent == cache_dir and written.name.startswith("prm_probe_wf.")
    assert ensure_bytecode(["prm_probe_wf"]) == []  # up to date: nothing to do


def test_nothing_is_written_where_python_writes_bytecode_itself(tmp_path, monkeypatch):
    _fresh_module(tmp_path, monkeypatch)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert ensure_bytecode(["prm_probe_wf"]) == []

"""Bytecode for the modules Temporal's sandbox imports afresh for every workflow run.

The sandbox re-executes a workflow's module (and its packages) for each run. Where bytecode writing is turned off
(PYTHONDONTWRITEBYTECODE, common in containers) Python would then compile that source again for every run, a
large share of a short run's CPU. Writing their .pyc once, where Python itself would have put it, makes every
later import read it. A tree that cannot be written to simply keeps compiling; nothing else depends on this.
"""
from __future__ import annotations

import importlib.util
import logging
import py_compile
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def modules_of(workflow_classes: list[type]) -> list[str]:
    """The modules defining the classes and the packages above them ("workflows.journeys.workflow" and so on)."""
    names: list[str] = []
    for cls in workflow_classes:
        parts = cls.__module__.split(".")
        names.extend(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return list(dict.fromkeys(names))


def ensure_bytecode(module_names: list[str]) -> list[Path]:
    """Write missing or stale .pyc files for the named (already imported) modules; the paths written."""
    if not sys.dont_write_bytecode:
        return []  # Python wrote them at import
    written = []
    for name in module_names:
        source = getattr(sys.modules.get(name), "__file__", None)
        if not source or not source.endswith(".py"):
            continue
        cache = Path(importlib.util.cache_from_source(source))
        if cache.exists() and cache.stat().st_mtime >= Path(source).stat().st_mtime:
            continue
        try:
            py_compile.compile(source, cfile=str(cache), doraise=True)
        except (OSError, py_compile.PyCompileError) as exc:
            log.debug("no bytecode for %s (%s)", name, type(exc).__name__)
            continue
        written.append(cache)
    return written

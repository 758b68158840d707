"""Layering: the worker process and the CLI start without Reflex or the portal (checked in a fresh interpreter)."""
from __future__ import annotations

import json
import subprocess
import sys

from models.settings import REPO_ROOT

_PROBE = """
import json, sys
import {modules}
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('reflex', 'reflex_base', 'portal', 'rxconfig')
                or m.startswith('reflex_components'))
print(json.dumps(loaded))
"""


def _ui_modules_loaded_by(*modules: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", _PROBE.format(modules=", ".join(modules))], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_worker_modules_import_no_reflex_and_no_portal():
    assert _ui_modules_loaded_by("workflows.worker", "workflows.cli.worker") == []


def test_cli_entry_point_imports_no_reflex_and_no_portal():
    assert _ui_modules_loaded_by("workflows.cli.main") == []


def test_the_probe_does_see_reflex_when_the_portal_is_imported():
    """Guards the probe itself: importing the portal app must show up, or the tests above prove nothing."""
    loaded = _ui_modules_loaded_by("portal.portal")
    assert "reflex" in loaded
    assert "portal.portal" in loaded

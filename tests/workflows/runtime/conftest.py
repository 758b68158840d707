"""Fixtures for the journey runtime tests: a session factory over the per-test SQLite file and a recording sender."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import Session

from workflows.channels.base import OutboundMessage


@pytest.fixture
def session_factory(engine):
    return lambda: Session(engine, expire_on_commit=False)


class RecordingSender:
    """A fake provider: records every delivered message; scripted failures are raised first, in order."""

    name = "fake"

    def __init__(self, failures: list[Exception] | None = None, gate: threading.Event | None = None) -> None:
        self.failures = list(failures or [])
        self.gate = gate
        self.attempts = 0
        self.delivered: list[OutboundMessage] = []

    def deliver(self, msg: OutboundMessage) -> str:
        self.attempts += 1
        if self.gate is not None:
            assert self.gate.wait(10), "test gate never opened"
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append(msg)
        return f"fake-{len(self.delivered)}"


@pytest.fixture
def recording_sender():
    return RecordingSender()

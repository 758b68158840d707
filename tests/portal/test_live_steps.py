"""The journey page asks each running workflow for its step and says where the steps it shows came from."""
from __future__ import annotations

import socket

from models.settings import Settings
from portal.state.journeys import steps_source
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

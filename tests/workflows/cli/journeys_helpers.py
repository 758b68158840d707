"""Shared pieces of the `prm journeys` tests: a practice with templates and a coordinator, a published journey."""
from __future__ import annotations

import json
import socket

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Enrollment, Journey, Practice
from tests.factories import make_enrollment, make_patient, make_practice, make_staff_user
from workflows.cli.main import main
from workflows.templates.seed import seed_templates

QUICK_REVIEW = {"trigger": {"event": "appointment.completed"},
                "steps": [{"id": "after_visit", "kind": "wait", "duration": "PT1H"},
                          {"id": "ask", "kind": "send", "template": "review_request", "message_type": "review"},
                          {"id": "done", "kind": "end"}]}
BAD = {"trigger": {"event": "appointment.completed"},
       "steps": [{"id": "after_visit", "kind": "wait", "duration": "2 hours"},
                 {"id": "ask", "kind": "send", "template": "thank_you_card", "message_type": "review", "next": "gone"}]}


def quick_review(template: str = "review_request") -> dict:
    steps = [dict(step, template=template) if step["id"] == "ask" else step for step in QUICK_REVIEW["steps"]]
    return {**QUICK_REVIEW, "steps": steps}


def write_json(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def closed_port_address() -> str:
    """An address nothing listens on: Temporal is "down"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"


@pytest.fixture
def practice(cli_db):
    with session_scope() as session:
        practice = make_practice(session)
        seed_templates(session=session, practice_id=practice.id)
        make_staff_user(session, practice, email="coord@example.com", role="coordinator")
    return practice


@pytest.fixture
def published(practice, tmp_path, capsys):
    """quick_review version 1, published from a file and made active."""
    assert main(["journeys", "publish", "quick_review", write_json(tmp_path / "v1.json", quick_review()),
                 "--name", "Quick review"]) == 0
    assert main(["journeys", "resume", "quick_review"]) == 0
    capsys.readouterr()
    with session_scope() as session:
        return session.exec(select(Journey)).one()


def add_runs(journey: Journey, statuses: list[str]) -> list[Enrollment]:
    """One enrollment per status, each for a new patient, pinned to the newest version."""
    with session_scope() as session:
        practice = session.get(Practice, journey.practice_id)
        return [make_enrollment(session, journey, make_patient(session, practice), status=status,
                                trigger_ref=f"campaign:{n}", current_step="ask")
                for n, status in enumerate(statuses)]

import re

import pytest
from sqlmodel import func, select

from models.db import session_scope
from models.tables import Journey, Patient
from workflows.cli import demo
from workflows.cli.main import main


@pytest.fixture
def schema_without_migrations(cli_db, monkeypatch):
    """cli_db already built the schema from the tables; migrations have their own tests (test_migrations.py)."""
    calls = []
    monkeypatch.setattr(demo, "upgrade", lambda: calls.append("upgrade"))
    return calls


def test_prm_demo_migrates_loads_and_prints_the_logins(schema_without_migrations, capsys):
    assert main(["demo", "--patients", "30", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert schema_without_migrations == ["upgrade"]
    assert re.search(r"^  patients +30$", out, re.MULTILINE)
    assert "admin        admin@demo.practice" in out
    assert "Built-in journeys: nervous_patient_checkin, referral_reward, review_request" in out
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Patient)).one() == 30
        assert session.exec(select(func.count()).select_from(Journey)).one() == 3


def test_prm_demo_twice_says_the_data_is_already_there(schema_without_migrations, capsys):
    assert main(["demo", "--patients", "10"]) == 0
    capsys.readouterr()
    assert main(["demo", "--patients", "10"]) == 0
    assert "demo data already present" in capsys.readouterr().out
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Patient)).one() == 10


def test_prm_demo_refuses_zero_patients(schema_without_migrations, capsys):
    assert main(["demo", "--patients", "0"]) == 2
    assert capsys.readouterr().err == "prm demo: --patients must be at least 1\n"
    assert schema_without_migrations == []

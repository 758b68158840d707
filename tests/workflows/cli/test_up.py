"""`prm up` before it starts anything: port checks first, then the practice (demo or empty) and the journeys."""
from __future__ import annotations

import socket

import pytest
from sqlmodel import Session, select

from models.auth import authenticate
from models.db import get_engine
from models.practice_setup import create_empty_practice
from models.settings import Settings, get_settings
from models.tables import Journey, Patient, Practice
from workflows.cli import up


@pytest.fixture
def fresh_env(tmp_path, monkeypatch):
    """Settings pointing at an empty tmp database file that does not exist yet."""
    db = tmp_path / "up.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield db
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def test_a_busy_portal_port_stops_prm_up_before_the_database_is_touched(fresh_env, monkeypatch, capsys):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setenv("PRM_FRONTEND_PORT", str(listener.getsockname()[1]))
        get_settings.cache_clear()
        assert up.run(None) == 1
    assert "already in use" in capsys.readouterr().err
    assert not fresh_env.exists()


def test_without_demo_the_first_start_creates_an_empty_practice_with_its_admin_and_journeys(fresh_env, monkeypatch):
    monkeypatch.setenv("PRM_LOAD_DEMO", "false")
    monkeypatch.setenv("PRM_PRACTICE_NAME", "Riverside Dental")
    get_settings.cache_clear()
    assert up._prepare_database() == "empty"
    assert up._prepare_database() == ""
    with Session(get_engine()) as session:
        assert [p.name for p in session.exec(select(Practice))] == ["Riverside Dental"]
        assert session.exec(select(Patient)).all() == []
        assert sorted(j.key for j in session.exec(select(Journey))) == [
            "nervous_patient_checkin", "referral_reward", "review_request"]
        admin = authenticate(session=session, email="admin@demo.practice", password="change-me-now")
        assert admin is not None and admin.role == "admin"


def test_an_unknown_practice_time_zone_is_refused_with_the_setting_named(session):
    with pytest.raises(ValueError, match="PRM_PRACTICE_TIMEZONE is not a time zone name"):
        create_empty_practice(session=session, settings=Settings(practice_timezone="Mars/Olympus"))
    assert session.exec(select(Practice)).all() == []


def test_sigint_stops_prm_up_even_when_it_was_started_with_sigint_ignored():
    import signal

    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell's `make run &` leaves it
        up.install_stop_signals()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with pytest.raises(KeyboardInterrupt):
                signal.raise_signal(signum)
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def test_lockfiles_reformatted_by_reflex_get_their_committed_bytes_back(tmp_path):
    from workflows.cli.lockfiles import lockfiles_kept

    committed = b'{\n  "name": "reflex",\n  "dependencies": {"react": "19.3.1"}\n}\n'
    (tmp_path / "package.json").write_bytes(committed)
    (tmp_path / "other.json").write_bytes(b'{"a": 1}')
    with lockfiles_kept(tmp_path):
        (tmp_path / "package.json").write_bytes(b'{"name": "reflex", "dependencies": {"react": "19.3.1"}}')
        (tmp_path / "other.json").write_bytes(b'{"a": 2}')  # a real change stays
    assert (tmp_path / "package.json").read_bytes() == committed
    assert (tmp_path / "other.json").read_bytes() == b'{"a": 2}'

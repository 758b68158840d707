import io

import pytest
from sqlmodel import select

from models.auth import authenticate, open_session, user_for_token
from models.db import session_scope
from models.tables import AuditLog, StaffUser
from tests.factories import make_practice, make_staff_user
from workflows.cli.main import main


@pytest.fixture
def practice(cli_db):
    with session_scope() as session:
        practice = make_practice(session)
        make_staff_user(session, practice, email="desk@example.com")
    return practice


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_users_add_reads_the_password_from_stdin_and_the_user_can_log_in(practice, monkeypatch, capsys):
    _stdin(monkeypatch, "a-long-secret-1\n")
    assert main(["users", "add", "--email", "Coord@Example.com", "--name", "Cora Ord", "--role", "coordinator"]) == 0
    assert capsys.readouterr().out == "added coord@example.com (coordinator)\n"
    with session_scope() as session:
        user = authenticate(session=session, email="coord@example.com", password="a-long-secret-1")
        assert (user.full_name, user.role) == ("Cora Ord", "coordinator")
        audit = session.exec(select(AuditLog).where(AuditLog.entity == "staffuser")).one()
        assert audit.detail == "user added from the CLI with role coordinator"


def test_users_add_refuses_a_duplicate_email(practice, monkeypatch, capsys):
    _stdin(monkeypatch, "a-long-secret-1\n")
    assert main(["users", "add", "--email", "DESK@example.com"]) == 1
    assert capsys.readouterr().err == "prm users: a user with the email desk@example.com already exists\n"


def test_users_add_refuses_a_short_password(practice, monkeypatch, capsys):
    _stdin(monkeypatch, "short\n")
    assert main(["users", "add", "--email", "new@example.com"]) == 2
    assert capsys.readouterr().err == "prm users: password must be at least 10 characters\n"
    with session_scope() as session:
        assert session.exec(select(StaffUser).where(StaffUser.email == "new@example.com")).first() is None


def test_users_add_needs_an_email(practice, capsys):
    assert main(["users", "add"]) == 2
    assert capsys.readouterr().err == "prm users: --email with a valid address is required\n"


def test_set_password_replaces_the_hash_and_ends_open_sessions(practice, monkeypatch, capsys):
    with session_scope() as session:
        user = session.exec(select(StaffUser)).one()
        token = open_session(session=session, user=user, hours=1)
    _stdin(monkeypatch, "brand-new-password\n")
    assert main(["users", "set-password", "--email", "desk@example.com"]) == 0
    assert capsys.readouterr().out == "password changed for desk@example.com\n"
    with session_scope() as session:
        assert authenticate(session=session, email="desk@example.com", password="correct horse battery") is None
        assert authenticate(session=session, email="desk@example.com", password="brand-new-password") is not None
        assert user_for_token(session=session, token=token) is None


def test_set_password_for_an_unknown_email_fails(practice, monkeypatch, capsys):
    _stdin(monkeypatch, "brand-new-password\n")
    assert main(["users", "set-password", "--email", "nobody@example.com"]) == 1
    assert capsys.readouterr().err == "prm users: no staff user with the email nobody@example.com\n"


def test_users_list_shows_every_login(practice, capsys):
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "desk@example.com" in out and "front_desk" in out

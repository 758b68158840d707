"""`prm users list|add|set-password`: staff logins from the command line (passwords never on the command line)."""
from __future__ import annotations

import getpass
import sys

from rich.table import Table
from sqlmodel import Session, delete, select

from models.auth import MIN_PASSWORD_LENGTH, create_user, hash_password
from models.db import session_scope
from models.tables import AuditLog, Practice, StaffSession, StaffUser
from workflows.cli.console import console


class UserCommandError(Exception):
    """A problem the operator can fix; `exit_code` 2 for bad input, 1 for a state conflict."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def read_password() -> str:
    """Prompt twice on a terminal; otherwise take the first line of stdin (for scripts and tests)."""
    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise UserCommandError("the two passwords differ", exit_code=2)
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserCommandError(f"password must be at least {MIN_PASSWORD_LENGTH} characters", exit_code=2)
    return password


def _require_email(email: str | None) -> str:
    if not email or "@" not in email:
        raise UserCommandError("--email with a valid address is required", exit_code=2)
    return email.strip().lower()


def _find_user(session: Session, email: str) -> StaffUser | None:
    return session.exec(select(StaffUser).where(StaffUser.email == email)).first()


def list_users(session: Session) -> None:
    table = Table(show_header=True)
    for column in ("email", "name", "role", "active"):
        table.add_column(column)
    for user in session.exec(select(StaffUser).order_by(StaffUser.email)):
        table.add_row(user.email, user.full_name, user.role, "yes" if user.active else "no")
    console().print(table)


def add_user(session: Session, *, email: str | None, name: str, role: str) -> StaffUser:
    address = _require_email(email)
    practice = session.exec(select(Practice).order_by(Practice.id)).first()
    if practice is None:
        raise UserCommandError("no practice yet; run `prm demo` or `prm import opendental FILE` first")
    if _find_user(session, address) is not None:
        raise UserCommandError(f"a user with the email {address} already exists")
    user = create_user(session=session, practice_id=practice.id, email=address,
                       full_name=name.strip() or address.split("@")[0], role=role, password=read_password())
    session.add(AuditLog(practice_id=practice.id, action="change", entity="staffuser", entity_id=str(user.id),
                         detail=f"user added from the CLI with role {role}"))
    return user


def set_password(session: Session, *, email: str | None) -> StaffUser:
    """New hash, and every open login of that user ends (a reset should lock out whoever had the old one)."""
    address = _require_email(email)
    user = _find_user(session, address)
    if user is None:
        raise UserCommandError(f"no staff user with the email {address}")
    user.password_hash = hash_password(read_password())
    session.add(user)
    session.exec(delete(StaffSession).where(StaffSession.user_id == user.id))
    session.add(AuditLog(practice_id=user.practice_id, action="change", entity="staffuser", entity_id=str(user.id),
                         detail="password set from the CLI; open sessions ended"))
    return user


def run(args) -> int:  # noqa: ANN001
    try:
        with session_scope() as session:
            if args.action == "list":
                list_users(session)
            elif args.action == "add":
                user = add_user(session, email=args.email, name=args.name, role=args.role)
                print(f"added {user.email} ({user.role})")
            else:
                user = set_password(session, email=args.email)
                print(f"password changed for {user.email}")
    except UserCommandError as error:
        print(f"prm users: {error}", file=sys.stderr)
        return error.exit_code
    return 0

"""Lookups and error handling shared by the `prm journeys` handlers."""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable

from sqlmodel import Session, select

from models.tables import Journey, Practice, Role, StaffUser

# Who may change journeys from the shell when a staff user is named (the portal's journey roles).
JOURNEY_ROLES = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ADMIN})
STATUS_ORDER = ("running", "completed", "exited", "cancelled", "failed")


class JourneyCommandError(Exception):
    """A problem the operator can fix; the message is the whole explanation."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def reports_errors(handler: Callable[..., int]) -> Callable[..., int]:
    """Turn a JourneyCommandError into one line on stderr and its exit code."""

    @functools.wraps(handler)
    def wrapper(args) -> int:  # noqa: ANN001
        try:
            return handler(args)
        except JourneyCommandError as error:
            print(f"prm journeys: {error}", file=sys.stderr)
            return error.exit_code

    return wrapper


def resolve_practice(session: Session, practice_id: int | None) -> Practice:
    """The practice asked for, else the only one there is."""
    if practice_id is not None:
        practice = session.get(Practice, practice_id)
        if practice is None:
            raise JourneyCommandError(f"practice {practice_id} not found")
        return practice
    practices = session.exec(select(Practice).order_by(Practice.id)).all()
    if not practices:
        raise JourneyCommandError("no practice yet; run `prm demo` or `prm import opendental FILE` first")
    if len(practices) > 1:
        ids = ", ".join(str(p.id) for p in practices)
        raise JourneyCommandError(f"there are several practices ({ids}); pass --practice-id", exit_code=2)
    return practices[0]


def find_journey(session: Session, practice: Practice, key: str) -> Journey:
    journey = session.exec(select(Journey).where(Journey.practice_id == practice.id, Journey.key == key)).first()
    if journey is None:
        raise JourneyCommandError(f"no journey '{key}' in practice {practice.id}")
    return journey


def journey_by_key(session: Session, practice_id: int | None, key: str) -> Journey:
    return find_journey(session, resolve_practice(session, practice_id), key)


def acting_user_id(session: Session, practice: Practice, email: str | None) -> int | None:
    """The staff user named with --by (recorded as who did it), checked like a portal login would be."""
    if not email:
        return None
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None or not user.active or user.practice_id != practice.id:
        raise JourneyCommandError(f"no active staff user {email.strip().lower()} in practice {practice.id}",
                                  exit_code=2)
    if user.role not in JOURNEY_ROLES:
        raise JourneyCommandError(f"{user.email} is {user.role}; journeys are changed by a coordinator, "
                                  "manager or admin", exit_code=2)
    return user.id


def counts_text(counts: dict[str, int]) -> str:
    """{"running": 2, "completed": 5} -> "2 running, 5 completed" in lifecycle order."""
    parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
    parts += [f"{n} {s}" for s, n in sorted(counts.items()) if s not in STATUS_ORDER and n]
    return ", ".join(parts) or "no runs yet"

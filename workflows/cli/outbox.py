"""`prm outbox`: the latest messages out and in (a staff tool on the practice's own machine, so bodies are shown)."""
from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table
from sqlmodel import Session, select

from models.db import session_scope
from models.tables import Message

FIELDS = ("id", "patient_id", "direction", "channel", "status", "reason", "subject", "body", "created_at")


def recent_messages(*, session: Session, limit: int = 50) -> list[dict]:
    """Newest first, as JSON-ready dicts with exactly FIELDS."""
    rows = session.exec(select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(limit))
    return [{**{name: getattr(m, name) for name in FIELDS[:-1]}, "created_at": m.created_at.isoformat()} for m in rows]


def _print_table(messages: list[dict]) -> None:
    table = Table(title=f"Outbox: {len(messages)} latest messages", show_lines=False)
    for column in ("id", "when (UTC)", "dir", "channel", "status", "patient", "subject / text", "reason"):
        table.add_column(column)
    for m in messages:
        text = m["subject"] or (m["body"].splitlines() or [""])[0]
        table.add_row(str(m["id"]), m["created_at"][:19].replace("T", " "), m["direction"], m["channel"], m["status"],
                      str(m["patient_id"] or ""), text[:60], m["reason"][:50])
    Console().print(table)


def run(args) -> int:  # noqa: ANN001
    if args.limit < 1:
        print("--limit must be at least 1")
        return 2
    with session_scope() as session:
        messages = recent_messages(session=session, limit=args.limit)
    if args.json:
        print(json.dumps(messages, indent=2))
    else:
        _print_table(messages)
    return 0

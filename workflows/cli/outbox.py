"""`prm outbox`: the latest messages out and in (a staff tool on the practice's own machine, so bodies are shown)."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlmodel import Session, select

from models.db import session_scope
from models.queries.local_time import zoned_moment
from models.tables import Message, Practice
from workflows.cli.console import console

FIELDS = ("id", "patient_id", "direction", "channel", "status", "reason", "subject", "body", "created_at")


def recent_messages(*, session: Session, limit: int = 50) -> list[dict]:
    """Newest first, as JSON-ready dicts with exactly FIELDS."""
    rows = session.exec(select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(limit))
    return [{**{name: getattr(m, name) for name in FIELDS[:-1]}, "created_at": m.created_at.isoformat()} for m in rows]


def practice_zones(*, session: Session, message_ids: list[int]) -> dict[int, ZoneInfo]:
    """Message id -> the time zone of its practice: the table shows times as the practice's portal does."""
    rows = session.exec(select(Message.id, Practice.timezone).join(Practice, Practice.id == Message.practice_id)
                        .where(Message.id.in_(message_ids))).all()
    return {message_id: ZoneInfo(zone) for message_id, zone in rows}


def _print_table(messages: list[dict], zones: dict[int, ZoneInfo]) -> None:
    table = Table(title=f"Outbox: {len(messages)} latest messages", show_lines=False)
    for column in ("id", "when", "dir", "channel", "status", "patient", "subject / text", "reason"):
        table.add_column(column)
    for m in messages:
        text = m["subject"] or (m["body"].splitlines() or [""])[0]
        when = zoned_moment(datetime.fromisoformat(m["created_at"]), zones[m["id"]])
        table.add_row(str(m["id"]), when, m["direction"], m["channel"], m["status"],
                      str(m["patient_id"] or ""), text[:60], m["reason"][:50])
    console().print(table)


def run(args) -> int:  # noqa: ANN001
    if args.limit < 1:
        print("--limit must be at least 1")
        return 2
    with session_scope() as session:
        messages = recent_messages(session=session, limit=args.limit)
        zones = practice_zones(session=session, message_ids=[m["id"] for m in messages])
    if args.json:
        print(json.dumps(messages, indent=2))
    else:
        _print_table(messages, zones)
    return 0

"""`import_opendental`: parse and check the whole export, then write it in one transaction (all or nothing)."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.plan import build_plan
from models.importers.opendental.reader import read_dump
from models.importers.opendental.summary import ImportSummary
from models.importers.opendental.writer import write_plan
from models.tables import AuditLog, Practice

IMPORTED_PRACTICE_NAME = "Imported practice"
IMPORTED_PRACTICE_TZ = "America/Chicago"


def _find_practice(session: Session, practice_id: int | None, file: str) -> Practice | None:
    """The given practice, else the only one; None when there is none yet (the import creates it)."""
    if practice_id is not None:
        practice = session.get(Practice, practice_id)
        if practice is None:
            raise OpenDentalImportError(file, None, f"practice {practice_id} does not exist")
        return practice
    practices = session.exec(select(Practice).order_by(Practice.id).limit(2)).all()
    if len(practices) > 1:
        raise OpenDentalImportError(file, None, "several practices exist: say which one to import into (practice_id)")
    return practices[0] if practices else None


def _zone(name: str, file: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OpenDentalImportError(file, None, f"the practice time zone {name!r} is unknown") from None


def import_opendental(*, engine: Engine, path: Path, practice_id: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      on_statements: Callable[[int], None] | None = None) -> ImportSummary:
    """Import an Open Dental INSERT export; raises OpenDentalImportError (no PHI) and writes nothing on bad input.

    `progress(bytes_read, bytes_total)` and `on_statements(statements_parsed)` report parsing as it goes.
    """
    started = time.monotonic()
    path = Path(path)
    if not path.exists():
        raise OpenDentalImportError(path.name, None, "no such file")
    if path.is_dir():
        raise OpenDentalImportError(path.name, None, "this is a folder, not an export file")
    dump = read_dump(path, progress, on_statements)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        practice = _find_practice(session, practice_id, dump.name)
        tz = _zone(practice.timezone if practice else IMPORTED_PRACTICE_TZ, dump.name)
        summary = ImportSummary(file=dump.name, practice_id=0, statements=dump.statements, bytes_read=dump.size)
        plan = build_plan(dump, tz, summary)
        if practice is None:
            practice = Practice(name=IMPORTED_PRACTICE_NAME, timezone=IMPORTED_PRACTICE_TZ)
            session.add(practice)
            session.flush()
        summary.practice_id = practice.id
        write_plan(session=session, practice_id=practice.id, plan=plan, summary=summary)
        if summary.changed:
            session.add(AuditLog(practice_id=practice.id, action="import", entity="opendental",
                                 detail=f"Open Dental export: {summary.imported} rows imported, {summary.updated} updated"))
    summary.seconds = round(time.monotonic() - started, 2)
    return summary

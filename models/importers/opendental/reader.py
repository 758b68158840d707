"""Reads a whole Open Dental export into memory and checks it is one, complete, before anything is written."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.sqldump import Value, iter_statements

# Tables whose rows we map or use as lookups; rows of every other table are only counted.
KEPT_TABLES = frozenset({
    "patient", "appointment", "procedurelog", "recall", "commlog",
    "procedurecode", "provider", "operatory", "definition",
})


@dataclass(frozen=True)
class SourceRow:
    """One row of the export: its values by column name and the line its statement starts on."""

    line: int
    values: dict[str, Value]


@dataclass
class Dump:
    name: str
    size: int
    rows: dict[str, list[SourceRow]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)  # rows read per table, every table
    statements: int = 0
    bytes_read: int = 0  # what was actually read: /dev/null or a pipe has no size to stat


def _foreign_key_checks(words: tuple[str, ...]) -> str | None:
    """"0"/"1" for `SET FOREIGN_KEY_CHECKS = n`, else None."""
    if len(words) == 4 and words[1].upper() == "FOREIGN_KEY_CHECKS" and words[2] == "=":
        return words[3]
    return None


def read_dump(path: Path, progress: Callable[[int, int], None] | None = None,
              on_statements: Callable[[int], None] | None = None) -> Dump:
    """Parse every statement of `path`; raise OpenDentalImportError if it is cut short or not an Open Dental export."""
    dump = Dump(name=path.name, size=path.stat().st_size)
    opened_at: int | None = None  # line of `SET FOREIGN_KEY_CHECKS = 0`
    closed = False
    last_line = 0

    def on_bytes(done: int) -> None:
        dump.bytes_read = done
        if progress is not None:
            progress(done, dump.size)
        if on_statements is not None:
            on_statements(dump.statements)

    for statement in iter_statements(path, on_bytes):
        dump.statements += 1
        last_line = statement.line
        if statement.kind == "set":
            checks = _foreign_key_checks(statement.words)
            if checks == "0" and opened_at is None:
                opened_at = statement.line
            closed = closed or (checks == "1" and opened_at is not None)
            continue
        if statement.kind != "insert":
            continue
        closed = False  # data after the closing SET: the closing statement must be the last one
        dump.counts[statement.table] += len(statement.rows)
        if statement.table in KEPT_TABLES:
            kept = dump.rows.setdefault(statement.table, [])
            kept.extend(SourceRow(statement.line, dict(zip(statement.columns, row))) for row in statement.rows)
    _check_complete(dump, opened_at, closed, last_line)
    return dump


def _check_complete(dump: Dump, opened_at: int | None, closed: bool, last_line: int) -> None:
    if dump.bytes_read == 0:
        raise OpenDentalImportError(dump.name, None, "the file is empty")
    if dump.statements == 0:
        raise OpenDentalImportError(dump.name, None, "the file holds no SQL statements: this is not an Open Dental export")
    if opened_at is not None and not closed:
        raise OpenDentalImportError(
            dump.name, last_line,
            "the file ends without the closing `SET FOREIGN_KEY_CHECKS = 1;` of the export (is it truncated?)")
    if not dump.counts.get("patient"):
        raise OpenDentalImportError(
            dump.name, None, "the file has no `patient` INSERT statements: this is not an Open Dental export")

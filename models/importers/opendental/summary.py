"""What an import did, per Open Dental table: rows read, imported, updated, unchanged and skipped with reasons."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

TABLE_NOT_IMPORTED = "table not imported"
LOOKUP_ONLY = "lookup only (codes and names)"
PATIENT_NOT_IMPORTED = "patient not imported"


@dataclass
class TableCounts:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> rows

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, rows: int = 1) -> None:
        self.skipped[reason] += rows


@dataclass
class ImportSummary:
    """Counts keyed by Open Dental table; "treatplan" (grouped from TP procedures) and "consent" are derived rows."""

    file: str
    practice_id: int
    statements: int
    bytes_read: int
    tables: dict[str, TableCounts] = field(default_factory=dict)
    seconds: float = 0.0

    def table(self, name: str) -> TableCounts:
        return self.tables.setdefault(name, TableCounts())

    @property
    def imported(self) -> int:
        return sum(counts.imported for counts in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(counts.updated for counts in self.tables.values())

    @property
    def changed(self) -> bool:
        return self.imported > 0 or self.updated > 0

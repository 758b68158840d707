"""Writes a checked plan in the caller's transaction: insert new rows, update changed ones, leave the rest alone.

Existing rows are loaded once per table by external_id (no per-row queries); a row counts as updated only when
a field Open Dental owns differs. Treatment-plan status is ours once created (staff accept or decline it).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select

from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.mapping import Record
from models.importers.opendental.plan import WRITE_ORDER, Plan
from models.importers.opendental.summary import ImportSummary
from models.tables import Appointment, ConsentEvent, Note, Patient, Procedure, Recall, TreatmentPlan
from models.types import utcnow

MODELS: dict[str, type[SQLModel]] = {
    "patient": Patient, "appointment": Appointment, "treatplan": TreatmentPlan,
    "procedurelog": Procedure, "recall": Recall, "commlog": Note,
}
_SELF_REFERENCES = {"guarantor_id"}  # patient -> patient: resolved after the patients have ids


def _same(old: object, new: object) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and round(float(old), 2) == round(float(new), 2)
    return old == new


def _apply(row: SQLModel, values: dict[str, object]) -> bool:
    """Set the values that differ; True if any did."""
    changed = False
    for column, value in values.items():
        if not _same(getattr(row, column), value):
            setattr(row, column, value)
            changed = True
    return changed


class PlanWriter:
    def __init__(self, session: Session, practice_id: int, summary: ImportSummary) -> None:
        self.session = session
        self.practice_id = practice_id
        self.summary = summary
        self.now: datetime = utcnow()
        self.ids: dict[str, int] = {}  # external_id -> our id, every table written so far

    def _flush(self, what: str) -> None:
        try:
            self.session.flush()
        except DBAPIError as exc:
            # Only the first line: later lines of a driver message can quote row values (PHI).
            reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
            raise OpenDentalImportError(self.summary.file, None, f"the database refused the {what} rows: {reason}") from None

    def _existing(self, table: str) -> dict[str, SQLModel]:
        model = MODELS[table]
        query = select(model).where(model.practice_id == self.practice_id,
                                    model.external_id.startswith(f"opendental:{table}:", autoescape=True))
        return {row.external_id: row for row in self.session.exec(query)}

    def _values(self, record: Record) -> dict[str, object]:
        values = dict(record.fields)
        for column, ref in record.refs.items():
            if column not in _SELF_REFERENCES:
                values[column] = self.ids[ref] if ref is not None else None
        return values

    def write_table(self, table: str, records: list[Record]) -> dict[str, tuple[SQLModel, str]]:
        """Insert or update `records`; returns external_id -> (row, "imported" | "updated" | "unchanged")."""
        model, counts = MODELS[table], self.summary.table(table)
        existing = self._existing(table)
        outcome: dict[str, tuple[SQLModel, str]] = {}
        for record in records:
            values = self._values(record)
            row = existing.get(record.key)
            if row is None:
                row = model(practice_id=self.practice_id, external_id=record.key, **values,
                            **record.extra.get("on_create", {}))
                self.session.add(row)
                outcome[record.key] = (row, "imported")
            elif _apply(row, values):
                if hasattr(row, "updated_at"):
                    row.updated_at = self.now
                outcome[record.key] = (row, "updated")
            else:
                outcome[record.key] = (row, "unchanged")
        self._flush(f"`{table}`")
        self.ids.update((key, row.id) for key, row in existing.items())
        self.ids.update((key, row.id) for key, (row, _state) in outcome.items())
        for _row, state in outcome.values():
            setattr(counts, state, getattr(counts, state) + 1)
        return outcome

    def link_guarantors(self, records: list[Record], outcome: dict[str, tuple[SQLModel, str]]) -> None:
        counts = self.summary.table("patient")
        for record in records:
            ref = record.refs.get("guarantor_id")
            wanted = self.ids[ref] if ref is not None else None
            row, state = outcome[record.key]
            if row.guarantor_id != wanted:
                row.guarantor_id = wanted
                if state == "unchanged":
                    counts.unchanged -= 1
                    counts.updated += 1
                    row.updated_at = self.now
        self._flush("`patient` guarantor")

    def write_consent(self, records: list[Record]) -> None:
        """Append a ConsentEvent when the export's texting/calling permission differs from the last one it gave."""
        counts = self.summary.table("consent")
        last: dict[tuple[int, str], bool] = {}
        query = (select(ConsentEvent.patient_id, ConsentEvent.channel, ConsentEvent.granted)
                 .join(Patient, Patient.id == ConsentEvent.patient_id)
                 .where(Patient.practice_id == self.practice_id, ConsentEvent.source == "import")
                 .order_by(ConsentEvent.at, ConsentEvent.id))
        for patient_id, channel, granted in self.session.exec(query):
            last[(patient_id, channel)] = granted
        for record in records:
            patient_id = self.ids[record.key]
            for channel, (granted, evidence) in record.extra["consent"].items():
                previous = last.get((patient_id, channel))
                if granted is None or (granted and previous is not False):
                    continue  # silent, or a permission that was never withdrawn by an import
                counts.read += 1
                if granted == previous:
                    counts.unchanged += 1
                    continue
                self.session.add(ConsentEvent(patient_id=patient_id, channel=channel, message_type="any",
                                              granted=granted, source="import", evidence=evidence, at=self.now))
                counts.imported += 1
        self._flush("consent")


def write_plan(*, session: Session, practice_id: int, plan: Plan, summary: ImportSummary) -> None:
    """Write every table of the plan in dependency order, in the session's open transaction."""
    writer = PlanWriter(session, practice_id, summary)
    for table in WRITE_ORDER:
        outcome = writer.write_table(table, plan.records[table])
        if table == "patient":
            writer.link_guarantors(plan.records["patient"], outcome)
            writer.write_consent(plan.records["patient"])

"""The whole import worked out in memory: every row mapped and every reference checked before a write."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from models.importers.opendental import enums
from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.fields import RowFields
from models.importers.opendental.mapping import (
    Lookups, Record, external_id, is_confirmed_status, map_appointment, map_commlog, map_patient, map_procedure,
    map_recall, provider_name,
)
from models.importers.opendental.reader import KEPT_TABLES, Dump
from models.importers.opendental.summary import LOOKUP_ONLY, PATIENT_NOT_IMPORTED, TABLE_NOT_IMPORTED, ImportSummary

# Our tables in the order they are written (each may point at rows of the ones before it).
WRITE_ORDER = ("patient", "appointment", "treatplan", "procedurelog", "recall", "commlog")
LOOKUP_TABLES = ("procedurecode", "provider", "operatory", "definition")


@dataclass
class Plan:
    records: dict[str, list[Record]] = field(default_factory=lambda: {table: [] for table in WRITE_ORDER})


def _key_number(key: str) -> str:
    return key.rsplit(":", 1)[-1]


def build_lookups(dump: Dump) -> Lookups:
    def rows(table: str):
        return (RowFields(dump.name, table, row) for row in dump.rows.get(table, []))

    codes = {f.int("CodeNum", required=True): (f.text("ProcCode", limit=10, required=True), f.free_text("Descript", limit=200))
             for f in rows("procedurecode")}
    providers = {f.int("ProvNum", required=True): provider_name(f) for f in rows("provider")}
    operatories = {f.int("OperatoryNum", required=True): f.text("OpName", limit=80) for f in rows("operatory")}
    confirmed = frozenset(
        f.int("DefNum", required=True) for f in rows("definition")
        if f.int("Category") == enums.DEFINITION_CATEGORY_CONFIRMED and is_confirmed_status(f.text("ItemName", limit=255)))
    return Lookups(codes, providers, operatories, confirmed)


class _Planner:
    def __init__(self, dump: Dump, tz: ZoneInfo, summary: ImportSummary) -> None:
        self.dump, self.tz, self.summary = dump, tz, summary
        self.plan = Plan()
        self.lookups = build_lookups(dump)
        self.patients: dict[str, Record] = {}
        self.skipped_patients: set[str] = set()

    def fields(self, table: str):
        return ((RowFields(self.dump.name, table, row)) for row in self.dump.rows.get(table, []))

    def add(self, table: str, record: Record, seen: dict[str, int], key_column: str) -> None:
        if record.key in seen:
            raise OpenDentalImportError(self.dump.name, record.line, f"`{table}`: {key_column} "
                                        f"{_key_number(record.key)} appears twice (first on line {seen[record.key]})")
        seen[record.key] = record.line
        self.plan.records[table].append(record)

    def patients_pass(self) -> None:
        seen: dict[str, int] = {}
        for f in self.fields("patient"):
            record, reason = map_patient(f)
            if record is None:
                self.summary.table("patient").skip(reason)
                self.skipped_patients.add(external_id("patient", f.int("PatNum")))
                continue
            self.add("patient", record, seen, "PatNum")
            self.patients[record.key] = record
        for record in self.patients.values():
            guarantor = record.refs["guarantor_id"]
            if guarantor == record.key or guarantor in self.skipped_patients:
                record.refs["guarantor_id"] = None  # their own guarantor (or a deleted one): no separate guarantor
            elif guarantor not in self.patients:
                raise OpenDentalImportError(self.dump.name, record.line,
                                            f"`patient`: Guarantor {_key_number(guarantor)} is not a patient in the export")

    def children_pass(self, table: str, key_column: str, mapper: Callable[[RowFields], tuple[Record | None, str]]) -> None:
        seen: dict[str, int] = {}
        for f in self.fields(table):
            record, reason = mapper(f)
            if record is None:
                self.summary.table(table).skip(reason)
                continue
            patient = record.refs["patient_id"]
            if patient in self.skipped_patients:
                self.summary.table(table).skip(PATIENT_NOT_IMPORTED)
                continue
            if patient not in self.patients:
                raise f.fail(f"PatNum {_key_number(patient)} is not a patient in the export")
            self.add(table, record, seen, key_column)

    def treatment_plans(self) -> None:
        """Open Dental's treatplan rows are not exported: each patient's TP procedures become one presented plan."""
        appointments = {record.key for record in self.plan.records["appointment"]}
        plans: dict[str, Record] = {}
        for record in self.plan.records["procedurelog"]:
            if record.refs["appointment_id"] not in appointments:
                record.refs["appointment_id"] = None  # no visit, or a planned/deleted one we did not import
            if record.fields["status"] != "planned":
                continue
            pat_num = record.extra["pat_num"]
            key = external_id("treatplan", f"pat{pat_num}")
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = Record(key, record.line, {"total_fee": 0.0, "presented_on": None},
                                           {"patient_id": record.refs["patient_id"]}, {"on_create": {"status": "presented"}})
            plan.fields["total_fee"] = round(plan.fields["total_fee"] + record.fields["fee"], 2)
            planned_on = record.fields["planned_on"]
            if planned_on is not None and (plan.fields["presented_on"] is None or planned_on < plan.fields["presented_on"]):
                plan.fields["presented_on"] = planned_on
            record.refs["treatment_plan_id"] = key
        self.plan.records["treatplan"] = list(plans.values())
        self.summary.table("treatplan").read = len(plans)

    def count_reads(self) -> None:
        for table, rows in self.dump.counts.items():
            self.summary.table(table).read = rows
            if table in LOOKUP_TABLES:
                self.summary.table(table).skip(LOOKUP_ONLY, rows)
            elif table not in KEPT_TABLES:
                self.summary.table(table).skip(TABLE_NOT_IMPORTED, rows)


def build_plan(dump: Dump, tz: ZoneInfo, summary: ImportSummary) -> Plan:
    """Map and check every row; raise OpenDentalImportError (file, line, problem) on the first bad one."""
    planner = _Planner(dump, tz, summary)
    planner.count_reads()
    planner.patients_pass()
    lookups = planner.lookups
    planner.children_pass("appointment", "AptNum", lambda f: map_appointment(f, lookups, tz))
    planner.children_pass("procedurelog", "ProcNum", lambda f: map_procedure(f, lookups))
    planner.children_pass("recall", "RecallNum", map_recall)
    planner.children_pass("commlog", "CommlogNum", lambda f: map_commlog(f, tz))
    planner.treatment_plans()
    return planner.plan

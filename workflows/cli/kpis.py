"""`prm kpis`: the practice KPIs for a period, as JSON (exactly kpi_report's dict) or a readable table."""
from __future__ import annotations

import json
import sys
from datetime import date, timedelta

from rich.table import Table
from sqlmodel import select

from models.db import session_scope
from models.kpis import kpi_report
from models.kpis.report import practice_today
from models.tables import Practice
from workflows.cli.console import console


class PeriodError(ValueError):
    """A --from/--to the user should fix; the message is the whole explanation."""


def _parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{flag} must be a date like 2025-01-31, not {text!r}") from None


def resolve_period(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """The requested period; by default the year ending today (or ending --to)."""
    end = date_to or today
    start = date_from or end - timedelta(days=364)
    if start > end:
        raise PeriodError(f"--from ({start.isoformat()}) is after --to ({end.isoformat()})")
    return start, end


def _print_table(report: dict) -> None:
    table = Table(title=f"KPIs {report['period']['from']} to {report['period']['to']}", show_header=True)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for label, value in _rows(report):
        table.add_row(label, value)
    console().print(table)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _rows(report: dict) -> list[tuple[str, str]]:
    p, a, t, r = report["patients"], report["appointments"], report["treatment_plans"], report["recalls"]
    m, rv = report["messages"], report["reviews"]
    rows = [("Patients at start / end", f"{p['at_start']} / {p['at_end']}"),
            ("New patients", str(report["new_patients"])),
            ("Retention rate", _pct(p["retention_rate"])), ("Referrals", str(report["referrals"])),
            ("Completed visits", str(a["completed"])), ("No-show rate", _pct(a["no_show_rate"])),
            ("Cancellation rate", _pct(a["cancellation_rate"])),
            ("Plans presented / accepted", f"{t['presented']} / {t['accepted']}"),
            ("Plan acceptance (count)", _pct(t["acceptance_rate"])),
            ("Plan acceptance (value)", f"{_pct(t['value_acceptance_rate'])} of ${t['presented_value']:,.0f}"),
            ("Recalls due / reappointed", f"{r['due']} / {r['reappointed']} ({_pct(r['reappointment_rate'])})"),
            ("Messages sent / suppressed / replies", f"{m['sent']} / {m['suppressed']} / {m['replies']}"),
            ("Review requests sent / replies", f"{rv['requests_sent']} / {rv['replies']}"),
            ("Reviews received (average stars)", f"{rv['received']} ({_number(rv['average_rating'])})"),
            ("NPS (responses)", f"{_number(report['nps']['score'])} ({report['nps']['responses']})"),
            ("Check-ins scored / average stars",
             f"{report['satisfaction']['scored']} / {_number(report['satisfaction']['average_rating'])}")]
    rows += [(f"Journey {j['key']}", f"{j['enrolled']} enrolled, {j['sent']} sent, {j['replied']} replied, "
                                     f"{j['completed']} completed") for j in report["journeys"]]
    return rows


def run(args) -> int:  # noqa: ANN001
    try:
        date_from = _parse_day(args.date_from, "--from") if args.date_from else None
        date_to = _parse_day(args.date_to, "--to") if args.date_to else None
    except PeriodError as error:
        print(f"prm kpis: {error}", file=sys.stderr)
        return 2
    with session_scope() as session:
        practice = session.exec(select(Practice).order_by(Practice.id)).first()
        if practice is None:
            print("prm kpis: no practice yet; run `prm demo` or `prm import opendental FILE` first", file=sys.stderr)
            return 1
        try:
            date_from, date_to = resolve_period(date_from, date_to, practice_today(practice))
        except PeriodError as error:
            print(f"prm kpis: {error}", file=sys.stderr)
            return 2
        report = kpi_report(session=session, practice_id=practice.id, date_from=date_from, date_to=date_to)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_table(report)
    return 0

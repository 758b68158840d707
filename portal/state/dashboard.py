"""KPI cards for a period and the monthly chart: the same functions `prm kpis --json` prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import reflex as rx
from sqlmodel import Session

from models.queries.appointments import practice_today
from models.queries.local_time import local_day
from portal.roles import KPI_STAFF
from portal.state.base import AuthState, db

BAD_PERIOD = "The period must start before it ends."
# Report keys whose plain spelling-out would read wrong.
_LABELS = {"nps": "NPS", "checkins": "Check-ins", "score": "Score (-100 to 100)", "goal_reached": "Goal reached"}
# Top-level report keys that repeat a number a section already holds (new_patients is patients.new).
_REPEATED = ("new_patients",)


def _label(key: str) -> str:
    return _LABELS.get(key) or key.replace("_", " ").capitalize()


def _format(key: str, value) -> str:  # noqa: ANN001
    """Rates as percentages (exactly the JSON value x 100), money with cents, counts with separators."""
    if value is None:
        return "—"
    if key.endswith("_rate"):
        return f"{value * 100:.2f}%"
    if key.endswith("_value"):
        return f"${value:,.2f}"
    if key == "score":  # the NPS, e.g. 33.3 or -12.5, as the JSON has it
        return f"{value:g}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def kpi_cards(report: dict) -> list[dict[str, str]]:
    """Every number of the report as a card, grouped by its section; lists (funnels) and the period are not cards."""
    cards = []
    for key, value in report.items():
        if key in ("practice_id", "period", *_REPEATED) or isinstance(value, list):
            continue
        if isinstance(value, dict):
            cards += [{"group": _label(key), "label": _label(k), "value": _format(k, v)}
                      for k, v in value.items() if not isinstance(v, dict | list)]
        else:
            cards.append({"group": "", "label": _label(key), "value": _format(key, value)})
    return cards


def funnel_rows(report: dict) -> tuple[list[str], list[dict[str, str]]]:
    """The per-journey funnels: stage names in words, in report order, and one row of counts per journey."""
    journeys = report.get("journeys") or []
    stages = [k for k in (journeys[0] if journeys else {}) if k not in ("journey_id", "key", "name")]
    return [_label(s) for s in stages], [{"name": j["name"], **{_label(s): str(j[s]) for s in stages}}
                                         for j in journeys]


def period_caption(report: dict) -> str:
    """Which days the numbers cover, so they are never read against other dates in the form."""
    start, end = (date.fromisoformat(report["period"][key]) for key in ("from", "to"))
    return f"Numbers for {local_day(start)} to {local_day(end)}"


@dataclass(frozen=True)
class PeriodNumbers:
    """What the dashboard shows for one period; an error shows no numbers at all."""

    caption: str = ""
    cards: list[dict[str, str]] = field(default_factory=list)
    funnel_stages: list[str] = field(default_factory=list)
    funnels: list[dict[str, str]] = field(default_factory=list)
    error: str = ""


def period_numbers(*, session: Session, practice_id: int, date_from: date, date_to: date) -> PeriodNumbers:
    """The period's cards and funnels under a caption naming the period, or only the error for a reversed period."""
    from models.kpis import kpi_report

    if date_from > date_to:
        return PeriodNumbers(error=BAD_PERIOD)
    report = kpi_report(session=session, practice_id=practice_id, date_from=date_from, date_to=date_to)
    stages, rows = funnel_rows(report)
    return PeriodNumbers(caption=period_caption(report), cards=kpi_cards(report), funnel_stages=stages, funnels=rows)


MAX_CHART_MONTHS = 36


def chart_months(date_from: date, date_to: date, today: date) -> tuple[int, date]:
    """The chart shows the months of the chosen period (not of the last year): how many, ending with which day's
    month; never past today's month, at most MAX_CHART_MONTHS."""
    last = min(date_to, today)
    months = (last.year - date_from.year) * 12 + last.month - date_from.month + 1
    return max(1, min(months, MAX_CHART_MONTHS)), last


def chart_points(series: list[dict]) -> list[dict]:
    """The monthly series with the no-show rate as a percentage for the chart's right axis."""
    return [{**point, "no_show_rate_pct": None if point.get("no_show_rate") is None
             else round(point["no_show_rate"] * 100, 2)} for point in series]


class DashboardState(AuthState):
    date_from: str = ""
    date_to: str = ""
    cards: list[dict[str, str]] = []
    funnel_stages: list[str] = []
    funnels: list[dict[str, str]] = []
    series: list[dict] = []
    error: str = ""
    caption: str = ""

    def _show(self, numbers: PeriodNumbers) -> None:
        self.caption, self.cards, self.error = numbers.caption, numbers.cards, numbers.error
        self.funnel_stages, self.funnels = numbers.funnel_stages, numbers.funnels

    def _load(self) -> None:
        from models.kpis import monthly_series

        user = self._staff(KPI_STAFF)
        if user is None:
            self._show(PeriodNumbers())
            self.series = []
            return
        with db() as session:
            today = practice_today(session=session, practice_id=user.practice_id)
            if not self.date_to:
                from workflows.cli.kpis import resolve_period  # the same default period as `prm kpis`

                start, end = resolve_period(None, None, today)
                self.date_from, self.date_to = start.isoformat(), end.isoformat()
            numbers = period_numbers(session=session, practice_id=user.practice_id,
                                     date_from=date.fromisoformat(self.date_from),
                                     date_to=date.fromisoformat(self.date_to))
            months, last = chart_months(date.fromisoformat(self.date_from), date.fromisoformat(self.date_to), today)
            series = monthly_series(session=session, practice_id=user.practice_id, months=months, today=last)
        self._show(numbers)
        self.series = chart_points(series)

    @rx.event
    def load(self):
        self._load()

    @rx.event
    def set_period(self, form: dict):
        try:
            start, end = (date.fromisoformat(str(form.get(name, ""))) for name in ("date_from", "date_to"))
        except ValueError:
            self._show(PeriodNumbers(error="Pick both dates."))
            return
        self.date_from, self.date_to = start.isoformat(), end.isoformat()
        self._load()

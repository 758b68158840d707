"""KPI cards for a period and the monthly chart: the same functions `prm kpis --json` prints."""
from __future__ import annotations

from datetime import date

import reflex as rx

from models.queries.appointments import practice_today
from portal.roles import KPI_STAFF
from portal.state.base import AuthState, db


# Report keys whose plain spelling-out would read wrong.
_LABELS = {"nps": "NPS", "checkins": "Check-ins", "score": "Score (-100 to 100)"}


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
        if key in ("practice_id", "period") or isinstance(value, list):
            continue
        if isinstance(value, dict):
            cards += [{"group": _label(key), "label": _label(k), "value": _format(k, v)}
                      for k, v in value.items() if not isinstance(v, dict | list)]
        else:
            cards.append({"group": "", "label": _label(key), "value": _format(key, value)})
    return cards


def funnel_rows(report: dict) -> tuple[list[str], list[dict[str, str]]]:
    """The per-journey funnels: stage names in report order and one row of counts per journey."""
    journeys = report.get("journeys") or []
    stages = [k for k in (journeys[0] if journeys else {}) if k not in ("journey_id", "key", "name")]
    return stages, [{"name": j["name"], **{s: str(j[s]) for s in stages}} for j in journeys]


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

    def _load(self) -> None:
        from models.kpis import kpi_report, monthly_series

        user = self._staff(KPI_STAFF)
        if user is None:
            self.cards, self.series = [], []
            return
        with db() as session:
            today = practice_today(session=session, practice_id=user.practice_id)
            if not self.date_to:
                from workflows.cli.kpis import resolve_period  # the same default period as `prm kpis`

                start, end = resolve_period(None, None, today)
                self.date_from, self.date_to = start.isoformat(), end.isoformat()
            start, end = date.fromisoformat(self.date_from), date.fromisoformat(self.date_to)
            if start > end:
                self.error = "The period must start before it ends."
                return
            report = kpi_report(session=session, practice_id=user.practice_id, date_from=start, date_to=end)
            series = monthly_series(session=session, practice_id=user.practice_id, today=today)
        self.error = ""
        self.cards = kpi_cards(report)
        self.funnel_stages, self.funnels = funnel_rows(report)
        self.series = chart_points(series)

    @rx.event
    def load(self):
        self._load()

    @rx.event
    def set_period(self, form: dict):
        try:
            self.date_from = date.fromisoformat(str(form.get("date_from", ""))).isoformat()
            self.date_to = date.fromisoformat(str(form.get("date_to", ""))).isoformat()
        except ValueError:
            self.error = "Pick both dates."
            return
        self._load()

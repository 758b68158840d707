"""Shared arithmetic for the KPI functions: inclusive date periods, safe ratios, calendar months."""
from __future__ import annotations

from datetime import date

import pandas as pd

RATE_DIGITS = 4


def in_period(days: pd.Series, date_from: date, date_to: date) -> pd.Series:
    """True where the (practice-local, midnight) day lies in [date_from, date_to], both ends included."""
    return (days >= pd.Timestamp(date_from)) & (days <= pd.Timestamp(date_to))


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator rounded to 4 places, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(float(numerator) / float(denominator), RATE_DIGITS)


def month_starts(months: int, today: date) -> list[date]:
    """First days of the `months` calendar months ending with today's month, oldest first."""
    if months < 1:
        raise ValueError("months must be at least 1")
    first = pd.Timestamp(today.year, today.month, 1)
    return [(first - pd.DateOffset(months=n)).date() for n in range(months - 1, -1, -1)]


def month_end(start: date) -> date:
    return (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()

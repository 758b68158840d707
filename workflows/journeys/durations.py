"""ISO 8601 durations as journey definitions write them ("PT2H", "P3D", "-P2D", "P1DT12H"), parsed without eval.

Only weeks, days, hours, minutes and seconds are accepted: months and years have no fixed length, so a
coordinator writes "P30D" and gets exactly thirty days. A leading "-" makes an offset negative (before an anchor).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_PATTERN = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True)
class Offset:
    """A signed duration split into calendar days and clock seconds, so '-P2D' means two local days before."""

    days: int
    seconds: int

    @property
    def total(self) -> timedelta:
        return timedelta(days=self.days, seconds=self.seconds)


def parse_offset(text: str) -> Offset:
    """'-P2DT3H' -> Offset(days=-2, seconds=-10800); raises ValueError with a readable message."""
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None or text.strip() in ("P", "-P") or text.strip().endswith("T"):
        raise ValueError(f"'{text}' is not a duration like PT2H, P3D or -P2D (weeks, days, hours, minutes, seconds)")
    parts = {name: int(value or 0) for name, value in match.groupdict().items() if name != "sign"}
    sign = -1 if match.group("sign") else 1
    days = parts["weeks"] * 7 + parts["days"]
    seconds = parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    return Offset(days=sign * days, seconds=sign * seconds)


def parse_duration(text: str) -> timedelta:
    """A non-negative length of time such as a wait or a timeout."""
    offset = parse_offset(text)
    if offset.total < timedelta(0):
        raise ValueError(f"'{text}' is negative; a wait or timeout must be zero or longer")
    return offset.total


def format_duration(value: timedelta) -> str:
    """timedelta -> canonical ISO text ('P1DT2H'), used when settings replace a builtin default."""
    total = int(value.total_seconds())
    sign, total = ("-", -total) if total < 0 else ("", total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = f"{sign}P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return text if text not in ("P", "-P") else "PT0S"


_WEEK = 7 * 86400
_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def duration_in_words(value: str | timedelta) -> str:
    """'P3D' -> '3 days', 'P1DT12H' -> '1 day and 12 hours', 'P14D' -> '2 weeks': durations for people to read."""
    if isinstance(value, str):
        value = parse_offset(value).total
    total = int(value.total_seconds())
    sign, total = ("minus ", -total) if total < 0 else ("", total)
    if total and total % _WEEK == 0:
        weeks = total // _WEEK
        return f"{sign}{weeks} week" + ("" if weeks == 1 else "s")
    parts = []
    for name, size in _UNITS:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count} {name}" + ("" if count == 1 else "s"))
    if not parts:
        return "0 minutes"
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return sign + words

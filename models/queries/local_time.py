"""Moments as staff read them: the practice's clock, "Thu 3 Dec 2026, 1:37 PM", never raw ISO UTC."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Spelled out rather than strftime("%a") so the text never depends on the server's locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# An aware ISO 8601 timestamp as isoformat() writes it (journey logs store their waits and due times this way).
_AWARE_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})")


def local_day(day: date, *, with_year: bool = True) -> str:
    """'Thu 3 Dec 2026' (or 'Thu 3 Dec')."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def clock(moment: datetime) -> str:
    """'1:37 PM', '12:00 PM' at noon, '12:05 AM' just after midnight."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def local_moment(moment: datetime, tz: ZoneInfo, *, with_year: bool = True) -> str:
    """An aware moment on the practice's clock: 'Thu 3 Dec 2026, 1:37 PM'."""
    local = moment.astimezone(tz)
    return f"{local_day(local.date(), with_year=with_year)}, {clock(local)}"


def zoned_moment(moment: datetime, tz: ZoneInfo) -> str:
    """local_moment with the zone's abbreviation, for text read away from the portal: 'Thu 3 Dec 2026, 1:37 PM CST'."""
    return f"{local_moment(moment, tz)} {moment.astimezone(tz).tzname()}"


def localize_timestamps(text: str, tz: ZoneInfo, *, year: int | None = None) -> str:
    """Every aware ISO timestamp in `text` on the practice's clock; the year is left out when it is `year`."""
    def local(match: re.Match) -> str:
        moment = datetime.fromisoformat(match.group(0))
        return local_moment(moment, tz, with_year=moment.astimezone(tz).year != year)

    return _AWARE_ISO.sub(local, text)

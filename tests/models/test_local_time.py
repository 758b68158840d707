"""Staff read moments on the practice's clock in words, never as ISO UTC."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from models.queries.local_time import clock, local_day, local_moment, localize_timestamps

CHICAGO = ZoneInfo("America/Chicago")


def test_clock_reads_noon_and_midnight_the_american_way():
    assert [clock(datetime(2026, 1, 1, h, m)) for h, m in ((0, 5), (9, 0), (12, 0), (13, 37), (23, 59))] == [
        "12:05 AM", "9:00 AM", "12:00 PM", "1:37 PM", "11:59 PM"]


def test_a_moment_is_shown_on_the_practice_clock_with_or_without_its_year():
    moment = datetime(2026, 12, 4, 3, 30, tzinfo=timezone.utc)  # still the 3rd in Chicago
    assert local_moment(moment, CHICAGO) == "Thu 3 Dec 2026, 9:30 PM"
    assert local_moment(moment, CHICAGO, with_year=False) == "Thu 3 Dec, 9:30 PM"
    assert local_day(date(2026, 11, 2)) == "Mon 2 Nov 2026"


def test_only_aware_iso_timestamps_in_a_text_are_rewritten():
    text = "until 2026-12-03T19:37:28.083495+00:00, then 2027-01-04T15:00Z; not 2026-12-03 or 2026-12-03T10:00"
    assert localize_timestamps(text, CHICAGO, year=2026) == (
        "until Thu 3 Dec, 1:37 PM, then Mon 4 Jan 2027, 9:00 AM; not 2026-12-03 or 2026-12-03T10:00")

"""Durations spelled out for people: what the dry-run and the step logs say instead of ISO text."""
from __future__ import annotations

from datetime import timedelta

import pytest

from workflows.journeys.durations import duration_in_words


@pytest.mark.parametrize(("value", "expected"), [
    ("P3D", "3 days"),
    ("P1D", "1 day"),
    ("PT2H", "2 hours"),
    ("PT4H", "4 hours"),
    ("P1DT12H", "1 day and 12 hours"),
    ("PT90M", "1 hour and 30 minutes"),
    ("P1DT2H3M4S", "1 day, 2 hours, 3 minutes and 4 seconds"),
    ("P1W", "1 week"),
    ("P14D", "2 weeks"),
    ("P1W1D", "8 days"),
    ("PT0S", "0 minutes"),
    ("-P2D", "minus 2 days"),
    (timedelta(hours=36), "1 day and 12 hours"),
    (timedelta(seconds=1), "1 second"),
])
def test_durations_read_as_words(value, expected):
    assert duration_in_words(value) == expected


def test_a_duration_that_is_not_iso_text_is_refused_with_the_usual_message():
    with pytest.raises(ValueError, match="is not a duration like PT2H"):
        duration_in_words("3 days")

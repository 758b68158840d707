"""The demo practice's appointment book: opening days, rooms, providers and free 30-minute slots."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SLOT_MINUTES = 30
OPEN_MINUTE, CLOSE_MINUTE = 8 * 60, 17 * 60
LUNCH = (12 * 60, 13 * 60)
ROOMS = {
    "hygiene": (("Hyg 1", "Kim Lee, RDH"), ("Hyg 2", "Tom Walsh, RDH")),
    "doctor": (("Op 1", "Dr. Anna Berg"), ("Op 2", "Dr. Samuel Ortiz")),
}


@dataclass(frozen=True)
class Slot:
    day: date
    start_minute: int  # practice-local minutes after midnight
    operatory: str
    provider: str


class Book:
    """Hands out non-overlapping slots on open days (Mon-Fri, no holidays; today is always open for the demo)."""

    def __init__(self, today: date, holidays: set[date]) -> None:
        self._today = today
        self._holidays = holidays
        self._taken: dict[tuple[date, str], set[int]] = {}

    def is_open(self, day: date) -> bool:
        return day == self._today or (day.weekday() < 5 and day not in self._holidays)

    def next_open(self, day: date) -> date:
        while not self.is_open(day):
            day += timedelta(days=1)
        return day

    def place(self, rng: random.Random, day: date, room_kind: str, minutes: int) -> Slot:
        """The first open day from `day` with a free slot, at a random free time in a random room."""
        day = self.next_open(day)
        while True:
            options = [(room, provider, start) for room, provider in ROOMS[room_kind]
                       for start in self._free_starts(day, room, minutes)]
            if options:
                room, provider, start = rng.choice(options)
                self._take(day, room, start, minutes)
                return Slot(day, start, room, provider)
            day = self.next_open(day + timedelta(days=1))

    def _free_starts(self, day: date, room: str, minutes: int) -> list[int]:
        taken = self._taken.get((day, room), set())
        starts = []
        for start in range(OPEN_MINUTE, CLOSE_MINUTE - minutes + 1, SLOT_MINUTES):
            slots = range(start, start + minutes, SLOT_MINUTES)
            if not any(s in taken or LUNCH[0] <= s < LUNCH[1] for s in slots):
                starts.append(start)
        return starts

    def _take(self, day: date, room: str, start: int, minutes: int) -> None:
        self._taken.setdefault((day, room), set()).update(range(start, start + minutes, SLOT_MINUTES))

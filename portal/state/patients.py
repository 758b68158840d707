"""The patient list: a search box and one page of 25 rows (only that page goes to the browser)."""
from __future__ import annotations

import reflex as rx

from models.queries.patients import PAGE_SIZE, search_patients
from portal.state.base import AuthState, db


ECHO_CHARS = 60  # a pasted paragraph is quoted back shortened, not stretched across the page


def empty_result_text(query: str, total: int) -> str:
    """What to say instead of an empty table; "" when there are rows to show."""
    if total:
        return ""
    wanted = " ".join(query.split())
    if len(wanted) > ECHO_CHARS:
        wanted = wanted[:ECHO_CHARS - 1].rstrip() + "…"
    return f"No patients match '{wanted}'." if wanted else "No patients yet."


class PatientsState(AuthState):
    query: str = ""
    page: int = 1
    page_count: int = 1
    total: int = 0
    rows: list[dict[str, str]] = []
    empty_text: str = ""

    def _load(self) -> None:
        user = self._staff()
        if user is None:
            self.rows, self.total, self.page_count, self.empty_text = [], 0, 1, ""
            return
        with db() as session:
            result = search_patients(session=session, practice_id=user.practice_id, query=self.query,
                                     page=self.page, page_size=PAGE_SIZE)
        self.total, self.page_count = result.total, result.page_count
        self.empty_text = empty_result_text(self.query, result.total)
        self.rows = [{"id": str(r.id), "name": r.name, "phone": r.phone, "email": r.email,
                      "birthdate": r.birthdate.isoformat() if r.birthdate else "", "status": r.status}
                     for r in result.rows]

    @rx.event
    def load(self):
        self._load()

    @rx.event(debounce=300)
    def search(self, query: str):
        self.query, self.page = query, 1
        self._load()

    @rx.event
    def next_page(self):
        if self.page < self.page_count:
            self.page += 1
            self._load()

    @rx.event
    def previous_page(self):
        if self.page > 1:
            self.page -= 1
            self._load()

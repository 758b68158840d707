"""Typed access to the columns of one export row; problems name file, line and column, never the value."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.reader import SourceRow

# Open Dental stores "no date" as 0001-01-01 (and treats anything before 1880 as unset); MySQL may write 0000-00-00.
_FIRST_REAL_YEAR = 1880


class RowFields:
    def __init__(self, file: str, table: str, row: SourceRow) -> None:
        self.file = file
        self.table = table
        self.line = row.line
        self.values = row.values

    def fail(self, problem: str) -> OpenDentalImportError:
        return OpenDentalImportError(self.file, self.line, f"`{self.table}`: {problem}")

    def has(self, column: str) -> bool:
        return column in self.values

    def _raw(self, column: str, required: bool):
        if column not in self.values:
            if required:
                raise self.fail(f"the INSERT has no {column} column")
            return None
        value = self.values[column]
        if value is None and required:
            raise self.fail(f"{column} is NULL")
        return value

    def int(self, column: str, *, required: bool = False, default: int = 0) -> int:
        value = self._raw(column, required)
        if value is None or value == "":
            return default
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise self.fail(f"{column} is not a whole number")

    def number(self, column: str) -> float:
        value = self._raw(column, False)
        if value is None or value == "":
            return 0.0
        try:
            return float(value)
        except ValueError:
            raise self.fail(f"{column} is not a number") from None

    def text(self, column: str, *, limit: int, required: bool = False) -> str:
        """A structured value (name, phone, code): too long for our column is an error, not a silent cut."""
        value = self._raw(column, required)
        text = "" if value is None else str(value).strip()
        if required and not text:
            raise self.fail(f"{column} is empty")
        if len(text) > limit:
            raise self.fail(f"{column} is longer than {limit} characters")
        return text

    def free_text(self, column: str, *, limit: int) -> str:
        """A note or description: kept whole when it fits, otherwise cut to the column's size."""
        value = self._raw(column, False)
        text = "" if value is None else str(value).strip()
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def date(self, column: str, *, required: bool = False) -> date | None:
        moment = self._moment(column, required)
        return moment.date() if moment is not None else None

    def local_datetime(self, column: str, tz: ZoneInfo, *, required: bool = False) -> datetime | None:
        """A naive practice-local datetime as aware UTC (Open Dental stores wall-clock time)."""
        moment = self._moment(column, required)
        if moment is None:
            return None
        return moment.replace(tzinfo=tz).astimezone(timezone.utc)

    def _moment(self, column: str, required: bool) -> datetime | None:
        value = self._raw(column, required)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.fail(f"{column} is not a date")
        text = value.strip()
        if text[:4].isdigit() and int(text[:4]) < _FIRST_REAL_YEAR:
            return None
        try:
            return datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(text[:10])
        except ValueError:
            raise self.fail(f"{column} is not a date") from None

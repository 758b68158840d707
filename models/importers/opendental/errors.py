"""The one error an Open Dental import raises for bad input: file, line and what is wrong, never a value from a row."""
from __future__ import annotations


class OpenDentalImportError(ValueError):
    """Bad input; the message names the file and line and describes the problem without patient data."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {problem}")

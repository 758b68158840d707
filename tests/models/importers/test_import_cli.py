"""`prm import opendental FILE` end to end: migrations on a fresh database, summary table, exit codes."""
from __future__ import annotations

import re

import pytest

from models.db import get_engine
from models.settings import get_settings
from tests.models.importers.conftest import FHIR_EXAMPLE, OPENDENTAL_80
from workflows.cli.main import main


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    """DATABASE_URL pointed at a new SQLite file for the duration of one test."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def _row(output: str, table: str) -> list[str]:
    line = next(line for line in output.splitlines() if re.match(rf"^│ {re.escape(table)} +│", line))
    return [cell.strip() for cell in line.strip("│").split("│")]


def test_cli_imports_a_fresh_database_and_prints_the_summary(cli_database, capsys):
    assert main(["import", "opendental", str(OPENDENTAL_80)]) == 0
    output = capsys.readouterr().out
    assert _row(output, "patient") == ["patient", "80", "80", "0", "0", "0", ""]
    assert _row(output, "appointment") == ["appointment", "745", "745", "0", "0", "0", ""]
    assert _row(output, "periomeasure") == ["periomeasure", "22,793", "0", "0", "0", "22,793",
                                            "table not imported: 22,793"]
    assert re.search(r"^3,405 rows imported, 0 updated from 30,502 statements into practice 1 in ", output, re.M)

    assert main(["import", "opendental", str(OPENDENTAL_80)]) == 0
    again = capsys.readouterr().out
    assert _row(again, "patient") == ["patient", "80", "0", "0", "80", "0", ""]
    assert re.search(r"^0 rows imported, 0 updated from ", again, re.M)


def test_cli_rejects_a_file_that_is_not_an_export_with_exit_code_2(cli_database, capsys):
    assert main(["import", "opendental", str(FHIR_EXAMPLE)]) == 2
    captured = capsys.readouterr()
    assert captured.err == ("error: Patient-example.json, line 1: unexpected character '{': "
                            "this is not a MySQL INSERT script\n")
    assert "Traceback" not in captured.out + captured.err


def test_cli_says_dev_null_is_empty_rather_than_missing(cli_database, capsys):
    assert main(["import", "opendental", "/dev/null"]) == 2
    assert capsys.readouterr().err == "error: null: the file is empty\n"

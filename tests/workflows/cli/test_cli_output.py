"""How `prm` output behaves outside a terminal: a closed pipe ends it quietly, piped tables are not wrapped at 80
columns, and times read on the practice clock with the zone, as the portal shows them."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tests.factories import make_message, make_patient, make_practice
from workflows.cli.journeys.runs import step_text
from workflows.cli.main import EXIT_READER_GONE, main
from workflows.journeys.builtin import install_builtin_journeys

PRM = Path(sys.executable).parent / "prm"


def _into_a_closed_pipe(engine, *args: str) -> tuple[int, str]:
    """Run prm with its stdout on a pipe nobody reads any more (as when `| head` has had its lines)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([str(PRM), *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                                env={**os.environ, "DATABASE_URL": str(engine.url)})
    finally:
        os.close(write_end)
    return result.returncode, result.stderr


def test_output_into_a_closed_pipe_ends_quietly_like_other_unix_tools(engine):
    with Session(engine) as session:
        practice = make_practice(session)
        install_builtin_journeys(session=session, practice_id=practice.id)
        session.commit()

    # Plain print() (the JSON) and rich's console (the table) both end the same way, with no traceback.
    assert _into_a_closed_pipe(engine, "journeys", "show", "review_request", "--json") == (EXIT_READER_GONE, "")
    assert _into_a_closed_pipe(engine, "journeys", "show", "review_request") == (EXIT_READER_GONE, "")


def test_a_piped_table_keeps_each_row_on_one_line_with_local_times(cli_db, capsys):
    with Session(cli_db) as session:
        patient = make_patient(session, make_practice(session))  # America/Chicago
        make_message(session, patient, body="Hi Maria, how was your visit with Dr. Ng today? Tap to review",
                     status="suppressed", reason="not sent: opted out of SMS on 3 Nov 2026",
                     created_at=datetime(2026, 12, 3, 19, 58, tzinfo=timezone.utc))
        session.commit()

    assert main(["outbox"]) == 0

    lines = capsys.readouterr().out.splitlines()
    [row] = [line for line in lines if "Hi Maria" in line]
    assert "Thu 3 Dec 2026, 1:58 PM CST" in row
    assert "not sent: opted out of SMS on 3 Nov 2026" in row
    assert len(row) > 160  # rich's 80 columns, or even 160, would have wrapped it


def test_a_waiting_run_shows_its_wait_on_the_practice_clock_with_the_zone():
    run = {"step_source": "workflow", "current_step": "after_visit", "paused": True,
           "waiting_until": "2026-12-04T03:56:00+00:00"}
    assert step_text(run, ZoneInfo("America/Chicago")) == (
        "after_visit (waiting until Thu 3 Dec 2026, 9:56 PM CST) · paused")
    summer = {**run, "paused": False, "waiting_until": "2026-07-04T03:56:00+00:00"}
    assert step_text(summer, ZoneInfo("America/Chicago")) == "after_visit (waiting until Fri 3 Jul 2026, 10:56 PM CDT)"


def test_a_command_on_a_database_without_tables_says_to_migrate_instead_of_a_traceback(tmp_path, monkeypatch, capsys):
    from models.db import get_engine
    from models.settings import get_settings
    from workflows.cli.main import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        code = main(["simulate", "review_request", "--patient", "1"])
    finally:
        get_engine().dispose()
        get_settings.cache_clear()
        get_engine.cache_clear()
    assert code == 2
    assert capsys.readouterr().err == (f"prm: the database sqlite:///{tmp_path / 'empty.db'} is not set up yet: "
                                       "run `prm migrate` (or `make run`) first\n")

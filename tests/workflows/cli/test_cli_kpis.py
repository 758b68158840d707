import json
from datetime import date, datetime, timezone

from models.db import session_scope
from models.kpis import kpi_report
from models.tables import Practice
from tests.factories import make_appointment, make_feedback, make_patient, make_practice
from workflows.cli.main import main


def _seed() -> int:
    with session_scope() as session:
        practice = make_practice(session)
        patient = make_patient(session, practice)
        for day, status in ((5, "completed"), (6, "no_show"), (7, "completed"), (8, "cancelled")):
            make_appointment(session, patient, start=datetime(2024, 3, day, 15, tzinfo=timezone.utc), status=status)
        return practice.id


def test_kpis_json_prints_exactly_the_report(cli_db, capsys):
    practice_id = _seed()
    assert main(["kpis", "--json", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    printed = json.loads(capsys.readouterr().out)
    with session_scope() as session:
        expected = kpi_report(session=session, practice_id=practice_id, date_from=date(2024, 1, 1),
                              date_to=date(2024, 12, 31))
    assert printed == expected
    assert printed["appointments"] == {"completed": 2, "no_show": 1, "cancelled": 1, "no_show_rate": 0.3333,
                                       "cancellation_rate": 0.25}
    assert printed["new_patients"] == 1


def test_kpis_default_period_is_the_year_ending_today(cli_db, capsys):
    _seed()
    assert main(["kpis", "--json", "--to", "2024-12-31"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == {"from": "2024-01-02", "to": "2024-12-31"}


def test_kpis_without_json_prints_a_readable_table(cli_db, capsys):
    _seed()
    assert main(["kpis", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "No-show rate" in out and "33.3%" in out


def test_kpis_table_shows_reviews_nps_and_satisfaction(cli_db, capsys):
    practice_id = _seed()
    with session_scope() as session:
        patient = make_patient(session, session.get(Practice, practice_id), first_name="Ana")
        for kind, scale, score in (("review", "rating", 5), ("review", "rating", 4), ("survey", "nps", 10),
                                   ("survey", "nps", 3), ("checkin", "rating", 4)):
            make_feedback(session, patient, kind=kind, scale=scale, score=score,
                          created_at=datetime(2024, 3, 9, 15, tzinfo=timezone.utc))
    assert main(["kpis", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    lines = [" ".join(line.replace("│", " ").split()) for line in capsys.readouterr().out.splitlines()]
    assert "Reviews received (average stars) 2 (4.5)" in lines
    assert "NPS (responses) 0 (2)" in lines
    assert "Check-ins scored / average stars 1 / 4" in lines


def test_kpis_rejects_a_malformed_date_with_one_line_and_exit_2(cli_db, capsys):
    _seed()
    assert main(["kpis", "--json", "--from", "2024-13-01"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "prm kpis: --from must be a date like 2025-01-31, not '2024-13-01'\n"


def test_kpis_rejects_a_period_that_ends_before_it_starts(cli_db, capsys):
    _seed()
    assert main(["kpis", "--from", "2024-02-01", "--to", "2024-01-01"]) == 2
    assert capsys.readouterr().err == "prm kpis: --from (2024-02-01) is after --to (2024-01-01)\n"


def test_kpis_without_a_practice_says_what_to_do(cli_db, capsys):
    assert main(["kpis", "--json"]) == 1
    assert "run `prm demo`" in capsys.readouterr().err

"""`prm journeys` on a fresh database: list, show, publish (valid and not), status, runs, and refusals when
Temporal is unreachable. Run control against a real Temporal server is in test_journeys_cli_runs.py."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from models.db import session_scope
from models.settings import get_settings
from models.tables import AuditLog, Enrollment, EnrollmentStatus, Journey, JourneyVersion, Practice, StaffUser
from tests.factories import make_appointment, make_patient, make_staff_user
from tests.workflows.cli.journeys_helpers import (  # noqa: F401  (practice, published: fixtures)
    BAD, add_runs, closed_port_address, practice, published, quick_review, write_json,
)
from workflows.cli.main import build_parser, main
from workflows.journeys.definition import parse_definition


@pytest.fixture
def temporal_down(monkeypatch):
    monkeypatch.setenv("PRM_TEMPORAL_ADDRESS", closed_port_address())
    get_settings.cache_clear()
    yield get_settings().temporal_address
    get_settings.cache_clear()


def test_list_shows_every_journey_with_its_latest_version_and_runs_by_status(published, tmp_path, capsys,
                                                                             monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps table cells at 80 columns when not on a terminal
    assert main(["journeys", "publish", "quick_review", write_json(tmp_path / "v2.json", quick_review())]) == 0
    assert main(["journeys", "publish", "later_idea", write_json(tmp_path / "idea.json", quick_review())]) == 0
    add_runs(published, ["running", "completed", "running", "exited"])
    capsys.readouterr()
    assert main(["journeys", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"key": "later_idea", "name": "Later idea", "trigger": "appointment.completed", "status": "draft",
         "version": 1, "runs": {}},
        {"key": "quick_review", "name": "Quick review", "trigger": "appointment.completed", "status": "active",
         "version": 2, "runs": {"completed": 1, "exited": 1, "running": 2}},
    ]
    assert main(["journeys", "list"]) == 0
    table = capsys.readouterr().out
    assert "2 running, 1 completed, 1 exited" in table and "no runs yet" in table


def test_show_prints_the_latest_definition_and_every_version_with_who_published_it(published, tmp_path, capsys,
                                                                                   monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with session_scope() as session:
        coordinator_id = session.exec(select(StaffUser.id)).one()
    v2 = write_json(tmp_path / "v2.json", quick_review("review_reminder"))
    assert main(["journeys", "publish", "quick_review", v2, "--by", "Coord@example.com"]) == 0
    capsys.readouterr()
    assert main(["journeys", "show", "quick_review", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    with session_scope() as session:
        stamps = {v.version: v.published_at.isoformat() for v in session.exec(select(JourneyVersion))}
    assert shown == {
        "key": "quick_review", "name": "Quick review", "trigger": "appointment.completed", "status": "active",
        "version": 2, "definition": json.loads(parse_definition(quick_review("review_reminder")).to_json()),
        "versions": [{"version": 2, "published_at": stamps[2], "published_by": coordinator_id},
                     {"version": 1, "published_at": stamps[1], "published_by": None}],
    }
    assert main(["journeys", "show", "quick_review"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("quick_review: Quick review (active, trigger appointment.completed)\n"
                           "definition of version 2:\n{\n")
    assert '"template": "review_reminder"' in text and stamps[2][:19].replace("T", " ") in text


def test_publishing_again_adds_version_two_and_leaves_version_one_as_it_was(published, tmp_path, capsys):
    with session_scope() as session:
        first = session.exec(select(JourneyVersion)).one()
    v2 = write_json(tmp_path / "v2.json", quick_review("review_reminder"))
    assert main(["journeys", "publish", "quick_review", v2, "--name", "Review, then a reminder"]) == 0
    assert capsys.readouterr().out == ("published quick_review version 2 (trigger appointment.completed, "
                                       "journey active)\n")
    with session_scope() as session:
        versions = session.exec(select(JourneyVersion).order_by(JourneyVersion.version)).all()
        journey = session.exec(select(Journey)).one()
    assert [(v.id, v.version, v.definition, v.published_at) for v in versions[:1]] == [
        (first.id, 1, first.definition, first.published_at)]
    assert versions[1].version == 2 and '"template": "review_reminder"' in versions[1].definition
    assert (journey.name, json.loads(journey.draft_definition)) == ("Review, then a reminder",
                                                                     quick_review("review_reminder"))


def test_publishing_a_new_key_creates_a_draft_journey_with_the_definitions_trigger(practice, tmp_path, capsys):
    definition = {**quick_review(), "trigger": {"event": "treatment_plan.presented"}}
    assert main(["journeys", "publish", "plan_follow_up", write_json(tmp_path / "plan.json", definition)]) == 0
    assert capsys.readouterr().out == (
        "published plan_follow_up version 1 (trigger treatment_plan.presented, journey draft)\n"
        "created plan_follow_up as a draft: `prm journeys resume plan_follow_up` lets it take new entrants\n")
    with session_scope() as session:
        journey = session.exec(select(Journey)).one()
        audit = session.exec(select(AuditLog.action, AuditLog.detail).where(AuditLog.entity == "journey")).all()
    assert (journey.key, journey.name, journey.trigger, journey.status) == (
        "plan_follow_up", "Plan follow up", "treatment_plan.presented", "draft")
    assert audit == [("publish", "version 1")]


def test_a_bad_definition_lists_every_problem_and_writes_nothing(practice, tmp_path, capsys):
    path = write_json(tmp_path / "bad.json", BAD)
    assert main(["journeys", "publish", "quick_review", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"prm journeys: {path} is not a valid journey definition; nothing was published:\n"
        "  - step 'after_visit': duration: '2 hours' is not a duration like PT2H, P3D or -P2D "
        "(weeks, days, hours, minutes, seconds)\n"
        "  - step 'ask' points to missing step 'gone'\n"
        "  - step 'ask': unknown template key 'thank_you_card'\n")
    with session_scope() as session:
        assert session.exec(select(Journey)).all() == []
        assert session.exec(select(JourneyVersion)).all() == []
        assert session.exec(select(AuditLog).where(AuditLog.entity == "journey")).all() == []


def test_a_file_that_is_not_json_is_rejected_with_where_it_breaks(published, tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"trigger": {"event": "appointment.completed"},\n "steps": [}', encoding="utf-8")
    assert main(["journeys", "publish", "quick_review", str(path)]) == 2
    assert capsys.readouterr().err.endswith("  - not valid JSON: Expecting value at line 2 column 12\n")
    with session_scope() as session:
        assert [v.version for v in session.exec(select(JourneyVersion))] == [1]


def test_publishing_as_a_front_desk_user_is_refused(practice, tmp_path, capsys):
    with session_scope() as session:
        make_staff_user(session, practice, email="desk@example.com", role="front_desk")
    path = write_json(tmp_path / "v1.json", quick_review())
    assert main(["journeys", "publish", "quick_review", path, "--by", "desk@example.com"]) == 2
    assert capsys.readouterr().err == ("prm journeys: desk@example.com is front_desk; journeys are changed by a "
                                       "coordinator, manager or admin\n")


def test_pause_and_resume_change_the_status_and_record_the_reason(published, capsys):
    assert main(["journeys", "pause", "quick_review", "--reason", "new wording coming", "--by",
                 "coord@example.com"]) == 0
    assert capsys.readouterr().out == "paused quick_review: no new entrants; running enrollments go on\n"
    with session_scope() as session:
        assert session.get(Journey, published.id).status == "paused"
    assert main(["journeys", "resume", "quick_review"]) == 0
    assert capsys.readouterr().out == "resumed quick_review: new entrants are enrolled again\n"
    with session_scope() as session:
        assert session.get(Journey, published.id).status == "active"
        user_id = session.exec(select(StaffUser.id)).one()
        audit = session.exec(select(AuditLog.user_id, AuditLog.detail).where(AuditLog.entity == "journey")
                             .order_by(AuditLog.id)).all()
    assert audit[-3:] == [(user_id, "status paused"), (user_id, "pause from the CLI: new wording coming"),
                          (None, "status active")]


def test_resuming_a_journey_without_a_published_version_is_refused(practice, capsys):
    with session_scope() as session:
        session.add(Journey(practice_id=practice.id, key="empty", name="Empty", trigger="appointment.completed"))
    assert main(["journeys", "resume", "empty"]) == 1
    assert capsys.readouterr().err == "prm journeys: publish a version before activating the journey\n"


def test_an_unknown_journey_key_is_named(practice, capsys):
    assert main(["journeys", "show", "nope"]) == 1
    assert capsys.readouterr().err == f"prm journeys: no journey 'nope' in practice {practice.id}\n"


def test_runs_fall_back_to_the_recorded_step_when_temporal_is_down(published, temporal_down, capsys):
    running, done = add_runs(published, ["running", "completed"])
    assert main(["journeys", "runs", "quick_review", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ("prm journeys: Temporal is not reachable; current steps are as last recorded in the "
                            "database\n")
    rows = json.loads(captured.out)
    assert [(r["workflow_id"], r["patient_id"], r["version"], r["status"], r["current_step"], r["step_source"],
             r["paused"]) for r in rows] == [
        (done.workflow_id, done.patient_id, 1, "completed", "ask", "database", None),
        (running.workflow_id, running.patient_id, 1, "running", "ask", "database", None)]
    assert main(["journeys", "runs", "quick_review", "--status", "completed", "--json"]) == 0
    assert [r["workflow_id"] for r in json.loads(capsys.readouterr().out)] == [done.workflow_id]


def test_stop_changes_nothing_when_temporal_is_unreachable(published, temporal_down, capsys):
    (running,) = add_runs(published, ["running"])
    assert main(["journeys", "stop", "quick_review", "--reason", "wrong template"]) == 1
    assert capsys.readouterr().err == (
        f"prm journeys: Temporal is not reachable at {temporal_down} (RuntimeError); nothing was changed. "
        "Start it with `prm up` and try again\n")
    with session_scope() as session:
        assert session.get(Journey, published.id).status == "active"
        assert session.get(Enrollment, running.id).status == "running"


def test_stop_without_running_enrollments_needs_no_temporal(published, temporal_down, capsys):
    add_runs(published, ["completed"])
    assert main(["journeys", "stop", "quick_review"]) == 0
    assert capsys.readouterr().out == "stopped quick_review: 0 running enrollments exited (journey stopped by staff)\n"
    with session_scope() as session:
        assert session.get(Journey, published.id).status == "stopped"


def test_enrol_writes_no_enrollment_when_temporal_is_unreachable(published, temporal_down, capsys):
    with session_scope() as session:
        patient = make_patient(session, session.get(Practice, published.practice_id))
        make_appointment(session, patient, status="completed")  # something for the review journey to be about
        patient_id = patient.id
    assert main(["journeys", "enrol", "quick_review", "--patients", str(patient_id)]) == 1
    assert "Temporal is not reachable" in capsys.readouterr().err
    with session_scope() as session:
        assert session.exec(select(Enrollment)).all() == []


def test_enrol_refuses_a_patient_list_that_is_not_ids(published, capsys):
    assert main(["journeys", "enrol", "quick_review", "--patients", "12,Maria"]) == 2
    assert capsys.readouterr().err == ("prm journeys: --patients must be patient ids separated by commas, "
                                       "not '12,Maria'\n")


def test_runs_filter_on_exactly_the_enrollment_statuses(capsys):
    for status in EnrollmentStatus:
        assert build_parser().parse_args(["journeys", "runs", "quick_review", "--status", status]).status == status
    with pytest.raises(SystemExit):
        build_parser().parse_args(["journeys", "runs", "quick_review", "--status", "paused"])
    choices = ", ".join(repr(status.value) for status in EnrollmentStatus)
    assert f"invalid choice: 'paused' (choose from {choices})" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["list"], ["show"], ["publish"], ["pause"], ["resume"], ["stop"], ["runs"],
                                     ["run"], ["enrol"]])
def test_every_journeys_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["journeys", *command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: prm journeys {command[0]}") and len(out.split("\n\n")[1]) > 30

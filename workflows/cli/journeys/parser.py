"""The `prm journeys` argument parser (argparse only: handlers are imported when a command runs)."""
from __future__ import annotations

import argparse

_HANDLERS = "workflows.cli.journeys"


def _command(sub, name: str, handler: str, help_: str, *, practice: bool = True) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(handler=f"{_HANDLERS}.{handler}")
    if practice:
        parser.add_argument("--practice-id", type=int, help="the practice (default: the only one)")
    return parser


def _add_changes(sub) -> None:
    publish = _command(sub, "publish", "publishing:publish_journey",
                       "Validate a JSON definition file and publish it as the journey's next immutable version "
                       "(a new key creates a draft journey; a bad file lists every problem and writes nothing).")
    publish.add_argument("key", help="journey key, e.g. review_request")
    publish.add_argument("file", help="path to the JSON definition (format: docs/journeys.md)")
    publish.add_argument("--name", help="display name (sets it on an existing journey too)")
    publish.add_argument("--by", metavar="EMAIL", help="staff user recorded as the publisher")
    helps = {"pause": "Pause a journey: no new entrants; running enrollments go on.",
             "resume": "Resume a journey (or activate a draft): new entrants are enrolled again.",
             "stop": "Stop a journey: no new entrants; running enrollments exit and their workflows are cancelled "
                     "(needs Temporal; changes nothing when it is unreachable)."}
    for action, help_ in helps.items():
        parser = _command(sub, action, "status:change_status", help_)
        parser.set_defaults(action=action)
        parser.add_argument("key", help="journey key")
        parser.add_argument("--reason", help="why, for the audit log (no patient details)")
        parser.add_argument("--by", metavar="EMAIL", help="staff user recorded as having done it")


def _add_runs(sub) -> None:
    runs = _command(sub, "runs", "runs:list_runs", "List a journey's enrollments by patient id, newest first, with "
                    "each running one's step live from its workflow (else as recorded, marked so).")
    runs.add_argument("key", help="journey key")
    runs.add_argument("--status", choices=["running", "completed", "exited", "cancelled", "failed"],
                      help="only runs in this status")
    runs.add_argument("--limit", type=int, default=100, help="at most this many runs (default 100)")
    runs.add_argument("--json", action="store_true", help="print JSON")

    run = _command(sub, "run", "control:control_run", "Pause, resume, cancel or skip one run by its workflow id.",
                   practice=False)
    run.add_argument("action", choices=["pause", "resume", "cancel", "skip"],
                     help="pause (holds before its next step), resume, cancel (ends it), skip (jump to --to)")
    run.add_argument("workflow_id", help="e.g. review_request-p17-appointment42 (see `prm journeys runs KEY`)")
    run.add_argument("--to", metavar="STEP", help="step id to jump to (skip only)")
    run.add_argument("--reason", help="why (cancel: becomes the run's exit reason; no patient details)")

    enrol = _command(sub, "enrol", "enrolling:enrol_patients",
                     "Enrol patients in a journey by hand (entry rules still apply; nobody is enrolled twice).")
    enrol.add_argument("key", help="journey key")
    enrol.add_argument("--patients", help="patient ids separated by commas, e.g. 12,15,18")
    enrol.add_argument("--segment-json", metavar="FILE",
                       help="a condition (docs/journeys.md) the patients must meet; alone: every such patient")
    enrol.add_argument("--ref", help="trigger ref of these runs, e.g. campaign:spring_2027 (default manual:<date>)")


def add_journeys(sub) -> None:
    """Register `prm journeys …` on the top-level subparsers."""
    help_ = "List, show, publish, pause, resume and stop journeys; list, control and enrol runs."
    journeys = sub.add_parser("journeys", help=help_, description=help_)
    nested = journeys.add_subparsers(dest="journeys_command", required=True, metavar="ACTION")
    listing = _command(nested, "list", "listing:list_journeys",
                       "List journeys: key, name, trigger, status, latest version and runs by status.")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = _command(nested, "show", "listing:show_journey",
                    "Show a journey's latest published definition (JSON) and its version history.")
    show.add_argument("key", help="journey key")
    show.add_argument("--json", action="store_true", help="print JSON")
    _add_changes(nested)
    _add_runs(nested)

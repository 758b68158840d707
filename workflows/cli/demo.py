"""`prm demo`: migrate, then load the built-in demo practice (and the built-in journeys) into an empty database."""
from __future__ import annotations

import sys

from models.db import session_scope
from models.demo import DemoSummary, load_demo
from models.migrate import upgrade
from workflows.journeys.builtin import install_builtin_journeys


def _print_summary(summary: DemoSummary) -> None:
    print("Loaded the demo practice \"Lakeside Family Dental\":")
    rows = [("patients", summary.patients), ("households", summary.households),
            ("appointments", summary.appointments), ("  completed visits", summary.completed_visits),
            ("  today", summary.todays_appointments), ("  next four weeks", summary.upcoming_appointments),
            ("procedures", summary.procedures), ("treatment plans", summary.treatment_plans),
            ("recalls", summary.recalls), ("referrals", summary.referrals), ("notes", summary.notes),
            ("anxious patients", summary.anxious_patients), ("opted out of SMS", summary.sms_opted_out)]
    for label, count in rows:
        print(f"  {label:<20} {count:>6}")
    print("Logins (every demo login uses the admin password from PRM_ADMIN_PASSWORD):")
    for email, role in summary.logins:
        print(f"  {role:<12} {email}")
    print(f"  password     {summary.password}")


def run(args) -> int:  # noqa: ANN001
    if args.patients < 1:
        print("prm demo: --patients must be at least 1", file=sys.stderr)
        return 2
    upgrade()
    print(f"Loading the demo practice ({args.patients} patients, seed {args.seed})...", flush=True)
    with session_scope() as session:
        summary = load_demo(session=session, patients=args.patients, seed=args.seed)
        # As `prm up` does: a fresh demo comes with the built-in journeys, so `prm worker` has work.
        journeys = install_builtin_journeys(session=session, practice_id=summary.practice_id) if summary.created else []
    if not summary.created:
        print("demo data already present (a practice exists); nothing loaded")
        return 0
    _print_summary(summary)
    print(f"Built-in journeys: {', '.join(sorted(j.key for j in journeys))}")
    return 0

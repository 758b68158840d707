"""Argument parsing for `prm`; each command's work lives in its own module, imported only when run."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from sqlalchemy.exc import OperationalError

from workflows.cli.journeys.parser import add_journeys


def _add(sub, name: str, handler: str, help_: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prm", description="Dental PRM portal: journeys, timeline and KPIs.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add(sub, "up", "workflows.cli.up:run", "Start Temporal, the worker and the portal (migrations and demo data first).")
    _add(sub, "worker", "workflows.cli.worker:run", "Run the journey worker (no portal).")
    _add(sub, "migrate", "workflows.cli.migrate:run", "Apply database migrations.")
    demo = _add(sub, "demo", "workflows.cli.demo:run", "Load the built-in demo practice (only when the database is empty).")
    demo.add_argument("--patients", type=int, default=300, help="how many demo patients (default 300)")
    demo.add_argument("--seed", type=int, default=7)

    imp = sub.add_parser("import", help="Import data from another system.", description="Import data from another system.")
    imp_sub = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    od = _add(imp_sub, "opendental", "workflows.cli.import_opendental:run", "Import an Open Dental SQL (INSERT) export.")
    od.add_argument("file", help="path to the .sql export")
    od.add_argument("--practice-id", type=int, help="practice to import into (default: the only one, else a new one)")

    kpis = _add(sub, "kpis", "workflows.cli.kpis:run", "Print the practice KPIs.")
    kpis.add_argument("--json", action="store_true", help="print JSON")
    kpis.add_argument("--from", dest="date_from", help="period start, YYYY-MM-DD (default: one year before --to)")
    kpis.add_argument("--to", dest="date_to", help="period end, YYYY-MM-DD (default: today)")

    outbox = _add(sub, "outbox", "workflows.cli.outbox:run", "List messages in the sandbox outbox.")
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.add_argument("--limit", type=int, default=50)

    sim = _add(sub, "simulate", "workflows.cli.simulate:run", "Dry-run a journey for one patient: every step, nothing sent.")
    sim.add_argument("journey", help="journey key, e.g. review_request")
    sim.add_argument("--patient", type=int, required=True, help="patient id")
    sim.add_argument("--start", help="start moment, ISO datetime (default: now)")
    sim.add_argument("--json", action="store_true", help="print JSON")

    add_journeys(sub)

    users = _add(sub, "users", "workflows.cli.users:run", "Manage staff logins.")
    users.add_argument("action", choices=["list", "add", "set-password"])
    users.add_argument("--email")
    users.add_argument("--name", default="")
    users.add_argument("--role", default="front_desk", choices=["front_desk", "coordinator", "manager", "admin"])
    return parser


# What a shell reports for a tool stopped by SIGPIPE (128 + 13), e.g. `prm journeys show KEY | head`.
EXIT_READER_GONE = 141


def _reader_went_away() -> int:
    """The reader closed the pipe: stop quietly, as Unix tools do, instead of a BrokenPipeError traceback."""
    # Python flushes stdout once more at exit; pointing it at /dev/null keeps that flush from failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_READER_GONE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, func_name = args.handler.split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    try:
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here rather than in the interpreter's exit flush
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    except OperationalError as exc:
        print(f"prm: {database_problem(exc)}", file=sys.stderr)
        return 2


def database_problem(exc: OperationalError) -> str:
    """The database error in a sentence that says what to do; never the SQL or its parameters (they can hold PHI)."""
    from sqlalchemy.engine import make_url

    from models.settings import get_settings

    where = make_url(get_settings().db_url).render_as_string(hide_password=True)
    if "no such table" in str(exc.orig) or ("relation" in str(exc.orig) and "does not exist" in str(exc.orig)):
        return f"the database {where} is not set up yet: run `prm migrate` (or `make run`) first"
    return f"cannot use the database {where} ({type(exc.orig).__name__}): is it running and reachable?"


if __name__ == "__main__":
    sys.exit(main())

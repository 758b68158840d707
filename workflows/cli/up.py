"""`prm up`: migrations, demo data on first start, then Temporal, the worker and the portal until Ctrl-C."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from models.settings import REPO_ROOT, get_settings
from workflows.cli.lockfiles import lockfiles_kept
from workflows.cli.processes import Supervisor, port_open, venv_env


def _prepare_database() -> str:
    """Migrate; on an empty database create the practice (demo or empty); keep the builtin journeys installed and
    timed from the settings. Returns what was created: "demo", "empty" or ""."""
    from sqlmodel import select

    from models.db import session_scope
    from models.demo import load_demo
    from models.migrate import upgrade
    from models.practice_setup import create_empty_practice
    from models.tables import Practice
    from workflows.journeys.builtin import install_builtin_journeys

    settings = get_settings()
    upgrade()
    created = ""
    with session_scope() as session:
        if session.exec(select(Practice)).first() is None:
            if settings.load_demo:
                load_demo(session=session)
                created = "demo"
            else:
                create_empty_practice(session=session, settings=settings)
                created = "empty"
        for practice in session.exec(select(Practice)).all():
            install_builtin_journeys(session=session, practice_id=practice.id)
    return created


def _ports_in_use() -> list[str]:
    """Ports `prm up` must own; checked before anything changes so a second `prm up` fails early and clearly."""
    settings = get_settings()
    wanted = {"portal": settings.frontend_port, "Temporal UI": settings.temporal_ui_port}
    return [f"{name} port {port}" for name, port in wanted.items() if port_open(port)]


def _temporal_port(address: str) -> int:
    return int(address.rsplit(":", 1)[-1])


def _start_temporal(sup: Supervisor, env: dict[str, str]) -> None:
    settings = get_settings()
    port = _temporal_port(settings.temporal_address)
    if port_open(port):
        print(f"  Temporal already answers on :{port}; using it")
        return
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    argv = [str(Path(sys.executable).parent / "temporal"), "server", "start-dev",
            "--db-filename", str(settings.var_dir / "temporal.db"), "--port", str(port),
            "--ui-port", str(settings.temporal_ui_port), "--log-level", "warn",
            "--namespace", settings.temporal_namespace]
    sup.start("temporal", argv, cwd=REPO_ROOT, env=env)
    sup.wait_for_port("temporal", port, timeout=60)


def _start_worker(sup: Supervisor, env: dict[str, str]) -> None:
    sup.start("worker", [str(Path(sys.executable).parent / "prm"), "worker"], cwd=REPO_ROOT, env=env)


def _start_portal(sup: Supervisor, env: dict[str, str]) -> None:
    """Reflex in production mode: one port for page and websocket, no file watcher restarting on var/ writes."""
    settings = get_settings()
    port = settings.frontend_port
    argv = [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--loglevel", "warning",
            "--frontend-port", str(port), "--backend-port", str(port)]
    with lockfiles_kept(REPO_ROOT / "reflex.lock"):
        sup.start("portal", argv, cwd=REPO_ROOT, env=env | {"REFLEX_CHECK_LATEST_VERSION": "false"})
        # The first start installs the frontend packages and compiles: allow several minutes.
        sup.wait_for_port("portal", port, timeout=900)


def _banner() -> None:
    s = get_settings()
    print()
    print(f"  Portal       {s.portal_url}")
    print(f"  Temporal UI  http://localhost:{s.temporal_ui_port}")
    print(f"  Login        {s.admin_email} / {s.admin_password}   (change it: prm users set-password --email {s.admin_email})")
    print(f"  Logs         {s.var_dir / 'logs'}")
    print("  Ctrl-C stops everything.")
    sys.stdout.flush()


def _stop(_signum, _frame) -> None:  # noqa: ANN001
    raise KeyboardInterrupt


def install_stop_signals() -> None:
    """SIGINT and SIGTERM both stop everything: also when started in the background, where the shell starts
    `make run` with SIGINT ignored and a `kill -INT` of its process group would otherwise do nothing."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def run(_args) -> int:  # noqa: ANN001
    settings = get_settings()
    busy = _ports_in_use()
    if busy:
        print(f"prm up: {', '.join(busy)} already in use — is another `make run` still running? "
              "Stop it first (Ctrl-C in its terminal).", file=sys.stderr)
        return 1
    print("Preparing the database …", flush=True)
    try:
        created = _prepare_database()
    except ValueError as exc:
        print(f"prm up: {exc}", file=sys.stderr)
        return 2
    if created == "demo":
        print("  loaded the demo practice and the built-in journeys")
    elif created == "empty":
        print(f"  created the practice '{settings.practice_name}' (no demo data) and the built-in journeys")
    sup = Supervisor(log_dir=settings.var_dir / "logs")
    env = venv_env()
    install_stop_signals()
    try:
        print("Starting Temporal …", flush=True)
        _start_temporal(sup, env)
        print("Starting the journey worker …", flush=True)
        _start_worker(sup, env)
        first_build = not (REPO_ROOT / ".web" / "build").exists()
        print("Starting the portal" + (" (first start: building the frontend, a few minutes)" if first_build else "")
              + " …", flush=True)
        _start_portal(sup, env)
        _banner()
        while (exited := sup.first_exited()) is None:
            time.sleep(1)
        name, code = exited
        print(f"{name} stopped unexpectedly (exit code {code}); see {sup.log_dir / (name + '.log')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"prm up failed: {exc}", file=sys.stderr)
        return 1
    finally:
        sup.stop_all()
        print("All stopped.", flush=True)

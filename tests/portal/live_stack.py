"""The whole product on free ports in a temp dir: Temporal dev server, `prm worker`, `reflex run` (dev or prod); all
stopped after."""
from __future__ import annotations

import os
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

from models.settings import REPO_ROOT
from workflows.cli.lockfiles import lockfiles_kept
from workflows.cli.processes import Supervisor, venv_env

BIN = Path(sys.executable).parent
# The first start installs the frontend packages and compiles (minutes); later starts reuse .web/.
PORTAL_START_TIMEOUT = 900


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class StackConfig:
    root: Path
    temporal_port: int
    frontend_port: int
    backend_port: int
    database_url: str = ""  # empty: a SQLite file in root
    reflex_env: str = "dev"  # "prod": built frontend and backend on one port, as `prm up` runs it

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.root / 'prm.db'}"

    @property
    def portal_url(self) -> str:
        return f"http://localhost:{self.frontend_port}"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Every child reads its settings from here: the tmp database, these ports, short journey timings."""
        return venv_env({
            "DATABASE_URL": self.db_url, "PRM_VAR_DIR": str(self.root / "var"),
            "PRM_TEMPORAL_ADDRESS": f"localhost:{self.temporal_port}",
            "PRM_TASK_QUEUE": f"prm-test-{self.temporal_port}",
            "PRM_FRONTEND_PORT": str(self.frontend_port), "PRM_BACKEND_PORT": str(self.backend_port),
            "PRM_PORTAL_URL": self.portal_url,
            # Reflex: no version check against PyPI, Disk state kept in the tmp dir, reload only on portal edits.
            "REFLEX_CHECK_LATEST_VERSION": "false", "REFLEX_STATES_WORKDIR": str(self.root / "states"),
            "REFLEX_HOT_RELOAD_OVERRIDE_PATHS": str(REPO_ROOT / "portal"),
            **self._prod_env(),
            **(extra or {}),
        })

    def _prod_env(self) -> dict[str, str]:
        """A prod bundle has its port baked in: build it in root, not over the .web/ that a running `prm up` serves."""
        return {"REFLEX_WEB_WORKDIR": str(self.root / "web")} if self.reflex_env == "prod" else {}


def new_stack_config(root: Path, *, database_url: str = "", reflex_env: str = "dev") -> StackConfig:
    """Free ports for everything; in prod mode the portal's page and websocket share one port."""
    frontend_port = free_port()
    backend_port = frontend_port if reflex_env == "prod" else free_port()
    return StackConfig(root=root, temporal_port=free_port(), frontend_port=frontend_port, backend_port=backend_port,
                       database_url=database_url, reflex_env=reflex_env)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (localhost only)
            return response.status == 200
    except (URLError, OSError):
        return False


def _wait_for_http(sup: Supervisor, name: str, url: str, timeout: float) -> None:
    proc = dict(sup.children)[name]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(url):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode}")
        time.sleep(1)
    raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s")


def log_tails(sup: Supervisor, lines: int = 40) -> str:
    """The end of every child's log, for the failure message."""
    parts = []
    for name, _proc in sup.children:
        path = sup.log_dir / f"{name}.log"
        text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
        parts.append(f"----- {name} -----\n" + "\n".join(text))
    return "\n".join(parts)


def _start_all(sup: Supervisor, cfg: StackConfig, env: dict[str, str]) -> None:
    sup.start("temporal", [str(BIN / "temporal"), "server", "start-dev", "--headless", "--port",
                           str(cfg.temporal_port), "--ui-port", str(free_port()), "--db-filename",
                           str(cfg.root / "temporal.db"), "--log-level", "warn"], cwd=cfg.root, env=env)
    sup.wait_for_port("temporal", cfg.temporal_port, timeout=60)
    sup.start("worker", [str(BIN / "prm"), "worker"], cwd=REPO_ROOT, env=env)
    sup.start("portal", [str(BIN / "reflex"), "run", "--env", cfg.reflex_env, "--loglevel", "info",
                         "--frontend-port", str(cfg.frontend_port), "--backend-port", str(cfg.backend_port)],
              cwd=REPO_ROOT, env=env)
    _wait_for_http(sup, "portal", f"http://localhost:{cfg.backend_port}/ping", PORTAL_START_TIMEOUT)
    _wait_for_http(sup, "portal", cfg.portal_url + "/login", PORTAL_START_TIMEOUT)
    if (exited := sup.first_exited()) is not None:
        raise RuntimeError(f"{exited[0]} exited with code {exited[1]}")


@contextmanager
def running_stack(cfg: StackConfig, extra_env: dict[str, str] | None = None) -> Iterator[Supervisor]:
    """Start Temporal, the worker and the portal; stop every process group on exit, also on failure."""
    sup = Supervisor(log_dir=cfg.root / "logs")
    try:
        try:
            with lockfiles_kept(REPO_ROOT / "reflex.lock"):
                _start_all(sup, cfg, cfg.env(extra_env))
        except Exception as exc:
            raise RuntimeError(f"live stack failed to start: {exc}\n{log_tails(sup)}") from exc
        yield sup
    finally:
        sup.stop_all()
        _reap_groups([proc.pid for _name, proc in sup.children])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _reap_groups(pgids: list[int], grace: float = 10.0) -> None:
    """The supervisor waits for each group's leader; grandchildren (bun, node, backend workers) may linger a moment."""
    deadline = time.monotonic() + grace
    while any(_group_alive(g) for g in pgids) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pgid in filter(_group_alive, pgids):
        os.killpg(pgid, signal.SIGKILL)

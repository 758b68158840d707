"""Production mode end to end: PostgreSQL, Reflex's Redis state manager, `reflex run --env prod` on one port like
`prm up`, the worker and Temporal; staff completes a visit in Chromium and the review request goes out once."""
from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from playwright.sync_api import expect, sync_playwright
from sqlmodel import Session, delete, select

from models.db import make_engine
from models.demo import load_demo
from models.migrate import upgrade
from models.settings import Settings, get_settings
from models.tables import Enrollment, Holiday, Message, Practice
from tests.portal.live_stack import log_tails, new_stack_config, running_stack
from tests.portal.test_browser_review_request import (
    CHROMIUM, CHROMIUM_ARGS, JOURNEY_ENV, _log_in, _mark_completed, _reviewable_visit, _wait_for_review_request,
)
from tests.postgres import throwaway_database
from workflows.journeys.builtin import install_builtin_journeys

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PAGE_TIMEOUT_MS = 120_000  # the built bundle needs no per-page compile, but the machine is shared
# Two backend workers behind the one port: their shared state can only live in Redis.
PROD_ENV = JOURNEY_ENV | {"GRANIAN_WORKERS": "2"}


def _seed(db_url: str) -> None:
    """Migrated demo practice with the built-in journeys, open for messages at any hour so the run never defers."""
    upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session=session, patients=40)
        practice = session.exec(select(Practice)).one()
        install_builtin_journeys(session=session, practice_id=practice.id,
                                 settings=Settings(review_wait_seconds=2, review_reply_timeout_seconds=600))
        practice.send_window_start, practice.send_window_end, practice.closed_weekdays = "00:00", "23:59", ""
        session.add(practice)
        session.exec(delete(Holiday))
        session.commit()
    engine.dispose()


@contextmanager
def _empty_redis_db() -> Iterator[int]:
    """The highest-numbered empty Redis database (other users of the server keep theirs); emptied again after."""
    for number in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if client.dbsize() == 0:
            try:
                yield number
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    raise AssertionError("no empty Redis database left on 127.0.0.1:6379")


def _stored_states(db: int) -> tuple[set[str], set[str]]:
    """(client tokens, state names) of the Reflex states stored in Redis under keys "<token>_<state path>"."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)
    keys = [key.decode() for key in client.keys("*_reflex___state____state*")]
    client.close()
    tokens = {key.split("_", 1)[0] for key in keys}
    return tokens, {key.rsplit("____", 1)[-1] for key in keys}


def _served_html(url: str) -> str:
    """The page as the portal's one port serves it (the prod build: hashed bundles, no Vite dev client)."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (localhost only)
        return response.read().decode()


def _review_requests(db_url: str, patient_id: int) -> tuple[list[tuple[str, str, str]], str]:
    """(status, idempotency key, body) of every review request to the patient, and the key the run must use."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Message.status, Message.idempotency_key, Message.body).where(
            Message.patient_id == patient_id, Message.template_key == "review_request")).all()
        [enrollment_id] = session.exec(select(Enrollment.id).where(Enrollment.patient_id == patient_id)).all()
    engine.dispose()
    return [tuple(row) for row in rows], f"enr{enrollment_id}:ask:1"


@pytest.fixture(scope="module")
def prod_stack(tmp_path_factory):
    """The production stack on fresh PostgreSQL and Redis databases; every process and database is gone after."""
    with throwaway_database() as db_url, _empty_redis_db() as redis_db:
        cfg = new_stack_config(tmp_path_factory.mktemp("prod"), database_url=db_url, reflex_env="prod")
        _seed(cfg.db_url)
        with running_stack(cfg, PROD_ENV | {"REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"}) as sup:
            yield cfg, sup, redis_db
        assert [proc.poll() is not None for _name, proc in sup.children] == [True, True, True]


def test_production_mode_sends_the_review_request_once_with_state_in_redis(prod_stack):
    cfg, sup, redis_db = prod_stack
    assert re.search(r'href="/assets/entry\.client-[\w-]+\.js"', _served_html(cfg.portal_url + "/login"))
    appointment_id, patient_id, greeting = _reviewable_visit(cfg.db_url)
    settings = get_settings()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)
            row = page.locator(f'tr[data-appointment-id="{appointment_id}"]')
            expect(row).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            _mark_completed(page, cfg.db_url, appointment_id)  # a visit later today is confirmed in the dialog
            expect(row.locator(".status-badge")).to_have_text("completed", timeout=30_000)
            page.goto(f"{cfg.portal_url}/patients/{patient_id}", timeout=PAGE_TIMEOUT_MS)
            expect(page.locator("#patient-name")).not_to_be_empty(timeout=PAGE_TIMEOUT_MS)
            _wait_for_review_request(page, greeting)
        finally:
            browser.close()
            print(log_tails(sup))

    [(status, key, body)], expected_key = _review_requests(cfg.db_url, patient_id)
    assert (status, key) == ("sent", expected_key)
    assert body.startswith(f"Hi {greeting},")
    tokens, state_names = _stored_states(redis_db)
    assert len(tokens) == 1  # the one browser session
    assert {"login_state", "appointments_state", "timeline_state"} <= state_names

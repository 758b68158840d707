"""End to end in a real browser: staff marks today's visit completed and the review request shows on the timeline."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import Session, delete, select

from models.consent import consent_allows
from models.db import make_engine
from models.demo import load_demo
from models.migrate import upgrade
from models.queries.appointments import appointments_on_day, practice_today
from models.queries.local_time import clock
from models.settings import Settings, get_settings
from models.tables import (Appointment, AuditLog, Enrollment, Holiday, Journey, Message, Patient, Practice,
                           StaffSession, StaffUser, Task)
from models.types import utcnow
from tests.factories import make_task
from tests.portal.live_stack import log_tails, new_stack_config, running_stack
from workflows.journeys.builtin import install_builtin_journeys

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
JOURNEY_ENV = {"PRM_REVIEW_WAIT_SECONDS": "2", "PRM_REVIEW_REPLY_TIMEOUT_SECONDS": "600"}
FIRST_PAGE_TIMEOUT_MS = 300_000  # Vite compiles each page on its first visit in dev mode
MESSAGE_TIMEOUT_S = 120
FAVICON = Path(__file__).resolve().parents[2] / "assets" / "favicon.ico"


def _seed(db_url: str) -> None:
    """Migrated demo practice with the built-in journeys, open for messages at any hour so the run never defers."""
    upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session=session, patients=60)
        practice = session.exec(select(Practice)).one()
        install_builtin_journeys(session=session, practice_id=practice.id,
                                 settings=Settings(review_wait_seconds=2, review_reply_timeout_seconds=600))
        practice.send_window_start, practice.send_window_end, practice.closed_weekdays = "00:00", "23:59", ""
        session.add(practice)
        session.exec(delete(Holiday))
        session.commit()
    engine.dispose()


def _reviewable_visit(db_url: str) -> tuple[int, int, str]:
    """(appointment id, patient id, greeting) of today's first open visit whose patient accepts review requests (an
    adult who consents) and has no run yet (each test that completes a visit starts a run for a patient of its own)."""
    from workflows.journeys.send_facts import age_on

    engine = make_engine(db_url)
    with Session(engine) as session:
        practice = session.exec(select(Practice)).one()
        day = practice_today(session=session, practice_id=practice.id)
        for visit in appointments_on_day(session=session, practice_id=practice.id, day=day):
            patient = session.get(Patient, visit.patient_id)
            allowed, _ = consent_allows(session=session, patient_id=patient.id, channel=patient.preferred_channel,
                                        message_type="review")
            enrolled = session.exec(select(Enrollment.id).where(Enrollment.patient_id == patient.id)).first()
            age = age_on(patient.birthdate, day)
            adult = age is None or age >= 18  # review requests are not sent to children
            if visit.status in ("scheduled", "confirmed") and allowed and adult and enrolled is None:
                engine.dispose()
                return visit.id, patient.id, patient.preferred_name or patient.first_name
    raise AssertionError("the demo has no open visit today whose patient accepts review requests and is in no "
                         "journey yet")


def _sent_review_requests(db_url: str, patient_id: int) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Message.status, Message.body).where(
            Message.patient_id == patient_id, Message.template_key == "review_request")).all()
    engine.dispose()
    return [(status, body) for status, body in rows]


def _patient_views(db_url: str, patient_id: int) -> list[tuple[str, str, str]]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(AuditLog.action, AuditLog.entity, AuditLog.entity_id)
                            .where(AuditLog.entity == "patient", AuditLog.entity_id == str(patient_id))).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def _patient_with_own_phone(db_url: str) -> tuple[str, str]:
    """(name, mobile) of the first patient whose mobile number no one else shares."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        patients = session.exec(select(Patient).where(Patient.mobile_phone != "").order_by(Patient.id)).all()
    engine.dispose()
    phones = [p.mobile_phone for p in patients]
    first = next(p for p in patients if phones.count(p.mobile_phone) == 1)
    return first.display_name, first.mobile_phone


def _open_logins(db_url: str) -> int:
    engine = make_engine(db_url)
    with Session(engine) as session:
        count = len(session.exec(select(StaffSession.id)).all())
    engine.dispose()
    return count


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """One live stack for the module's tests; every process is gone afterwards."""
    cfg = new_stack_config(tmp_path_factory.mktemp("stack"))
    _seed(cfg.db_url)
    with running_stack(cfg, JOURNEY_ENV) as sup:
        yield cfg, sup
    assert [proc.poll() is not None for _name, proc in sup.children] == [True, True, True]


@pytest.fixture
def page(stack):
    """A fresh Chromium page (no cookies) per test; the stack's log tails are printed (pytest shows them on failure)."""
    _cfg, sup = stack
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()
            print(log_tails(sup))


def _log_in(page: Page, base: str, email: str, password: str, landing: str = "/appointments") -> None:
    page.goto(base + landing, timeout=FIRST_PAGE_TIMEOUT_MS)
    page.wait_for_url(re.compile(r".*/login$"), timeout=FIRST_PAGE_TIMEOUT_MS)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/appointments$"), timeout=FIRST_PAGE_TIMEOUT_MS)


def _wait_for_review_request(page: Page, greeting: str) -> None:
    """Refresh the timeline until the journey's message is there (the run waits 2 s, then sends)."""
    message = page.locator(".timeline-item", has_text=f"Hi {greeting},")
    deadline = time.monotonic() + MESSAGE_TIMEOUT_S
    while time.monotonic() < deadline:
        if message.count() > 0:
            break
        page.click("#refresh-timeline")
        page.wait_for_timeout(2000)
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Review request after a visit · Ask for a review")
    expect(message.locator(".status-badge")).to_have_text("sent")


def _start_if_later(db_url: str, appointment_id: int) -> str:
    """The visit's start on the practice clock ('3:30 PM') when it has not started yet, else "" (a visit about to
    start is waited for, so the portal and the test agree on whether it asks first)."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        visit = session.get(Appointment, appointment_id)
        tz = ZoneInfo(session.get(Practice, visit.practice_id).timezone)
    engine.dispose()
    ahead = (visit.start - utcnow()).total_seconds()
    if 0 < ahead < 90:
        time.sleep(ahead + 1)
        return ""
    return clock(visit.start.astimezone(tz)) if ahead > 0 else ""


def _mark_completed(page: Page, db_url: str, appointment_id: int, timeout: float = 30_000) -> None:
    """Click "Mark completed"; a visit later today is confirmed in the dialog, which names its time."""
    later = _start_if_later(db_url, appointment_id)
    page.locator(f'tr[data-appointment-id="{appointment_id}"]').get_by_role(
        "button", name="Mark completed").click(timeout=timeout)
    if later:
        expect(page.locator("#confirm-text")).to_have_text(f"This visit starts at {later}. Mark it completed now?")
        page.click("#confirm-action")


def test_a_wrong_password_is_refused_with_a_clear_message(stack, page):
    cfg, _sup = stack
    page.goto(cfg.portal_url + "/patients", timeout=FIRST_PAGE_TIMEOUT_MS)
    page.wait_for_url(re.compile(r".*/login$"), timeout=FIRST_PAGE_TIMEOUT_MS)
    page.fill("#email", get_settings().admin_email)
    page.fill("#password", "not the password")
    page.click("#sign-in")

    expect(page.locator("#login-error")).to_have_text("Wrong email or password.", timeout=60_000)
    assert page.url.endswith("/login")


def test_completing_a_visit_puts_the_review_request_on_the_patient_timeline(stack, page):
    cfg, _sup = stack
    appointment_id, patient_id, greeting = _reviewable_visit(cfg.db_url)
    settings = get_settings()
    _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)

    row = page.locator(f'tr[data-appointment-id="{appointment_id}"]')
    expect(row).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    _mark_completed(page, cfg.db_url, appointment_id)
    expect(row.locator(".status-badge")).to_have_text("completed", timeout=30_000)
    expect(page.get_by_text("Completed. Started: Review request after a visit.")).to_be_visible(timeout=30_000)
    expect(row.get_by_role("button", name="Mark completed")).to_have_count(0)
    page.goto(f"{cfg.portal_url}/patients/{patient_id}", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator("#patient-name")).not_to_be_empty(timeout=FIRST_PAGE_TIMEOUT_MS)
    _wait_for_review_request(page, greeting)
    # The journey's waits read on the practice clock, never as raw ISO UTC.
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(re.compile(r"until [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{1,2}:\d{2} [AP]M"))
    expect(timeline).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"))

    [(status, body)] = _sent_review_requests(cfg.db_url, patient_id)
    assert status == "sent"
    assert body.startswith(f"Hi {greeting},")
    assert _patient_views(cfg.db_url, patient_id) == [("view", "patient", str(patient_id))]


def test_pages_load_without_missing_files_and_the_favicon_is_served(stack, page):
    cfg, _sup = stack
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(cfg.portal_url + "/login", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator("#sign-in")).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)

    favicon = page.request.get(cfg.portal_url + "/favicon.ico")

    assert (favicon.status, favicon.body()) == (200, FAVICON.read_bytes())
    assert missing == []


def test_front_desk_sees_no_dashboard_and_is_sent_back_to_patients(stack, page):
    cfg, _sup = stack
    _log_in(page, cfg.portal_url, "frontdesk@demo.practice", get_settings().admin_password)
    nav = page.locator("a")
    expect(nav.filter(has_text=re.compile("^Appointments$"))).to_have_count(1)
    expect(nav.filter(has_text=re.compile("^(Dashboard|Journeys)$"))).to_have_count(0)

    page.goto(cfg.portal_url + "/", timeout=FIRST_PAGE_TIMEOUT_MS)

    page.wait_for_url(re.compile(r".*/patients$"), timeout=60_000)
    expect(page.get_by_text("Your role cannot open that page.")).to_be_visible()


def test_a_journey_address_that_is_no_journey_says_so_instead_of_crashing(stack, page):
    cfg, _sup = stack
    settings = get_settings()
    _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for address in ("/journeys/999999", "/journeys/abc"):
        page.goto(cfg.portal_url + address, timeout=FIRST_PAGE_TIMEOUT_MS)
        expect(page.locator("#journey-missing")).to_have_text("No such journey in this practice.", timeout=30_000)
    page.locator("a").filter(has_text=re.compile("^Journeys$")).click()
    page.locator(".journey-row a").first.click()
    expect(page.locator(".status-badge").first).to_be_visible(timeout=30_000)
    assert errors == []


def test_logging_out_ends_the_session(stack, page):
    cfg, _sup = stack
    settings = get_settings()
    _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)
    signed_in = _open_logins(cfg.db_url)

    page.click("#logout")
    page.wait_for_url(re.compile(r".*/login$"), timeout=60_000)
    page.goto(cfg.portal_url + "/outbox", timeout=FIRST_PAGE_TIMEOUT_MS)

    page.wait_for_url(re.compile(r".*/login$"), timeout=60_000)
    assert _open_logins(cfg.db_url) == signed_in - 1


def test_searching_by_phone_digits_lists_only_that_patient(stack, page):
    cfg, _sup = stack
    name, phone = _patient_with_own_phone(cfg.db_url)
    settings = get_settings()
    _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)
    page.goto(cfg.portal_url + "/patients", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator("#pager-text")).to_contain_text("60 in all", timeout=FIRST_PAGE_TIMEOUT_MS)

    page.fill("#patient-search", re.sub(r"\D", "", phone))

    expect(page.locator("#pager-text")).to_have_text("Page 1 of 1 · 1 in all", timeout=30_000)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(name)


def _run_of(db_url: str, patient_id: int) -> tuple[int, str, int]:
    """(journey id, workflow id, enrollment id) of the patient's review request run, once the dispatcher made it."""
    engine = make_engine(db_url)
    try:
        for _ in range(60):
            with Session(engine) as session:
                row = session.exec(select(Enrollment.journey_id, Enrollment.workflow_id, Enrollment.id)
                                   .join(Journey, Journey.id == Enrollment.journey_id)
                                   .where(Journey.key == "review_request", Enrollment.patient_id == patient_id)).first()
            if row is not None:
                return tuple(row)
            time.sleep(1)
    finally:
        engine.dispose()
    raise AssertionError("completing the visit started no review request run")


def _run_record(db_url: str, enrollment_id: int) -> tuple[tuple[str, str], list[tuple]]:
    """((status, exit reason), [(user email, action, detail)] of its audit rows) from the database."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        enrollment = session.get(Enrollment, enrollment_id)
        audit = session.exec(select(StaffUser.email, AuditLog.action, AuditLog.detail)
                             .join(StaffUser, StaffUser.id == AuditLog.user_id)
                             .where(AuditLog.entity == "enrollment", AuditLog.entity_id == str(enrollment_id))
                             .order_by(AuditLog.id)).all()
    engine.dispose()
    return (enrollment.status, enrollment.exit_reason), [tuple(row) for row in audit]


def test_an_admin_pauses_resumes_and_cancels_a_review_request_run(stack, page):
    cfg, _sup = stack
    appointment_id, patient_id, _greeting = _reviewable_visit(cfg.db_url)
    settings = get_settings()
    _log_in(page, cfg.portal_url, settings.admin_email, settings.admin_password)
    _mark_completed(page, cfg.db_url, appointment_id, timeout=FIRST_PAGE_TIMEOUT_MS)
    journey_id, workflow_id, enrollment_id = _run_of(cfg.db_url, patient_id)

    page.goto(f"{cfg.portal_url}/journeys/{journey_id}", timeout=FIRST_PAGE_TIMEOUT_MS)
    row = page.locator(f'tr[data-workflow-id="{workflow_id}"]')
    step = row.locator(".run-step")
    expect(row).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    deadline = time.monotonic() + MESSAGE_TIMEOUT_S
    while "Wait for a reply" not in step.inner_text() and time.monotonic() < deadline:  # waits 2 s, then asks
        page.wait_for_timeout(1000)
        page.reload()
        expect(row).to_be_visible(timeout=60_000)
    expect(step).to_contain_text("Wait for a reply")

    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Run paused: it holds before its next step until resumed.")).to_be_visible()
    expect(step).to_contain_text("Wait for a reply · paused")
    row.get_by_role("button", name="Resume").click()
    expect(page.get_by_text("Run resumed.")).to_be_visible()
    expect(step).not_to_contain_text("paused")
    row.get_by_role("button", name="Cancel…").click()
    page.fill("#cancel-reason", "patient asked by phone")
    page.click("#cancel-confirm")

    expect(page.get_by_text("Run cancelled: patient asked by phone")).to_be_visible(timeout=30_000)
    expect(row.locator(".status-badge")).to_have_text("cancelled")
    expect(row.locator(".run-exit")).to_have_text("patient asked by phone")
    expect(row.get_by_role("button", name="Pause")).to_have_count(0)
    admin = settings.admin_email
    assert _run_record(cfg.db_url, enrollment_id) == (("cancelled", "patient asked by phone"), [
        (admin, "change", "run pause from the portal"), (admin, "change", "run resume from the portal"),
        (admin, "change", "run cancel from the portal: patient asked by phone")])


def _overdue_desk_task(db_url: str) -> int:
    """A front desk call, due an hour ago, about the first patient (a factory row, as a journey would write it)."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        patient = session.exec(select(Patient).order_by(Patient.id)).first()
        task = make_task(session, patient, title="Call back about the crown fitting",
                         due_at=utcnow() - timedelta(hours=1), created_at=utcnow() - timedelta(hours=5))
        session.commit()
    engine.dispose()
    return task.id


def _task_state(db_url: str, task_id: int) -> tuple[str, str, bool]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        task = session.get(Task, task_id)
    engine.dispose()
    return task.status, task.outcome, task.completed_at is not None


def test_front_desk_closes_an_overdue_task_from_the_tasks_page(stack, page):
    cfg, _sup = stack
    task_id = _overdue_desk_task(cfg.db_url)
    _log_in(page, cfg.portal_url, "frontdesk@demo.practice", get_settings().admin_password)

    page.locator("a").filter(has_text=re.compile("^Tasks$")).click()
    row = page.locator(f'tr[data-task-id="{task_id}"]')
    expect(row).to_contain_text("Call back about the crown fitting", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(row.locator(".overdue")).to_have_text("Overdue")
    expect(row).to_contain_text(re.compile(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{1,2}:\d{2} [AP]M"))
    row.get_by_role("button", name="Done").click()

    expect(page.get_by_text("Task done.")).to_be_visible(timeout=30_000)
    expect(row).to_have_count(0)
    assert _task_state(cfg.db_url, task_id) == ("done", "done", True)


def _texting_patient(db_url: str) -> int:
    """The last demo patient who is not flagged nervous and may be texted (other tests pick from the first ones)."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        for patient in session.exec(select(Patient).order_by(Patient.id.desc())).all():
            allowed, _ = consent_allows(session=session, patient_id=patient.id, channel="sms", message_type="any")
            if allowed and not patient.anxious:
                engine.dispose()
                return patient.id
    raise AssertionError("the demo has no patient who may be texted")


def _patient_changes(db_url: str, patient_id: int) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(StaffUser.email, AuditLog.detail).join(StaffUser, StaffUser.id == AuditLog.user_id)
                            .where(AuditLog.entity == "patient", AuditLog.entity_id == str(patient_id),
                                   AuditLog.action == "change").order_by(AuditLog.id)).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_front_desk_marks_a_nervous_patient_and_records_no_texts_from_the_patient_page(stack, page):
    cfg, _sup = stack
    patient_id = _texting_patient(cfg.db_url)
    _log_in(page, cfg.portal_url, "frontdesk@demo.practice", get_settings().admin_password)
    page.goto(f"{cfg.portal_url}/patients/{patient_id}", timeout=FIRST_PAGE_TIMEOUT_MS)
    nervous, texts = page.locator("#flag-nervous"), page.locator("#flag-texts-ok")
    expect(texts).to_have_attribute("aria-checked", "true", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(nervous).to_have_attribute("aria-checked", "false")

    nervous.click()
    expect(page.get_by_text("Marked as a nervous patient.").first).to_be_visible(timeout=30_000)
    texts.click()
    expect(page.get_by_text("Recorded: no texts.")).to_be_visible(timeout=30_000)

    expect(nervous).to_have_attribute("aria-checked", "true")
    expect(texts).to_have_attribute("aria-checked", "false")
    expect(page.locator(".timeline-item[data-kind='note']").first).to_contain_text("Marked as a nervous patient.")
    expect(page.locator(".timeline-item[data-kind='consent']").first).to_contain_text("Opted out of SMS")
    expect(page.get_by_text("Anxious patient")).to_be_visible()
    assert _patient_changes(cfg.db_url, patient_id) == [("frontdesk@demo.practice", "changed flag anxious"),
                                                        ("frontdesk@demo.practice", "changed sms_ok")]

"""Installing the builtin journeys: idempotent, re-timed from settings, never over a coordinator's own version."""
from __future__ import annotations

import json

from sqlmodel import select

from models.settings import Settings
from models.tables import JourneyVersion
from tests.factories import make_practice
from workflows.journeys.builtin import install_builtin_journeys
from workflows.journeys.versions import latest_version, publish


def _review(session, practice_id, **timings):
    journeys = install_builtin_journeys(session=session, practice_id=practice_id, settings=Settings(**timings))
    return next(j for j in journeys if j.key == "review_request")


def _step(version: JourneyVersion, step_id: str) -> dict:
    return next(s for s in json.loads(version.definition)["steps"] if s["id"] == step_id)


def _versions(session, journey_id) -> list[int]:
    return list(session.exec(select(JourneyVersion.version).where(JourneyVersion.journey_id == journey_id)))


def test_installing_twice_with_the_same_settings_publishes_one_version(session):
    practice = make_practice(session)
    journey = _review(session, practice.id, review_wait_seconds=7200)
    _review(session, practice.id, review_wait_seconds=7200)
    assert _versions(session, journey.id) == [1]


def test_a_shorter_wait_setting_publishes_a_new_version_for_new_entrants(session):
    practice = make_practice(session)
    journey = _review(session, practice.id, review_wait_seconds=7200)
    _review(session, practice.id, review_wait_seconds=10, review_reply_timeout_seconds=60)
    latest = latest_version(session=session, journey_id=journey.id)
    assert _versions(session, journey.id) == [1, 2]
    assert (_step(latest, "after_visit")["duration"], _step(latest, "await_reply")["timeout"]) == ("PT10S", "PT1M")


def test_a_coordinators_own_version_is_never_replaced_by_the_builtin(session):
    practice = make_practice(session)
    journey = _review(session, practice.id, review_wait_seconds=7200)
    custom = json.loads(latest_version(session=session, journey_id=journey.id).definition)
    custom["steps"][1]["template"] = "review_reminder"
    publish(session=session, journey_id=journey.id, definition=custom)
    _review(session, practice.id, review_wait_seconds=10)
    assert _versions(session, journey.id) == [1, 2]
    assert _step(latest_version(session=session, journey_id=journey.id), "ask")["template"] == "review_reminder"

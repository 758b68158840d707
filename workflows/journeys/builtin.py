"""The journeys every practice starts with, stored as data under builtin/*.json and installed as published versions.

A builtin file is {"key", "name", "description", "settings", "definition"}. `settings` maps "<step id>.<field>" to
a Settings attribute holding seconds: the JSON carries a readable default ("PT2H") and installation writes the
configured value into the definition, so the published version is fixed and the workflow stays deterministic.
"""
from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.settings import Settings, get_settings
from models.tables import Journey, JourneyStatus
from workflows.journeys.definition import published_definition
from workflows.journeys.durations import format_duration
from workflows.journeys.versions import latest_version, publish
from workflows.templates.seed import seed_templates

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
BUILTIN_KEYS = ("review_request", "nervous_patient_checkin", "referral_reward")


def load_builtin(key: str) -> dict:
    """The builtin file for a key, as stored (defaults not yet replaced by settings)."""
    return json.loads((BUILTIN_DIR / f"{key}.json").read_text(encoding="utf-8"))


def builtin_definition(key: str, settings: Settings | None = None) -> dict:
    """The definition of a builtin journey with the configured timings written in."""
    data = load_builtin(key)
    return apply_settings(data["definition"], data.get("settings", {}), settings or get_settings())


def apply_settings(definition: dict, overrides: dict[str, str], settings: Settings) -> dict:
    """Replace "<step id>.<field>" durations with the seconds held by the named settings."""
    result = copy.deepcopy(definition)
    steps = {step["id"]: step for step in result["steps"]}
    for target, setting_name in overrides.items():
        step_id, _, field = target.partition(".")
        if step_id not in steps or field not in steps[step_id]:
            raise ValueError(f"builtin setting target '{target}' names no step field")
        steps[step_id][field] = format_duration(timedelta(seconds=int(getattr(settings, setting_name))))
    return result


def install_builtin_journeys(*, session: Session, practice_id: int,
                             settings: Settings | None = None) -> list[Journey]:
    """Seed the templates, then create and publish each builtin journey the practice lacks (idempotent).

    A builtin journey that staff have not changed gets a new version when its setting-driven timings changed
    (e.g. PRM_REVIEW_WAIT_SECONDS for a demo), so new entrants use them; running enrollments keep theirs.
    """
    settings = settings or get_settings()
    seed_templates(session=session, practice_id=practice_id)
    journeys = []
    for key in BUILTIN_KEYS:
        data = load_builtin(key)
        journey = session.exec(select(Journey).where(Journey.practice_id == practice_id, Journey.key == key)).first()
        if journey is None:
            journey = Journey(practice_id=practice_id, key=key, name=data["name"],
                              trigger=data["definition"]["trigger"]["event"], status=JourneyStatus.ACTIVE)
            session.add(journey)
            session.flush()
        wanted = builtin_definition(key, settings)
        latest = latest_version(session=session, journey_id=journey.id)
        if latest is None or _only_timings_differ(latest.definition, wanted, data.get("settings", {}), settings):
            journey.draft_definition = json.dumps(wanted, indent=2)
            publish(session=session, journey_id=journey.id, definition=wanted)
        journeys.append(journey)
    return journeys


def _canonical(definition: dict | str) -> str:
    return published_definition(definition if isinstance(definition, str) else json.dumps(definition)).to_json()


def _only_timings_differ(stored: str, wanted: dict, overrides: dict[str, str], settings: Settings) -> bool:
    """True when the stored version is the builtin with other timings: re-timing it is then safe and expected."""
    current = _canonical(stored)
    if current == _canonical(wanted):
        return False
    return _canonical(apply_settings(json.loads(current), overrides, settings)) == _canonical(wanted)

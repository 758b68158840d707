"""`prm journeys publish KEY FILE`: validate a definition file and publish it as the next immutable version
(creating the journey as a draft when the practice has none with that key). A bad definition lists every problem
and writes nothing."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sqlmodel import Session, select

from models.db import session_scope
from models.tables import Journey, JourneyStatus, Practice
from workflows.cli.journeys.common import JourneyCommandError, acting_user_id, reports_errors, resolve_practice
from workflows.journeys.definition import DefinitionError, parse_definition
from workflows.journeys.versions import publish

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


def read_definition(path: str) -> dict:
    """The file's JSON object; bad JSON raises DefinitionError with where it breaks, like any other problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise JourneyCommandError(f"cannot read {path}: {exc.strerror or exc}", exit_code=2) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        parse_definition(text)  # raises, saying where the JSON breaks or that it is not an object
    return data


def _journey_for(session: Session, practice: Practice, key: str, name: str | None,
                 definition: dict) -> tuple[Journey, bool]:
    """The practice's journey with this key, or a new draft (trigger from the definition); whether it is new."""
    journey = session.exec(select(Journey).where(Journey.practice_id == practice.id, Journey.key == key)).first()
    created = journey is None
    if created:
        trigger = definition.get("trigger", {}).get("event", "") if isinstance(definition.get("trigger"), dict) else ""
        journey = Journey(practice_id=practice.id, key=key, name=name or key.replace("_", " ").capitalize(),
                          trigger=str(trigger)[:60], status=JourneyStatus.DRAFT)
    elif name:
        journey.name = name
    session.add(journey)
    session.flush()
    return journey, created


def publish_file(*, session: Session, practice: Practice, key: str, path: str, name: str | None = None,
                 user_id: int | None = None) -> tuple[Journey, int, bool]:
    """Publish the file as the journey's next version: (journey, version number, journey created)."""
    if not KEY_PATTERN.match(key):
        raise JourneyCommandError(f"journey key '{key}' must be lower case letters, digits and _ (starting with "
                                  "a letter, at most 80)", exit_code=2)
    definition = read_definition(path)
    journey, created = _journey_for(session, practice, key, name, definition)
    version = publish(session=session, journey_id=journey.id, definition=definition, user_id=user_id)
    # The portal's editor starts from the draft: keep it equal to what was just published.
    journey.draft_definition = json.dumps(definition, indent=2)
    session.add(journey)
    return journey, version.version, created


@reports_errors
def publish_journey(args) -> int:  # noqa: ANN001
    try:
        with session_scope() as session:  # a DefinitionError rolls back the new journey too
            practice = resolve_practice(session, args.practice_id)
            user_id = acting_user_id(session, practice, args.by)
            journey, number, created = publish_file(session=session, practice=practice, key=args.key,
                                                    path=args.file, name=args.name, user_id=user_id)
            status, trigger = journey.status, journey.trigger
    except DefinitionError as error:
        print(f"prm journeys: {args.file} is not a valid journey definition; nothing was published:",
              file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"published {args.key} version {number} (trigger {trigger}, journey {status})")
    if created:
        print(f"created {args.key} as a draft: `prm journeys resume {args.key}` lets it take new entrants")
    return 0

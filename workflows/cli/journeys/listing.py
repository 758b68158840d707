"""`prm journeys list` and `prm journeys show KEY`: journeys with their run counts; one journey's definition and
version history. Nothing here touches a patient's details."""
from __future__ import annotations

import json

from rich.table import Table
from sqlmodel import Session, select

from models.db import session_scope
from models.queries.journeys import journey_overview
from models.tables import Journey, JourneyVersion
from workflows.cli.console import console
from workflows.cli.journeys.common import counts_text, journey_by_key, reports_errors, resolve_practice


def journey_list(*, session: Session, practice_id: int) -> list[dict]:
    """Every journey of the practice as JSON-ready dicts: key, name, trigger, status, version, runs."""
    return [{"key": j.key, "name": j.name, "trigger": j.trigger, "status": j.status, "version": j.version,
             "runs": dict(sorted(j.runs_by_status.items()))}
            for j in journey_overview(session=session, practice_id=practice_id)]


def journey_detail(*, session: Session, journey: Journey) -> dict:
    """The journey, its newest published definition (None while a draft) and every version, newest first."""
    versions = session.exec(select(JourneyVersion).where(JourneyVersion.journey_id == journey.id)
                            .order_by(JourneyVersion.version.desc())).all()
    return {
        "key": journey.key, "name": journey.name, "trigger": journey.trigger, "status": journey.status,
        "version": versions[0].version if versions else None,
        "definition": json.loads(versions[0].definition) if versions else None,
        "versions": [{"version": v.version, "published_at": v.published_at.isoformat(),
                      "published_by": v.published_by} for v in versions],
    }


@reports_errors
def list_journeys(args) -> int:  # noqa: ANN001
    with session_scope() as session:
        practice = resolve_practice(session, args.practice_id)
        journeys = journey_list(session=session, practice_id=practice.id)
    if args.json:
        print(json.dumps(journeys, indent=2))
        return 0
    table = Table(title=f"Journeys of practice {practice.id}")
    for column in ("key", "name", "trigger", "status", "version", "runs"):
        table.add_column(column)
    for j in journeys:
        table.add_row(j["key"], j["name"], j["trigger"], j["status"],
                      str(j["version"]) if j["version"] is not None else "draft", counts_text(j["runs"]))
    console().print(table)
    return 0


@reports_errors
def show_journey(args) -> int:  # noqa: ANN001
    with session_scope() as session:
        detail = journey_detail(session=session, journey=journey_by_key(session, args.practice_id, args.key))
    if args.json:
        print(json.dumps(detail, indent=2))
        return 0
    out = console()
    out.print(f"{detail['key']}: {detail['name']} ({detail['status']}, trigger {detail['trigger']})",
                  highlight=False)
    if detail["definition"] is None:
        out.print("no published version yet", highlight=False)
        return 0
    out.print(f"definition of version {detail['version']}:", highlight=False)
    print(json.dumps(detail["definition"], indent=2))
    table = Table(title="versions")
    for column in ("version", "published (UTC)", "by user id"):
        table.add_column(column)
    for v in detail["versions"]:
        by = str(v["published_by"]) if v["published_by"] is not None else "-"
        table.add_row(str(v["version"]), v["published_at"][:19].replace("T", " "), by)
    out.print(table)
    return 0

"""Seed message templates: files under seed/ named <key>.<channel>.j2, copied into a practice's MessageTemplate rows.

An email file starts with a "Subject: ..." line. Seeding only inserts what is missing, so staff edits survive.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from models.tables import MessageTemplate
from models.types import utcnow

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_CHANNELS = ("sms", "email")
# The consent message type of each seeded key; the promotional ones carry an opt-out hint.
SEED_MESSAGE_TYPES: dict[str, str] = {
    "review_request": "review",
    "review_reminder": "review",
    "appointment_reminder": "reminder",
    "appointment_confirmation_request": "confirmation",
    "nervous_patient_what_to_expect": "care",
    "nervous_patient_checkin": "care",
    "post_treatment_checkin": "care",
    "referral_thank_you": "marketing",
    "recall_due": "recall",
    "payment_reminder": "billing",
    "birthday": "marketing",
}
PROMOTIONAL_TYPES = frozenset({"review", "marketing", "recall"})
_SUBJECT_PREFIX = "Subject:"


@dataclass(frozen=True)
class SeedTemplate:
    key: str
    channel: str
    subject: str
    body: str


def load_seed_templates(directory: Path = SEED_DIR) -> list[SeedTemplate]:
    """Every seed file, parsed, sorted by key then channel."""
    return [parse_seed_file(path) for path in sorted(directory.glob("*.j2"))]


def parse_seed_file(path: Path) -> SeedTemplate:
    """Split '<key>.<channel>.j2' into its template; an email's first line is its subject."""
    key, channel, _suffix = path.name.rsplit(".", 2)
    if channel not in SEED_CHANNELS:
        raise ValueError(f"{path.name}: channel must be one of {', '.join(SEED_CHANNELS)}")
    text = path.read_text(encoding="utf-8")
    subject = ""
    if channel == "email":
        first_line, _, text = text.partition("\n")
        if not first_line.startswith(_SUBJECT_PREFIX):
            raise ValueError(f"{path.name}: an email template must start with a 'Subject: ...' line")
        subject = first_line.removeprefix(_SUBJECT_PREFIX).strip()
    return SeedTemplate(key=key, channel=channel, subject=subject, body=text.strip("\n").rstrip())


def seed_templates(*, session: Session, practice_id: int) -> int:
    """Insert the seed templates the practice does not have yet; returns how many were added (0 the second time)."""
    existing = set(session.exec(select(MessageTemplate.key, MessageTemplate.channel)
                                .where(MessageTemplate.practice_id == practice_id)).all())
    added = 0
    for seed in load_seed_templates():
        if (seed.key, seed.channel) in existing:
            continue
        session.add(MessageTemplate(practice_id=practice_id, key=seed.key, channel=seed.channel,
                                    subject=seed.subject, body=seed.body, updated_at=utcnow()))
        added += 1
    session.flush()
    return added


def get_template(*, session: Session, practice_id: int, key: str, channel: str) -> MessageTemplate | None:
    """The practice's template for a key on a channel, or None."""
    return session.exec(select(MessageTemplate).where(
        MessageTemplate.practice_id == practice_id, MessageTemplate.key == key, MessageTemplate.channel == channel,
    )).first()

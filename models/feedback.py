"""Patient feedback (reviews, NPS surveys, check-ins): stored with feedback.received and an AuditLog row.

The event payload carries the feedback id, kind, score and scale, never the comment (free text may hold PHI);
journeys that need the comment load the row by id.
"""
from __future__ import annotations

from sqlmodel import Session

from models.change_log import record_change
from models.events import EventKind
from models.tables import Enrollment, Feedback, FeedbackKind, FeedbackScale, FeedbackSource, Patient
from models.validation import bounded_text

# Inclusive score range per scale.
SCALE_RANGES = {FeedbackScale.NPS: (0, 10), FeedbackScale.RATING: (1, 5)}
MAX_COMMENT = 2000
# Net Promoter groups on the 0-10 scale: 9-10 promote, 7-8 are passive, 0-6 detract.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def nps_group(score: int) -> str:
    """The NPS group a 0-10 score falls in: promoter, passive or detractor."""
    if score >= PROMOTER_MIN:
        return "promoter"
    return "detractor" if score <= DETRACTOR_MAX else "passive"


def record_feedback(*, session: Session, patient_id: int, kind: str, source: str, score: int | None = None,
                    scale: str | None = None, comment: str = "", enrollment_id: int | None = None,
                    user_id: int | None = None) -> Feedback:
    """Store one answer; a score needs its scale ("nps" 0-10 or "rating" 1-5), and a score or a comment is required."""
    kind_value = _member(FeedbackKind, kind, "kind")
    source_value = _member(FeedbackSource, source, "source")
    scale_value = _checked_score(score, scale)
    text = bounded_text(comment, field="comment", max_length=MAX_COMMENT)
    if score is None and not text:
        raise ValueError("feedback needs a score or a comment")
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ValueError(f"patient {patient_id} does not exist")
    _check_enrollment(session, patient, enrollment_id)
    feedback = Feedback(practice_id=patient.practice_id, patient_id=patient.id, kind=kind_value, score=score,
                        scale=scale_value, comment=text, source=source_value, enrollment_id=enrollment_id)
    session.add(feedback)
    session.flush()
    record_change(session=session, practice_id=feedback.practice_id, entity="feedback", entity_id=feedback.id,
                  detail=f"received {kind_value} via {source_value}", user_id=user_id, patient_id=patient.id,
                  kind=EventKind.FEEDBACK_RECEIVED,
                  payload={"feedback_id": feedback.id, "kind": kind_value, "score": score, "scale": scale_value})
    return feedback


def _member(enum: type, value: str, field: str) -> str:
    text = (value or "").strip().lower()
    allowed = sorted(member.value for member in enum)
    if text not in allowed:
        raise ValueError(f"{field} must be one of: {', '.join(allowed)}")
    return text


def _checked_score(score: int | None, scale: str | None) -> str:
    """The scale to store ("" when there is no score); the score must be a whole number inside the scale's range."""
    if score is None:
        if scale:
            raise ValueError("scale was given without a score")
        return ""
    if not scale:
        raise ValueError("scale is required with a score: nps (0-10) or rating (1-5)")
    scale_value = FeedbackScale(_member(FeedbackScale, scale, "scale"))
    low, high = SCALE_RANGES[scale_value]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ValueError(f"score must be a whole number from {low} to {high} on the {scale_value.value} scale")
    return scale_value.value


def _check_enrollment(session: Session, patient: Patient, enrollment_id: int | None) -> None:
    if enrollment_id is None:
        return
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.patient_id != patient.id:
        raise ValueError(f"enrollment {enrollment_id} is not a journey run of patient {patient.id}")

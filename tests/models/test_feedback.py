"""Feedback is stored with one feedback.received event (id, kind, score, scale; never the comment)."""
import pytest
from sqlmodel import Session, select

from models.feedback import record_feedback
from models.tables import AuditLog, DomainEvent, Feedback, Practice
from tests.factories import make_enrollment, make_journey, make_patient, make_practice
from tests.models.recorded import audit, events

COMMENT = "Dr. Shah was gentle with my wisdom tooth, thank you"


def _practice(session, patient):
    return session.get(Practice, patient.practice_id)


@pytest.fixture
def patient(session):
    return make_patient(session, make_practice(session))


def _stored(session):
    rows = session.exec(select(Feedback).order_by(Feedback.id))
    return [(f.patient_id, f.kind, f.score, f.scale, f.comment, f.source, f.enrollment_id) for f in rows]


def test_survey_answer_is_stored_with_one_event_that_carries_no_comment(session, patient):
    enrollment = make_enrollment(session, make_journey(session, _practice(session, patient)), patient)
    feedback = record_feedback(session=session, patient_id=patient.id, kind="survey", source="link", score=9,
                               scale="nps", comment=f"  {COMMENT} ", enrollment_id=enrollment.id)
    assert _stored(session) == [(patient.id, "survey", 9, "nps", COMMENT, "link", enrollment.id)]
    assert feedback.created_at.tzinfo is not None
    assert events(session) == [("feedback.received", patient.id, feedback.id,
                                {"feedback_id": feedback.id, "kind": "survey", "score": 9, "scale": "nps"})]
    assert COMMENT not in session.exec(select(DomainEvent.payload)).one()
    assert audit(session) == [("change", "feedback", str(feedback.id), "received survey via link", None)]


def test_a_comment_without_a_score_is_accepted_with_an_empty_scale(session, patient):
    feedback = record_feedback(session=session, patient_id=patient.id, kind="checkin", source="sms",
                               comment="Still a bit sore")
    assert (feedback.score, feedback.scale) == (None, "")
    assert events(session)[0][3] == {"feedback_id": feedback.id, "kind": "checkin", "score": None, "scale": ""}


@pytest.mark.parametrize(("score", "scale"), [(0, "nps"), (10, "nps"), (1, "rating"), (5, "rating")])
def test_scores_at_the_ends_of_each_scale_are_accepted(session, patient, score, scale):
    feedback = record_feedback(session=session, patient_id=patient.id, kind="review", source="email", score=score,
                               scale=scale)
    assert (feedback.score, feedback.scale) == (score, scale)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"score": 11}, "score must be a whole number from 0 to 10 on the nps scale"),
    ({"score": -1}, "score must be a whole number from 0 to 10 on the nps scale"),
    ({"score": 0, "scale": "rating"}, "score must be a whole number from 1 to 5 on the rating scale"),
    ({"score": 6, "scale": "rating"}, "score must be a whole number from 1 to 5 on the rating scale"),
    ({"score": 4.5, "scale": "rating"}, "score must be a whole number from 1 to 5 on the rating scale"),
    ({"score": True}, "score must be a whole number from 0 to 10 on the nps scale"),
    ({"score": 8, "scale": None}, "scale is required with a score: nps \\(0-10\\) or rating \\(1-5\\)"),
    ({"score": 8, "scale": "stars"}, "scale must be one of: nps, rating"),
    ({"score": None, "scale": "nps", "comment": "ok"}, "scale was given without a score"),
    ({"score": None, "scale": None, "comment": "   "}, "feedback needs a score or a comment"),
    ({"kind": "complaint"}, "kind must be one of: checkin, review, survey"),
    ({"source": "fax"}, "source must be one of: email, link, sms, staff"),
    ({"comment": "x" * 2001}, "comment must be at most 2000 characters"),
    ({"patient_id": 999}, "patient 999 does not exist"),
])
def test_invalid_feedback_is_refused_with_a_clear_message_and_writes_nothing(session, patient, overrides, message):
    fields = dict(patient_id=patient.id, kind="survey", source="link", score=9, scale="nps") | overrides
    with pytest.raises(ValueError, match=message):
        record_feedback(session=session, **fields)
    assert (_stored(session), events(session), audit(session)) == ([], [], [])


def test_an_enrollment_of_another_patient_is_refused(session, patient):
    other = make_patient(session, _practice(session, patient), first_name="Bo")
    enrollment = make_enrollment(session, make_journey(session, _practice(session, patient)), other)
    with pytest.raises(ValueError, match=f"enrollment {enrollment.id} is not a journey run of patient {patient.id}"):
        record_feedback(session=session, patient_id=patient.id, kind="survey", source="link", score=9, scale="nps",
                        enrollment_id=enrollment.id)
    assert events(session) == []


def test_rolled_back_feedback_leaves_neither_the_row_nor_its_event(engine):
    with Session(engine) as s:
        patient_id = make_patient(s, make_practice(s)).id
        s.commit()
    with Session(engine) as s:
        record_feedback(session=s, patient_id=patient_id, kind="review", source="link", score=5, scale="rating")
        s.rollback()
    with Session(engine) as s:
        assert [s.exec(select(t)).all() for t in (Feedback, DomainEvent, AuditLog)] == [[], [], []]

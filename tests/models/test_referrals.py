"""A referral writes one referral.created event about the referred patient; a patient is referred at most once."""
import pytest
from sqlmodel import Session, select

from models.referrals import create_referral
from models.tables import AuditLog, DomainEvent, Referral
from tests.factories import make_patient, make_practice, make_referral, make_staff_user
from tests.models.recorded import audit, events


@pytest.fixture
def practice(session):
    return make_practice(session)


def test_referral_is_stored_with_one_event_about_the_referred_patient(session, practice):
    referrer = make_patient(session, practice, first_name="Maria")
    referred = make_patient(session, practice, first_name="Tom", email="tom@example.com")
    user = make_staff_user(session, practice)
    referral = create_referral(session=session, referrer_patient_id=referrer.id, referred_patient_id=referred.id,
                               user_id=user.id)
    assert (referral.practice_id, referral.referrer_patient_id, referral.referred_patient_id) == (
        practice.id, referrer.id, referred.id)
    assert events(session) == [("referral.created", referred.id, referral.id, {
        "referral_id": referral.id, "referrer_patient_id": referrer.id, "referred_patient_id": referred.id})]
    assert audit(session) == [("change", "referral", str(referral.id), "created", user.id)]


def test_a_patient_cannot_refer_themselves(session, practice):
    patient = make_patient(session, practice)
    with pytest.raises(ValueError, match="a patient cannot refer themselves"):
        create_referral(session=session, referrer_patient_id=patient.id, referred_patient_id=patient.id)
    assert (session.exec(select(Referral)).all(), events(session), audit(session)) == ([], [], [])


def test_a_patient_can_be_referred_only_once_and_the_session_stays_usable(session, practice):
    first, second, referred = (make_patient(session, practice) for _ in range(3))
    earlier = make_referral(session, first, referred)
    with pytest.raises(ValueError, match=f"patient {referred.id} was already referred \\(referral {earlier.id}\\); "
                                         "a patient can be referred only once"):
        create_referral(session=session, referrer_patient_id=second.id, referred_patient_id=referred.id)
    session.commit()
    assert [r.referrer_patient_id for r in session.exec(select(Referral))] == [first.id]
    assert events(session) == []


def test_unknown_patients_and_patients_of_another_practice_are_refused(session, practice):
    patient = make_patient(session, practice)
    stranger = make_patient(session, make_practice(session, name="Elsewhere Dental"))
    with pytest.raises(ValueError, match="referrer 999 does not exist"):
        create_referral(session=session, referrer_patient_id=999, referred_patient_id=patient.id)
    with pytest.raises(ValueError, match="referred patient 998 does not exist"):
        create_referral(session=session, referrer_patient_id=patient.id, referred_patient_id=998)
    with pytest.raises(ValueError, match="referrer and referred patient belong to different practices"):
        create_referral(session=session, referrer_patient_id=stranger.id, referred_patient_id=patient.id)
    assert (events(session), audit(session)) == ([], [])


def test_rolled_back_referral_leaves_neither_the_referral_nor_its_event(engine):
    with Session(engine) as s:
        practice = make_practice(s)
        ids = [make_patient(s, practice).id for _ in range(2)]
        s.commit()
    with Session(engine) as s:
        create_referral(session=s, referrer_patient_id=ids[0], referred_patient_id=ids[1])
        s.rollback()
    with Session(engine) as s:
        assert [s.exec(select(t)).all() for t in (Referral, DomainEvent, AuditLog)] == [[], [], []]

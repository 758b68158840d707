"""Reviews and stars, NPS and post-visit satisfaction from the Feedback rows of a period."""
from datetime import date

from models.kpis.feedback import net_promoter, review_ratings, satisfaction
from tests.models.kpis import frames_builders as fb

PERIOD = (date(2024, 5, 1), date(2024, 5, 31))


def _feedback():
    return fb.feedback([
        ("review", "rating", 5, "2024-05-01"),
        ("review", "rating", 4, "2024-05-31"),
        ("review", "rating", 2, "2024-05-10"),
        ("review", "", None, "2024-05-11"),  # a comment without stars still counts as a review
        ("review", "rating", 1, "2024-04-30"),  # before the period
        ("survey", "nps", 10, "2024-05-02"),
        ("survey", "nps", 9, "2024-05-03"),
        ("survey", "nps", 8, "2024-05-04"),
        ("survey", "nps", 7, "2024-05-05"),
        ("survey", "nps", 6, "2024-05-06"),
        ("review", "nps", 0, "2024-05-07"),  # any 0-10 answer is an NPS response, whatever its kind
        ("survey", "nps", 10, "2024-06-01"),  # after the period
        ("checkin", "rating", 5, "2024-05-08"),
        ("checkin", "rating", 3, "2024-05-09"),
        ("checkin", "rating", 4, "2024-05-09"),
        ("checkin", "", None, "2024-05-09"),
    ])


def test_reviews_are_counted_and_their_stars_averaged():
    assert review_ratings(_feedback(), *PERIOD) == {"received": 5, "average_rating": 3.67}


def test_nps_is_the_share_of_promoters_minus_the_share_of_detractors():
    # 2 promoters (10, 9), 2 passives (8, 7), 2 detractors (6, 0) of 6: 33.3 % - 33.3 % = 0
    assert net_promoter(_feedback(), *PERIOD) == {"responses": 6, "promoters": 2, "passives": 2, "detractors": 2,
                                                  "score": 0.0}
    three = fb.feedback([("survey", "nps", 9, "2024-05-01"), ("survey", "nps", 10, "2024-05-01"),
                         ("survey", "nps", 3, "2024-05-01")])
    assert net_promoter(three, *PERIOD)["score"] == 33.3


def test_nps_is_none_without_responses():
    assert net_promoter(fb.feedback([("review", "rating", 5, "2024-05-01")]), *PERIOD) == {
        "responses": 0, "promoters": 0, "passives": 0, "detractors": 0, "score": None}


def test_satisfaction_comes_from_scored_checkins():
    assert satisfaction(_feedback(), *PERIOD) == {"checkins": 4, "scored": 3, "average_rating": 4.0,
                                                  "satisfied_rate": 0.6667}


def test_an_empty_period_has_counts_of_zero_and_no_averages():
    empty = fb.feedback([])
    assert review_ratings(empty, *PERIOD) == {"received": 0, "average_rating": None}
    assert satisfaction(empty, *PERIOD) == {"checkins": 0, "scored": 0, "average_rating": None,
                                            "satisfied_rate": None}

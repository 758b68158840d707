"""What patients told us in a period: reviews and their stars, the Net Promoter Score, post-visit satisfaction."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.feedback import DETRACTOR_MAX, PROMOTER_MIN
from models.kpis.periods import in_period, ratio
from models.tables import FeedbackKind, FeedbackScale

AVERAGE_DIGITS = 2
NPS_DIGITS = 1
SATISFIED_MIN = 4  # 4 or 5 stars is "satisfied" (the usual CSAT reading of a 1-5 scale)


def _in_period(feedback: pd.DataFrame, date_from: date, date_to: date) -> pd.DataFrame:
    return feedback.loc[in_period(feedback["day"], date_from, date_to)]


def _scores(rows: pd.DataFrame, scale: str) -> pd.Series:
    """The scores given on one scale (a row without a score is only a comment)."""
    return rows.loc[(rows["scale"] == scale) & rows["score"].notna(), "score"].astype(float)


def _average(scores: pd.Series) -> float | None:
    return None if scores.empty else round(float(scores.mean()), AVERAGE_DIGITS)


def review_ratings(feedback: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Reviews received in the period and their average star rating (None when none was rated on the 1-5 scale)."""
    reviews = _in_period(feedback, date_from, date_to)
    reviews = reviews.loc[reviews["kind"] == FeedbackKind.REVIEW]
    return {"received": len(reviews), "average_rating": _average(_scores(reviews, FeedbackScale.RATING))}


def net_promoter(feedback: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """NPS = % promoters (9-10) - % detractors (0-6) over every 0-10 answer in the period; None without answers."""
    current = _in_period(feedback, date_from, date_to)
    scores = _scores(current, FeedbackScale.NPS)
    promoters, detractors = int((scores >= PROMOTER_MIN).sum()), int((scores <= DETRACTOR_MAX).sum())
    responses = len(scores)
    score = None if not responses else round(100.0 * (promoters - detractors) / responses, NPS_DIGITS)
    return {"responses": responses, "promoters": promoters, "passives": responses - promoters - detractors,
            "detractors": detractors, "score": score}


def satisfaction(feedback: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Post-visit check-ins in the period; those scored on the 1-5 scale give the average and the satisfied share."""
    checkins = _in_period(feedback, date_from, date_to)
    checkins = checkins.loc[checkins["kind"] == FeedbackKind.CHECKIN]
    stars = _scores(checkins, FeedbackScale.RATING)
    return {"checkins": len(checkins), "scored": len(stars), "average_rating": _average(stars),
            "satisfied_rate": ratio(int((stars >= SATISFIED_MIN).sum()), len(stars))}

"""Messaging KPIs: what went out, what the guard held back, what came back; review requests among them."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.periods import in_period, ratio

SENT_STATUSES = ("sent", "delivered")  # delivered is a later state of a sent message
REVIEW_TEMPLATE_PREFIX = "review"


def message_counts(messages: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Outbound messages by status and inbound replies, created (practice-local day) in the period."""
    current = messages.loc[in_period(messages["day"], date_from, date_to)]
    out = current.loc[current["direction"] == "out", "status"]
    return {
        "sent": int(out.isin(SENT_STATUSES).sum()),
        "delivered": int((out == "delivered").sum()),
        "suppressed": int((out == "suppressed").sum()),
        "deferred": int((out == "deferred").sum()),
        "failed": int((out == "failed").sum()),
        "replies": int((current["direction"] == "in").sum()),
    }


def review_requests(messages: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Review requests sent in the period (template key starting "review") and replies to them, whenever they came."""
    out = messages.loc[(messages["direction"] == "out") & in_period(messages["day"], date_from, date_to)
                       & messages["status"].isin(SENT_STATUSES)
                       & messages["template_key"].astype(str).str.startswith(REVIEW_TEMPLATE_PREFIX)]
    replies = messages.loc[(messages["direction"] == "in") & messages["in_reply_to_id"].isin(out["id"])]
    return {"requests_sent": len(out), "replies": len(replies), "reply_rate": ratio(len(replies), len(out))}

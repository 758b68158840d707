"""Per-journey funnels: enrolled -> sent -> delivered -> replied -> goal reached / completed."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.messages import SENT_STATUSES
from models.kpis.periods import in_period

FUNNEL_STAGES = ("enrolled", "sent", "delivered", "replied", "goal_reached", "completed")
REPLIED_OUTCOME = "replied"  # what a wait-for-reply step logs when the patient answered


def _enrollments_with(ids: pd.Series, enrolled: pd.DataFrame) -> pd.Series:
    return enrolled["id"].isin(ids.dropna())


def enrollment_stages(enrolled: pd.DataFrame, messages: pd.DataFrame, step_logs: pd.DataFrame) -> pd.DataFrame:
    """One row per enrollment with a True/False column per funnel stage it reached."""
    out = messages.loc[(messages["direction"] == "out") & messages["enrollment_id"].notna()]
    sent = out.loc[out["status"].isin(SENT_STATUSES)]
    inbound = messages.loc[(messages["direction"] == "in") & messages["in_reply_to_id"].notna()]
    replied_to = out.set_index("id")["enrollment_id"].reindex(inbound["in_reply_to_id"])
    logged_reply = step_logs.loc[step_logs["outcome"] == REPLIED_OUTCOME, "enrollment_id"]
    return pd.DataFrame({
        "journey_id": enrolled["journey_id"],
        "enrolled": True,
        "sent": _enrollments_with(sent["enrollment_id"], enrolled),
        "delivered": _enrollments_with(sent.loc[sent["status"] == "delivered", "enrollment_id"], enrolled),
        "replied": _enrollments_with(pd.concat([replied_to, logged_reply], ignore_index=True), enrolled),
        "goal_reached": _enrollments_with(step_logs.loc[step_logs["kind"] == "goal", "enrollment_id"], enrolled),
        "completed": enrolled["status"] == "completed",
    })


def journey_funnels(journeys: pd.DataFrame, enrollments: pd.DataFrame, messages: pd.DataFrame,
                    step_logs: pd.DataFrame, date_from: date, date_to: date) -> pd.DataFrame:
    """Every journey of the practice with how many enrollments started in the period reached each stage."""
    enrolled = enrollments.loc[in_period(enrollments["day"], date_from, date_to)]
    stages = enrollment_stages(enrolled, messages, step_logs)
    counts = stages.groupby("journey_id")[list(FUNNEL_STAGES)].sum()
    funnels = journeys[["id", "key", "name"]].merge(counts, left_on="id", right_index=True, how="left")
    funnels[list(FUNNEL_STAGES)] = funnels[list(FUNNEL_STAGES)].fillna(0).astype(int)
    return funnels.rename(columns={"id": "journey_id"}).sort_values("key").reset_index(drop=True)

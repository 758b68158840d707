"""Case acceptance: treatment plans presented in a period and how many (and how much) were accepted."""
from __future__ import annotations

from datetime import date

import pandas as pd

from models.kpis.periods import in_period, ratio


def plan_acceptance(plans: pd.DataFrame, date_from: date, date_to: date) -> dict:
    """Plans presented in the period (whatever their status now): counts, values and acceptance rates."""
    presented = plans.loc[in_period(plans["presented_on"], date_from, date_to)]
    accepted = presented.loc[presented["status"] == "accepted"]
    declined = presented.loc[presented["status"] == "declined"]
    presented_value = round(float(presented["total_fee"].sum()), 2)
    accepted_value = round(float(accepted["total_fee"].sum()), 2)
    return {
        "presented": len(presented),
        "accepted": len(accepted),
        "declined": len(declined),
        "pending": len(presented) - len(accepted) - len(declined),
        "acceptance_rate": ratio(len(accepted), len(presented)),
        "presented_value": presented_value,
        "accepted_value": accepted_value,
        "value_acceptance_rate": ratio(accepted_value, presented_value),
    }

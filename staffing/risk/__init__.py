"""Will the period make its SLA? Risk, staffing to a probability, the day re-projected.

Contracts are judged on the service level of a week or a month. This package answers
with probabilities, by replicating the plan's queue-days with the day simulator
(:mod:`staffing.simulation`) and judging each replication as the contract does
(:mod:`staffing.contracts`):

* :func:`period_risk`: the distribution of each period's service level, ``p_meet``
  (the probability it meets its target) and the expected credit;
* :func:`staff_to_probability`: the fewest added agent-hours that lift ``p_meet`` to a
  level in every period, verified on fresh random streams;
* :func:`intraday`: the day re-projected from its actuals so far, in the rules of
  engagement's bands, with the extra agents that bring it back and the last interval
  from which that is possible; with a period, the period-to-date and whether to tell the
  client.
"""

from __future__ import annotations

from staffing.risk.distribution import (
    INTERVAL_RISK_COLUMNS,
    RISK_COLUMNS,
    PeriodRisk,
    RiskWarning,
    period_risk,
)
from staffing.risk.intraday import (
    ACTION_COLUMNS,
    BAND_WORDS,
    DAY_COLUMNS,
    PERIOD_COLUMNS,
    IntradayProjection,
    IntradayWarning,
    intraday,
)
from staffing.risk.probability import STAFF_TO_COLUMNS, StaffedToProbability, staff_to_probability
from staffing.risk.reforecast import RestOfDay, prior_cv_from_history, ratio_reforecast
from staffing.risk.volume import interval_cv

__all__ = [
    "ACTION_COLUMNS",
    "BAND_WORDS",
    "DAY_COLUMNS",
    "INTERVAL_RISK_COLUMNS",
    "PERIOD_COLUMNS",
    "RISK_COLUMNS",
    "STAFF_TO_COLUMNS",
    "IntradayProjection",
    "IntradayWarning",
    "PeriodRisk",
    "RestOfDay",
    "RiskWarning",
    "StaffedToProbability",
    "interval_cv",
    "intraday",
    "period_risk",
    "prior_cv_from_history",
    "ratio_reforecast",
    "staff_to_probability",
]

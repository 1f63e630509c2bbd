"""Interval planning: forecast -> agents per interval -> scheduled staff -> FTE.

:func:`plan` gives the requirement per interval and FTE per period;
:func:`evaluate_staffing` the predicted performance of a roster, flagged on escalation
bands. Both return tables with fixed, documented column lists.
"""

from __future__ import annotations

from staffing.planner.bands import BANDS, escalation_band
from staffing.planner.forecast import (
    FORECAST_COLUMNS,
    interval_seconds,
    prepare_forecast,
    read_forecast,
)
from staffing.planner.planning import (
    EVALUATION_COLUMNS,
    EVALUATION_SUMMARY_COLUMNS,
    INTERVAL_COLUMNS,
    PERIODS,
    SUMMARY_COLUMNS,
    Evaluation,
    Plan,
    evaluate_staffing,
    plan,
    summarise,
)
from staffing.planner.windows import assign_targets, read_targets

__all__ = [
    "BANDS",
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "FORECAST_COLUMNS",
    "INTERVAL_COLUMNS",
    "PERIODS",
    "SUMMARY_COLUMNS",
    "Evaluation",
    "Plan",
    "assign_targets",
    "escalation_band",
    "evaluate_staffing",
    "interval_seconds",
    "plan",
    "prepare_forecast",
    "read_forecast",
    "read_targets",
    "summarise",
]

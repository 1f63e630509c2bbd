"""Interval planning: forecast -> agents per interval -> scheduled staff -> FTE.

:func:`plan` gives the requirement per interval and FTE per period;
:func:`evaluate_staffing` the predicted performance of a roster, flagged on escalation
bands. Both take a :class:`QueueModel` (patience and abandon policy) and
:class:`FteRules` (shrinkage and paid hours), and return tables with fixed, documented
column lists (:mod:`staffing.planner.tables`). Files are read and written by
:mod:`staffing.io`.
"""

from __future__ import annotations

from staffing.planner.bands import BANDS, escalation_band
from staffing.planner.evaluation import evaluate_staffing
from staffing.planner.forecast import FORECAST_COLUMNS, interval_length, prepare_forecast
from staffing.planner.models import FteRules, PatienceWarning, QueueModel
from staffing.planner.requirement import plan
from staffing.planner.sanity import PlanWarning
from staffing.planner.summary import PERIODS, summarise
from staffing.planner.tables import (
    EVALUATION_COLUMNS,
    EVALUATION_SUMMARY_COLUMNS,
    INTERVAL_COLUMNS,
    SUMMARY_COLUMNS,
    Evaluation,
    Plan,
)
from staffing.planner.windows import assign_targets, prepare_targets

__all__ = [
    "BANDS",
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "FORECAST_COLUMNS",
    "INTERVAL_COLUMNS",
    "PERIODS",
    "SUMMARY_COLUMNS",
    "Evaluation",
    "FteRules",
    "PatienceWarning",
    "Plan",
    "PlanWarning",
    "QueueModel",
    "assign_targets",
    "escalation_band",
    "evaluate_staffing",
    "interval_length",
    "plan",
    "prepare_forecast",
    "prepare_targets",
    "summarise",
]

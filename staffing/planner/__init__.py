"""Interval planning: forecast -> agents per interval -> scheduled staff -> FTE.

:func:`plan` gives the requirement per interval and FTE per period;
:func:`evaluate_staffing` the predicted performance of a roster, flagged on escalation
bands. Both take a :class:`QueueModel` (patience and abandon policy) and
:class:`FteRules` (shrinkage and paid hours), and return tables with fixed, documented
column lists (:mod:`staffing.planner.tables`). A forecast may mix voice, chat and
deferred work, with pools and priorities (:mod:`staffing.prepared.channels`,
:class:`ChannelRules`; planned by :mod:`staffing.planner.mixed`). The forecast is set up
once below the planner (:mod:`staffing.prepared`), where :class:`QueueModel` and the
targets per window live too; files are read and written by :mod:`staffing.io`.
"""

from __future__ import annotations

from staffing.planner.bands import BANDS, escalation_band
from staffing.planner.evaluation import EvaluationParts, evaluate_intervals, evaluate_staffing
from staffing.planner.models import FteRules
from staffing.planner.requirement import plan, plan_intervals, round_heads
from staffing.planner.roster import pool_members, pool_name, split_pooled_roster
from staffing.planner.sanity import PlanWarning, SanityCheck
from staffing.planner.summary import PERIODS, SummaryParts, summarise, summarise_channels
from staffing.planner.tables import (
    CHANNEL_EVALUATION_COLUMNS,
    CHANNEL_INTERVAL_COLUMNS,
    CHANNEL_SUMMARY_COLUMNS,
    EVALUATION_COLUMNS,
    EVALUATION_SUMMARY_COLUMNS,
    INTERVAL_COLUMNS,
    SUMMARY_COLUMNS,
    Evaluation,
    Plan,
)
from staffing.prepared import (
    DEFAULT_CHANNEL_MODELS,
    FORECAST_COLUMNS,
    MODELS,
    ChannelRules,
    PatienceWarning,
    QueueModel,
    assign_targets,
    interval_length,
    prepare_targets,
    validate_forecast,
)

#: The name the validated forecast went by before :mod:`staffing.prepared` held it.
prepare_forecast = validate_forecast

__all__ = [
    "BANDS",
    "CHANNEL_EVALUATION_COLUMNS",
    "CHANNEL_INTERVAL_COLUMNS",
    "CHANNEL_SUMMARY_COLUMNS",
    "DEFAULT_CHANNEL_MODELS",
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "FORECAST_COLUMNS",
    "INTERVAL_COLUMNS",
    "MODELS",
    "PERIODS",
    "SUMMARY_COLUMNS",
    "ChannelRules",
    "Evaluation",
    "EvaluationParts",
    "FteRules",
    "PatienceWarning",
    "Plan",
    "PlanWarning",
    "QueueModel",
    "SanityCheck",
    "SummaryParts",
    "assign_targets",
    "escalation_band",
    "evaluate_intervals",
    "evaluate_staffing",
    "interval_length",
    "plan",
    "plan_intervals",
    "pool_members",
    "pool_name",
    "prepare_forecast",
    "prepare_targets",
    "round_heads",
    "split_pooled_roster",
    "summarise",
    "summarise_channels",
    "validate_forecast",
]

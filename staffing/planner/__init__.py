"""Interval planning: forecast -> agents per interval -> scheduled staff -> FTE.

:func:`plan` gives the requirement per interval and FTE per period;
:func:`evaluate_staffing` the predicted performance of a roster, flagged on escalation
bands; :func:`summarise` sums a plan again under other FTE rules or another period. All
take a :class:`QueueModel` (patience and abandon policy) and :class:`FteRules` (shrinkage
and paid hours), and return tables whose fixed, documented column lists are in
:mod:`staffing.planner.tables`. A forecast may mix voice, chat and deferred work, with
pools and priorities (:class:`ChannelRules`). The forecast is set up once below the
planner (:mod:`staffing.prepared`), where :class:`QueueModel` and the targets per window
live too; files are read and written by :mod:`staffing.io`, and a forecast file of any
size is planned in flat memory by :func:`staffing.plan_file`.

This namespace holds what a user plans with. The pieces a chunked run assembles (summary
and evaluation accumulators, the plan's sanity checks, per-chunk planning) live in their
modules (``staffing.planner.summary``, ``.evaluation``, ``.sanity``, ``.requirement``);
names that used to be here still resolve, with a :class:`DeprecationWarning` naming
their home.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from staffing.planner.bands import BANDS, escalation_band
from staffing.planner.evaluation import evaluate_staffing
from staffing.planner.models import FteRules
from staffing.planner.requirement import plan
from staffing.planner.roster import split_pooled_roster
from staffing.planner.sanity import PlanWarning
from staffing.planner.summary import PERIODS, PartialPeriodWarning, summarise
from staffing.planner.tables import Evaluation, Plan
from staffing.prepared import MODELS, ChannelRules, PatienceWarning, QueueModel

__all__ = [
    "BANDS",
    "MODELS",
    "PERIODS",
    "ChannelRules",
    "Evaluation",
    "FteRules",
    "PartialPeriodWarning",
    "PatienceWarning",
    "Plan",
    "PlanWarning",
    "QueueModel",
    "escalation_band",
    "evaluate_staffing",
    "plan",
    "split_pooled_roster",
    "summarise",
]

#: Names this namespace exported before it was curated, and where they live now.
_MOVED: dict[str, tuple[str, str]] = {
    **{
        name: ("staffing.planner.tables", name)
        for name in (
            "CHANNEL_EVALUATION_COLUMNS",
            "CHANNEL_INTERVAL_COLUMNS",
            "CHANNEL_SUMMARY_COLUMNS",
            "EVALUATION_COLUMNS",
            "EVALUATION_SUMMARY_COLUMNS",
            "INTERVAL_COLUMNS",
            "SUMMARY_COLUMNS",
        )
    },
    "SummaryParts": ("staffing.planner.summary", "SummaryParts"),
    "summarise_channels": ("staffing.planner.summary", "summarise_channels"),
    "EvaluationParts": ("staffing.planner.evaluation", "EvaluationParts"),
    "evaluate_intervals": ("staffing.planner.evaluation", "evaluate_intervals"),
    "plan_intervals": ("staffing.planner.requirement", "plan_intervals"),
    "round_heads": ("staffing.planner.requirement", "round_heads"),
    "pool_members": ("staffing.planner.roster", "pool_members"),
    "pool_name": ("staffing.planner.roster", "pool_name"),
    "SanityCheck": ("staffing.planner.sanity", "SanityCheck"),
    "DEFAULT_CHANNEL_MODELS": ("staffing.prepared", "DEFAULT_CHANNEL_MODELS"),
    "FORECAST_COLUMNS": ("staffing.prepared", "FORECAST_COLUMNS"),
    "assign_targets": ("staffing.prepared", "assign_targets"),
    "interval_length": ("staffing.prepared", "interval_length"),
    "prepare_targets": ("staffing.prepared", "prepare_targets"),
    "validate_forecast": ("staffing.prepared", "validate_forecast"),
    "prepare_forecast": ("staffing.prepared", "validate_forecast"),
}


def __getattr__(name: str) -> Any:
    """Resolve a name that moved out of this namespace, with a deprecation warning."""
    if name not in _MOVED:
        raise AttributeError(f"module 'staffing.planner' has no attribute {name!r}")
    module, attr = _MOVED[name]
    warnings.warn(
        f"staffing.planner.{name} moved: import it from {module} (as {attr}); "
        "the old name will be removed in a future release",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(importlib.import_module(module), attr)

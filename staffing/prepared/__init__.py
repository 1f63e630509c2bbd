"""The prepared forecast: a forecast set up once, below everything that plans or simulates it.

The planner, the day simulator, the contracts and the schedules all start from the same
thing: a validated forecast (:func:`validate_forecast`), the queue model that says how its
callers behave (:class:`QueueModel`, reading a saved calibration through
:mod:`staffing.prepared.calibration`), the target set of each interval (default targets,
a targets table's windows, or a plan's own ``target`` column: :mod:`staffing.prepared.windows`),
its channel columns (:mod:`staffing.prepared.channels`) and its queue-days
(:class:`QueueDays`). :func:`prepare` builds them once into a frozen
:class:`PreparedForecast` that those packages take by name.

This package uses the queueing core, the frame helpers and the vocabulary only; every
domain package above may use it, and none of them needs another to read a forecast.
"""

from __future__ import annotations

from staffing.prepared.calibration import (
    CALIBRATION_PERIODS,
    calibrated_patience,
    calibrated_redials,
    calibrated_staffing_factor,
    check_calibration,
    patience_curves,
    patience_for,
)
from staffing.prepared.channels import (
    CHANNEL_COLUMNS,
    DEADLINE_CLOCKS,
    DEFAULT_CHANNEL_MODELS,
    MODELS,
    ChannelRules,
    channel_columns,
    check_simulable,
    has_channels,
)
from staffing.prepared.days import QueueDays, queue_days
from staffing.prepared.forecast import DEFAULT_QUEUE, FORECAST_COLUMNS, validate_forecast
from staffing.prepared.model import PATIENCE_MODELS, PatienceWarning, QueueModel
from staffing.prepared.prepared import (
    PreparedForecast,
    column_keys,
    measures,
    prepare,
    report_thresholds,
    row_chunks,
)
from staffing.prepared.windows import RULE_COLUMNS, assign_targets, prepare_targets
from staffing.vocabulary import interval_length

__all__ = [
    "CALIBRATION_PERIODS",
    "CHANNEL_COLUMNS",
    "DEADLINE_CLOCKS",
    "DEFAULT_CHANNEL_MODELS",
    "DEFAULT_QUEUE",
    "FORECAST_COLUMNS",
    "MODELS",
    "PATIENCE_MODELS",
    "RULE_COLUMNS",
    "ChannelRules",
    "PatienceWarning",
    "PreparedForecast",
    "QueueDays",
    "QueueModel",
    "assign_targets",
    "calibrated_patience",
    "calibrated_redials",
    "calibrated_staffing_factor",
    "channel_columns",
    "check_calibration",
    "check_simulable",
    "column_keys",
    "has_channels",
    "interval_length",
    "measures",
    "patience_curves",
    "patience_for",
    "prepare",
    "prepare_targets",
    "queue_days",
    "report_thresholds",
    "row_chunks",
    "validate_forecast",
]

"""Forecasts from history, judged by their own back-test, and the day reforecast.

* :func:`forecast` turns a history (interval report, call records or counts) into calls
  and handle time per interval, by the method with the lowest rolling-origin error, with
  an interval from its own back-test errors (:class:`ForecastResult`).
* :func:`reforecast` updates the rest of a day from its actual calls so far, by a
  weight learned from how far mornings have predicted afternoons (:class:`Reforecast`).

DataFrames in, DataFrames out; files are read by :mod:`staffing.io`. The ``ets`` method
needs statsmodels (``pip install 'staffing[forecast]'``).
"""

from __future__ import annotations

from staffing.forecasting.backtest import BACKTEST_COLUMNS, LEAD_BUCKETS, Backtest, run_backtest
from staffing.forecasting.bands import RatioBands, conformal_excess, poisson_interval
from staffing.forecasting.counts import (
    COUNT_COLUMNS,
    CountPanel,
    call_counts,
    holiday_factors,
    pool_queues,
)
from staffing.forecasting.forecaster import (
    FORECAST_COLUMNS,
    MAX_HORIZON_DAYS,
    ForecastResult,
    ForecastWarning,
    forecast,
    format_accuracy,
)
from staffing.forecasting.intraday import (
    DEFAULT_DAY_CV,
    REFORECAST_METHODS,
    Reforecast,
    ReforecastWarning,
    learn_weight,
    reforecast,
    reforecast_backtest,
    shrunk_weight,
)
from staffing.forecasting.methods import METHODS, PROFILE_METHODS, ets_available

__all__ = [
    "BACKTEST_COLUMNS",
    "COUNT_COLUMNS",
    "DEFAULT_DAY_CV",
    "FORECAST_COLUMNS",
    "LEAD_BUCKETS",
    "MAX_HORIZON_DAYS",
    "METHODS",
    "PROFILE_METHODS",
    "REFORECAST_METHODS",
    "Backtest",
    "CountPanel",
    "ForecastResult",
    "ForecastWarning",
    "RatioBands",
    "Reforecast",
    "ReforecastWarning",
    "call_counts",
    "conformal_excess",
    "ets_available",
    "forecast",
    "format_accuracy",
    "holiday_factors",
    "learn_weight",
    "poisson_interval",
    "pool_queues",
    "reforecast",
    "reforecast_backtest",
    "run_backtest",
    "shrunk_weight",
]

"""The rest of the day from the morning's actuals: the plain ratio, shrunk.

By noon a day's calls already say whether the forecast was high or low. The plain
reforecast scales the rest of the day's forecast by the ratio of calls offered so far to
calls forecast so far; early in the day that ratio is mostly noise, so it is shrunk
towards 1 by how much a day's level usually strays from its forecast.

:func:`ratio_reforecast` is the one place :func:`staffing.risk.intraday` reforecasts;
``intraday(..., reforecast=...)`` takes any function with its signature (a learned
reforecast can replace it there).

The model (gamma-Poisson): the day's level ``F`` (actual over forecast) has a prior with
mean 1 and coefficient of variation ``prior_cv`` (a gamma with shape ``a = 1 / prior_cv^2``
and rate ``a``); the calls offered so far are Poisson with mean ``F`` times the forecast
so far, ``f``. Having seen ``o`` calls, ``F`` is gamma with shape ``a + o`` and rate
``a + f``, so::

    factor = (a + o) / (a + f) = 1 + w (o / f - 1),   w = f / (f + a)
    cv     = 1 / sqrt(a + o)

The weight ``w`` of the observed ratio grows with the calls seen: with ``prior_cv`` 10%
(``a = 100``) a morning of 100 forecast calls moves the rest of the day half as much as
its ratio, one of 900 calls nine tenths. The rest of the day is simulated with the
factor on its forecast and the remaining uncertainty ``cv`` as its day factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.frames import local_dates

__all__ = ["DEFAULT_PRIOR_CV", "RestOfDay", "prior_cv_from_history", "ratio_reforecast"]

#: Coefficient of variation of a day's level around its forecast, when no history says.
DEFAULT_PRIOR_CV = 0.10


@dataclass(frozen=True)
class RestOfDay:
    """The rest of a day's calls, reforecast.

    Attributes
    ----------
    calls : ndarray
        Reforecast calls of each remaining interval [count].
    factor : float
        The multiplier applied to the forecast.
    cv : float
        Coefficient of variation left on the rest of the day's level.
    ratio : float
        Calls offered so far over calls forecast so far (NaN before any forecast call).
    weight : float
        Weight given to that ratio (0: the forecast kept, 1: the ratio taken as it is).
    """

    calls: np.ndarray
    factor: float
    cv: float
    ratio: float
    weight: float


def ratio_reforecast(
    forecast_so_far: float,
    offered_so_far: float,
    forecast_rest: Any,
    prior_cv: float = DEFAULT_PRIOR_CV,
) -> RestOfDay:
    """The rest of the day scaled by the day's ratio so far, shrunk towards 1.

    Parameters
    ----------
    forecast_so_far : float
        Calls the forecast gave to the intervals already done [count].
    offered_so_far : float
        Calls offered in them [count].
    forecast_rest : array-like
        The forecast of each remaining interval [count].
    prior_cv : float, default 0.1
        Coefficient of variation of a day's level around its forecast (0: keep the
        forecast whatever the morning says).

    Returns
    -------
    RestOfDay

    Notes
    -----
    The gamma-Poisson update of the module notes:
    ``factor = (a + o) / (a + f)``, ``cv = 1 / sqrt(a + o)``, ``a = 1 / prior_cv^2``.

    Examples
    --------
    A morning 20% busier than forecast, 400 calls seen: the rest goes up 16%.

    >>> r = ratio_reforecast(400.0, 480.0, [100.0, 50.0], prior_cv=0.1)
    >>> r.calls.round(6).tolist(), round(r.factor, 4), round(r.weight, 2), round(r.cv, 4)
    ([116.0, 58.0], 1.16, 0.8, 0.0415)
    >>> ratio_reforecast(0.0, 0.0, [100.0], prior_cv=0.1).calls.tolist()
    [100.0]
    """
    rest = np.asarray(forecast_rest, dtype=float)
    f, o, v = float(forecast_so_far), float(offered_so_far), float(prior_cv)
    if not (math.isfinite(f) and f >= 0 and math.isfinite(o) and o >= 0):
        raise StaffingError("calls so far must be finite numbers >= 0")
    if not (math.isfinite(v) and 0.0 <= v <= 1.0):
        raise StaffingError(f"`prior_cv` {prior_cv!r} must lie between 0% and 100%")
    ratio = o / f if f > 0 else float("nan")
    if v == 0.0:
        return RestOfDay(rest.copy(), 1.0, 0.0, ratio, 0.0)
    a = 1.0 / (v * v)
    factor = (a + o) / (a + f)
    return RestOfDay(rest * factor, factor, 1.0 / math.sqrt(a + o), ratio, f / (f + a))


def prior_cv_from_history(history: pd.DataFrame, *, min_days: int = 3) -> dict[str, float]:
    """How much a day's calls stray from the usual for its weekday, per queue.

    Parameters
    ----------
    history : DataFrame
        An interval history (:func:`staffing.io.read_history`): ``interval_start``,
        ``queue``, ``offered``.
    min_days : int, default 3
        Fewest days of a weekday for it to count.

    Returns
    -------
    dict
        Queue -> coefficient of variation of a day's level (0 to 1); queues with too few
        days are left out.

    Notes
    -----
    Per queue and weekday ``w``, over the days of the history: the mean ``m_w`` and
    variance ``s_w^2`` of the day's offered calls; the day's level varies beyond Poisson
    noise by ``cv_w^2 = max(s_w^2 - m_w, 0) / m_w^2``, pooled over the weekdays weighted
    by their days. A weekday mean is a plain forecast: trend and seasons in the history
    count as forecast error, so the figure errs on the high side (the morning is then
    trusted more).

    Examples
    --------
    >>> days = pd.date_range("2024-01-01 09:00", periods=28, freq="D")
    >>> h = pd.DataFrame({"interval_start": days, "queue": "sales",
    ...                   "offered": [900, 1100] * 14})
    >>> round(prior_cv_from_history(h)["sales"], 3)  # sqrt((13333 - 1000) / 1000^2)
    0.111
    """
    if history.empty:
        return {}
    dates = local_dates(history["interval_start"])
    daily = (
        pd.DataFrame(
            {
                "queue": history["queue"].astype(str).to_numpy(),
                "date": dates,
                "offered": pd.to_numeric(history["offered"], errors="coerce").to_numpy(),
            }
        )
        .groupby(["queue", "date"], sort=True)["offered"]
        .sum()
        .reset_index()
    )
    daily["weekday"] = pd.to_datetime(daily["date"]).dt.day_of_week
    out: dict[str, float] = {}
    for queue, block in daily.groupby("queue", sort=True):
        stats = block.groupby("weekday")["offered"].agg(["mean", "var", "count"])
        stats = stats[(stats["count"] >= min_days) & (stats["mean"] > 0)]
        if stats.empty:
            continue
        over = np.maximum(stats["var"] - stats["mean"], 0.0) / stats["mean"] ** 2
        pooled = float((over * stats["count"]).sum() / stats["count"].sum())
        out[str(queue)] = float(min(math.sqrt(pooled), 1.0))
    return out

"""Forecast error as the simulator draws it: a coefficient of variation per interval.

Two sources, one model (:mod:`staffing.risk.replicate`): the realised calls of interval
``k`` are Poisson with mean ``calls_k F_k``, ``F_k`` a gamma factor with mean 1 and
coefficient of variation ``cv_k``, and the factors of one queue-day sit at the same
quantile (the day's forecast errs as a whole, each interval by its own spread).

* ``volume_cv`` (``--volume-cv 8%``): the same ``cv`` for every interval: a per-day
  factor.
* a forecast with a central prediction interval per interval (``staffing forecast``'s
  ``calls_lo`` and ``calls_hi`` at ``coverage``, default 80%): :func:`interval_cv`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from staffing.errors import InputError, StaffingError
from staffing.frames import bad_rows, check_column, numeric_column, require_columns
from staffing.prepared import PreparedForecast, validate_forecast
from staffing.vocabulary import parse_rate

__all__ = ["check_cv", "forecast_volume_cv", "interval_cv"]

#: Columns a forecast must have to give its uncertainty.
FORECAST_INTERVAL_COLUMNS: tuple[str, ...] = ("interval_start", "calls", "calls_lo", "calls_hi")


def check_cv(value: Any, what: str = "`volume_cv`") -> float:
    """A coefficient of variation as a fraction in [0, 1] (``8%``, ``0.08``, ``8``).

    Examples
    --------
    >>> check_cv("8%"), check_cv(0.1)
    (0.08, 0.1)
    >>> check_cv(-0.1)
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: `volume_cv` -0.1 must lie between 0% and 100%
    """
    if isinstance(value, bool) or value is None:
        raise StaffingError(f"{what} {value!r}: give a coefficient of variation, e.g. 8%")
    if isinstance(value, int | float) and not math.isfinite(float(value)):
        raise StaffingError(f"{what} {value!r} must lie between 0% and 100%")
    return parse_rate(value, what=what)


def interval_cv(calls: Any, calls_lo: Any, calls_hi: Any, coverage: float = 0.8) -> np.ndarray:
    """Coefficient of variation of each interval's rate from a central prediction interval.

    Parameters
    ----------
    calls : array-like
        The forecast (the mean) [count].
    calls_lo, calls_hi : array-like
        The central ``coverage`` prediction interval of the calls that will be offered
        [count].
    coverage : float, default 0.8
        Its coverage (0.8: 10% of days below ``calls_lo``, 10% above ``calls_hi``).

    Returns
    -------
    ndarray
        ``cv`` per interval (0 where the interval is no wider than Poisson noise alone).

    Notes
    -----
    The interval is read as the normal approximation of the offered calls, ``N``:
    ``sd(N) = (calls_hi - calls_lo) / (2 z)`` with ``z = Phi^{-1}((1 + coverage) / 2)``
    (1.2816 at 80%). The calls are Poisson around a rate ``calls F`` with ``F`` of mean 1
    and coefficient of variation ``cv``, so ``Var(N) = calls + calls^2 cv^2`` (the
    negative binomial when ``F`` is gamma), and
    ``cv = sqrt(max(sd(N)^2 - calls, 0)) / calls``: the Poisson part of the interval is
    not counted twice, since the simulation draws Poisson arrivals around the factor.

    Examples
    --------
    >>> interval_cv([100.0, 100.0, 0.0], [80.0, 95.0, 0.0], [120.0, 105.0, 0.0]).round(4).tolist()
    [0.1198, 0.0, 0.0]
    """
    mean = np.asarray(calls, dtype=float)
    lo = np.asarray(calls_lo, dtype=float)
    hi = np.asarray(calls_hi, dtype=float)
    if not 0.0 < coverage < 1.0:
        raise StaffingError(f"`coverage` {coverage!r}: give a share between 0% and 100%")
    z = float(special.ndtri(0.5 + coverage / 2.0))
    sd = (hi - lo) / (2.0 * z)
    extra = np.maximum(sd * sd - mean, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean > 0, np.sqrt(extra) / mean, 0.0)
    return np.asarray(cv, dtype=float)


def forecast_volume_cv(
    p: PreparedForecast, forecast: pd.DataFrame, coverage: float = 0.8
) -> np.ndarray:
    """Each plan row's ``cv`` from a forecast's prediction intervals (:func:`interval_cv`).

    The forecast's rows are matched to the plan's by queue and ``interval_start``; its
    interval is taken relative to its own ``calls`` and applied to the plan's calls (a
    plan made on this forecast has the same calls).

    Raises
    ------
    InputError
        A missing column; bounds that are missing, negative or the wrong way round
        (naming the rows); plan intervals with calls that the forecast does not cover.
    """
    src = str(forecast.attrs.get("source", "forecast"))
    require_columns(forecast, list(FORECAST_INTERVAL_COLUMNS), source=src)
    f = validate_forecast(forecast.drop(columns=["aht_s"], errors="ignore").assign(aht_s=1.0))
    f.attrs["source"] = src
    lo = numeric_column(f, "calls_lo", source=src).to_numpy(dtype=float)
    hi = numeric_column(f, "calls_hi", source=src).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        check_column(f, "calls_lo", np.isfinite(lo) & (lo >= 0), "missing or negative", source=src)
        check_column(
            f, "calls_hi", np.isfinite(hi) & (hi >= lo), "missing or below calls_lo", source=src
        )
    cv = interval_cv(f["calls"].to_numpy(dtype=float), lo, hi, coverage)
    key = pd.MultiIndex.from_arrays([f["queue"].astype(str), f["interval_start"]])
    lookup = pd.Series(cv, index=key)
    lookup = lookup[~lookup.index.duplicated()]
    plan_key = pd.MultiIndex.from_arrays([p.frame["queue"].astype(str), p.frame["interval_start"]])
    found = lookup.reindex(plan_key).to_numpy(dtype=float)
    missing = np.isnan(found) & (p.calls > 0)
    if missing.any():
        rows = bad_rows(~missing)
        first = p.frame.iloc[int(np.flatnonzero(missing)[0])]
        raise InputError(
            f"{int(missing.sum())} plan interval(s) with calls have no row in {src} (first: "
            f"{first['queue']} {first['interval_start']:%Y-%m-%d %H:%M}): give a forecast "
            "covering the plan",
            source=p.source,
            rows=rows,
        )
    return np.where(np.isnan(found), 0.0, found)

"""The modified offered load of a time-varying forecast.

Staffing every interval from its own ``calls * aht_s / interval_s`` (the stationary
independent period-by-period method, SIPP) ignores that calls in service carry over: after a
peak the agents are still busy with the peak's calls, and at opening the system is empty.
The *offered load* of a time-varying arrival rate is the mean number of calls in service in
the infinite-server system fed by it; staffing an interval with Erlang C or Erlang A on its
interval-average offered load in place of the stationary workload is the modified offered
load (MOL) method.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from staffing.errors import StaffingError
from staffing.queueing._arrays import broadcast, wrap

__all__ = ["offered_load"]


def _stop_loss_2(y: np.ndarray, aht_s: np.ndarray, service_cv: float | None) -> np.ndarray:
    """``Q(y) = E[(S - y)_+^2]`` for service time ``S`` with mean ``aht_s``, ``y >= 0``."""
    h = aht_s
    if service_cv is None:  # exponential: Q(y) = 2 h^2 exp(-y / h)
        return 2.0 * h * h * np.exp(-y / h)
    if service_cv == 0.0:  # deterministic
        return np.maximum(h - y, 0.0) ** 2
    # Lognormal with E[S] = h: sigma^2 = log(1 + cv^2), mu = log(h) - sigma^2 / 2; partial
    # moments E[S^k; S > y] = exp(k mu + k^2 sigma^2 / 2) Phibar((log y - mu) / sigma - k sigma)
    s2 = np.log1p(service_cv * service_cv)
    s = np.sqrt(s2)
    with np.errstate(divide="ignore"):
        z = (np.log(y) - np.log(h) + 0.5 * s2) / s
    tail0 = special.ndtr(-z)
    tail1 = h * special.ndtr(s - z)
    tail2 = h * h * (1.0 + service_cv * service_cv) * special.ndtr(2.0 * s - z)
    return np.maximum(tail2 - 2.0 * y * tail1 + y * y * tail0, 0.0)


def offered_load(
    calls: Any,
    aht_s: Any,
    *,
    interval_s: Any = 1800,
    service_cv: float | None = None,
    day: Any = None,
) -> Any:
    """Interval-average offered load of a time-varying forecast (the modified offered load).

    Parameters
    ----------
    calls : 1-d array or Series
        Calls offered per interval [count], consecutive intervals in time order.
    aht_s : float, 1-d array or Series
        Average handle time of calls arriving in each interval [s].
    interval_s : float, 1-d array or Series, default 1800
        Interval length [s].
    service_cv : float or None, default None
        Coefficient of variation of service times: ``None`` for exponential service,
        otherwise lognormal with that coefficient (``0`` for constant service times).
    day : 1-d array or Series, optional
        A label per interval (e.g. the date); the system starts empty at the first interval
        of each run of equal labels. ``None``: all intervals are one day.

    Returns
    -------
    ndarray or Series
        Mean number of calls in service over each interval [Erlangs]; a Series when a
        Series came in.

    Notes
    -----
    Calls arriving in interval ``j`` (rate ``lambda_j = calls_j / interval_s_j`` on
    ``[b_j, b_j + L_j)``) have service times ``S_j`` with survival function ``Gc_j`` and
    mean ``aht_s_j``. In the infinite-server system each call is served at once, so the
    mean number in service is ([1]_, [2]_)

    ``m(t) = sum_j lambda_j integral_{I_j, u <= t} Gc_j(t - u) du``.

    Its average over interval ``k`` is a double integral of ``Gc``, in closed form through
    the stop-loss moment ``Q_j(y) = E[(S_j - y)_+^2]``: for ``k = j``,
    ``(lambda_j / L_j) (L_j aht_j - E[S_j^2] / 2 + Q_j(L_j) / 2)``, and for ``k > j`` with
    ``x = b_k - b_j``,

    ``(lambda_j / (2 L_k)) [Q_j(x + L_k) - Q_j(x) - Q_j(x + L_k - L_j) + Q_j(x - L_j)]``.

    This is the convolution of the arrival rate with the service-time survival function
    evaluated exactly. For exponential service ``Q(y) = 2 h^2 exp(-y / h)`` and the result
    is the interval mean of the first-order filter ``m_j' = lambda_j 1{t in I_j} - m_j /
    aht_j`` (one filter per arrival interval, since a call keeps the AHT of the interval it
    arrives in; with one AHT, ``m' = lambda(t) - m / aht``), written as
    ``lambda_j h^2 / L_k exp(-(x - L_j)/h) (1 - exp(-L_j/h)) (1 - exp(-L_k/h))`` for
    ``k > j``. Lognormal service uses its partial moments; constant service
    ``Q(y) = (h - y)_+^2``.

    A long stationary day tends to ``calls * aht_s / interval_s``; the opening interval is
    below it (the system starts empty) and an interval after a drop in calls is above it
    (the earlier calls are still in service). The work is a loop over lags (at most the
    number of intervals in a day), vectorised over all intervals.

    References
    ----------
    .. [1] O. B. Jennings, A. Mandelbaum, W. A. Massey and W. Whitt, "Server staffing to
       meet time-varying demand", Management Science 42(10), 1996, 1383-1394.
       doi:10.1287/mnsc.42.10.1383
    .. [2] L. V. Green, P. J. Kolesar and W. Whitt, "Coping with time-varying demand when
       setting staffing requirements for a service system", Production and Operations
       Management 16(1), 2007, 13-39. doi:10.1111/j.1937-5956.2007.tb00164.x

    Examples
    --------
    A peak of 200 calls in the second half hour, 300 s handle time: the first interval
    starts empty, the third still serves the peak's calls.

    >>> load = offered_load([100, 200, 50], 300, interval_s=1800)
    >>> [round(float(x), 3) for x in load]
    [13.896, 30.556, 12.483]
    >>> [round(c * 300 / 1800, 3) for c in (100, 200, 50)]  # the stationary workloads
    [16.667, 33.333, 8.333]
    """
    if service_cv is not None and not (np.isfinite(service_cv) and service_cv >= 0.0):
        raise StaffingError(f"give `service_cv` as a number >= 0 or None (got {service_cv!r})")
    arrays, template = broadcast(calls, aht_s, interval_s)
    c, h, iv = arrays
    if c.ndim != 1:
        raise StaffingError("give `calls` as a 1-d sequence of consecutive intervals")
    with np.errstate(invalid="ignore"):
        if not np.all(np.isfinite(c) & (c >= 0)):
            raise StaffingError("`calls` must be finite and >= 0")
        if not np.all(np.isfinite(h) & (h > 0)):
            raise StaffingError("`aht_s` must be finite and > 0")
        if not np.all(np.isfinite(iv) & (iv > 0)):
            raise StaffingError("`interval_s` must be finite and > 0")
    size = c.size
    if day is None:
        opening = np.zeros(size, dtype=bool)
    else:
        labels = np.asarray(getattr(day, "to_numpy", lambda: day)())
        if labels.shape != (size,):
            raise StaffingError("`day` must give one label per interval")
        opening = np.empty(size, dtype=bool)
        opening[1:] = labels[1:] != labels[:-1]
    if size:
        opening[0] = True
    # Position in the day and the start of each interval (differences within a day only).
    run = np.cumsum(opening) - 1
    first = np.flatnonzero(opening)
    position = np.arange(size) - first[run] if size else np.zeros(0, dtype=np.intp)
    start = np.concatenate([[0.0], np.cumsum(iv)[:-1]]) if size else np.zeros(0)

    rate = c / iv  # lambda_j [1/s]
    load = np.zeros(size)
    if size == 0:
        return wrap(load, template)
    # Lag 0: calls arriving in their own interval.
    second = h * h * (2.0 if service_cv is None else 1.0 + service_cv * service_cv)  # E[S^2]
    if service_cv is None:
        # lambda h [1 - (h / L)(1 - exp(-L / h))], the filter started empty
        load += rate * h * (1.0 - (h / iv) * -np.expm1(-iv / h))
    else:
        own = iv * h - 0.5 * second + 0.5 * _stop_loss_2(iv, h, service_cv)
        load += rate * own / iv
    # Lags 1, 2, ...: calls of interval j = k - d still in service during interval k.
    for d in range(1, int(position.max()) + 1):
        k = np.flatnonzero(position >= d)
        j = k - d
        hj, lj, lk = h[j], iv[j], iv[k]
        x = start[k] - start[j]  # b_k - b_j >= L_j
        if service_cv is None:
            term = (
                rate[j]
                * hj
                * hj
                / lk
                * np.exp(-(x - lj) / hj)
                * -np.expm1(-lj / hj)
                * -np.expm1(-lk / hj)
            )
        else:
            q = _stop_loss_2
            diff = (
                q(x + lk, hj, service_cv)
                - q(x, hj, service_cv)
                - q(x + lk - lj, hj, service_cv)
                + q(x - lj, hj, service_cv)
            )
            term = rate[j] * 0.5 * diff / lk
        load[k] += term
    return wrap(load, template)

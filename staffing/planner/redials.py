"""Callers who call back, through the day: an interval's abandons come back later.

In steady state a redial is one more arrival of the same interval
(:mod:`staffing.queueing.redial`). Over a day the load moves in time: the callers who hang
up at 11:50 call again at 12:00 or 13:00, by the delay distribution (exponential with
``redial_delay_s``, or a calibration's empirical curve). The plan follows them forward in
time.

The model
---------
Interval ``k`` of a queue (length ``L``, on the queue's grid of intervals) is offered
``x_k`` attempts: its fresh calls ``f_k``, the redials and reconnects of earlier
intervals that fall in it, ``I_k``, and those of its own callers that come back before it
ends. A caller hanging up at a uniform time in interval ``j`` comes back, ``D`` later, in
interval ``j + m`` with probability

``w_m = [Phi((m+1) L) - 2 Phi(m L) + Phi((m-1) L)] / L``,  ``w_0 = Phi(L) / L``,

where ``Phi(x) = int_0^x F(u) du`` integrates the delay's distribution function ``F``. So
each interval solves its own fixed point with the shares that come back within it,

``x_k = f_k + I_k + w_0 (r x_k P_k(x_k) + c x_k (1 - P_k(x_k)))``,

sends ``w_m (r x_k P_k + c x_k (1 - P_k))`` to interval ``k + m``, and

``I_k = sum_{m >= 1} w_m (r x_{k-m} P_{k-m} + c x_{k-m} (1 - P_{k-m}))``.

Attempts that would fall in a closed interval (not in the forecast) or after its last one
are not made. A plan staffs each interval for its targets at its fixed point (``P_k``
depends on the interval's agents); the customer abandon rate of an interval is the
steady-state one at its ``P_k`` with the whole shares,
``P (1 - r) / (1 - r P - c (1 - P))``.

How it is solved
----------------
Interval ``k`` depends only on earlier intervals and on itself, so the whole horizon is
solved in sweeps, every interval of every queue at once (vectorised): sweep ``s`` solves
each interval (its staffing and fixed point) with the inflow of the previous sweep, then
the inflow is recomputed by one convolution per queue. After ``s`` sweeps the first ``s``
intervals of every queue are final, and in practice a handful of sweeps settles all of
them (each redial's influence decays with ``r P``); the next sweep only re-solves the
intervals whose inflow moved, and the loop stops when none moved by more than ``1e-13``
of its attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.planner.tables import REDIAL_COLUMNS
from staffing.prepared import PreparedForecast
from staffing.queueing.redial import (
    RedialDelay,
    abandon_share,
    redial_requirement,
    solve_attempts,
)

__all__ = [
    "REDIAL_COLUMNS",
    "RedialDay",
    "forward_redials",
    "redial_columns",
    "redial_kernel",
]

_TOL = 1e-13  # inflow moved by less than this share of the attempts: settled


def redial_kernel(delay: RedialDelay, interval_s: float) -> np.ndarray:
    """Where the callers of one interval come back: ``w[m]`` in ``m`` intervals' time.

    Parameters
    ----------
    delay : RedialDelay
        The delay's distribution.
    interval_s : float
        Interval length [s].

    Returns
    -------
    ndarray
        ``w[0]`` (the same interval), ``w[1]``, ... (module notes); they add up to 1,
        the last one covering the delay's horizon.

    Examples
    --------
    Half-hour intervals, a mean delay of 10 minutes: 68% call again before the interval
    of their abandon ends (``1 - (1 - e^-3) / 3``), 30% in the next one.

    >>> w = redial_kernel(RedialDelay.exponential(600), 1800)
    >>> w[:3].round(4).tolist(), round(float(w.sum()), 12)
    ([0.6833, 0.301, 0.015], 1.0)
    """
    length = float(interval_s)
    lags = int(np.ceil(delay.horizon_s / length)) + 2
    m = np.arange(lags + 1, dtype=float)
    phi = delay.integrated_cdf(m * length)  # Phi(0), Phi(L), ...
    w = np.empty(lags)
    w[0] = phi[1] / length
    w[1:] = (phi[2:] - 2.0 * phi[1:-1] + phi[:-2]) / length
    return np.clip(w, 0.0, None)


@dataclass(frozen=True)
class RedialDay:
    """The forward solve of a forecast with redials (every row).

    Attributes
    ----------
    agents : ndarray
        Agents per row (the plan's, or the staffing given).
    attempts : ndarray
        Attempts offered per row: fresh calls, redials and reconnects.
    aht_s : ndarray
        Handle time per row [s] (where a row has no fresh calls, its queue's mean, for the
        redials it receives).
    abandon_rate : ndarray
        Share of attempts abandoning per row.
    sweeps : int
        Sweeps until the inflow settled.
    """

    agents: np.ndarray
    attempts: np.ndarray
    aht_s: np.ndarray
    abandon_rate: np.ndarray
    sweeps: int


@dataclass(frozen=True)
class _Queue:
    rows: np.ndarray  # positions, in time order
    grid: np.ndarray  # interval number from the queue's first interval
    kernel: np.ndarray


def _queues(p: PreparedForecast, again: np.ndarray) -> list[_Queue]:
    """The queues with redials, each on its grid of intervals with its kernel."""
    stamps = p.frame["interval_start"]
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = stamps.to_numpy().astype("datetime64[ns]").astype(np.int64)
    out = []
    names = p.queues.astype(str)
    for name, delay in p.redial_delays.items():
        rows = np.flatnonzero((names == name) & again)
        if rows.size == 0:
            continue
        rows = rows[np.argsort(ns[rows], kind="stable")]
        length = float(p.interval_s[rows[0]])
        grid = np.round((ns[rows] - ns[rows[0]]) / (length * 1e9)).astype(np.int64)
        out.append(_Queue(rows, grid, redial_kernel(delay, length)))
    return out


def _inflow(queues: list[_Queue], out: np.ndarray, size: int) -> np.ndarray:
    """Redials and reconnects each row receives from earlier intervals of its queue."""
    inflow = np.zeros(size)
    for q in queues:
        span = int(q.grid[-1]) + 1
        series = np.zeros(span)
        series[q.grid] = out[q.rows]
        later = q.kernel.copy()
        later[0] = 0.0  # the interval's own come back within its fixed point
        inflow[q.rows] = np.convolve(series, later)[:span][q.grid]
    return inflow


def forward_redials(
    p: PreparedForecast,
    agents: np.ndarray | None = None,
    progress: Callable[[int], None] | None = None,
) -> RedialDay:
    """Follow callers who call again through the horizon (module notes).

    Parameters
    ----------
    p : PreparedForecast
        The forecast (its ``calls`` are fresh calls), its targets and queue model with
        redials (:attr:`PreparedForecast.has_redials`).
    agents : ndarray, optional
        A given staffing per row (an evaluation); by default each interval is staffed
        with the fewest agents meeting its targets at its own fixed point (a plan).
    progress : callable, optional
        Called with the number of rows solved in the first sweep.

    Returns
    -------
    RedialDay

    Raises
    ------
    StaffingError
        A queue with redials and no delay; targets no staffing meets.

    Examples
    --------
    >>> from staffing.prepared import QueueModel, prepare
    >>> f = pd.DataFrame({"interval_start": pd.date_range("2025-03-03 09:00", periods=3,
    ...                                                   freq="30min"),
    ...                   "calls": [300.0, 100.0, 100.0], "aht_s": 180.0})
    >>> model = QueueModel(patience_s=120, redial=0.6, redial_delay_s=600)
    >>> day = forward_redials(prepare(f, "80/20", model=model))
    >>> day.agents.tolist(), day.attempts.round(1).tolist()
    ([32.0, 13.0, 13.0], [307.6, 105.5, 103.0])
    """
    from staffing.planner.voice import solve_rows

    size = len(p)
    aht = p.aht_filled_s
    r = np.nan_to_num(p.redial_share)
    c = p.reconnect_share
    again = np.isfinite(p.redial_share) | (c > 0)
    queues = _queues(p, again)
    staff = np.zeros(size) if agents is None else np.asarray(agents, dtype=float).copy()
    fresh = p.calls
    attempts = fresh.copy()
    abandon = np.zeros(size)
    plain = np.flatnonzero(~again)
    if agents is None and plain.size:
        staff[plain] = solve_rows(p, fresh, progress, plain)[plain]
    if plain.size:
        abandon[plain] = _abandon(p, plain, staff, fresh, aht)
    w0 = np.zeros(size)
    for q in queues:
        w0[q.rows] = q.kernel[0]
    rows = np.flatnonzero(again)
    inflow = np.zeros(size)
    sweeps = 0
    todo = rows
    while todo.size:
        sweeps += 1
        if sweeps > rows.size + 2:  # pragma: no cover - bounded by causality
            raise StaffingError("the redials through the day did not settle")
        e = fresh + inflow
        if agents is None:
            staff[todo] = _staff(p, todo, e, aht, w0 * r, w0 * c, r, c)
            if progress is not None and sweeps == 1:
                progress(int(todo.size))
        for curve, part in p.patience_groups(todo):
            attempts[part] = solve_attempts(
                e[part],
                staff[part],
                aht[part],
                p.interval_s[part],
                None if curve is not None else p.patience_s[part],
                curve,
                w0[part] * r[part],
                w0[part] * c[part],
            )
        abandon[todo] = _abandon(p, todo, staff, attempts, aht)
        out = attempts * (r * abandon + c * (1.0 - abandon))
        new = _inflow(queues, out, size)
        moved = np.abs(new - inflow) > _TOL * (fresh + new) + 1e-300
        inflow = new
        todo = rows[moved[rows]]
    return RedialDay(staff, attempts, aht, abandon, sweeps)


def _abandon(
    p: PreparedForecast, rows: np.ndarray, staff: np.ndarray, calls: np.ndarray, aht: np.ndarray
) -> np.ndarray:
    """Share of attempts abandoning in ``rows``, by patience group, in the order of ``rows``."""
    out = np.zeros(len(p))
    for curve, part in p.patience_groups(rows):
        out[part] = abandon_share(
            staff[part],
            calls[part],
            aht[part],
            p.interval_s[part],
            None if curve is not None else p.patience_s[part],
            curve,
        )
    return out[rows]


def _staff(
    p: PreparedForecast,
    rows: np.ndarray,
    e: np.ndarray,
    aht: np.ndarray,
    redial: np.ndarray,
    reconnect: np.ndarray,
    whole_redial: np.ndarray,
    whole_reconnect: np.ndarray,
) -> np.ndarray:
    """The fewest agents of ``rows`` at their fixed points, by target set and curve."""
    out = np.zeros(len(p))
    for targets, group in p.target_groups(rows):
        for curve, part in p.patience_groups(group):
            out[part] = redial_requirement(
                e[part],
                aht[part],
                p.interval_s[part],
                None if curve is not None else p.patience_s[part],
                curve,
                targets,
                p.abandon_policy,
                redial[part],
                reconnect[part],
                customer=(whole_redial[part], whole_reconnect[part]),
            )
    return out[rows]


def redial_columns(
    p: PreparedForecast, day: RedialDay, values: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The interval table's redial columns.

    :data:`REDIAL_COLUMNS`, and ``calls`` and ``workload_erlangs`` of the attempts offered.

    ``lost_customers`` counts the attempts of the interval that abandon and are not
    followed by another: customers who gave up for good. ``redial_delay_s`` is the mean
    delay (exponential, or of the calibrated curve).
    """
    r = p.redial_share
    share = np.nan_to_num(r)
    ab = values["abandon_rate"]
    means = {q: d.mean_s for q, d in p.redial_delays.items()}
    delay = pd.Series(p.queues.astype(str)).map(means).to_numpy(dtype=float)
    again = np.isfinite(r) | (p.reconnect_share > 0)
    return {
        "calls": day.attempts,
        "workload_erlangs": day.attempts * day.aht_s / p.interval_s,
        "fresh_calls": p.calls,
        "redial_calls": day.attempts - p.calls,
        "offered_attempts": day.attempts,
        "lost_customers": (1.0 - share) * ab * day.attempts,
        "customer_abandon_rate": values["customer_abandon_rate"],
        "redial": r,
        "reconnect": p.reconnect_share,
        "redial_delay_s": np.where(again, delay, np.nan),
    }

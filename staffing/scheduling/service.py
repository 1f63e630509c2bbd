"""Service level of a pool per interval, and its concave piecewise-linear model.

The pool's service level in an interval with ``n`` agents on the phones is the
calls-weighted mean of its queues' service levels, each queue having its share of the
``n`` agents (see :mod:`staffing.scheduling.requirement`):

    SL(n) = sum_q calls_q * SL_q(n * share_q) / sum_q calls_q

with ``SL_q`` from :func:`staffing.evaluate` (Erlang C, or Erlang A where the queue has a
patience). Above a few agents ``SL(n)`` is increasing and concave in ``n``; the
``service`` objective of :func:`staffing.scheduling.schedule` takes it, after Koole and
van der Sluis (2003), as the lower envelope of its chords between whole numbers of
agents, from the first ``n`` where it is concave (and, for Erlang C, where the queue is
stable: ``n`` above the workload) onwards; below that point no schedule may go.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.queueing import evaluate
from staffing.scheduling.requirement import Requirement

__all__ = ["ServiceCurves", "pool_service_level", "service_curves"]

_DEFAULT_THRESHOLD_S = 20.0
_FLAT = 1e-7  # service level counted as reached within this of 1
_CONCAVE_TOL = 1e-12


@dataclass(frozen=True)
class ServiceCurves:
    """Concave piecewise-linear service level per interval with calls.

    Attributes
    ----------
    slots : ndarray of int
        Positions of the intervals (in the horizon) with calls.
    weights : ndarray
        Calls offered in each.
    floor : ndarray of int
        Fewest agents allowed in each (concave and stable from there).
    segment : ndarray of int
        Interval (position in ``slots``) of each chord.
    at : ndarray of int
        Agents at the chord's left end ``m``.
    value, slope : ndarray
        ``SL(m)`` and ``SL(m + 1) - SL(m)``: the chord is ``value + slope * (n - m)``.
    top : ndarray
        Service level at the last point of each interval's curve (the cap beyond it).
    """

    slots: np.ndarray
    weights: np.ndarray
    floor: np.ndarray
    segment: np.ndarray
    at: np.ndarray
    value: np.ndarray
    slope: np.ndarray
    top: np.ndarray


def _thresholds(rows: pd.DataFrame, threshold_s: float | None) -> np.ndarray:
    if threshold_s is not None:
        return np.full(len(rows), float(threshold_s))
    given = rows["threshold_s"].to_numpy(dtype=float)
    return np.where(np.isfinite(given), given, _DEFAULT_THRESHOLD_S)


def _queue_levels(
    rows: pd.DataFrame,
    agents: np.ndarray,
    interval_s: float,
    threshold_s: float | None,
    abandon_policy: str,
) -> np.ndarray:
    """Service level of each queue row with ``agents`` (the pool's) on the phones."""
    m = evaluate(
        rows["calls"].to_numpy(),
        rows["aht_s"].to_numpy(),
        agents * rows["share"].to_numpy(),
        interval_s=interval_s,
        threshold_s=_thresholds(rows, threshold_s),
        patience_s=rows["patience_s"].to_numpy(),
        abandon_policy=abandon_policy,  # type: ignore[arg-type]
    )
    return np.asarray(m.service_level, dtype=float)


def pool_service_level(
    requirement: Requirement,
    on_phones: np.ndarray,
    *,
    threshold_s: float | None = None,
    abandon_policy: str = "fail",
) -> np.ndarray:
    """Service level per interval of the horizon with ``on_phones`` agents (module notes).

    Parameters
    ----------
    requirement : Requirement
        With per-queue calls (``requirement.queues``); without them the result is NaN.
    on_phones : ndarray
        Agents on the phones per interval of the horizon (may be fractional).
    threshold_s : float, optional
        Service-level threshold [s]; default the requirement's ``threshold_s`` per row,
        else 20 s.
    abandon_policy : str, default "fail"
        See :func:`staffing.evaluate`.

    Returns
    -------
    ndarray
        One value per interval; NaN where no calls are offered.

    Examples
    --------
    One queue, 100 calls of 180 s in half an hour, 14 agents (the example of
    :func:`staffing.evaluate`):

    >>> from staffing.scheduling.requirement import prepare_requirement
    >>> t = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "agents": [14, 0], "calls": [100.0, 0.0], "aht_s": [180.0, 180.0]})
    >>> r = prepare_requirement(t)
    >>> sl = pool_service_level(r, np.full(r.required.size, 14.0))
    >>> round(float(sl[18]), 5), bool(np.isnan(sl[19]))
    (0.88835, True)
    """
    out = np.full(requirement.required.size, np.nan)
    rows = requirement.queues
    if rows is None or rows.empty:
        return out
    slot = rows["slot"].to_numpy()
    sl = _queue_levels(
        rows,
        np.asarray(on_phones, dtype=float)[slot],
        requirement.interval_s,
        threshold_s,
        abandon_policy,
    )
    calls = rows["calls"].to_numpy()
    num = np.zeros(out.size)
    den = np.zeros(out.size)
    np.add.at(num, slot, calls * sl)
    np.add.at(den, slot, calls)
    has = den > 0
    out[has] = num[has] / den[has]
    return out


def service_curves(
    requirement: Requirement,
    *,
    threshold_s: float | None = None,
    abandon_policy: str = "fail",
    interval_floor: float | None = None,
) -> ServiceCurves:
    """Chords of each interval's concave service-level curve, for the ``service`` objective.

    Parameters
    ----------
    requirement : Requirement
        With per-queue calls and handle times.
    threshold_s : float, optional
        Service-level threshold [s] (default: the table's, else 20 s).
    abandon_policy : str, default "fail"
        See :func:`staffing.evaluate`.
    interval_floor : float, optional
        Lowest service level allowed in any interval (a fraction): raises ``floor``.

    Returns
    -------
    ServiceCurves

    Notes
    -----
    For each interval the curve is evaluated at ``n = 0, 1, ..., N`` with
    ``N = ceil(a + 8 sqrt(a) + 10)`` (``a`` the pool's workload), far enough that
    ``SL(N)`` is within ``1e-7`` of its limit for the usual thresholds; ``floor`` is the
    first ``n`` from which the increments ``SL(n + 1) - SL(n)`` no longer rise and at
    which ``SL(n) > 0``. The chords from ``floor`` onwards lie on or below the curve
    (Koole and van der Sluis 2003), so a schedule judged by them is never judged better
    than it is.

    References
    ----------
    .. [1] G. Koole and E. van der Sluis, "Optimal shift scheduling with a global service
       level constraint", IIE Transactions 35(11), 1049-1055, 2003.
       :doi:`10.1080/07408170304394`

    Examples
    --------
    >>> from staffing.scheduling.requirement import prepare_requirement
    >>> t = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "agents": [14, 14], "calls": [100.0, 100.0], "aht_s": [180.0] * 2})
    >>> c = service_curves(prepare_requirement(t))
    >>> c.slots.tolist(), c.floor.tolist()  # workload 10 erlangs: stable from 11 agents
    ([18, 19], [11, 11])
    """
    rows = requirement.queues
    if rows is None or rows.empty:
        raise ValueError("the requirement has no calls")
    slots, pos = np.unique(rows["slot"].to_numpy(), return_inverse=True)
    load = np.zeros(slots.size)
    np.add.at(load, pos, (rows["calls"] * rows["aht_s"]).to_numpy() / requirement.interval_s)
    weights = np.zeros(slots.size)
    np.add.at(weights, pos, rows["calls"].to_numpy())
    top_n = np.ceil(load + 8.0 * np.sqrt(load) + 10.0).astype(np.int64)
    levels = _grid_levels(rows, pos, top_n, requirement.interval_s, threshold_s, abandon_policy)

    floor = np.zeros(slots.size, dtype=np.int64)
    seg_i: list[np.ndarray] = []
    seg_m: list[np.ndarray] = []
    seg_v: list[np.ndarray] = []
    seg_s: list[np.ndarray] = []
    top = np.ones(slots.size)
    for i, sl in enumerate(levels):
        inc = np.diff(sl)
        rising = np.flatnonzero(inc[1:] > inc[:-1] + _CONCAVE_TOL)
        lo = int(rising[-1]) + 1 if rising.size else 0
        lo = max(lo, int(np.argmax(sl > 0.0)))
        if interval_floor is not None:
            meets = np.flatnonzero(sl >= interval_floor)
            lo = max(lo, int(meets[0]) if meets.size else sl.size - 1)
        reached = np.flatnonzero(sl[lo:] >= sl[-1] - _FLAT)
        hi = lo + int(reached[0])
        floor[i] = lo
        top[i] = sl[hi]
        m = np.arange(lo, hi)
        seg_i.append(np.full(m.size, i))
        seg_m.append(m)
        seg_v.append(sl[lo:hi])
        seg_s.append(inc[lo:hi])
    return ServiceCurves(
        slots=slots,
        weights=weights,
        floor=floor,
        segment=np.concatenate(seg_i).astype(np.int64),
        at=np.concatenate(seg_m).astype(np.int64),
        value=np.concatenate(seg_v),
        slope=np.concatenate(seg_s),
        top=top,
    )


def _grid_levels(
    rows: pd.DataFrame,
    pos: np.ndarray,
    top_n: np.ndarray,
    interval_s: float,
    threshold_s: float | None,
    abandon_policy: str,
) -> list[np.ndarray]:
    """``SL(n)`` for ``n = 0..top_n[i]`` of every interval, in one vectorised evaluation."""
    reps = top_n[pos] + 1
    expanded = rows.iloc[np.repeat(np.arange(len(rows)), reps)].reset_index(drop=True)
    starts = np.cumsum(reps) - reps
    n = np.arange(reps.sum()) - np.repeat(starts, reps)
    sl = _queue_levels(expanded, n.astype(float), interval_s, threshold_s, abandon_policy)
    calls = expanded["calls"].to_numpy()
    # pool level: calls-weighted over the interval's queues at each n
    key = np.repeat(pos, reps) * (int(top_n.max()) + 1) + n
    width = int(top_n.max()) + 1
    num = np.zeros(top_n.size * width)
    den = np.zeros(top_n.size * width)
    np.add.at(num, key, calls * sl)
    np.add.at(den, key, calls)
    grid = (num / np.where(den > 0, den, 1.0)).reshape(top_n.size, width)
    return [grid[i, : top_n[i] + 1] for i in range(top_n.size)]

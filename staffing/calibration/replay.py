"""The history's own days simulated again: what the model says should have happened.

The back-test and the effective-staffing fit need to know what a model *would* give on
the very intervals of a history, by simulation: the service level a continuous day with
the history's calls, handle times and staffing produces (the simulation model), how far
one such day strays from its mean (the noise floor), and the histories a model would have
written (the bias of an estimator). :func:`replay_days` does all three on one queue's
days at once, with the simulation engine's kernel (:func:`staffing.simulation.engine.advance`).

The model, in words
-------------------
* **Days.** Each calendar day of the history is one day of ``K`` intervals of the
  history's length from midnight; it starts empty. Intervals the history does not have
  carry no calls; their staffing is the nearest interval's of the same day.
* **Calls.** ``counts="exact"``: each interval receives exactly the calls the history
  recorded, at uniform times within it (a Poisson process given its count); ``"poisson"``:
  a Poisson number with the recorded count as its mean (a history the model could have
  written).
* **Service.** First come, first served; a call's service time is exponential with the
  mean ``aht_s`` of its arrival interval. With ``exact_aht`` the service times of each
  interval's callers are scaled so that their mean is exactly ``aht_s``, as a history's
  AHT is the mean of what happened.
* **Patience.** Exponential with the interval's ``patience_s``, or drawn from a survival
  curve (a Kaplan-Meier step function, with the exponential tail of
  :func:`staffing.simulation.simulate_day`), or infinite (nobody abandons).
* **Agents.** The interval's ``agents`` (effective agents, fractional allowed: each day
  and replication staffs the floor or the ceiling, the ceiling with probability equal to
  the fraction); a call in service is finished when staffing drops (no pre-emption).
* **Counting.** A call counts in the interval it arrives in.

Random numbers: each day draws from ``SeedSequence([seed, purpose, day, queue])``, so a
day's replications do not depend on which other days are simulated with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.simulation.engine import AgentState, Callers, advance

__all__ = ["Replayed", "replay_days"]

_COLUMNS = 1024  # columns (day x replication) simulated together, at most
_PAD = 1e300  # arrival time of padding callers (never reached)


@dataclass(frozen=True)
class Replayed:
    """What each replication counted in each history row: arrays ``(replications, rows)``.

    Attributes
    ----------
    offered, answered, abandoned : calls [count].
    answered_within, abandoned_within : within the threshold [count].
    wait_answered_s : total wait of answered calls [s].
    handle_s : total service time of answered calls [s].
    """

    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    answered_within: np.ndarray
    abandoned_within: np.ndarray
    wait_answered_s: np.ndarray
    handle_s: np.ndarray

    @property
    def replications(self) -> int:
        """Simulated copies of every day."""
        return int(self.offered.shape[0])


def _curve_levels(curve: tuple[np.ndarray, np.ndarray], level: np.ndarray) -> np.ndarray:
    """Patience with ``P(patience > t) = S(t)`` for uniform ``level`` in (0, 1].

    The first time where ``S(t) < level``, beyond the curve's last time an exponential tail
    with its average hazard ``-log S(t_m) / t_m``.
    """
    times, survival = curve
    idx = np.searchsorted(-survival, -level, side="right")
    out = times[np.minimum(idx, times.size - 1)].astype(float)
    tail = idx >= times.size
    if np.any(tail):
        last_t, last_s = float(times[-1]), float(survival[-1])
        hazard = -np.log(last_s) / last_t if 0.0 < last_s < 1.0 and last_t > 0.0 else 0.0
        with np.errstate(divide="ignore"):
            extra = np.log(last_s / level[tail]) / hazard if hazard > 0 else np.inf
        out[tail] = last_t + extra
    return out


def _fill_along_day(values: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of ``(days, K)`` along each day.

    A cell takes the nearest earlier value of its day, else the nearest later one, else 0.
    """
    frame = pd.DataFrame(values.T)
    return frame.ffill().bfill().fillna(0.0).to_numpy().T


def replay_days(
    rows: pd.DataFrame,
    *,
    threshold_s: float,
    replications: int = 100,
    seed: int = 0,
    counts: Literal["exact", "poisson"] = "exact",
    exact_aht: bool = True,
    patience_curve: tuple[Any, Any] | None = None,
    purpose: int = 0,
    queue_index: int = 0,
) -> Replayed:
    """Simulate one queue's history days again, many times over (see the module notes).

    Parameters
    ----------
    rows : DataFrame
        One row per interval of one queue: ``interval_start`` (wall clock), ``interval_s``
        (one length for all rows), ``calls`` [count], ``aht_s`` [s], ``agents`` (effective,
        NaN where unknown) and ``patience_s`` [s] (``inf``: nobody abandons; ignored with
        a ``patience_curve``).
    threshold_s : float
        Service-level threshold [s].
    replications : int, default 100
        Simulated copies of every day.
    seed : int, default 0
        Seed of the random streams.
    counts : {"exact", "poisson"}, default "exact"
        Each interval's calls: exactly ``calls``, or a Poisson number of mean ``calls``.
    exact_aht : bool, default True
        Scale each interval's service times to a mean of exactly ``aht_s``.
    patience_curve : (times_s, survival), optional
        Patience survival curve instead of the rows' exponential ``patience_s``.
    purpose, queue_index : int
        Parts of every day's seed, so that different uses and queues draw different
        numbers.

    Returns
    -------
    Replayed
        Arrays ``(replications, len(rows))`` in the rows' order.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
    ...     "interval_s": 1800.0, "calls": [100.0, 120.0], "aht_s": 180.0,
    ...     "agents": [12.0, 14.0], "patience_s": 120.0})
    >>> r = replay_days(rows, threshold_s=20, replications=50, seed=1)
    >>> float(r.offered[:, 0].min()), float(r.offered[:, 0].max())
    (100.0, 100.0)
    >>> bool(0.6 < r.answered_within.sum() / r.offered.sum() < 0.95)
    True
    """
    if int(replications) != replications or replications < 1:
        raise StaffingError(f"`replications` must be a whole number >= 1 (got {replications!r})")
    n = len(rows)
    empty = np.zeros((int(replications), n))
    if n == 0:
        return Replayed(*(empty.copy() for _ in range(7)))
    lengths = rows["interval_s"].to_numpy(dtype=float)
    step = float(lengths[0])
    if not np.all(lengths == step) or not step > 0:
        raise StaffingError("replay_days needs one interval length for all rows of a queue")
    stamps = pd.to_datetime(rows["interval_start"]).to_numpy(dtype="datetime64[ns]")
    days_of = stamps.astype("datetime64[D]")
    since = (stamps - days_of).astype("timedelta64[ns]").astype(np.int64) / 1e9
    slot = np.floor(since / step + 1e-9).astype(np.int64)
    k = int(np.ceil(86400.0 / step - 1e-9))
    day_codes, days = pd.factorize(days_of, sort=True)
    n_days = len(days)

    def grid(column: str, fill: float) -> np.ndarray:
        out = np.full((n_days, k), np.nan)
        out[day_codes, slot] = rows[column].to_numpy(dtype=float)
        return out if np.isnan(fill) else np.where(np.isnan(out), fill, out)

    calls = grid("calls", 0.0)
    aht = _fill_along_day(grid("aht_s", np.nan))
    agents = _fill_along_day(grid("agents", np.nan))
    # inf (no abandons) survives the filling as a large finite stand-in
    given = grid("patience_s", np.nan)
    theta = _fill_along_day(np.where(np.isinf(given), 1e300, given))
    theta = np.where(theta >= 1e299, np.inf, theta)
    aht = np.where(aht > 0, aht, 1.0)  # only where no call arrives
    curve = None
    if patience_curve is not None:
        curve = (
            np.asarray(patience_curve[0], dtype=float),
            np.asarray(patience_curve[1], dtype=float),
        )
    reps = int(replications)
    ordinals = np.asarray(days).astype("datetime64[D]").astype(np.int64)
    out = {name: np.zeros((n_days, reps, k)) for name in Replayed.__dataclass_fields__}
    per_batch = max(1, _COLUMNS // reps)
    # days of similar size together: a batch runs as many steps as its busiest day has calls
    by_size = np.argsort(-calls.sum(axis=1), kind="stable")
    for first in range(0, n_days, per_batch):
        block = np.sort(by_size[first : first + per_batch])
        sums = _simulate_block(
            calls[block],
            aht[block],
            agents[block],
            theta[block],
            curve,
            step,
            float(threshold_s),
            reps,
            [
                np.random.SeedSequence([int(seed), int(purpose), int(o) & 0xFFFFFFFF, queue_index])
                for o in ordinals[block]
            ],
            counts,
            exact_aht,
        )
        for name, values in sums.items():
            out[name][block] = values
    # (days, reps, K) -> (reps, rows)
    picked = {name: values[day_codes, :, slot].T for name, values in out.items()}
    return Replayed(**picked)


def _simulate_block(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    theta: np.ndarray,
    curve: tuple[np.ndarray, np.ndarray] | None,
    step: float,
    threshold_s: float,
    reps: int,
    seeds: list[np.random.SeedSequence],
    counts: str,
    exact_aht: bool,
) -> dict[str, np.ndarray]:
    """Sums per (day, replication, interval) of a block of days, all simulated at once."""
    n_days, k = calls.shape
    cols = n_days * reps
    gens = [np.random.default_rng(s) for s in seeds]
    # per column (day d, replication r at d * reps + r): the calls of each interval
    if counts == "exact":
        n_ck = np.repeat(np.rint(calls).astype(np.int64), reps, axis=0)
    else:
        n_ck = np.concatenate(
            [g.poisson(np.tile(c, (reps, 1))) for g, c in zip(gens, calls, strict=True)]
        )
    unit = np.concatenate([g.random((reps, k)) for g in gens])  # fractional agents
    total = n_ck.sum(axis=1)
    width = max(1, int(total.max()))
    # interval of every caller position (padding: interval k)
    pad = np.concatenate([n_ck, (width - total)[:, None]], axis=1)
    kidx = np.repeat(np.tile(np.arange(k + 1), cols), pad.ravel()).reshape(cols, width)
    real = kidx < k
    u = np.empty((cols, width))
    x = np.empty((cols, width))
    z = np.empty((cols, width))
    for d, g in enumerate(gens):
        rows = slice(d * reps, (d + 1) * reps)
        g.random(out=u[rows])
        g.standard_exponential(out=x[rows])
        if curve is not None:
            g.random(out=z[rows])
        else:
            g.standard_exponential(out=z[rows])
    u += kidx
    u.sort(axis=1)
    arrival = u
    arrival *= step
    arrival[~real] = _PAD
    day_of_col = np.repeat(np.arange(n_days), reps)
    # every caller's (column, interval) cell; padding in one extra cell at the end
    cell = np.arange(cols)[:, None] * k + kidx
    cell[~real] = cols * k
    cell = cell.ravel()
    # every caller's (day, interval) cell, for the day's AHT and patience
    day_cell = (day_of_col[:, None] * k + np.minimum(kidx, k - 1)).ravel()
    if exact_aht:
        drawn = np.bincount(cell, weights=x.ravel(), minlength=cols * k + 1)
        size = np.bincount(cell, minlength=cols * k + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(size > 0, size / drawn, 1.0)
        x *= scale[cell].reshape(cols, width)
    service = x
    service *= aht.ravel()[day_cell].reshape(cols, width)
    service[~real] = 0.0
    if curve is not None:
        patience = _curve_levels(curve, 1.0 - z.ravel()).reshape(cols, width)
    else:
        patience = z
        patience *= theta.ravel()[day_cell].reshape(cols, width)
    patience[~real] = -np.inf
    a = agents[day_of_col]  # (cols, K)
    low = np.floor(a)
    whole = (low + (unit < (a - low))).astype(np.int64).T  # (K, cols)
    staff = np.vstack([whole, np.maximum(whole[-1:], 1)])
    before = np.zeros((k + 1, cols), dtype=np.int64)
    before[1:] = np.cumsum(n_ck, axis=1).T
    callers = Callers(arrival, patience, service, before, unit.T)
    starts = np.full((cols, width), np.nan)
    state = AgentState.empty(max(int(staff.max()), 1), cols)
    bounds = np.arange(k + 1, dtype=float) * step
    advance(
        callers,
        np.arange(cols),
        state,
        staff,
        bounds,
        total.astype(np.int64),
        starts=starts,
        base=np.zeros(cols, dtype=np.int64),
    )
    with np.errstate(invalid="ignore"):
        wait = starts - arrival
        answered = real & (starts <= arrival + patience)
    abandoned = real & ~answered

    def total_of(values: np.ndarray | None) -> np.ndarray:
        weights = None if values is None else values.ravel()
        summed = np.bincount(cell, weights=weights, minlength=cols * k + 1)[: cols * k]
        return summed.astype(float).reshape(n_days, reps, k)

    counted = {
        "offered": total_of(None),
        "answered": total_of(answered),
        "abandoned": total_of(abandoned),
        "answered_within": total_of(answered & (wait <= threshold_s)),
        "abandoned_within": total_of(abandoned & (patience <= threshold_s)),
    }
    wait[~answered] = 0.0
    service[~answered] = 0.0
    counted["wait_answered_s"] = total_of(wait)
    counted["handle_s"] = total_of(service)
    return counted

"""Queue-days replicated for judging a period: counts per replication, not estimates.

The day simulator (:mod:`staffing.simulation`) estimates each interval and day with a
confidence interval. A contract is judged on a *period* (a week, a month): its service
level is the ratio of the period's sums, and what matters is the distribution of that
ratio over replications. So the unit of work here, :class:`RiskDay`, is a queue-day of
the simulator (:class:`~staffing.simulation.queue_day.QueueDay`: its forecast, staffing,
seeds and model) plus what the simulator does not do by itself:

* **forecast error per interval.** ``volume_cv`` gives each interval's coefficient of
  variation of its rate; one uniform number ``u`` per replication and queue-day puts
  every interval of the day at the same quantile of its own gamma distribution with mean
  1 (:func:`gamma_factors`): the day's forecast errs as a whole (a level error of the
  day), each interval by its own spread. With one CV for every interval this is a
  per-day gamma factor, the model of :class:`~staffing.simulation.SimulationOptions`'s
  ``volume_cv``;
* **handle-time forecast error.** ``aht_cv`` gives a gamma factor with mean 1 on every
  handle time of a replication's day;
* **what counts.** Intervals before ``first`` are simulated (they fill the queue at
  ``first``) but not counted: the rest of a day whose morning is already known.

:func:`simulate_risk_day` returns, per replication, the day's counts at the judged
threshold (the period's sums are sums of these), and per interval the mean counts and
quantiles of its service level. It is a module-level function so it runs in other
processes or on a Dask worker (:func:`staffing.simulation.scaleout.map_queue_days`).

Random streams: the callers of replication ``r`` come from the queue-day's streams
(:func:`staffing.simulation.queue_day.queue_day_seed`), exactly as ``staffing simulate``
draws them with the same seed and purpose; the factors come from a stream of their own
(``factor_seed``), so a day simulated with factors of 1 has the very same callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from staffing.simulation.engine import SimulatedDay, simulate_day
from staffing.simulation.queue_day import QueueDay
from staffing.vocabulary import service_level_parts

__all__ = [
    "COUNTS",
    "RiskDay",
    "gamma_factors",
    "quantiles",
    "simulate_risk_day",
    "wilson_interval",
]

#: Counts summed per replication, the parts of every abandon policy's service level.
COUNTS: tuple[str, ...] = (
    "offered",
    "answered",
    "answered_within",
    "abandoned",
    "abandoned_within",
)

#: Quantiles of each interval's service level over replications.
INTERVAL_QUANTILES: tuple[float, ...] = (0.05, 0.5, 0.95)


def gamma_factors(cv: Any, u: Any) -> np.ndarray:
    """Gamma factors with mean 1 and coefficient of variation ``cv`` at quantile ``u``.

    Parameters
    ----------
    cv : float or array of shape ``(K,)``
        Coefficient of variation of each factor (0: the factor is 1).
    u : array of shape ``(R,)``
        Quantiles in (0, 1), one per replication.

    Returns
    -------
    ndarray of shape ``(R, K)`` (``(R,)`` for a scalar ``cv``)

    Notes
    -----
    A gamma distribution with shape ``a = 1 / cv^2`` and scale ``cv^2`` has mean 1 and
    coefficient of variation ``cv``; its quantile ``u`` is ``P^{-1}(a, u) cv^2`` with
    ``P^{-1}`` the inverse of the regularised lower incomplete gamma function. Every
    column shares ``u``: the factors of one replication move together (comonotone).

    Examples
    --------
    >>> f = gamma_factors([0.0, 0.1], np.array([0.05, 0.5, 0.95]))
    >>> f[:, 0].tolist(), f[:, 1].round(4).tolist()
    ([1.0, 1.0, 1.0], [0.8414, 0.9967, 1.17])
    """
    c = np.asarray(cv, dtype=float)
    q = np.asarray(u, dtype=float)
    scalar = c.ndim == 0
    c = np.atleast_1d(c)
    out = np.ones((q.size, c.size))
    live = c > 0
    if np.any(live):
        shape = 1.0 / (c[live] * c[live])
        out[:, live] = special.gammaincinv(shape[None, :], q[:, None]) / shape[None, :]
    return out[:, 0] if scalar else out


def quantiles(values: np.ndarray, levels: tuple[float, ...], axis: int = 0) -> np.ndarray:
    """Quantiles along ``axis`` ignoring NaN, NaN where a slice has no number (no warning).

    Linear interpolation between order statistics (numpy's default method).

    Examples
    --------
    >>> x = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]])
    >>> quantiles(x, (0.5,)).tolist()
    [[2.0, nan]]
    """
    x = np.moveaxis(np.asarray(values, dtype=float), axis, 0)
    ordered = np.sort(x, axis=0)  # NaN last
    count = np.sum(np.isfinite(ordered), axis=0)
    out = np.full((len(levels), *x.shape[1:]), np.nan)
    has = count > 0
    for i, level in enumerate(levels):
        pos = level * np.maximum(count - 1, 0)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, np.maximum(count - 1, 0))
        a = np.take_along_axis(ordered, lo[None, ...], axis=0)[0]
        b = np.take_along_axis(ordered, hi[None, ...], axis=0)[0]
        out[i] = np.where(has, a + (b - a) * (pos - lo), np.nan)
    return out


def wilson_interval(successes: Any, n: Any, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a binomial proportion.

    Parameters
    ----------
    successes, n : int or array
        Successes and trials.
    confidence : float, default 0.95

    Returns
    -------
    (lo, hi)

    Notes
    -----
    ``(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p`` the observed
    share and ``z`` the normal quantile (Wilson 1927, doi:10.1080/01621459.1927.10502953).
    It stays inside [0, 1] and is not empty at 0 or ``n`` successes.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(1800, 2000)]
    [0.8861, 0.9124]
    """
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = float(special.ndtri(0.5 + confidence / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
        lo, hi = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    lo = np.where(k <= 0, 0.0, lo)  # exactly 0 and 1 at the ends, not rounding's 1e-18
    hi = np.where(k >= m, 1.0, hi)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


@dataclass(frozen=True)
class RiskDay:
    """A queue-day to replicate for a period's judgement.

    Attributes
    ----------
    day : QueueDay
        The simulator's queue-day: forecast, staffing, seeds, patience, replications,
        abandon policy; ``day_threshold_s`` is the threshold the period is judged at and
        ``volume_cv`` the simulator's own per-day gamma factor (0 when ``volume_cv``
        below is given).
    volume_cv : ndarray or None
        Coefficient of variation of each interval's rate (forecast error), comonotone
        within the day (:func:`gamma_factors`); None: no factors of ours.
    aht_cv : float
        Coefficient of variation of a per-day factor on every handle time.
    factor_seed : SeedSequence or None
        Stream of the factors (needed when ``volume_cv`` or ``aht_cv`` is given).
    first : int
        Intervals before it are simulated but not counted.
    """

    day: QueueDay
    volume_cv: np.ndarray | None = None
    aht_cv: float = 0.0
    factor_seed: np.random.SeedSequence | None = None
    first: int = 0

    @property
    def size(self) -> int:
        """Intervals of the queue-day."""
        return self.day.size

    def factors(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(volume_factors (R, K), aht_factors (R,))``, None where not used."""
        volume = self.volume_cv is not None and bool(np.any(np.asarray(self.volume_cv) > 0))
        if not volume and self.aht_cv <= 0:
            return None, None
        if self.factor_seed is None:
            raise ValueError("RiskDay: factors need a factor_seed")
        rng = np.random.default_rng(self.factor_seed)
        r = self.day.replications
        u_volume, u_aht = rng.random(r), rng.random(r)  # always both: fixed stream order
        vf = gamma_factors(self.volume_cv, u_volume) if volume else None
        af = gamma_factors(self.aht_cv, u_aht) if self.aht_cv > 0 else None
        return vf, af


def _simulate(task: RiskDay) -> SimulatedDay:
    """The queue-day simulated stretch after stretch, with the task's factors.

    Replication ``r`` of each stretch is part of replication ``r`` of the day.
    """
    day = task.day
    thresholds = day.thresholds()
    vf, af = task.factors()
    edges = day.stretches
    parts = []
    for i, seed in enumerate(day.seeds):
        part = slice(edges[i], edges[i + 1])
        parts.append(
            simulate_day(
                day.calls[part],
                day.aht_s[part],
                day.agents[part],
                interval_s=day.interval_s[part],
                threshold_s=thresholds,
                patience_s=None if day.patience_s is None else day.patience_s[part],
                patience_curve=day.patience_curve,
                service_cv=day.service_cv,
                volume_cv=day.volume_cv,
                replications=day.replications,
                seed=seed,
                volume_factors=None if vf is None else vf[:, part],
                aht_factors=af,
            )
        )
    return SimulatedDay.joined(parts)


def simulate_risk_day(task: RiskDay) -> dict[str, Any]:
    """Replicate a queue-day: its counts per replication at the judged threshold.

    Parameters
    ----------
    task : RiskDay

    Returns
    -------
    dict
        ``"sums"``: for each of :data:`COUNTS`, an array ``(R,)`` of the replication's
        calls over the counted intervals (``first`` on), within the day's threshold
        (``day.day_threshold_s``) for ``answered_within`` and ``abandoned_within``;
        ``"intervals"``: for each of :data:`COUNTS` the mean per interval ``(K,)``, and
        ``"sl_p05"``, ``"sl_p50"``, ``"sl_p95"``: quantiles over replications of each
        interval's service level under the day's abandon policy (NaN where no call came
        in any replication); ``"callers"``: callers simulated.

    Examples
    --------
    >>> from staffing.simulation.queue_day import queue_day_seed
    >>> day = QueueDay(
    ...     queue="sales", date="2025-03-05", calls=np.array([60.0, 60.0]),
    ...     aht_s=np.array([300.0, 300.0]), interval_s=np.array([1800.0, 1800.0]),
    ...     agents=np.array([14.0, 12.0]), patience_s=None, patience_curve=None,
    ...     targets=("80/20", "80/20"), threshold_s=np.array([20.0, 20.0]),
    ...     day_target="80/20", day_threshold_s=20.0, stretches=(0, 2),
    ...     seeds=(queue_day_seed(0, "sales", "2025-03-05"),), labels=("09:00", "09:30"),
    ...     replications=200)
    >>> out = simulate_risk_day(RiskDay(day))
    >>> out["sums"]["offered"].shape, out["intervals"]["sl_p50"].shape
    ((200,), (2,))
    """
    day = task.day
    sim = _simulate(task)
    t = _threshold_index(sim.thresholds_s, day.day_threshold_s)
    counts = {
        "offered": sim.offered.astype(float),
        "answered": sim.answered.astype(float),
        "answered_within": sim.answered_within[:, :, t].astype(float),
        "abandoned": sim.abandoned.astype(float),
        "abandoned_within": sim.abandoned_within[:, :, t].astype(float),
    }
    first = int(task.first)
    sums = {name: values[:, first:].sum(axis=1) for name, values in counts.items()}
    num, den = service_level_parts(
        day.abandon_policy,
        answered_within=counts["answered_within"],
        offered=counts["offered"],
        answered=counts["answered"],
        abandoned_within=counts["abandoned_within"],
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(den > 0, num / den, np.nan)
    q = quantiles(share, INTERVAL_QUANTILES)
    intervals = {name: values.mean(axis=0) for name, values in counts.items()}
    intervals.update({"sl_p05": q[0], "sl_p50": q[1], "sl_p95": q[2]})
    return {"sums": sums, "intervals": intervals, "callers": sim.callers}


def _threshold_index(simulated: tuple[float, ...], threshold_s: float) -> int:
    for i, t in enumerate(simulated):
        if np.isclose(t, threshold_s, rtol=0, atol=1e-9):
            return i
    raise ValueError(f"threshold {threshold_s:g} s was not simulated")  # a bug, not input

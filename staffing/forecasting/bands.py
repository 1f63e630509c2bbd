"""Forecast intervals from a back-test's own errors, never narrower than Poisson noise.

For each queue and lead bucket the back-test gives pairs (forecast ``f``, actual ``y``) of
single intervals. Their ratios ``y / f`` are sorted into up to :data:`MAX_BINS` bins of
forecast size (each holding at least :data:`MIN_PER_BIN` intervals), since a 3-call
interval misses by a larger share than a 300-call one; in each bin the central
``coverage`` interval is the empirical quantiles of the ratio. A new forecast takes the
quantiles interpolated (on the log of its size) between the bins' median sizes, and the
interval ``[f q_lo, f q_hi]`` is widened where needed to the Poisson interval of ``f``:
even a perfect rate leaves that much noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import stats

__all__ = ["MAX_BINS", "MIN_PER_BIN", "RatioBands", "poisson_interval"]

#: Most size bins per queue and lead bucket.
MAX_BINS = 6
#: Fewest intervals in a size bin.
MIN_PER_BIN = 300


def poisson_interval(f: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``coverage`` interval of a Poisson count with mean ``f`` (whole calls).

    Examples
    --------
    >>> lo, hi = poisson_interval(np.array([100.0]), 0.8)
    >>> float(lo[0]), float(hi[0])
    (87.0, 113.0)
    """
    f = np.asarray(f, dtype=float)
    tail = (1.0 - coverage) / 2.0
    safe = np.where(f > 0, f, 1.0)
    lo = np.where(f > 0, stats.poisson.ppf(tail, safe), 0.0)
    hi = np.where(f > 0, stats.poisson.ppf(1.0 - tail, safe), 0.0)
    return lo, hi


@dataclass(frozen=True)
class RatioBands:
    """Empirical quantiles of actual / forecast by forecast size, for one queue and lead.

    Attributes
    ----------
    size : ndarray
        Median forecast of each bin [calls per interval], increasing.
    lo, hi : ndarray
        The ratio's ``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` quantiles per bin.
    n : int
        Intervals the quantiles come from (0: Poisson noise only).
    coverage : float
    """

    size: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n: int
    coverage: float

    @classmethod
    def fit(cls, forecast: np.ndarray, actual: np.ndarray, coverage: float) -> RatioBands:
        """Quantiles from pairs of (forecast, actual) intervals (forecasts above zero).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> f = np.full(3000, 50.0)
        >>> b = RatioBands.fit(f, rng.poisson(f), 0.8)
        >>> [round(float(v), 2) for v in (b.lo[0], b.hi[0])]
        [0.82, 1.18]
        """
        f = np.asarray(forecast, dtype=float)
        y = np.asarray(actual, dtype=float)
        keep = np.isfinite(f) & np.isfinite(y) & (f > 0)
        f, y = f[keep], y[keep]
        if f.size == 0:
            one = np.ones(1)
            return cls(one, one, one, 0, coverage)
        order = np.argsort(f, kind="stable")
        f, ratio = f[order], (y / f)[order]
        bins = int(np.clip(f.size // MIN_PER_BIN, 1, MAX_BINS))
        edges = np.linspace(0, f.size, bins + 1).round().astype(int)
        tail = (1.0 - coverage) / 2.0
        size, lo, hi = [], [], []
        for a, b in pairwise(edges):
            size.append(float(np.median(f[a:b])))
            q = np.quantile(ratio[a:b], [tail, 1.0 - tail])
            lo.append(float(q[0]))
            hi.append(float(q[1]))
        return cls(np.array(size), np.array(lo), np.array(hi), int(f.size), coverage)

    def interval(self, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(calls_lo, calls_hi)`` of each forecast.

        The ratio quantiles at the forecast's size, widened to Poisson noise.
        """
        f = np.asarray(forecast, dtype=float)
        x = np.log(np.maximum(f, 1e-9))
        grid = np.log(self.size)
        lo = f * np.interp(x, grid, self.lo)
        hi = f * np.interp(x, grid, self.hi)
        p_lo, p_hi = poisson_interval(f, self.coverage)
        return np.minimum(lo, p_lo), np.maximum(hi, p_hi)

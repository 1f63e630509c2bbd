"""Forecast intervals from a back-test's own errors, never narrower than Poisson noise.

For each queue and lead bucket the back-test gives pairs (forecast ``f``, actual ``y``) of
single intervals. Their ratios ``y / f`` are sorted into up to :data:`MAX_BINS` bins of
forecast size (each holding at least :data:`MIN_PER_BIN` intervals), since a 3-call
interval misses by a larger share than a 300-call one; in each bin the central
``coverage`` interval is the empirical quantiles of the ratio. A new forecast takes the
quantiles interpolated (on the log of its size) between the bins' median sizes, and the
interval ``[f q_lo, f q_hi]`` is widened where needed to the Poisson interval of ``f``:
even a perfect rate leaves that much noise.

Quantiles of errors the bands were fitted on cover those errors by construction, not
the days ahead. :func:`conformal_excess` checks them on days they have not seen (the
back-test's later origins, scored by bands fitted on the targets before them) and
widens both sides by the split-conformal quantile of the misses, in units of the
band's width (:attr:`RatioBands.excess`); it never narrows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import stats

__all__ = [
    "MAX_BINS",
    "MIN_PER_BIN",
    "MIN_SCORES",
    "RatioBands",
    "conformal_excess",
    "poisson_interval",
]

#: Most size bins per queue and lead bucket.
MAX_BINS = 6
#: Fewest intervals in a size bin.
MIN_PER_BIN = 300
#: Fewest out-of-sample scores behind a conformal widening (fewer: none).
MIN_SCORES = 50


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
    excess : float
        Widening of each side [share of the interval's width], from
        :func:`conformal_excess`; 0 leaves the quantiles as fitted.
    """

    size: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n: int
    coverage: float
    excess: float = 0.0

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

        The ratio quantiles at the forecast's size, widened to Poisson noise, then each
        side by ``excess`` times the width (at least one call wide), ``calls_lo`` not
        below zero; a forecast of no calls keeps ``(0, 0)``.

        Examples
        --------
        >>> b = RatioBands.fit(np.full(500, 100.0), np.full(500, 100.0), 0.8)
        >>> [float(v[0]) for v in b.interval(np.array([100.0]))]
        [87.0, 113.0]
        >>> from dataclasses import replace
        >>> wider = replace(b, excess=0.25)
        >>> [v.tolist() for v in wider.interval(np.array([100.0, 0.0]))]
        [[80.5, 0.0], [119.5, 0.0]]
        """
        f = np.asarray(forecast, dtype=float)
        x = np.log(np.maximum(f, 1e-9))
        grid = np.log(self.size)
        lo = f * np.interp(x, grid, self.lo)
        hi = f * np.interp(x, grid, self.hi)
        p_lo, p_hi = poisson_interval(f, self.coverage)
        lo, hi = np.minimum(lo, p_lo), np.maximum(hi, p_hi)
        if self.excess > 0:  # a closed interval (no calls forecast) stays closed
            step = np.where(f > 0, self.excess * np.maximum(hi - lo, 1.0), 0.0)
            lo, hi = np.maximum(lo - step, 0.0), hi + step
        return lo, hi

    def score(self, forecast: np.ndarray, actual: np.ndarray) -> np.ndarray:
        """How far each actual lies outside its interval [share of the interval's width].

        ``s = max(lo - y, y - hi) / max(hi - lo, 1)``: negative inside, positive outside
        (the conformity score of conformalized quantile regression, Romano et al. 2019,
        in units of the width). Widening each side by ``e`` times the width covers
        exactly the actuals with ``s <= e``.

        Examples
        --------
        >>> b = RatioBands.fit(np.full(500, 100.0), np.full(500, 100.0), 0.8)
        >>> b.score(np.full(3, 100.0), np.array([100.0, 113.0, 126.0])).round(2).tolist()
        [-0.5, 0.0, 0.5]
        """
        lo, hi = self.interval(forecast)
        y = np.asarray(actual, dtype=float)
        return np.maximum(lo - y, y - hi) / np.maximum(hi - lo, 1.0)


def conformal_excess(scores: np.ndarray, coverage: float) -> float:
    """Widening that makes bands cover ``coverage`` of scores on days they had not seen.

    Parameters
    ----------
    scores : ndarray
        :meth:`RatioBands.score` of actuals on days after those the scoring bands were
        fitted on [share of the interval's width].
    coverage : float
        Central coverage the bands aim at, in (0, 1).

    Returns
    -------
    float
        The split-conformal quantile of the scores (the largest score when there are
        too few for ``coverage``), at least 0 [share of the width]; 0 when fewer than
        :data:`MIN_SCORES` scores are finite.

    Notes
    -----
    Split conformal prediction (Vovk et al. 2005; Lei et al. 2018): with ``n`` scores of
    calibration points exchangeable with a new one, the ``k``-th smallest score, ``k =
    ceil((n + 1) coverage)``, bounds the new point's score with probability at least
    ``coverage``; with the score of :meth:`RatioBands.score` this is the conformalized
    quantile regression of Romano et al. (2019). Here the calibration points are the
    back-test's rolling origins, each scored by bands fitted only on targets before it,
    the way a forecast meets the days after its history. Arrivals drift, so the scores
    are not exchangeable with the days ahead and the bound is no guarantee; on stable
    arrivals the quantile is near or below 0 and the bands stay as fitted. The widening
    is never negative: the bands are never narrower than the back-test's own quantiles.
    The scores of one day's intervals move together, so the ``n`` intervals stand for
    fewer independent days than their number says.

    References
    ----------
    .. [1] V. Vovk, A. Gammerman and G. Shafer, *Algorithmic Learning in a Random
       World*, Springer, 2005. doi:10.1007/b106715
    .. [2] J. Lei, M. G'Sell, A. Rinaldo, R. J. Tibshirani and L. Wasserman,
       "Distribution-free predictive inference for regression", J. Amer. Stat. Assoc.
       113(523), 2018, 1094-1111. doi:10.1080/01621459.2017.1307116
    .. [3] Y. Romano, E. Patterson and E. J. Candès, "Conformalized quantile regression",
       Advances in Neural Information Processing Systems 32, 2019, 3543-3553.

    Examples
    --------
    >>> scores = np.linspace(-0.5, 0.4, 91)  # the 83rd of 91: ceil(92 * 0.9) = 83
    >>> round(conformal_excess(scores, 0.9), 3)
    0.32
    >>> conformal_excess(np.linspace(-0.5, -0.1, 100), 0.8)
    0.0
    """
    s = np.asarray(scores, dtype=float)
    s = s[np.isfinite(s)]
    n = s.size
    if n < MIN_SCORES:
        return 0.0
    k = int(np.ceil((n + 1) * coverage))
    q = float(np.sort(s)[min(k, n) - 1])
    return max(q, 0.0)

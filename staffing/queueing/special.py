"""Numerically careful building blocks: Poisson terms, Erlang B, and Kummer's 1F1(1; b; y).

Everything here works on float ndarrays (already broadcast) and in log space where a
quantity can overflow or underflow. No factorials are ever formed.

References
----------
.. [1] C. Loader, "Fast and Accurate Computation of Binomial Probabilities", 2000
   (saddle-point expansion of Poisson probabilities: ``stirlerr`` and ``bd0``).
.. [2] A. Mandelbaum and S. Zeltyn, "The M/M/n+G queue: summary of performance
   measures", Technion, 2009 (the function ``A(x, y)`` of Erlang A).
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = [
    "gammainc_unreliable",
    "log_erlang_b",
    "log_kummer_a",
    "log_kummer_a_and_p",
    "log_poisson_term",
]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
# Below this, a regularised incomplete gamma value is too close to underflow to divide by.
TINY_LOG = -650.0
# Poisson terms with n below this are summed plainly, above it in Loader's form.
_DIRECT_N = 2048.0
_TINY_NORMAL = float(np.finfo(float).tiny)  # smallest normal double, 2.2e-308
_HUGE = float(np.finfo(float).max)


def stirlerr(n: np.ndarray) -> np.ndarray:
    """``log(n!) - log(sqrt(2 pi n) (n/e)^n)`` for real ``n > 0`` (Loader [1]_, eq. 4)."""
    n = np.asarray(n, dtype=float)
    # Stirling series: 1/12n - 1/360n^3 + 1/1260n^5 - 1/1680n^7 + 1/1188n^9; for n above
    # 1e154 (a patience of 1e155 s or more) n^2 overflows and leaves 1/12n, exact there
    with np.errstate(over="ignore"):
        nn = n * n
        out = (
            1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * nn)) / nn) / nn) / nn
        ) / n
    small = n <= 15.0
    if np.any(small):
        ns = n[small]
        out[small] = special.gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _LOG_SQRT_2PI
    return out


def bd0(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Deviance term ``x log(x/m) + m - x`` without cancellation (Loader [1]_, eq. 5).

    For ``x >= 0`` and ``m > 0``. Where ``x / m`` leaves the normal floating-point range
    (a subnormal ``m`` against thousands of servers overflows it) the logarithm is split,
    ``log x - log m``, which is finite and loses nothing there: ``x`` and ``m`` are then
    hundreds of orders of magnitude apart. ``bd0(0, m) = m``.
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        ratio = np.asarray(x / m)
        normal = (ratio >= _TINY_NORMAL) & (ratio <= _HUGE)
        log_ratio = np.asarray(np.log(np.where(normal, ratio, 1.0)))
        if not normal.all():
            split = ~normal & (x > 0.0)
            log_ratio[split] = np.log(x[split]) - np.log(m[split])
        out = np.where(x > 0.0, x * log_ratio + m - x, m)
    near = np.abs(x - m) < 0.1 * (x + m)
    if np.any(near):
        xn, mn = x[near], m[near]
        v = (xn - mn) / (xn + mn)
        series = (xn - mn) * v
        ej = 2.0 * xn * v
        v2 = v * v
        for j in range(1, 8):  # |v| < 0.05: each term is at most 1/400 of the last
            ej = ej * v2
            series = series + ej / (2 * j + 1)
        out[near] = series
    return out


def log_poisson_term(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``log(a^n e^-a / Gamma(n+1))`` for real ``n >= 0`` and ``a >= 0``.

    For ``n`` of 2048 and more, Loader's saddle-point form keeps a few ulps in the
    probability even for ``n`` in the millions, where the naive ``n log a - a -
    lgamma(n+1)`` loses digits to cancellation; below that the naive form loses at most a
    few 1e-11 and is four times cheaper.
    """
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # large n: below
        out = n * np.log(a) - a - special.gammaln(n + 1.0)
    out = np.where(n == 0, -a, out)
    large = n >= _DIRECT_N
    if np.any(large):
        nl, al = n[large], a[large]
        with np.errstate(divide="ignore"):
            out[large] = np.where(
                al > 0,
                -stirlerr(nl)
                - bd0(nl, np.where(al > 0, al, 1.0))
                - _LOG_SQRT_2PI
                - 0.5 * np.log(nl),
                -np.inf,
            )
    return out


def log_erlang_b(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Natural log of the Erlang B blocking probability for ``n`` servers and load ``a``.

    ``B = p(n) / P(X <= n)`` with ``X ~ Poisson(a)``; ``P(X <= n)`` is the regularised
    upper incomplete gamma ``Q(n + 1, a)``, defined for real ``n`` too. Where ``Q``
    would underflow (heavy overload, ``a >> n``) the ratio ``Q / p(n)`` is summed
    directly: ``sum_j n (n-1) ... (n-j+1) / a^j``, a series whose terms fall at least as
    fast as ``(n / a)^j``.
    """
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    log_p = log_poisson_term(n, a)
    with np.errstate(divide="ignore"):
        log_q = np.log(special.gammaincc(n + 1.0, a))
    # B <= 1 for every n >= 0 (Gamma(n+1, a) >= a^n e^-a), and B(0, a) = 1 exactly (no
    # agent: every call blocked); the ratio of two rounded values may pass 1 by 3e-14.
    out = np.minimum(log_p - log_q, 0.0)
    out = np.where(n == 0, 0.0, np.where(a == 0, -np.inf, out))
    deep = (a > 0) & (n < a) & (log_q < TINY_LOG)
    if np.any(deep):
        nd, ad = n[deep], a[deep]
        total = np.ones_like(nd)
        term = np.ones_like(nd)
        active = np.ones(nd.shape, dtype=bool)
        j = 0
        while np.any(active):
            j += 1
            factor = (nd - (j - 1)) / ad
            active &= factor > 0
            term = np.where(active, term * factor, 0.0)
            total += term
            active &= term > 1e-17 * total
        out[deep] = -np.log(total)
    return out


def gammainc_unreliable(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where ``scipy.special.gammainc(b, y)`` loses digits.

    It sums its power series for at most 2000 terms, too few for huge ``b`` a little below
    ``y``'s Gaussian window (``4 sqrt(b) < b - y < b / 25``); the result drifts there (2e-4
    relative at ``b = 5.6e6``, ``y = 0.996 b``). :func:`log_kummer_a_and_p` then uses 1F1
    (Boost's implementation, accurate to about 1e-13).
    """
    big = b > 2e4
    if not big.any():  # the common case: nothing to check further
        return big
    gap = b - y
    return big & (gap > 4.0 * np.sqrt(b)) & (gap < b / 25.0)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)


def _phi(v: np.ndarray) -> np.ndarray:
    """``e^-v - 1 + v`` without cancellation for small ``v`` (Taylor series below 0.1)."""
    small = v < 0.1
    with np.errstate(over="ignore"):
        out = np.expm1(-v) + v
    vs = v[small]
    # v^2/2 - v^3/6 + ... - v^11/11!: the next term is below 1e-17 of the first
    term = vs * vs / 2.0
    total = term.copy()
    for k in range(3, 12):
        term = -term * vs / k
        total = total + term
    out[small] = total
    return out


def kummer_a_by_quadrature(b: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log A(b, y)`` and ``E[1 - e^-V]`` by quadrature, for large ``b`` and ``y``.

    Above about 1e6, where the integrand is narrow and ``1F1`` fails.

    ``A(b, y) = b int_0^inf exp(h(v)) dv`` with ``h(v) = -(b - y) v - y (e^-v - 1 + v)``
    (substitute ``s = y e^-v`` in ``A = b e^y y^-b gamma(b, y)``); ``h`` is concave with
    its peak at ``v* = max(log(y / b), 0)`` and curvature ``min(y, b)`` there. One window
    of 64 Gauss-Legendre nodes from ``v*`` minus to ``v*`` plus the width where ``h`` has
    fallen by 50 (or to 0). ``V`` is the offered wait of Erlang A given that it waits,
    whose density is ``b exp(h(v)) / A``, so the second value is ``P(abandon | wait)``.
    """
    c = b - y
    peak = np.where(y > b, np.log(np.maximum(y, b) / b), 0.0)
    width = 1.2 * np.sqrt(100.0 / np.minimum(y, b))
    with np.errstate(divide="ignore"):
        right = peak + np.minimum(width, np.where(c > 0, 50.0 / c, np.inf))
    left = np.maximum(peak - width, 0.0)
    h_peak = -c * peak - y * _phi(peak)
    half = 0.5 * (right - left)
    v = (0.5 * (right + left))[:, None] + half[:, None] * _GL_NODES[None, :]
    g = np.exp(-c[:, None] * v - y[:, None] * _phi(v) - h_peak[:, None])
    # sums row by row: a matrix product may group a row's terms by the rows around it
    zeroth = half * (g * _GL_WEIGHTS).sum(axis=1)
    first = half * (g * -np.expm1(-v) * _GL_WEIGHTS).sum(axis=1)
    return np.log(b) + h_peak + np.log(zeroth), first / zeroth


def log_kummer_a(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Natural log of ``A(b, y) = 1F1(1; b + 1; y) = sum_j y^j / ((b+1)...(b+j))``.

    This is the function ``A(x, y) = x e^y y^-x gamma(x, y)`` of Erlang A (Mandelbaum and
    Zeltyn [2]_), for real ``b > 0`` and ``y >= 0``. Two routes, both exact:

    * ``A = P(b, y) / d(b, y)`` with ``P`` the regularised lower incomplete gamma and
      ``d = y^b e^-y / Gamma(b + 1)`` (a continuous Poisson term), used wherever ``P`` is
      safely above underflow;
    * otherwise (``y`` far below ``b``) ``1F1`` itself, whose series then converges fast
      and stays near ``b / (b - y)``.
    """
    return log_kummer_a_and_p(b, y)[0]


def log_kummer_a_and_p(b: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log A(b, y)`` (see :func:`log_kummer_a`) and ``log P(b, y)``.

    ``P`` is the regularised lower incomplete gamma; where it is below ``exp(-650)`` its
    log is returned as ``-inf`` (callers then work with ``A``).
    """
    b, y = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(y, dtype=float))
    with np.errstate(divide="ignore"):
        log_p = np.log(special.gammainc(b, y))
    log_a = np.zeros(b.shape, dtype=float)  # A(b, 0) = 1
    pos = y > 0
    # the low ones are redone below (their log_p may be -inf, or NaN: gammainc gives up for
    # a shape of 1e307 and more, a handle time 1e305 times shorter than the patience)
    low = pos & ~(log_p >= TINY_LOG)
    plain = pos & ~low
    log_a[plain] = log_p[plain] - log_poisson_term(b[plain], y[plain])
    long_series = pos & gammainc_unreliable(b, y)
    redo = low | long_series
    if np.any(redo):
        log_a[redo] = np.log(special.hyp1f1(1.0, b[redo] + 1.0, y[redo]))
        # Far below the diagonal (c = b - y above 3e8 sqrt(y); b of 1e20 and more, a
        # patience of 1e13 s or longer) 1F1 may return NaN. There A = b int_0^inf
        # exp(-b v - y (e^-v - 1)) dv = (b / c) (1 - y / c^2 + ...), so b / c is exact to
        # a relative 1e-17.
        far = redo & (b - y > 3e8 * np.sqrt(np.maximum(y, 1.0)))
        if np.any(far):
            log_a[far] = -np.log1p(-y[far] / b[far])
        lost = redo & ~np.isfinite(log_a)  # 1F1 returns NaN for huge b close to y
        if np.any(lost):
            log_a[lost] = kummer_a_by_quadrature(b[lost], y[lost])[0]
        log_p[long_series] = log_a[long_series] + log_poisson_term(b[long_series], y[long_series])
        log_p[low | (log_p < TINY_LOG)] = -np.inf
    return log_a, log_p

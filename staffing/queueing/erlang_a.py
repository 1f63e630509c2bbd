"""Erlang A (M/M/n+M): callers abandon after an exponentially distributed patience.

All formulas are written in *patience units*: with mean handle time ``1/mu``, mean patience
``1/theta`` and arrival rate ``lambda``,

* ``x = n mu / theta`` (agents times patience over handle time),
* ``y = lambda / theta`` (calls arriving during one mean patience),
* ``T = theta t`` (the service-level threshold in patiences).

Notes
-----
The stationary distribution of the birth-death chain gives (Garnett, Mandelbaum and Reiman
2002; Mandelbaum and Zeltyn 2009)

* ``P(wait) = A B / (1 + (A - 1) B)`` with ``B`` Erlang B for ``n`` and ``a = lambda/mu`` and
  ``A = A(x, y) = 1F1(1; x + 1; y)``;
* given that it waits, a caller's *offered* wait ``V`` (the wait it would have with infinite
  patience) has density ``(x / A) exp(-x v - y (e^-v - 1))`` on ``v >= 0`` (patience units).

From that density every measure follows with the identities ``A(x, y) = 1 + y A(x+1, y) /
(x + 1)`` and ``P(x, y e^-T) / P(x, y) = exp(-x T - y (e^-T - 1)) A(x, y e^-T) / A(x, y)``
(``P`` the regularised lower incomplete gamma), which keep every quantity a ratio of
positive numbers:

* ``P(answered | wait) = E[e^-V] = x A(x+1, y) / ((x + 1) A(x, y))``;
* ``P(answered within T | wait) = P(answered | wait) (1 - P(x+1, y e^-T) / P(x+1, y))``;
* ``P(V > T | wait) = P(x, y e^-T) / P(x, y)``, so a caller is still waiting at ``T`` with
  probability ``e^-T P(V > T | wait)`` and has abandoned with the rest;
* the mean wait of answered calls (ASA) is ``P(wait) E[V e^-V | wait] / P(answered)``
  patiences, and ``E[V e^-V | wait] = P(answered | wait) M(x + 1, y)`` with ``M(b, y)`` the
  mean of the density proportional to ``g_b(v) = exp(-b v - y (e^-v - 1))`` (the offered
  wait tilted by ``e^-v``). With ``s = y e^-v``, ``int g_b = e^y y^-b gamma(b, y)`` (lower
  incomplete gamma) and ``int v g_b = -d/db int g_b``, so

  ``M(b, y) = log y - d/db log gamma(b, y) = sum_{j>=0} w_j (psi(b + j + 1) - psi(b))``,
  ``w_j = (y^j / Gamma(b + j + 1)) / sum_k y^k / Gamma(b + k + 1)``,

  the series ``gamma(b, y) = y^b e^-y Gamma(b) sum_j y^j / Gamma(b + j + 1)`` (DLMF 8.7.1)
  differentiated term by term in its shape ``b``, as Moore [3]_ does for the incomplete
  gamma integral. Read as a queue (``b = x + 1``): ``w_j`` is the law of the number of
  callers ahead of a caller who waits and is answered, and ``psi(b + j + 1) - psi(b) =
  sum_{m<=j} 1 / (b + m)`` its mean wait given ``j`` (``j + 1`` exponential stages, at
  rates ``b + m`` once tilted). Every term is positive (no cancellation); the sum runs
  over the window around its largest term where the terms exceed ``e^-36`` of it, 20 to
  60 terms for typical intervals and at most 512. Beyond that (``y`` above about 3,400
  calls per patience on the diagonal ``y = b``, 900 to 1,900 above it, in overload, and
  more below it: thousands of Erlangs with a patience of a few handle times) the
  integral is taken by Gauss-Legendre quadrature on windows around its mode, which is
  cheaper there; both routes agree to 1e-12 (``tests/test_erlang_a_asa.py``).

References
----------
.. [1] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
   customers", Manufacturing & Service Operations Management 4(3), 2002, 208-227.
   doi:10.1287/msom.4.3.208.7753
.. [2] A. Mandelbaum and S. Zeltyn, "The M/M/n+G queue: summary of performance measures",
   Technion, 2009.
.. [3] R. J. Moore, "Algorithm AS 187: Derivatives of the incomplete gamma integral",
   Journal of the Royal Statistical Society, Series C (Applied Statistics) 31(3), 1982,
   330-335. doi:10.2307/2348014
.. [4] NIST Digital Library of Mathematical Functions, eq. 8.7.1 (the series of the
   incomplete gamma function). https://dlmf.nist.gov/8.7.E1
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from staffing.queueing.special import (
    TINY_LOG,
    gammainc_unreliable,
    kummer_a_by_quadrature,
    log_erlang_b,
    log_kummer_a,
    log_kummer_a_and_p,
    log_poisson_term,
)

__all__ = ["erlang_a_measures"]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)
_DROP = 46.0  # the windows end where the integrand fell below e^-46 of its peak
_CHUNK = 4096  # rows per pass: the 48-node windows of a pass stay in cache
_CUT = 36.0  # the series keeps its terms down to e^-36 of the largest
_SMALL = 1 << 14  # rows x terms summed in one two-dimensional pass
SERIES_TERMS = 512  # longest series summed; longer windows go to the quadrature


def _series_window(b: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First index ``L`` and number of terms of the series of :func:`_mean_offered_wait`.

    The terms ``t_j = y^j / Gamma(b + j + 1)`` peak at ``j* = floor(max(y - b, 0))``; the
    window keeps those above ``e^-CUT`` of the peak.

    * Left: ``t_{j*-k} / t_{j*} <= exp(-k (k - 1) / (2 y))`` (each ratio ``(b + j* - i) /
      y <= 1 - i / y``), so ``k (k - 1) >= 2 CUT y`` suffices.
    * Right: with ``y1 = b + j* + 1 > y`` and ``g = log(y1 / y) > 0``, ``log(t_{j*} /
      t_{j*+k}) = sum_{i<k} (g + log(1 + i / y1)) >= F(k) = k g + y1 h((k - 1) / y1)``,
      ``h(w) = (1 + w) log(1 + w) - w`` (the sum of an increasing function above its
      integral). ``F`` is a sum of positive terms (no cancellation, however large ``b``
      and ``y``) and convex in ``k``: from the smaller of two upper bounds, ``CUT / g``
      and ``1 + y1 w`` with ``w`` from Bennett's ``h(w) >= w^2 / (2 (1 + w / 3))``,
      Newton steps on ``F(k) = CUT`` stay above its root; three of them, plus one term,
      come within about 5% of the fewest terms on typical intervals.

    Returned as floats; non-finite counts (``y`` or ``b`` beyond 1e300) go to the
    quadrature.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = np.floor(np.maximum(y - b, 0.0))
        left = np.where(top > 0.0, np.ceil(0.5 * (1.0 + np.sqrt(1.0 + 8.0 * _CUT * y))), 0.0)
        first = np.maximum(top - left, 0.0)
        y1 = b + top + 1.0
        g = np.log(y1) - np.log(y)
        c = _CUT / y1
        w = c / 3.0 + np.sqrt(c * c / 9.0 + 2.0 * c)
        k = np.fmin(_CUT / g, 1.0 + y1 * w)
        for _ in range(3):
            wk = np.maximum(k - 1.0, 0.0) / y1
            f = k * g + y1 * ((1.0 + wk) * np.log1p(wk) - wk) - _CUT
            k = k - f / (g + np.log1p(wk))
        right = np.where(y > 0.0, np.ceil(k) + 1.0, 1.0)
    return first, top - first + right + 1.0


def _mean_offered_wait(b: np.ndarray, y: np.ndarray, longest: float = SERIES_TERMS) -> np.ndarray:
    """Mean of ``V`` under the density proportional to ``exp(-b v - y (e^-v - 1))``, ``v > 0``.

    ``M(b, y) = log y - d/db log gamma(b, y) = sum_j w_j (psi(b + j + 1) - psi(b))`` with
    ``w_j`` proportional to ``y^j / Gamma(b + j + 1)`` (module notes), summed over the
    window of :func:`_series_window` where it has at most ``longest`` terms (default
    :data:`SERIES_TERMS`); elsewhere (``y`` above about 3,400 calls per patience on the
    diagonal ``y = b``, 900 to 1,900 above it) by quadrature,
    :func:`_mean_offered_wait_by_quadrature`, which costs less than that many terms.
    """
    out = np.empty(b.shape, dtype=float)
    first, count = _series_window(b, y)
    series = (count >= 1.0) & (count <= longest)  # False where NaN
    idx = np.flatnonzero(series)
    if idx.size:
        terms = count[idx]
        if longest < 2**15:
            terms = terms.astype(np.int16)  # a radix sort
        order = idx[np.argsort(-terms, kind="stable")]  # longest series first
        out[order] = _sum_series(b[order], y[order], first[order], count[order])
    rest = np.flatnonzero(~series)
    if rest.size:
        out[rest] = _mean_offered_wait_by_quadrature(b[rest], y[rest])
    return out


def _sum_series(b: np.ndarray, y: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The series of :func:`_mean_offered_wait` for rows sorted by falling ``count``.

    ``H_j = psi(b + j + 1) - psi(b) = sum_{m=0..j} 1 / (b + m)`` starts at ``H_first``
    (``1 / b`` when ``first = 0``; the digamma difference loses at most ``1e-16 log(b) b /
    first`` relative, below 1e-12 where the series is used). The terms are taken relative
    to ``t_first``, one ratio ``y / (b + j)`` at a time, so the common factor cancels and
    nothing overflows (the peak is about ``e^CUT`` above the first term at most). Each
    chunk of rows runs to its longest series, the shorter ones dropping out of the slices
    as they end (the rows are sorted).
    """
    out = np.empty(b.shape, dtype=float)
    for start in range(0, b.size, _CHUNK):
        stop = min(start + _CHUNK, b.size)
        bb, yy, ff = b[start:stop], y[start:stop], first[start:stop]
        cc = count[start:stop]
        base = bb + ff
        h_first = 1.0 / bb
        late = ff > 0.0  # only above the diagonal
        if np.any(late):
            h_first[late] = special.digamma(base[late] + 1.0) - special.digamma(bb[late])
        longest = int(cc[0])
        if bb.size * longest <= _SMALL:
            out[start:stop] = h_first + _sum_series_at_once(base, yy, cc, longest)
            continue
        # rows still summing at term i: those with count > i (cc falls)
        active = np.searchsorted(-cc, -np.arange(longest, dtype=float), side="left")
        t = np.ones(bb.shape)  # t_{first+i} / t_first
        total = np.ones(bb.shape)  # sum of t
        harmonic = np.zeros(bb.shape)  # H_{first+i} - H_first
        weighted = np.zeros(bb.shape)  # sum of t (H - H_first)
        step = np.empty(bb.shape)
        for i in range(1, longest):
            m = active[i]
            inv = step[:m]
            np.add(base[:m], float(i), out=inv)
            np.divide(1.0, inv, out=inv)  # 1 / (b + first + i)
            harmonic[:m] += inv
            inv *= yy[:m]
            t[:m] *= inv
            total[:m] += t[:m]
            np.multiply(t[:m], harmonic[:m], out=inv)
            weighted[:m] += inv
        out[start:stop] = h_first + weighted / total
    return out


def _sum_series_at_once(
    base: np.ndarray, y: np.ndarray, count: np.ndarray, longest: int
) -> np.ndarray:
    """The loop of :func:`_sum_series` as one two-dimensional pass, for few rows.

    A handful of numpy calls instead of several per term. The same operations in the same
    order (products and sums accumulate term by term, each row stops at its own ``count``),
    so each row gets the loop's value to the last bit, whatever rows it comes with: a
    chunked plan equals the one-shot plan byte for byte.
    """
    inv = 1.0 / (base[:, None] + np.arange(1.0, float(longest)))
    t = np.cumprod(inv * y[:, None], axis=1)
    harmonic = np.cumsum(inv, axis=1)
    t[np.arange(1.0, float(longest))[None, :] >= count[:, None]] = 0.0  # past its window
    terms = np.empty((base.size, longest))
    terms[:, 0] = 1.0
    terms[:, 1:] = t
    total = np.cumsum(terms, axis=1)[:, -1]
    weighted = np.cumsum(t * harmonic, axis=1)[:, -1] if longest > 1 else np.zeros(base.size)
    return weighted / total


def _mean_offered_wait_by_quadrature(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean of ``V`` under the density proportional to ``exp(-b v - y (e^-v - 1))``, ``v > 0``.

    Both integrals (of ``v g`` and of ``g``) are taken on the same Gauss-Legendre nodes,
    so the huge common factor of ``g`` cancels exactly. The log-integrand of the first,
    ``psi(v) = log v - b v - y expm1(-v)``, is strictly concave: find its mode
    (safeguarded Newton), widen a window on each side until both ``psi`` and ``log g``
    have dropped by ``_DROP`` from their peaks, and integrate each side with 48 nodes.
    """
    out = np.empty(b.shape, dtype=float)
    # Far below critical load (c = b - y above 3e8 sqrt(y), e.g. a patience of 1e12 s and
    # more) the window is so narrow that e^-v - 1 = -v + v^2/2 - ...: the density is
    # c e^-cv to a relative 1e-17 (y / c^2), so the mean is 1 / c. The quadrature would
    # need v ~ 1/c, whose square underflows for a patience beyond 1e154 s.
    c = b - y
    plain = c > 3e8 * np.sqrt(np.maximum(y, 1.0))
    out[plain] = 1.0 / c[plain]
    idx = np.flatnonzero(~plain)
    for start in range(0, idx.size, _CHUNK):
        sl = idx[start : start + _CHUNK]
        out[sl] = _mean_offered_wait_chunk(b[sl], y[sl])
    return out


def _psi(v: np.ndarray, b: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(v) - b * v - y * np.expm1(-v)


def _mean_offered_wait_chunk(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    def dpsi(v: np.ndarray) -> np.ndarray:
        return 1.0 / v - b + y * np.exp(-v)

    # Bracket the mode: psi' is +inf at 0 and decreasing.
    lo = np.zeros_like(b)
    hi = np.where(y > b, np.log(np.maximum(y, b) / b), 0.0) + 1.0 / b
    for _ in range(200):
        up = dpsi(hi) > 0
        if not np.any(up):
            break
        lo = np.where(up, hi, lo)
        hi = np.where(up, 2.0 * hi, hi)
    m = 0.5 * (lo + hi)
    # A row stops at its own convergence (its value must not depend on the rows it is
    # computed with: a chunked plan equals the one-shot plan byte for byte).
    done = np.zeros(m.shape, dtype=bool)
    for _ in range(40):
        g = dpsi(m)
        lo = np.where(g > 0, m, lo)
        hi = np.where(g > 0, hi, m)
        # Newton step m - psi'/psi'' with both scaled by m^2, which underflows once b
        # passes 1e154 (a patience of 1e155 s or more) while m is about 1 / (b - y)
        step = m + m * (m * g) / (1.0 + y * m * m * np.exp(-m))
        inside = (step > lo) & (step < hi)
        new = np.where(done, m, np.where(inside, step, 0.5 * (lo + hi)))
        done |= np.abs(new - m) <= 1e-13 * m
        m = new
        if np.all(done):
            break
    peak = _psi(m, b, y)
    sigma = m / np.sqrt(1.0 + y * m * m * np.exp(-m))  # 1 / sqrt(-psi''(m))

    # Right window: double until the drop is large enough.
    d = sigma.copy()
    for _ in range(200):
        short = peak - _psi(m + d, b, y) < _DROP
        if not np.any(short):
            break
        d = np.where(short, 2.0 * d, d)
    right = m + d
    # Left window: until psi has dropped enough, and log g too (g peaks at v_g <= m).
    v_g = np.maximum(np.log(np.maximum(y, b) / b), 0.0)
    peak_g = _psi(np.maximum(v_g, 1e-300), b, y) - np.log(np.maximum(v_g, 1e-300))
    d = sigma.copy()
    for _ in range(200):
        left = np.maximum(m - d, 0.0)
        safe = np.maximum(left, 1e-300)
        drop_psi = peak - _psi(safe, b, y)
        drop_g = peak_g - (_psi(safe, b, y) - np.log(safe))
        short = (left > 0) & ((drop_psi < _DROP) | (drop_g < _DROP))
        if not np.any(short):
            break
        d = np.where(short, 2.0 * d, d)
    left = np.maximum(m - d, 0.0)

    first = np.zeros_like(b)
    zeroth = np.zeros_like(b)
    for lo_edge, hi_edge in ((left, m), (m, right)):
        half = 0.5 * (hi_edge - lo_edge)
        mid = 0.5 * (hi_edge + lo_edge)
        v = mid[:, None] + half[:, None] * _NODES[None, :]
        # g(v) / g(m) with log g(v) = -b v - y expm1(-v)
        log_g = -b[:, None] * v - y[:, None] * np.expm1(-v)
        vals = np.exp(log_g - (peak - np.log(m))[:, None])
        # sums row by row (a matrix product may group a row's terms by the rows around it)
        zeroth += half * (vals * _WEIGHTS).sum(axis=1)
        first += half * (vals * v * _WEIGHTS).sum(axis=1)
    return first / zeroth


def erlang_a_measures(
    n: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    thresholds_s: list[np.ndarray],
    *,
    want_asa: bool = True,
    want_abandoned_within: bool = True,
    want_abandon_rate: bool = True,
    log_b: np.ndarray | None = None,
) -> dict[str, Any]:
    """Erlang A measures on broadcast float arrays with ``a > 0`` and finite patience.

    Returns a dict with ``p_wait``, ``abandon_rate``, ``occupancy``, ``asa_s`` (mean wait
    of answered calls, when ``want_asa``), and per threshold in ``thresholds_s`` a pair
    ``(answered_within, abandoned_within)`` as fractions of offered calls, under key
    ``"within"`` (``abandoned_within`` is ``None`` unless ``want_abandoned_within``).
    Without ``want_abandon_rate`` the key ``abandon_rate`` is left out (the solver skips
    its costliest term when no target needs it). ``log_b``, when given, is the log of
    Erlang B for ``n`` and ``a`` (the solver walks it with the Erlang B recursion instead
    of recomputing it).
    """
    out: dict[str, Any] = {}
    none = n <= 0
    ns = np.where(none, 1.0, n)
    with np.errstate(over="ignore"):
        x = ns * patience_s / aht_s
        y = a * patience_s / aht_s
    # A handle time over 1e308 times shorter than the patience (a subnormal aht_s) overflows
    # x. The limit x -> inf at fixed y is Erlang C with y / x = a / n = 0: nobody abandons,
    # P(wait) is Erlang B, every waiting caller is answered at once (measures set below);
    # a finite stand-in for x keeps the arithmetic in between quiet.
    huge = np.isinf(x) & np.isfinite(y)
    fast = huge & ~none
    if np.any(huge):
        x = np.where(huge, 2.0 * y + 1.0, x)
    log_x1 = np.log(x + 1.0)
    with np.errstate(divide="ignore"):
        # y underflows to 0 for a subnormal workload (5e-324 Erlangs): its terms are then
        # below the last bit of every measure and log y = -inf gives their exact limit.
        log_y = np.log(y)
    log_a1, log_p1 = log_kummer_a_and_p(x + 1.0, y)
    log_a = np.logaddexp(0.0, log_y - log_x1 + log_a1)
    if log_b is None:
        log_b = log_erlang_b(ns, a)
    # P(wait) = A B / (1 + (A - 1) B) = 1 / (1 + (1/B - 1) / A)
    with np.errstate(divide="ignore"):  # B = 1 to the last bit: P(wait) = 1
        log_inv_b_minus_1 = np.log(-np.expm1(log_b)) - log_b
    s = log_a - log_inv_b_minus_1
    # expit(s) = 1 / (1 + e^-s) flushes to 0 where e^-s overflows (s < -709.8); below
    # s = -40 it equals e^s to the last bit, which underflows gradually, as Erlang B does.
    p_wait = np.where(s < -40.0, np.exp(np.minimum(s, 0.0)), special.expit(s))
    # P(answered | wait) = x A(x+1, y) / ((x + 1) A(x, y)) with A(x, y) = 1 + y A(x+1, y) / (x+1):
    # x / (y + (x + 1) / A(x+1, y)), free of differences of large logarithms.
    # With E = (x + 1) / A(x+1, y) and A(x, y) = 1 + y A(x+1, y) / (x + 1):
    # P(answered | wait) = x A(x+1, y) / ((x + 1) A(x, y)) = x / (E + y) and
    # P(abandon | wait) = (E + y - x) / (E + y): no differences of large logarithms.
    e_term = (x + 1.0) * np.exp(-log_a1)
    served_w = x / (e_term + y)
    if want_abandon_rate:
        ab_w = (e_term + (y - x)) / (e_term + y)
        # Below critical load (y < x) that numerator cancels when abandonment is rare; there
        # (x + 1) A(x, y) - x A(x+1, y) = D = d/dy [y A(x+1, y)]
        #   = A(x+1, y) + y 1F1(2; x+3; y) / (x+2),
        # a sum of positive terms, and P(abandon | wait) = D / ((x + 1) + y A(x+1, y)).
        rare = (y < x) & (ab_w < 0.05)
        # Far below it (x - y above 3e8 sqrt(y), a patience of 1e13 s and more) V is
        # exponential with rate x - y to a relative 1e-17 (see log_kummer_a_and_p) and
        # P(abandon | wait) = E[1 - e^-V] = 1 / (x - y + 1), where 1F1 may return NaN.
        if np.any(rare):
            xr, yr = x[rare], y[rare]
            a1 = np.exp(log_a1[rare])
            ab_r = 1.0 / (xr - yr + 1.0)
            close = xr - yr <= 3e8 * np.sqrt(np.maximum(yr, 1.0))
            xc, yc, a1c = xr[close], yr[close], a1[close]
            d = a1c + yc * special.hyp1f1(2.0, xc + 3.0, yc) / (xc + 2.0)
            ab_c = d / ((xc + 1.0) + yc * a1c)
            lost = ~np.isfinite(ab_c)  # 1F1 returns NaN for huge x close to y
            if np.any(lost):
                ab_c[lost] = kummer_a_by_quadrature(xc[lost], yc[lost])[1]
            ab_r[close] = ab_c
            ab_w[rare] = ab_r
        out["abandon_rate"] = np.where(none, 1.0, p_wait * ab_w)
    if np.any(fast):
        p_wait = np.where(fast, np.exp(log_b), p_wait)
        served_w = np.where(fast, 1.0, served_w)
        if want_abandon_rate:
            out["abandon_rate"] = np.where(fast, 0.0, out["abandon_rate"])
    answered = np.where(none, 0.0, (1.0 - p_wait) + p_wait * served_w)
    p_wait = np.where(none, 1.0, p_wait)
    out["p_wait"] = p_wait
    out["occupancy"] = np.where(none, 1.0, np.minimum(a * answered / ns, 1.0))
    out["answered"] = answered

    within: list[tuple[np.ndarray, np.ndarray | None]] = []
    for t in thresholds_s:
        with np.errstate(over="ignore"):  # T = inf: a threshold of endless patiences
            big_t = t / patience_s
        z = y * np.exp(-big_t)
        # R1 = P(x+1, z) / P(x+1, y) and R0 = P(x, z) / P(x, y): plain ratios of incomplete
        # gammas where neither is near underflow (P(x, .) = P(x+1, .) + d(x, .)), otherwise
        # through A: P(b, z) / P(b, y) = exp(-b T - y (e^-T - 1)) A(b, z) / A(b, y).
        with np.errstate(divide="ignore", invalid="ignore"):
            # gammainc gives NaN for a shape of 1e307 and more: tiny, through A below
            log_p1z = np.fmax(np.log(special.gammainc(x + 1.0, z)), -np.inf)
            log_r1 = log_p1z - log_p1
        tiny = ~((log_p1 > TINY_LOG) & (log_p1z > TINY_LOG))
        tiny |= gammainc_unreliable(x + 1.0, z)  # log_p1 is already exact there
        if np.any(tiny):
            em = np.expm1(-big_t[tiny])
            log_a1z = np.full(x.shape, np.nan)
            log_a1z[tiny] = log_kummer_a(x[tiny] + 1.0, z[tiny])
            with np.errstate(over="ignore"):  # x T beyond 1e308: R1 = 0
                log_r1[tiny] = (
                    -(x[tiny] + 1.0) * big_t[tiny] - y[tiny] * em + log_a1z[tiny] - log_a1[tiny]
                )
        served_t = served_w * -np.expm1(np.minimum(log_r1, 0.0))
        if np.any(fast):  # V = 0: answered within any t > 0
            served_t = np.where(fast, np.where(t > 0.0, 1.0, 0.0), served_t)
        answered_within = np.where(none, 0.0, (1.0 - p_wait) + p_wait * served_t)
        abandoned_within = None
        if want_abandoned_within:
            log_p0 = np.logaddexp(log_p1, log_poisson_term(x, y))
            log_p0z = np.logaddexp(log_p1z, log_poisson_term(x, z))
            with np.errstate(invalid="ignore"):  # -inf - -inf where tiny: replaced below
                log_r0 = log_p0z - log_p0
            if np.any(tiny):
                yt, tt = y[tiny], big_t[tiny]
                # x T = n t / aht: patience cancels, and x itself may have underflowed to 0
                # (a subnormal patience) while T is infinite
                with np.errstate(over="ignore"):
                    x_t = ns[tiny] * (np.broadcast_to(t, x.shape)[tiny] / aht_s[tiny])
                # A(x, z) = 1 + z A(x+1, z) / (x + 1) with log z = log y - T: z = y e^-T
                # itself underflows to 0 once T passes about 745 + log y.
                log_az = np.logaddexp(0.0, log_y[tiny] - tt - log_x1[tiny] + log_a1z[tiny])
                log_r0[tiny] = -x_t - yt * np.expm1(-tt) + log_az - log_a[tiny]
            # abandoned within T | wait = 1 - answered within T - still waiting at T,
            # and still waiting = e^-T P(V > T | wait) = e^-T R0
            not_waiting = -np.expm1(-big_t + np.minimum(log_r0, 0.0))
            ab_t = np.clip(not_waiting - served_t, 0.0, 1.0)
            abandoned_within = np.where(none, -np.expm1(-big_t), p_wait * ab_t)
            if np.any(fast):
                abandoned_within = np.where(fast, 0.0, abandoned_within)
        within.append((answered_within, abandoned_within))
    out["within"] = within

    if want_asa:
        # E[V e^-V | wait] = P(answered | wait) E_{x+1}[V]: mean of the tilted density.
        mean_v = _mean_offered_wait(x + 1.0, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            asa = p_wait * served_w * mean_v / answered * patience_s
        if np.any(fast):  # Erlang C's P(wait) / (n mu - lambda)
            asa = np.where(fast, p_wait * aht_s / (ns - a), asa)
        # Nobody answered (to the last bit, e.g. 1e-320 agents): inf, as with no agents.
        out["asa_s"] = np.where(none | (answered <= 0.0), np.inf, asa)
    return out

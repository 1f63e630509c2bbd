"""The ASA of answered calls in Erlang A: the shape derivative of the incomplete gamma.

The package computes the mean of the tilted offered wait (module notes of
:mod:`staffing.queueing.erlang_a`)::

    M(b, y) = log y - d/db log gamma(b, y) = sum_j w_j (psi(b + j + 1) - psi(b))

by its series where at most 512 terms are needed, by quadrature elsewhere. The tests check

* ``M`` against mpmath at 40 digits, with a reference built from mpmath's own incomplete
  gamma and its numerical derivative in ``b`` (``mpmath.diff``), and from ``mpmath.quad``
  of the defining integral ``int v g / int g``, ``g(v) = exp(-b v - y (e^-v - 1))`` (the
  two references agree to 1e-25 on the points tried); none of the package's formulas;
* the two routes of the package against each other where both apply (the switch between
  them must not be seen);
* the ASA through ``evaluate`` against the birth-death chain of ``tests/reference.py``
  (mpmath, 50 digits, series and integral routes) at points on each side of the switch;
* properties: ASA falls as agents are added, across the switch, and Erlang A's ASA tends
  to Erlang C's as patience grows, with the first-order gap derived independently from
  Erlang C's geometric queue (``test_asa_first_order_in_the_abandonment_rate``).
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import reference

import staffing
from staffing.queueing.erlang_a import (
    SERIES_TERMS,
    _mean_offered_wait,
    _mean_offered_wait_by_quadrature,
    _series_window,
)

DPS = 40
REL = 1e-9  # the package's contract
REL_M = 1e-12  # what the series keeps (measured: 7e-15 over 1,023 points)


def mp_mean_by_gamma(b: float, y: float) -> mp.mpf:
    """``log y - d/db log gamma(b, y)`` in mpmath; above the diagonal ``gamma = Gamma -
    Gamma(b, y)`` (mpmath's lower series does not converge there)."""
    with mp.workdps(DPS):
        if y == 0.0:
            return 1 / mp.mpf(b)
        ym = mp.mpf(y)

        def log_lower(s: mp.mpf) -> mp.mpf:
            if ym > s:
                return mp.log(mp.gamma(s) - mp.gammainc(s, ym))
            return mp.log(mp.gammainc(s, 0, ym))

        return mp.log(ym) - mp.diff(log_lower, mp.mpf(b))


def mp_mean_by_quad(b: float, y: float) -> mp.mpf:
    """``int v g / int g`` with ``g(v) = exp(-b v - y (e^-v - 1))`` on ``v > 0`` by
    tanh-sinh quadrature, with breakpoints at multiples of the width around the mode."""
    with mp.workdps(DPS):
        bm, ym = mp.mpf(b), mp.mpf(y)
        mode = mp.log(ym / bm) if ym > bm else mp.mpf(0)
        width = 1 / mp.sqrt(min(ym, bm)) if ym > 0 else 1 / bm
        if bm > ym:
            width = min(width, 1 / (bm - ym))
        steps = (0, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)
        points = sorted({mode + s * k * width for k in steps for s in (-1, 1)} | {mp.mpf(0)})
        points = [p for p in points if p >= 0] + [mp.inf]

        def log_g(v: mp.mpf) -> mp.mpf:
            return -bm * v - ym * mp.expm1(-v)

        peak = log_g(mode)
        zeroth = mp.quad(lambda v: mp.exp(log_g(v) - peak), points)
        first = mp.quad(lambda v: v * mp.exp(log_g(v) - peak), points)
        return first / zeroth


def mp_mean(b: float, y: float) -> mp.mpf:
    """The reference: the incomplete gamma route, except far above the diagonal with a
    large ``b`` (mpmath's upper incomplete gamma takes 20 s at ``b = 2e4``, ``y = 3e4``),
    where the quadrature route is used."""
    if b > 1000.0 and y > 1.2 * b:
        return mp_mean_by_quad(b, y)
    return mp_mean_by_gamma(b, y)


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """``b = x + 1`` from 1 to 2e4 and ``y`` from 0 to 30 b: far below, near (within a
    few ``sqrt(b)``) and far above the diagonal ``y = b``."""
    bs, ys = [], []
    for b in (1.0001, 1.6, 4.0, 20.0, 150.0, 900.0, 3000.0, 2e4):
        root = math.sqrt(b)
        for y in (0.0, 1e-9 * b, 0.3 * b, b - 3 * root, b - 0.5 * root, b, b + root, 1.5 * b):
            if y >= 0.0:
                bs.append(b)
                ys.append(y)
        if b <= 900.0:
            bs += [b, b]
            ys += [4.0 * b + 10.0, 30.0 * b]
    return np.array(bs), np.array(ys)


def test_mean_offered_wait_against_mpmath() -> None:
    """``M(b, y)`` on 72 points (``_grid``) against ``mp_mean`` to 1e-12
    relative; the grid reaches every route: the series from the first term (below the
    diagonal), the series from a later term (above it, through a digamma difference)
    and the quadrature (long windows)."""
    b, y = _grid()
    got = _mean_offered_wait(b, y)
    first, count = _series_window(b, y)
    series = count <= SERIES_TERMS
    assert np.any(series & (first == 0)) and np.any(series & (first > 0))
    assert np.any(~series)
    bad = []
    for i in range(b.size):
        ref = float(mp_mean(b[i], y[i]))
        if abs(got[i] - ref) > REL_M * ref:
            route = "series" if series[i] else "quadrature"
            bad.append(f"b={b[i]:g} y={y[i]:g} ({route}): {got[i]!r} vs {ref!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("b", "y"), [(1.5, 0.7), (20.0, 19.0), (150.0, 600.0), (3000.0, 3000.0), (3000.0, 4500.0)]
)
def test_the_two_mpmath_references_agree(b: float, y: float) -> None:
    """The derivative of mpmath's incomplete gamma and the quadrature of the defining
    integral agree to 1e-25: the reference above is what it claims to be (measured: 1e-36
    and closer on the 24 points of ``_grid`` with ``b`` of 3,000 and more)."""
    one, two = mp_mean_by_gamma(b, y), mp_mean_by_quad(b, y)
    assert abs(one - two) <= mp.mpf(10) ** -25 * abs(two)


def test_series_and_quadrature_agree() -> None:
    """3,000 random points, ``b`` from 1 to 1e4 and ``y / b`` from 0 to 3 (log-uniform
    ``b``, seeded): the series summed however long its window and the quadrature agree
    to 1e-12, so the switch at 512 terms is invisible. A few rows at a time take the
    two-dimensional pass instead of the loop over terms: the same to 1e-14."""
    rng = np.random.default_rng(17)
    b = 10.0 ** rng.uniform(0.0, 4.0, 3000)
    y = b * rng.uniform(0.0, 3.0, b.size)
    series = _mean_offered_wait(b, y, longest=math.inf)
    quadrature = _mean_offered_wait_by_quadrature(b, y)
    np.testing.assert_allclose(series, quadrature, rtol=1e-12, atol=0)
    for start in range(0, 60, 6):
        few = _mean_offered_wait(b[start : start + 6], y[start : start + 6], longest=math.inf)
        np.testing.assert_allclose(few, series[start : start + 6], rtol=1e-14, atol=0)


# (calls, aht_s, agents, interval_s, patience_s): each side of the switch to quadrature
LIVE = [
    (1500.0, 240.0, 180, 1800.0, 1800.0),  # 200 Erlangs on 180 agents, series of 493 terms
    (3000.0, 300.0, 480, 1800.0, 1500.0),  # 500 Erlangs on 480, 539 terms: quadrature
    (100.0, 180.0, 3, 1800.0, 3600.0),  # 10 Erlangs on 3: the series from term 18
    (900.0, 200.0, 40, 1800.0, 600.0),  # 100 Erlangs on 40: the series from term 31
]


@pytest.mark.parametrize("case", LIVE, ids=[f"calls={c[0]:g}-n={c[2]}" for c in LIVE])
def test_asa_against_the_birth_death_reference(
    case: tuple[float, float, int, float, float],
) -> None:
    """ASA (and P(wait), abandon rate) through ``evaluate`` against ``reference.erlang_a``
    (the birth-death chain, both of its routes, 50 digits) to 1e-9 relative."""
    calls, aht, n, interval, patience = case
    ref = reference.erlang_a(calls, aht, n, interval, patience, (20.0,))
    m = staffing.evaluate(calls, aht, n, interval_s=interval, threshold_s=20.0, patience_s=patience)
    for key in ("asa_s", "p_wait", "abandon_rate"):
        want = float(ref[key])
        assert abs(getattr(m, key) - want) <= REL * want, key


@pytest.mark.parametrize(
    ("load", "patience_s"), [(10.0, 180.0), (100.0, 30.0), (500.0, 900.0), (1000.0, 600.0)]
)
def test_asa_falls_as_agents_are_added(load: float, patience_s: float) -> None:
    """Every agent from one to twice the load plus ten (up to 2,010 agents), AHT 180 s:
    ASA falls strictly, including where the series gives way to the quadrature (at 500
    and 1,000 Erlangs both routes are crossed) and deep in overload."""
    n = np.arange(1.0, 2.0 * load + 11.0)
    m = staffing.evaluate(load * 10.0, 180.0, n, interval_s=1800.0, patience_s=patience_s)
    asa = np.asarray(m.asa_s)
    assert np.all(np.isfinite(asa) & (asa > 0.0))
    assert np.all(np.diff(asa) < 0.0)
    if load >= 500.0:
        x, y = n * patience_s / 180.0, load * patience_s / 180.0
        count = _series_window(x + 1.0, np.full(n.shape, y))[1]
        assert np.any(count <= SERIES_TERMS) and np.any(count > SERIES_TERMS)


@pytest.mark.parametrize(
    ("calls", "agents"), [(100.0, 11), (100.0, 14), (1000.0, 110), (5000.0, 520)]
)
def test_asa_first_order_in_the_abandonment_rate(calls: float, agents: int) -> None:
    """As patience grows Erlang A's ASA tends to Erlang C's, and the gap is first order:
    ``ASA_A = ASA_C (1 - K theta + O(theta^2))``, ``theta = 1 / patience_s``.

    ``K`` from Erlang C alone: with ``nu = n mu``, ``rho = lambda / nu`` and ``J``
    geometric (``P(J = j) = (1 - rho) rho^j``, the callers ahead), to first order in
    ``theta`` the queue weights are ``rho^j (1 - theta j (j + 1) / (2 nu))``, a caller with
    ``j`` ahead is answered with probability ``1 - theta (j + 1) / nu`` and its answered
    wait ``E[V e^-theta V]`` is ``(j + 1) / nu - theta (j (j + 1) / 2 + (j + 1) + (j +
    1)^2) / nu^2``, whence ``K nu = a1 / E[J + 1] - C b1`` with ``a1 = E[J^3] / 2 + 5
    E[J^2] / 2 + 4 E[J] + 2``, ``b1 = E[J + 1] + E[J (J + 1)] / 2`` and ``C`` Erlang C.
    Checked for patience 1e6 s to 1e9 s (10 to 100 Erlangs by the series, 500 by the
    quadrature): ``e = (ASA_C - ASA_A) / (ASA_C K theta) - 1`` is below ``0.02 (1e6 /
    patience)`` and falls tenfold per decade of patience (the next term is ``O(theta^2)``);
    at 1e9 s the ASA is thus right to 1e-10 of itself or better."""
    aht = 180.0
    a = calls * aht / 1800.0
    nu, rho = agents / aht, a / agents
    m1 = rho / (1 - rho)
    m2 = rho * (1 + rho) / (1 - rho) ** 2
    m3 = rho * (1 + 4 * rho + rho * rho) / (1 - rho) ** 3
    a1 = m3 / 2 + 2.5 * m2 + 4 * m1 + 2
    b1 = m1 + 1 + (m2 + m1) / 2
    k = (a1 / (m1 + 1) - staffing.erlang_c(a, agents) * b1) / nu
    patience = np.array([1e6, 1e7, 1e8, 1e9])
    c = staffing.evaluate(calls, aht, agents, interval_s=1800.0)
    m = staffing.evaluate(calls, aht, agents, interval_s=1800.0, patience_s=patience)
    gap = (c.asa_s - np.asarray(m.asa_s)) / c.asa_s * patience
    e = gap / k - 1.0
    assert np.all(np.abs(e) <= 0.02 * (1e6 / patience)), e
    np.testing.assert_allclose(e[:-1] / e[1:], 10.0, rtol=0.1)


def test_a_row_does_not_depend_on_the_rows_around_it() -> None:
    """150 random intervals (0.01 to 5,000 Erlangs, half to 1.6 times as many agents,
    patience 1 s to 1e8 s, seeded; both routes of the ASA) evaluated together and one by
    one give the same bits in every measure, with abandons counted as failures and within
    the threshold. The series once summed every row of a small batch to the longest
    window, and the quadrature's Newton steps ran until the slowest row converged: both
    made the last bits depend on the neighbours, and a chunked plan differ from the
    one-shot plan (``tests/test_big_plans.py``)."""
    rng = np.random.default_rng(11)
    load = 10.0 ** rng.uniform(-2.0, 3.7, 150)
    agents = np.ceil(load * rng.uniform(0.5, 1.6, load.size))
    aht = rng.uniform(60.0, 600.0, load.size)
    patience = 10.0 ** rng.uniform(0.0, 8.0, load.size)
    calls = load * 1800.0 / aht
    x, y = agents * patience / aht, load * patience / aht
    count = _series_window(x + 1.0, y)[1]
    assert np.any(count <= SERIES_TERMS) and np.any(count > SERIES_TERMS)
    names = ("p_wait", "service_level", "asa_s", "abandon_rate", "occupancy")
    for policy in ("fail", "count_within"):
        kwargs = {"threshold_s": 20.0, "abandon_policy": policy}
        together = staffing.evaluate(calls, aht, agents, patience_s=patience, **kwargs)
        for i in range(load.size):
            one = staffing.evaluate(calls[i], aht[i], agents[i], patience_s=patience[i], **kwargs)
            for name in names:
                assert getattr(one, name) == getattr(together, name)[i], (policy, name, i)

"""The modified offered load against independent numerical solutions.

References are computed here, not taken from the module: the first-order filter
``m' = lambda(t) - m / aht`` (one filter per arrival interval when AHT varies) integrated by
scipy's DOP853 at tolerance 1e-13 with the running integral of ``m`` as an extra state, and,
for lognormal service, the convolution ``m(t) = integral lambda(u) P(S > t - u) du`` by
adaptive quadrature.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, special

from staffing.errors import StaffingError
from staffing.queueing.offered_load import offered_load


def filter_reference(calls, aht_s, interval_s) -> np.ndarray:
    """Interval means of m = sum_j m_j, m_j' = lambda_j 1{t in I_j} - m_j / aht_j, m_j(0) = 0."""
    calls = np.asarray(calls, float)
    k = calls.size
    aht = np.broadcast_to(np.asarray(aht_s, float), (k,))
    length = np.broadcast_to(np.asarray(interval_s, float), (k,))
    bounds = np.concatenate([[0.0], np.cumsum(length)])
    rate = calls / length
    state = np.zeros(2 * k)  # m_j and the integral of m_j
    means = np.zeros(k)
    for i in range(k):

        def rhs(t, y, i=i):
            m = y[:k]
            inflow = np.zeros(k)
            inflow[i] = rate[i]
            return np.concatenate([inflow - m / aht, m])

        sol = integrate.solve_ivp(
            rhs, (bounds[i], bounds[i + 1]), state, method="DOP853", rtol=1e-13, atol=1e-14
        )
        end = sol.y[:, -1]
        means[i] = (end[k:] - state[k:]).sum() / length[i]
        state = end
    return means


def test_exponential_constant_aht_is_the_filter_to_1e9() -> None:
    """One AHT: the single filter m' = lambda(t) - m / aht, relative error below 1e-9."""
    calls = [40.0, 120.0, 300.0, 260.0, 80.0, 0.0, 15.0, 200.0]
    ours = offered_load(calls, 420.0, interval_s=1800)
    ref = filter_reference(calls, 420.0, 1800)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


def test_exponential_varying_aht_and_lengths_to_1e9() -> None:
    """AHT and interval length per interval: one filter per arrival interval, 1e-9."""
    calls = [10.0, 55.0, 90.0, 30.0, 70.0, 5.0]
    aht = [200.0, 900.0, 300.0, 1500.0, 250.0, 400.0]
    length = [900.0, 1800.0, 600.0, 3600.0, 900.0, 1200.0]
    np.testing.assert_allclose(
        offered_load(calls, aht, interval_s=length),
        filter_reference(calls, aht, length),
        rtol=1e-9,
        atol=1e-12,
    )


def _gauss(lo: np.ndarray, hi: np.ndarray, nodes: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre points and weights on each panel [lo, hi] (broadcast)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    half = (hi - lo)[..., None] / 2
    return lo[..., None] + half * (x + 1), half * w


@pytest.mark.parametrize("cv", [0.3, 1.0, 2.5])
def test_lognormal_is_the_convolution(cv: float) -> None:
    """Lognormal service: the closed form equals the numerical convolution of the arrival
    rate with the service-time survival function, ``m(t) = sum_j lambda_j [Gbar(t - b_j) -
    Gbar(t - b_{j+1})]`` with ``Gbar(x)`` the integral of the survival function from 0 to x,
    both integrals by composite 20-point Gauss-Legendre on 10-second panels (relative
    1e-8)."""
    calls = np.array([50.0, 150.0, 20.0, 90.0])
    aht = np.array([300.0, 500.0, 250.0, 400.0])
    length = 1800.0
    s2 = np.log1p(cv * cv)
    bounds = np.arange(calls.size + 1) * length
    panel = 10.0
    edges = np.arange(0.0, bounds[-1] + panel, panel)

    def survival(x: np.ndarray, j: int) -> np.ndarray:
        with np.errstate(divide="ignore"):
            z = (np.log(x) - np.log(aht[j]) + s2 / 2) / np.sqrt(s2)
        return special.ndtr(-z)

    def gbar(x: np.ndarray, j: int) -> np.ndarray:
        """Integral of the survival function over [0, x] (0 for x <= 0)."""
        x = np.maximum(x, 0.0)
        pts, wts = _gauss(edges[:-1], edges[1:])
        whole = np.concatenate([[0.0], np.cumsum((survival(pts, j) * wts).sum(axis=-1))])
        i = np.minimum((x // panel).astype(int), edges.size - 1)
        pts, wts = _gauss(edges[i], x)
        return whole[i] + (survival(pts, j) * wts).sum(axis=-1)

    ref = []
    for k in range(calls.size):
        lo = np.arange(bounds[k], bounds[k + 1], panel)
        t, wt = _gauss(lo, lo + panel)
        m = sum(
            calls[j] / length * (gbar(t - bounds[j], j) - gbar(t - bounds[j + 1], j))
            for j in range(k + 1)
        )
        ref.append(float((m * wt).sum()) / length)
    ours = offered_load(calls, aht, interval_s=length, service_cv=cv)
    np.testing.assert_allclose(ours, ref, rtol=1e-8)


def test_constant_service_by_hand() -> None:
    """Constant 300 s service, 100 then 0 calls per 30 min: interval 1 holds the calls of
    the last 300 s of interval 0, on average half served within it: 100/1800 * 300^2/2 /
    1800 Erlangs; interval 0 has 100/1800 * (1800 * 300 - 300^2 / 2) / 1800."""
    ours = offered_load([100, 0], 300, interval_s=1800, service_cv=0.0)
    rate = 100 / 1800
    assert ours[0] == pytest.approx(rate * (1800 * 300 - 300**2 / 2) / 1800, rel=1e-12)
    assert ours[1] == pytest.approx(rate * 300**2 / 2 / 1800, rel=1e-12)


def test_days_restart_empty() -> None:
    """With day labels each day starts empty: two identical days give identical loads."""
    calls = [30.0, 90.0, 60.0]
    both = offered_load(calls * 2, 600, day=["mon"] * 3 + ["tue"] * 3)
    np.testing.assert_allclose(both[:3], both[3:], rtol=1e-15)
    joined = offered_load(calls * 2, 600)
    assert joined[3] > both[3]  # carried over from Monday evening without the labels


def test_series_in_series_out() -> None:
    pd = pytest.importorskip("pandas")
    calls = pd.Series([10.0, 20.0], index=["a", "b"])
    out = offered_load(calls, 300)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"]


@given(
    st.lists(st.floats(0, 500), min_size=1, max_size=12),
    st.floats(30, 3000),
    st.sampled_from([None, 0.0, 0.5, 1.0, 2.0]),
)
def test_properties(calls: list[float], aht_s: float, cv: float | None) -> None:
    """Non-negative; total work is conserved up to what is still in service at closing
    (mean load x length summed <= calls x AHT); a constant forecast never exceeds its
    stationary workload."""
    load = np.asarray(offered_load(calls, aht_s, interval_s=1800, service_cv=cv))
    assert np.all(load >= -1e-9)
    assert load.sum() * 1800 <= sum(calls) * aht_s * (1 + 1e-9) + 1e-6
    flat = np.asarray(offered_load([calls[0]] * 4, aht_s, service_cv=cv))
    assert np.all(flat <= calls[0] * aht_s / 1800 * (1 + 1e-9) + 1e-9)


def test_bad_input() -> None:
    with pytest.raises(StaffingError, match="`aht_s`"):
        offered_load([10, 20], 0)
    with pytest.raises(StaffingError, match="`service_cv`"):
        offered_load([10, 20], 300, service_cv=-1)
    with pytest.raises(StaffingError, match="`day`"):
        offered_load([10, 20], 300, day=["a"])

"""M/M/n+G with a Kaplan-Meier patience curve: against quadrature, Erlang A, properties.

The reference integrates the stationary offered-wait density of the M/M/n+G queue
(Baccelli and Hebuterne 1981; Mandelbaum and Zeltyn 2009), ``exp(lambda H(x) - n mu x)``
with ``H(x) = int_0^x S``, numerically with ``scipy.integrate.quad`` at every step of the
curve; the package sums the same integrals in closed form (steps) and with Kummer
functions (the exponential tail). The two routes share no code, and must agree to 1e-9.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, special

import staffing
from staffing.errors import StaffingError
from staffing.queueing.general_patience import PatienceCurve, mmng_measures

SPIKE = (
    [10.0, 30.0, 59.0, 60.0, 61.0, 120.0, 240.0, 400.0],
    [0.97, 0.92, 0.9, 0.6, 0.58, 0.45, 0.3, 0.2],
)


def _log_erlang_b(n: float, a: float) -> float:
    # B = p(n) / P(X <= n) for X ~ Poisson(a), in logs
    return float(-a + n * np.log(a) - special.gammaln(n + 1) - np.log(special.gammaincc(n + 1, a)))


def _reference(n: float, a: float, aht: float, curve: tuple, t: float) -> dict[str, float]:
    """The measures by adaptive quadrature of the offered-wait density."""
    c = PatienceCurve.of(curve)
    lam, nmu = a / aht, n / aht
    knots = sorted({*c.times_s.tolist(), t})

    times = np.asarray(curve[0], dtype=float)
    levels = np.concatenate([[1.0], np.asarray(curve[1], dtype=float)])
    edges = np.concatenate([[0.0], times])
    last_s, hazard = levels[-1], c.tail_hazard

    def surv(x: float) -> float:
        k = int(np.searchsorted(times, x, side="right"))
        if k < times.size:
            return float(levels[k])
        return float(last_s * np.exp(-hazard * (x - times[-1])))

    def h(x: float) -> float:  # int_0^x S: the steps' areas, then the tail's
        widths = np.clip(x - edges[:-1], 0.0, np.diff(edges))
        area = float(np.sum(levels[:-1] * widths))
        if x > times[-1]:
            u = x - times[-1]
            area += last_s * (-np.expm1(-hazard * u) / hazard if hazard > 0 else u)
        return area

    def f(x: float) -> float:
        return float(np.exp(lam * h(x) - nmu * x))

    end = knots[-1] + 60.0 / min(nmu, 1.0) + 40.0 / max(c.tail_hazard, 1e-3)

    def quad(g, lo: float, hi: float) -> float:  # type: ignore[no-untyped-def]
        inner = [k for k in knots if lo < k < hi]
        return integrate.quad(g, lo, hi, points=inner or None, limit=2000, epsabs=0, epsrel=1e-13)[
            0
        ]

    j = quad(f, 0, end)
    ans = quad(lambda x: surv(x) * f(x), 0, end)
    ans_t = quad(lambda x: surv(x) * f(x), 0, t)
    ab_t = quad(lambda x: (1 - surv(x)) * f(x), 0, t) + (1 - surv(t)) * quad(f, t, end)
    first = quad(lambda x: x * surv(x) * f(x), 0, end)
    b = np.exp(_log_erlang_b(n, a))
    pw = 1.0 / (1.0 + (1.0 / b - 1.0) / (nmu * j))
    answered = 1 - pw + pw * ans / j
    return {
        "p_wait": pw,
        "abandon_rate": pw * (j - ans) / j,
        "answered_within": 1 - pw + pw * ans_t / j,
        "abandoned_within": pw * ab_t / j,
        "asa_s": pw * first / j / answered,
    }


CURVES = {
    "spike at 60 s": SPIKE,
    "ends at zero": (SPIKE[0], [*SPIKE[1][:-1], 0.0]),
    "a patient remainder": (SPIKE[0], [0.97, 0.92, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
    "atom at zero": ([0.0, 60.0], [0.9, 0.5]),
}


@pytest.mark.parametrize("name", list(CURVES))
@pytest.mark.parametrize(("n", "a", "t"), [(12, 10.0, 20.0), (9, 10.0, 500.0), (9.5, 10.0, 45.0)])
def test_against_quadrature(name: str, n: float, a: float, t: float) -> None:
    """Every measure within 1e-9 of the quadrature (thresholds in a step and in the tail)."""
    curve = CURVES[name]
    one = lambda x: np.array([float(x)])  # noqa: E731
    got = mmng_measures(one(n), one(a), one(180.0), PatienceCurve.of(curve), [one(t)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quad's roundoff notes near its own limit
        want = _reference(n, a, 180.0, curve, t)
    values = {
        "p_wait": got["p_wait"][0],
        "abandon_rate": got["abandon_rate"][0],
        "answered_within": got["within"][0][0][0],
        "abandoned_within": got["within"][0][1][0],
        "asa_s": got["asa_s"][0],
    }
    for key, value in values.items():
        assert value == pytest.approx(want[key], rel=1e-9, abs=1e-14), key


def test_tends_to_erlang_a_as_the_steps_shrink() -> None:
    """A staircase of an exponential survival (value at each step's midpoint) gives Erlang
    A's measures, closer the finer the steps (error of order step^2)."""
    errors = []
    for step in (4.0, 1.0, 0.25):
        t = np.arange(step, 3000.0, step)
        curve = (t, np.exp(-(t + step / 2) / 120.0))
        g = staffing.evaluate(100, 180, [9, 12, 15], patience_curve=curve)
        e = staffing.evaluate(100, 180, [9, 12, 15], patience_s=120.0)
        errors.append(
            max(
                np.max(np.abs(g.service_level - e.service_level)),
                np.max(np.abs(g.abandon_rate - e.abandon_rate)),
            )
        )
    assert errors[-1] < 1e-5
    assert errors[0] > 8 * errors[1] > 64 * errors[2]


def test_the_spike_moves_the_measures_away_from_erlang_a() -> None:
    """Doc example: a third hanging up at 60 s; Erlang A with the same mean misplaces them."""
    curve = ([30.0, 60.0, 300.0], [0.95, 0.6, 0.3])
    mean = PatienceCurve.of(curve).mean_s
    g = staffing.evaluate(100, 180, 11, patience_curve=curve)
    e = staffing.evaluate(100, 180, 11, patience_s=mean)
    assert round(g.abandon_rate, 4) == 0.0673 and round(e.abandon_rate, 4) == 0.0720


@given(
    calls=st.floats(5.0, 2000.0),
    load=st.floats(0.5, 1.5),
    scale=st.floats(0.2, 5.0),
)
def test_properties(calls: float, load: float, scale: float) -> None:
    """Shares in [0, 1]; more agents: service level up, abandons and ASA down."""
    t, s = SPIKE
    curve = (np.asarray(t) * scale, s)
    n0 = max(1.0, np.floor(calls * 240.0 / 1800.0 / load))
    n = np.array([n0, n0 + 1.0, n0 + 5.0])
    m = staffing.evaluate(calls, 240.0, n, patience_curve=curve, threshold_s=30)
    for v in (m.service_level, m.abandon_rate, m.p_wait, m.occupancy):
        assert np.all((v >= 0.0) & (v <= 1.0))
    assert np.all(np.diff(m.service_level) >= -1e-12)
    assert np.all(np.diff(m.abandon_rate) <= 1e-12)
    assert np.all(np.diff(m.asa_s) <= 1e-9 * m.asa_s[:-1])


def test_required_agents_with_a_curve_is_minimal() -> None:
    n = staffing.required_agents([100, 600, 2500], 240, "80/20+abandon<=5%", patience_curve=SPIKE)
    for calls, k in zip((100, 600, 2500), n, strict=True):
        at = staffing.evaluate(calls, 240, [k - 1, k], patience_curve=SPIKE)
        assert at.service_level[1] >= 0.8 and at.abandon_rate[1] <= 0.05
        assert at.service_level[0] < 0.8 or at.abandon_rate[0] > 0.05


def test_curve_checks_and_mean() -> None:
    c = PatienceCurve.of(([60.0, 120.0], [0.5, 0.25]))
    assert c.mean_s == pytest.approx(60 + 30 + 0.25 * 120 / np.log(4))
    assert PatienceCurve.of(([60.0], [1.0])).mean_s == np.inf
    for bad in (([60.0, 30.0], [0.5, 0.4]), ([60.0], [1.5]), ([60.0, 90.0], [0.4, 0.5])):
        with pytest.raises(StaffingError, match="patience_curve"):
            PatienceCurve.of(bad)

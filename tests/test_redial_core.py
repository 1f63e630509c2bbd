"""Redials and reconnects in steady state: the fixed point, its measures and the solver.

The reference fixed point is solved in ``mpmath`` at 50 digits on the Erlang A abandon
probability of ``tests/reference.py`` (its series route, which shares no formula with the
package), so the package's root is checked to the 1e-9 contract of the queueing core.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pandas as pd
import pytest
import reference
from hypothesis import given
from hypothesis import strategies as st

import staffing
from staffing.errors import StaffingError, TargetError
from staffing.queueing.redial import (
    RedialDelay,
    customer_abandon_rate,
    offered_attempts,
)
from staffing.queueing.targets import CustomerAbandon, TargetSet


def _reference_attempts(
    fresh: float,
    aht: float,
    agents: int,
    patience: float,
    redial: float,
    reconnect: float = 0.0,
    interval: float = 1800.0,
) -> mp.mpf:
    """Root of ``x (1 - r P(x) - c (1 - P(x))) = fresh`` with ``P`` the 50-digit Erlang A
    abandon probability (series route of ``tests/reference.py``)."""
    mp.mp.dps = reference.DPS

    def excess(x: mp.mpf) -> mp.mpf:
        p = reference.erlang_a_series(x, aht, agents, interval, patience, (20.0,))["abandon_rate"]
        return x * (1 - redial * p - reconnect * (1 - p)) - fresh

    lo, hi = mp.mpf(fresh), mp.mpf(fresh) / (1 - max(redial, reconnect))
    return mp.findroot(excess, (lo, hi), solver="anderson", tol=mp.mpf(10) ** -40)


CASES = [
    # fresh calls per 30 min, AHT, agents, patience, redial, reconnect
    (100.0, 180.0, 11, 120.0, 0.5, 0.0),  # the module's example
    (1000.0, 180.0, 96, 120.0, 0.8, 0.0),
    (300.0, 240.0, 30, 60.0, 0.9, 0.0),  # overloaded, impatient, almost all call back
    (40.0, 300.0, 8, 600.0, 0.4, 0.1),  # small queue with reconnects
    (2500.0, 240.0, 330, 300.0, 0.6, 0.05),
]


@pytest.mark.parametrize("case", CASES)
def test_fixed_point_against_a_50_digit_reference(case: tuple[float, ...]) -> None:
    """The attempts match the mpmath root to 1e-9 relative (the contract), and the
    customer abandon rate is ``x P (1 - r) / fresh`` at that root."""
    fresh, aht, n, patience, r, c = case
    want = _reference_attempts(fresh, aht, int(n), patience, r, c)
    got = offered_attempts(fresh, aht, n, redial=r, reconnect=c, patience_s=patience)
    assert abs(got - float(want)) <= 1e-9 * float(want)
    m = staffing.evaluate(fresh, aht, n, patience_s=patience, redial=r, reconnect=c)
    p = reference.erlang_a_series(want, aht, int(n), 1800.0, patience, (20.0,))["abandon_rate"]
    assert m.abandon_rate == pytest.approx(float(p), rel=1e-9)
    lost = float(want * p * (1 - r) / fresh)
    assert m.customer_abandon_rate == pytest.approx(lost, rel=1e-9)


@given(
    fresh=st.floats(1.0, 3000.0),
    aht=st.floats(60.0, 600.0),
    load=st.floats(0.3, 1.6),
    patience=st.floats(20.0, 1200.0),
    redial=st.floats(0.0, 0.95),
    reconnect=st.floats(0.0, 0.5),
)
def test_fixed_point_properties(
    fresh: float, aht: float, load: float, patience: float, redial: float, reconnect: float
) -> None:
    """The root solves its equation, lies in its bracket, and more agents mean fewer
    attempts (when redials outweigh reconnects); customers give up less than attempts
    abandon."""
    n = max(1.0, math.floor(fresh * aht / 1800.0 / load))
    kw = {"patience_s": patience, "redial": redial, "reconnect": reconnect}
    m = staffing.evaluate(fresh, aht, n, **kw)
    x, p = m.offered_attempts, m.abandon_rate
    assert fresh * (1 - 1e-12) <= x <= fresh / (1 - max(redial, reconnect)) * (1 + 1e-12)
    residual = x * (1 - redial * p - reconnect * (1 - p)) - fresh
    assert abs(residual) <= 1e-10 * x
    assert 0.0 <= m.customer_abandon_rate <= p + 1e-15 or reconnect > 0
    if redial >= reconnect:
        more = staffing.evaluate(fresh, aht, n + 1, **kw)
        assert more.offered_attempts <= x * (1 + 1e-12)


def test_no_redial_is_plain_erlang_a_and_erlang_c_reconnects_in_closed_form() -> None:
    """``redial=0`` gives the plain measures exactly; with Erlang C nobody abandons, so
    reconnects alone give ``x = fresh / (1 - c)``."""
    plain = staffing.evaluate(100, 180, 12, patience_s=120)
    zero = staffing.evaluate(100, 180, 12, patience_s=120, redial=0.0)
    assert zero.offered_attempts == 100.0
    assert zero.service_level == plain.service_level
    assert zero.customer_abandon_rate == plain.abandon_rate
    c = staffing.evaluate(100, 180, 14, reconnect=0.2)
    assert c.offered_attempts == pytest.approx(125.0, rel=1e-12)
    assert c.service_level == pytest.approx(staffing.evaluate(125, 180, 14).service_level)


def test_arrays_and_series_broadcast() -> None:
    """Per-interval redial shares broadcast with the rest; a Series keeps its index."""
    calls = pd.Series([100.0, 0.0, 300.0], index=["a", "b", "c"])
    m = staffing.evaluate(calls, 180, [11, 0, 30], patience_s=120, redial=[0.5, 0.5, 0.0])
    assert list(m.offered_attempts.index) == ["a", "b", "c"]
    assert m.offered_attempts["b"] == 0.0 and m.offered_attempts["c"] == 300.0
    frame = m.to_frame()
    assert {"offered_attempts", "customer_abandon_rate"} <= set(frame.columns)
    assert "offered_attempts" not in staffing.evaluate(100, 180, 12).to_frame().columns


@pytest.mark.parametrize("redial", [0.0, 0.4, 0.8])
@pytest.mark.parametrize("targets", ["80/20", "abandon<=5%", "customer_abandon<=3%+90/30"])
def test_required_agents_is_minimal(redial: float, targets: str) -> None:
    """The answer meets every target at its own fixed point; one agent fewer does not."""
    kw = {"patience_s": 180.0, "redial": redial}
    n = staffing.required_agents(700, 240, targets, **kw)
    ts = TargetSet.parse(targets)

    def met(k: int) -> bool:
        m = staffing.evaluate(700, 240, k, threshold_s=20, **kw)
        ok = True
        for t in ts:
            if t.measure == "service_level":
                level = staffing.evaluate(700, 240, k, threshold_s=t.threshold_s, **kw)
                ok &= level.service_level >= t.limit
            elif t.measure == "abandon_rate":
                ok &= m.abandon_rate <= t.limit
            else:
                ok &= m.customer_abandon_rate <= t.limit
        return bool(ok)

    assert met(n) and not met(n - 1)


def test_redials_raise_staffing_for_attempts_and_lower_it_for_customers() -> None:
    """With an abandon target per attempt redials can only add agents; counted per
    customer (a redial is a second chance) they can only save some."""
    base = staffing.required_agents(1000, 180, "abandon<=3%", patience_s=120)
    prev_attempt, prev_customer = base, None
    for r in (0.2, 0.5, 0.8):
        attempt = staffing.required_agents(1000, 180, "abandon<=3%", patience_s=120, redial=r)
        customer = staffing.required_agents(
            1000, 180, "customer_abandon<=3%", patience_s=120, redial=r
        )
        assert attempt >= prev_attempt and customer <= base
        if prev_customer is not None:
            assert customer <= prev_customer
        prev_attempt, prev_customer = attempt, customer


def test_customer_abandon_rate_formula() -> None:
    """``P (1 - r) / (1 - r P - c (1 - P))`` (module notes of staffing.queueing.redial)."""
    assert customer_abandon_rate(0.1, 0.4) == pytest.approx(0.06 / 0.96)
    assert customer_abandon_rate(0.1, 0.0) == pytest.approx(0.1)
    assert customer_abandon_rate(0.1, 0.4, 0.2) == pytest.approx(0.06 / (0.96 - 0.18))


def test_customer_target_text_round_trips() -> None:
    ts = TargetSet.parse("80/20 + customer_abandon <= 5%")
    assert str(ts) == "80/20+customer_abandon<=5%"
    assert TargetSet.parse(str(ts)) == ts
    assert ts.customer_abandon_cap == 0.05 and ts.abandon_cap is None
    assert isinstance(TargetSet.parse("customer_abandons<0.05")[0], CustomerAbandon)
    with pytest.raises(TargetError, match="between 0 and 100%"):
        TargetSet.parse("customer_abandon<=100%")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"redial": 1.0}, "`redial` 1: a share of abandoned callers"),
        ({"redial": -0.1}, "`redial` -0.1"),
        ({"reconnect": 1.2}, "`reconnect` 1.2"),
        ({"redial": 0.4, "redial_delay_s": 0.0}, "`redial_delay_s` 0: callers call back"),
        ({"patience_curve": ([60.0], [0.5])}, "either `patience_s` or `patience_curve`"),
    ],
)
def test_bad_input_is_one_line(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(StaffingError, match=match) as err:
        staffing.evaluate(100, 180, 12, patience_s=120, **kwargs)
    assert "\n" not in str(err.value)


def test_customer_target_needs_a_redial_share_and_abandon_targets_a_patience() -> None:
    with pytest.raises(TargetError, match="needs a redial share"):
        staffing.required_agents(100, 180, "customer_abandon<=5%", patience_s=120)
    with pytest.raises(TargetError, match="needs a customer patience"):
        staffing.required_agents(100, 180, "customer_abandon<=5%", redial=0.4)


def test_redial_delay_curves() -> None:
    """Exponential: ``F = 1 - e^{-x/d}`` and ``Phi(x) = x - d (1 - e^{-x/d})``; an empirical
    curve: linear between its points, its integral exact on each piece."""
    d = RedialDelay.exponential(600)
    x = np.array([0.0, 60.0, 600.0, 5000.0])
    assert np.allclose(d.cdf(x), 1 - np.exp(-x / 600), rtol=1e-15)
    assert np.allclose(d.integrated_cdf(x), x - 600 * (1 - np.exp(-x / 600)), rtol=1e-13)
    e = RedialDelay.empirical([60, 600, 3600], [0.2, 0.5, 1.0])
    grid = np.linspace(0, 5000, 200_001)
    numeric = np.concatenate(
        [[0.0], np.cumsum(np.diff(grid) * 0.5 * (e.cdf(grid[1:]) + e.cdf(grid[:-1])))]
    )
    assert np.allclose(e.integrated_cdf(grid), numeric, atol=1e-6)
    u = np.random.default_rng(1).random(200_000)
    assert np.mean(e.sample(1.0 - u) <= 600) == pytest.approx(0.5, abs=0.005)
    with pytest.raises(StaffingError, match="end at 1"):
        RedialDelay.empirical([60, 600], [0.2, 0.5])

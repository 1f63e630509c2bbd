"""Redials and general patience against the simulator (the issue's aims).

The grids and their table live in ``tests/redial_grid.py`` (run it to print the tables);
here the fast subset always runs and the whole grid is marked slow. Aims:

* redials: the model's staffing for ``abandon<=5%`` within one agent of the fewest
  agents, and its predicted abandon rate within 1 point of the simulated one (up to three
  standard errors of the simulation), over fresh calls 200-5,000 per hour, redial 0-80%
  and patience 60-600 s. The fewest agents are the exact Markov chain's (callers in the
  system and callers about to call again, exponential delays: noise-free) and the
  simulator's (whose noise can move an agent on the margin by one more). Given the delay,
  the model *is* that chain (:mod:`staffing.queueing.retrial`, solved apart from the
  test's) and must equal it; past the chain's size it keeps the fixed point, which sits
  below the chain by up to about 1 point when 80% call back after 10 minutes into a queue
  whose congestion lasts about as long (the fixed point is the chain's limit for long
  delays, when a redial no longer finds the congestion its abandon came from);
* M/M/n+G: service level and abandon rate within 1 point of the simulator drawing
  patience from the same curve, where Erlang A with the mean patience is further off.
"""

from __future__ import annotations

import numpy as np
import pytest
import redial_grid as grid

from staffing.simulation import interval_estimates, simulate_day


def test_redial_kernel_without_redials_is_the_plain_simulator() -> None:
    """With a redial share of 0 the merged kernel places the same callers at the same
    times as the plain one: every count is identical (same seed)."""
    kw = {"interval_s": 1800, "patience_s": 120, "replications": 30, "seed": 4}
    plain = simulate_day([80, 160, 120], 180, [9, 14, 12], **kw)
    merged = simulate_day([80, 160, 120], 180, [9, 14, 12], redial=0.0, redial_delay_s=600, **kw)
    for name in ("offered", "answered", "abandoned", "answered_within", "abandoned_within"):
        assert np.array_equal(getattr(plain, name), getattr(merged, name)), name
    assert np.allclose(plain.wait_answered_s, merged.wait_answered_s)
    assert np.allclose(plain.busy_s, merged.busy_s)
    assert merged.redials is not None and not merged.redials.any()
    assert np.array_equal(merged.lost, merged.abandoned)


def test_every_redial_comes_from_an_abandon_and_customers_are_counted_once() -> None:
    """Fresh calls are Poisson at the forecast; attempts = fresh + redials; the customers
    lost plus the redials made equal the abandons (an abandon either calls again or not),
    up to the redials that would fall after the day."""
    sim = simulate_day(
        [150.0] * 6,
        240,
        [14] * 6,
        patience_s=90,
        replications=200,
        seed=2,
        redial=0.6,
        redial_delay_s=300,
    )
    assert sim.redials is not None and sim.lost is not None
    fresh = sim.fresh.mean(axis=0)
    assert np.all(np.abs(fresh - 150.0) < 4 * np.sqrt(150.0 / 200))
    abandons, lost, redials = sim.abandoned.sum(), sim.lost.sum(), sim.redials.sum()
    assert redials <= abandons - lost
    assert (abandons - lost) / abandons == pytest.approx(0.6, abs=0.01)
    est = interval_estimates(sim, "customer_abandon<=5%")
    assert np.all(est["customer_abandon_rate"] <= est["abandon_rate"])


@pytest.mark.parametrize("case", grid.FAST_REDIAL)
def test_redial_staffing_and_abandons_against_the_simulator(case: tuple[float, ...]) -> None:
    """Fast subset of the aim (``tests/redial_grid.py``); the simulator also agrees with
    the exact Markov chain, the model equals that chain, and the fixed point lies below
    it by under a point."""
    c = grid.redial_case(*case)
    sim = c.simulated[c.agents]
    assert c.exact
    assert abs(c.simulator_fewest - c.agents) <= 1
    assert c.markov_fewest == c.agents
    assert abs(c.predicted - sim) <= 0.01 + 3 * c.simulated_se
    assert abs(sim - c.markov) <= 4 * c.simulated_se
    assert c.predicted == pytest.approx(c.markov, abs=1e-7)
    assert -0.01 <= c.fixed_point - c.markov <= 0.001
    assert c.simulated_attempts == pytest.approx(c.attempts, rel=0.02)


def test_the_fixed_point_is_the_long_delay_limit_of_the_markov_chain() -> None:
    """The exact chain's abandon rate falls towards the fixed point's as the delay grows
    (200 fresh calls an hour, 16 agents, 10-minute patience, 80% calling back)."""
    fixed = grid.staffing.evaluate(
        200.0, grid.AHT, 16, interval_s=grid.HOUR, patience_s=600.0, redial=0.8
    ).abandon_rate
    gaps = [grid.markov_abandon(200.0, 16, 600.0, 0.8, d)[0] - fixed for d in (600, 3600, 4 * 3600)]
    assert gaps[0] > gaps[1] > gaps[2] > 0.0
    assert gaps[2] < 0.1 * gaps[0]


@pytest.mark.parametrize("case", grid.FAST_PATIENCE)
def test_general_patience_against_the_simulator(case: tuple) -> None:
    """M/M/n+G within 1 point of the simulator with the same curve; Erlang A with the
    curve's mean further off (by several points on the service level)."""
    c = grid.patience_case(*case)
    for model, sim, se in zip(c.mmng, c.simulated, c.simulated_se, strict=True):
        assert abs(model - sim) <= 0.01 + 3 * se
    assert abs(c.erlang_a[0] - c.simulated[0]) > 2 * abs(c.mmng[0] - c.simulated[0])
    assert abs(c.erlang_a[0] - c.simulated[0]) > 0.02


#: The grid's points in the suite: every point at 200 and 1,000 fresh calls an hour; at
#: 5,000 (some 17 s each) the one the simulator found hardest (180 s, 80% calling back).
#: ``python tests/redial_grid.py`` runs all 27.
SUITE_GRID = [
    *((c, p, r) for c in grid.GRID_CALLS[:2] for p in grid.GRID_PATIENCE for r in grid.GRID_REDIAL),
    (5000.0, 180.0, 0.8),
]


@pytest.mark.slow
@pytest.mark.parametrize(("calls", "patience", "redial"), SUITE_GRID)
def test_redial_grid(calls: float, patience: float, redial: float) -> None:
    """One point of the redial grid: the model's staffing within one agent of the exact
    Markov chain's (two of the simulator's), its abandon rate within 1 point plus 3
    standard errors of the simulation; solved by the retrial chain it equals the
    independent one, by the fixed point it is within 1.1 points of it."""
    c = grid.redial_case(calls, patience, redial)
    sim = c.simulated[c.agents]
    assert abs(c.markov_fewest - c.agents) <= 1, c
    assert abs(c.simulator_fewest - c.agents) <= 2, c  # one more for its noise
    assert abs(c.predicted - sim) <= 0.01 + 3 * c.simulated_se, c
    if c.exact:
        assert c.markov_fewest == c.agents, c
        assert c.predicted == pytest.approx(c.markov, abs=1e-7), c
    else:
        assert abs(c.predicted - c.markov) <= 0.011, c


@pytest.mark.slow
@pytest.mark.parametrize("calls", grid.GRID_CALLS)
def test_general_patience_grid(calls: float) -> None:
    """The whole M/M/n+G grid for one volume (3 means x 2 curves), and Erlang A's
    largest service-level error above 1 point at every volume."""
    worst_a = 0.0
    for mean in grid.GRID_PATIENCE:
        for curve in grid.CURVES:
            c = grid.patience_case(calls, mean, curve)
            for model, sim, se in zip(c.mmng, c.simulated, c.simulated_se, strict=True):
                assert abs(model - sim) <= 0.01 + 3 * se, c
            worst_a = max(worst_a, abs(c.erlang_a[0] - c.simulated[0]))
    assert worst_a > 0.01

"""Staffing methods for a time-varying day: MOL and chronological simulation-based staffing.

The drop-after-peak day is the sales queue of the sample forecast on Wednesday 2025-03-05,
09:00-13:00 (``staffing/data/forecast.csv``): 202 calls at 10:30, 154 at 11:00, where the
stationary (SIPP) plan drops from 44 to 34 agents.
"""

from __future__ import annotations

import numpy as np
import pytest

from staffing import required_agents
from staffing.errors import StaffingError, TargetError
from staffing.queueing.offered_load import offered_load
from staffing.simulation import interval_estimates, simulate_day
from staffing.simulation.staffing import mol_agents, simulation_agents

# sales, 2025-03-05 09:00-12:30 (data/forecast.csv); 10:30 is the peak, 11:00 the drop
CALLS = np.array([109.3, 156.6, 162.3, 201.8, 153.6, 144.7, 135.2, 122.4])
AHT = np.array([357, 352, 335, 340, 336, 329, 331, 337.0])
PATIENCE = 150.0
DROP = 4


def test_mol_is_required_agents_on_the_offered_load() -> None:
    """MOL staffing is ``required_agents`` with the interval's offered load as workload,
    and the stationary workload in the opening interval."""
    targets = ["80/20", "abandon<=5%"]
    got = mol_agents(CALLS, AHT, targets, patience_s=PATIENCE)
    load = offered_load(CALLS, AHT, interval_s=1800)
    effective = load * 1800 / AHT
    effective[0] = CALLS[0]
    want = required_agents(effective, AHT, targets, patience_s=PATIENCE)
    np.testing.assert_array_equal(got, want)
    assert got[DROP] > required_agents(CALLS, AHT, targets, patience_s=PATIENCE)[DROP]


def test_mol_equals_sipp_on_a_flat_day_and_restarts_each_day() -> None:
    """A constant forecast with AHT well below the interval: MOL is the stationary plan;
    with day labels every opening is SIPP again."""
    flat = [120.0] * 6
    np.testing.assert_array_equal(
        mol_agents(flat, 240, "80/20"), required_agents(flat, 240, "80/20")
    )
    two = mol_agents([40.0, 200.0, 40.0] * 2, 600, "80/20", day=[1, 1, 1, 2, 2, 2])
    assert two[:3].tolist() == two[3:].tolist()
    assert two[3] == required_agents(40.0, 600, "80/20")


def test_mol_rejects_abandon_target_without_patience() -> None:
    with pytest.raises(TargetError, match="patience"):
        mol_agents(CALLS, AHT, "abandon<=5%")


@pytest.mark.parametrize("patience_s, targets", [(None, "80/20"), (120.0, ["80/20", "asa<=30"])])
def test_search_matches_full_simulations(patience_s, targets) -> None:
    """The checkpointed search agrees with whole-day simulations on the same seed: for each
    interval k, the chosen plan up to k (later intervals at the starting plan) meets every
    target in interval k, and one agent fewer in k misses in k or in an earlier interval
    that met (the method's definition). Every interval of the final plan meets."""
    calls = np.array([40.0, 90.0, 140.0, 70.0, 60.0])
    reps, seed = 60, 4
    res = simulation_agents(
        calls, 300, targets, patience_s=patience_s, replications=reps, seed=seed
    )
    assert res.met.all()
    assert (
        res.start_agents.tolist() == mol_agents(calls, 300, targets, patience_s=patience_s).tolist()
    )
    assert res.simulation.replications == reps

    def misses(plan: np.ndarray) -> np.ndarray:
        sim = simulate_day(
            calls,
            300,
            plan,
            patience_s=patience_s,
            replications=reps,
            seed=seed,
            threshold_s=20,
        )
        pooled = interval_estimates(sim, targets)
        sl = pooled["service_level"]
        bad = sl < 0.8 - 1e-12
        if patience_s is not None:
            bad |= pooled["asa_s"] > 30 + 1e-9
        return bad

    met_before = np.zeros(calls.size, dtype=bool)
    for k in range(calls.size):
        plan = np.concatenate([res.agents[: k + 1], res.start_agents[k + 1 :]])
        chosen = ~misses(plan)
        assert chosen[k]
        assert np.all(chosen[:k] | ~met_before[:k])
        if plan[k] > 0:
            fewer = plan.copy()
            fewer[k] -= 1
            missed = misses(fewer)
            assert missed[k] or np.any(missed[:k] & met_before[:k]), k
        met_before = chosen


def test_simulation_staffing_reproducible() -> None:
    a = simulation_agents([30.0, 80.0, 50.0], 300, "80/20", replications=40, seed=3)
    b = simulation_agents([30.0, 80.0, 50.0], 300, "80/20", replications=40, seed=3)
    np.testing.assert_array_equal(a.agents, b.agents)
    np.testing.assert_array_equal(a.estimates["service_level"], b.estimates["service_level"])


def test_simulation_staffing_with_a_patience_curve() -> None:
    """A Kaplan-Meier curve for patience: the search starts from MOL with the curve's mean
    patience and ends meeting 80/20 and 5% abandons in every interval."""
    curve = ([20.0, 60.0, 120.0, 240.0], [0.95, 0.8, 0.6, 0.4])
    res = simulation_agents(
        [50.0, 120.0, 60.0],
        300,
        ["80/20", "abandon<=5%"],
        patience_curve=curve,
        replications=50,
        seed=2,
    )
    assert res.met.all()
    assert np.all(res.estimates["abandon_rate"] <= 0.05)


def test_simulation_staffing_bad_input() -> None:
    with pytest.raises(StaffingError, match="`start_agents`"):
        simulation_agents([10.0, 20.0], 300, "80/20", replications=5, start_agents=[1, -1])
    with pytest.raises(StaffingError, match="`replications`"):
        simulation_agents([10.0, 20.0], 300, "80/20", replications=1)


def _evaluate(plan: np.ndarray, patience_s: float | None, targets) -> dict[str, np.ndarray]:
    """An independent evaluation: 1,000 days with a seed the search never used."""
    sim = simulate_day(CALLS, AHT, plan, patience_s=patience_s, replications=1000, seed=2025)
    return interval_estimates(sim, targets)


@pytest.mark.slow
@pytest.mark.parametrize(
    "patience_s, targets", [(PATIENCE, ["80/20", "abandon<=5%"]), (None, "80/20")]
)
def test_drop_after_peak(patience_s, targets) -> None:
    """At 11:00 SIPP's plan is significantly below target in simulation (callers wait for
    the peak's calls to end before anyone can start). The simulation-based plan (1,000
    replications, seed 1) has no interval significantly below target in an independent
    simulation (seed 2025), with agent-hours within 2% of SIPP. MOL lifts the 11:00 service
    level above SIPP's; with abandons it no longer misses there, under Erlang C it still
    falls short at this drop (as in the issue's own MOL figures), so that is what is held
    to."""
    sipp = required_agents(CALLS, AHT, targets, patience_s=patience_s)
    mol = mol_agents(CALLS, AHT, targets, patience_s=patience_s)
    res = simulation_agents(CALLS, AHT, targets, patience_s=patience_s, replications=1000, seed=1)

    est_sipp = _evaluate(sipp, patience_s, targets)
    est_mol = _evaluate(mol, patience_s, targets)
    est_sim = _evaluate(res.agents, patience_s, targets)
    assert est_sipp["significant_miss"][DROP]
    assert est_sipp["service_level_hi"][DROP] < 0.8
    assert not est_sim["significant_miss"].any()
    assert est_mol["service_level_lo"][DROP] > est_sipp["service_level_hi"][DROP]
    if patience_s is not None:
        assert not est_mol["significant_miss"][DROP]
    for plan in (mol, res.agents):
        assert abs(plan.sum() / sipp.sum() - 1.0) <= 0.02

"""A plan's interval table simulated queue-day by queue-day, and the staffing methods of ``plan``.

* The table-level simulation is the engine's: each queue-day's numbers equal
  :func:`simulate_day` + :func:`interval_estimates` / :func:`day_estimates` on the
  queue-day's own stream (:func:`queue_day_seed`), stretch by stretch where the line
  closes in between, with each interval's own targets.
* Same seed, same numbers, whatever else the table holds, its row order, ``jobs`` or a
  Dask cluster.
* ``plan(method=...)``: ``mol`` is :func:`mol_agents` per open stretch, ``simulation`` is
  :func:`simulation_agents` from it on the search's own streams; on the sales queue's
  Wednesday drop after the 10:30 peak (``staffing/data/forecast.csv``) SIPP misses in an
  independent simulation and the time-varying methods do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from staffing import evaluate
from staffing.contracts import compare, parse_scenario
from staffing.errors import InputError, StaffingError, TargetError
from staffing.planner import QueueModel, plan
from staffing.prepared import prepare_targets
from staffing.simulation import (
    SIMULATION_COLUMNS,
    SIMULATION_DAY_COLUMNS,
    SimulationOptions,
    day_estimates,
    interval_estimates,
    mol_agents,
    simulate_day,
    simulate_plan,
    simulation_agents,
)
from staffing.simulation.queue_day import STAFF, queue_day_seed

# Two queues; sales closes 10:30-11:00 on Monday (two open stretches).
PLAN = pd.DataFrame(
    {
        "interval_start": [
            "2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00", "2025-03-03 11:00",
            "2025-03-03 11:30", "2025-03-04 09:00", "2025-03-04 09:30",
            "2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00",
        ],
        "queue": ["sales"] * 7 + ["care"] * 3,
        "calls": [40.0, 90.0, 70.0, 50.0, 30.0, 60.0, 80.0, 20.0, 45.0, 0.0],
        "aht_s": [300.0, 320.0, 310.0, 300.0, 290.0, 300.0, 305.0, 400.0, 410.0, 400.0],
        "agents": [9, 18, 12, 10, 7, 13, 15, 6, 11, 2],
        "target": ["80/20"] * 5 + ["90/10"] * 2 + ["80/20+asa<=30"] * 3,
    }
)  # fmt: skip
OPTIONS = SimulationOptions(replications=60, seed=11)


def _engine(rows: list[int], stretch: int, targets: list[str], **kwargs: object) -> tuple:
    """The engine on rows of PLAN with the queue-day's stream of ``stretch``."""
    part = PLAN.iloc[rows]
    queue = str(part["queue"].iloc[0])
    date = str(part["interval_start"].iloc[0])[:10]
    sim = simulate_day(
        part["calls"],
        part["aht_s"],
        part["agents"],
        interval_s=1800,
        replications=OPTIONS.replications,
        seed=queue_day_seed(OPTIONS.seed, queue, date, stretch),
        **kwargs,  # type: ignore[arg-type]
    )
    return sim, interval_estimates(sim, interval_targets=targets)


def test_columns_and_order() -> None:
    sim = simulate_plan(PLAN, options=OPTIONS)
    assert tuple(sim.intervals.columns) == SIMULATION_COLUMNS
    assert tuple(sim.days.columns) == SIMULATION_DAY_COLUMNS
    assert sim.intervals["queue"].tolist() == PLAN["queue"].tolist()  # the table's order
    assert len(sim.days) == 3  # sales Mon, sales Tue, care Mon
    assert sim.intervals["agents"].dtype == np.int64


def test_each_interval_is_the_engine_on_its_stretch() -> None:
    """Rows 0-2 and 3-4 are two open stretches of sales on Monday (closed 10:30-11:00):
    each is the engine on its own stream, with 20 s thresholds; the Tuesday rows are
    judged against 90/10 with the service level at 10 s."""
    sim = simulate_plan(PLAN, options=OPTIONS).intervals
    for rows, stretch, target in (([0, 1, 2], 0, "80/20"), ([3, 4], 1, "80/20")):
        _, est = _engine(rows, stretch, [target] * len(rows), threshold_s=[20.0])
        for name in ("service_level", "service_level_lo", "asa_s", "occupancy", "p_miss"):
            np.testing.assert_array_equal(sim.loc[rows, name].to_numpy(), est[name])
    _, est = _engine([5, 6], 0, ["90/10"] * 2, threshold_s=[10.0])
    np.testing.assert_array_equal(sim.loc[[5, 6], "service_level"].to_numpy(), est["service_level"])
    assert sim.loc[[5, 6], "threshold_s"].tolist() == [10.0, 10.0]


def test_day_is_the_engine_over_the_whole_queue_day() -> None:
    """The care queue's day: day_estimates of the engine, against the day's target."""
    result = simulate_plan(PLAN, options=OPTIONS)
    sim, _ = _engine([7, 8, 9], 0, ["80/20+asa<=30"] * 3, threshold_s=[20.0])
    want = day_estimates(sim, "80/20+asa<=30")
    got = result.days[result.days["queue"] == "care"].iloc[0]
    for name in ("service_level", "asa_s_hi", "abandon_rate", "occupancy", "p_day_miss"):
        assert got[name] == pytest.approx(want[name], rel=1e-12)
    assert got["calls"] == 65.0 and got["agent_hours"] == pytest.approx((6 + 11 + 2) / 2)
    assert got["intervals"] == 2  # the 10:00 interval has no calls


def test_predicted_is_the_stationary_figure() -> None:
    sim = simulate_plan(PLAN, options=OPTIONS).intervals
    want = evaluate(PLAN["calls"], PLAN["aht_s"], PLAN["agents"], interval_s=1800,
                    threshold_s=sim["threshold_s"]).service_level  # fmt: skip
    np.testing.assert_allclose(sim["predicted_service_level"], want, rtol=1e-12)


def test_same_seed_same_numbers_whatever_else_the_table_holds() -> None:
    """Shuffled rows and one queue alone give the same numbers per row; another seed
    changes them."""
    a = simulate_plan(PLAN, options=OPTIONS).intervals
    shuffled = PLAN.sample(frac=1.0, random_state=3)
    b = simulate_plan(shuffled, options=OPTIONS).intervals.set_index(shuffled.index)
    pd.testing.assert_frame_equal(a, b.sort_index(), check_like=False)
    alone = simulate_plan(PLAN[PLAN["queue"] == "care"], options=OPTIONS).intervals
    np.testing.assert_array_equal(alone["service_level"], a.loc[7:, "service_level"])
    other = simulate_plan(PLAN, options=SimulationOptions(replications=60, seed=12)).intervals
    assert not np.array_equal(other["service_level"], a["service_level"])


def test_targets_override_and_targets_table() -> None:
    """``targets`` replace the table's column; a targets table sets them per window."""
    over = simulate_plan(PLAN, "90/10", options=OPTIONS).intervals
    assert set(over["target"]) == {"90/10"} and set(over["threshold_s"]) == {10.0}
    rules = prepare_targets(
        pd.DataFrame({"queue": ["sales"], "start": ["09:30"], "end": ["10:30"],
                      "target": ["95/20"]})
    )  # fmt: skip
    table = simulate_plan(PLAN, "80/20", targets_table=rules, options=OPTIONS).intervals
    assert table["target"].tolist()[:3] == ["80/20", "95/20", "95/20"]
    none = simulate_plan(PLAN.drop(columns="target"), options=OPTIONS)
    assert none.intervals["p_miss"].isna().all() and none.significant_misses == 0


def test_patience_from_calibration_curve() -> None:
    """A calibration with a Kaplan-Meier curve: its queues draw patience from the curve;
    others use the table's patience_s (exponential)."""
    curve = {"time_s": [20.0, 60.0, 120.0], "survival": [0.9, 0.7, 0.5]}
    cal = {"queues": {"sales": {"patience_s": 150.0, "kaplan_meier": curve},
                      "care": {"patience_s": 200.0}}}  # fmt: skip
    model = QueueModel(calibration=cal)
    sim = simulate_plan(PLAN, options=OPTIONS, model=model).intervals
    _, est = _engine(
        [0, 1, 2], 0, ["80/20"] * 3, threshold_s=[20.0],
        patience_curve=(curve["time_s"], curve["survival"]),
    )  # fmt: skip
    np.testing.assert_array_equal(
        sim.loc[[0, 1, 2], "abandon_rate"].to_numpy(), est["abandon_rate"]
    )
    _, est = _engine([7, 8, 9], 0, ["80/20+asa<=30"] * 3, threshold_s=[20.0], patience_s=200.0)
    np.testing.assert_array_equal(
        sim.loc[[7, 8, 9], "abandon_rate"].to_numpy(), est["abandon_rate"]
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.drop(columns="agents"), "no 'agents' column"),
        (lambda p: p.assign(agents=[9, -1, 12, 10, 7, 13, 15, 6, 11, 2]), "column 'agents'"),
        (lambda p: p.assign(calls=-1.0), "column 'calls'"),
    ],
)
def test_bad_table(change, message) -> None:
    with pytest.raises(InputError, match=message):
        simulate_plan(change(PLAN), options=OPTIONS)


def test_bad_options() -> None:
    with pytest.raises(StaffingError, match="`replications`"):
        SimulationOptions(replications=1)
    with pytest.raises(StaffingError, match="`jobs`"):
        SimulationOptions(jobs=0)
    with pytest.raises(StaffingError, match="`volume_cv`"):
        SimulationOptions(volume_cv=-0.1)


@pytest.mark.slow
def test_jobs_and_dask_give_the_local_numbers() -> None:
    """Two local processes and a Dask LocalCluster (two worker processes) give exactly
    the numbers of the run in this process."""
    distributed = pytest.importorskip("distributed")
    local = simulate_plan(PLAN, options=OPTIONS)
    jobs = simulate_plan(PLAN, options=SimulationOptions(replications=60, seed=11, jobs=2))
    pd.testing.assert_frame_equal(local.intervals, jobs.intervals)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_client = simulate_plan(
            PLAN, options=SimulationOptions(replications=60, seed=11, scheduler=client)
        )
        by_address = simulate_plan(
            PLAN,
            options=SimulationOptions(
                replications=60, seed=11, scheduler=cluster.scheduler_address
            ),
        )
    pd.testing.assert_frame_equal(local.intervals, by_client.intervals)
    pd.testing.assert_frame_equal(local.days, by_address.days)
    assert local.callers == by_client.callers == jobs.callers


# --------------------------------------------------------------------------- plan(method=...)


FORECAST = PLAN.drop(columns=["agents", "target"])


def test_mol_is_mol_agents_per_open_stretch() -> None:
    """``method="mol"``: each open stretch staffed by mol_agents (SIPP at its opening)."""
    got = plan(FORECAST, "80/20", method="mol").intervals
    assert set(got["method"]) == {"mol"}
    for rows in ([0, 1, 2], [3, 4], [5, 6], [7, 8]):
        part = FORECAST.iloc[rows]
        want = mol_agents(part["calls"], part["aht_s"], "80/20", interval_s=1800)
        assert got.loc[rows, "agents"].tolist() == want.tolist(), rows
    assert got.loc[9, "agents"] == 0  # no calls, no target, no agents
    sipp = plan(FORECAST, "80/20").intervals
    assert sipp.loc[[0, 3, 5, 7], "agents"].tolist() == got.loc[[0, 3, 5, 7], "agents"].tolist()
    assert set(sipp["method"]) == {"sipp"}


def test_simulation_is_simulation_agents_from_mol() -> None:
    """``method="simulation"``: simulation_agents on each stretch from the MOL plan, on the
    search's own stream (not the one ``simulate_plan`` uses)."""
    options = SimulationOptions(replications=30, seed=5)
    got = plan(FORECAST, "80/20", method="simulation", simulation=options).intervals
    mol = plan(FORECAST, "80/20", method="mol").intervals
    for rows, day, stretch in (([0, 1, 2], "2025-03-03", 0), ([3, 4], "2025-03-03", 1)):
        part = FORECAST.iloc[rows]
        res = simulation_agents(
            part["calls"], part["aht_s"], "80/20", interval_s=1800, replications=30,
            seed=queue_day_seed(5, "sales", day, stretch, purpose=STAFF),
            start_agents=mol.loc[rows, "agents"],
        )  # fmt: skip
        assert got.loc[rows, "agents"].tolist() == res.agents.tolist()
    assert set(got["method"]) == {"simulation"}
    # the measures stay the stationary figures of the chosen agents
    want = evaluate(got["calls"], got["aht_s"], got["agents"], interval_s=1800, threshold_s=20)
    np.testing.assert_allclose(got["service_level"], want.service_level, rtol=1e-12)


def test_simulation_with_targets_per_window() -> None:
    """A targets table that tightens the target from 09:30: the search holds each interval
    to its own target (simulation_agents with interval_targets)."""
    rules = prepare_targets(
        pd.DataFrame({"queue": ["sales"], "start": ["09:30"], "end": ["12:00"],
                      "target": ["90/10"]})
    )  # fmt: skip
    options = SimulationOptions(replications=30, seed=5)
    got = plan(
        FORECAST, "80/20", targets_table=rules, method="simulation", simulation=options
    ).intervals
    assert got.loc[[0, 1, 2], "target"].tolist() == ["80/20", "90/10", "90/10"]
    mol = plan(FORECAST, "80/20", targets_table=rules, method="mol").intervals
    part = FORECAST.iloc[[0, 1, 2]]
    res = simulation_agents(
        part["calls"], part["aht_s"], None, interval_targets=["80/20", "90/10", "90/10"],
        interval_s=1800, replications=30,
        seed=queue_day_seed(5, "sales", "2025-03-03", 0, purpose=STAFF),
        start_agents=mol.loc[[0, 1, 2], "agents"],
    )  # fmt: skip
    assert got.loc[[0, 1, 2], "agents"].tolist() == res.agents.tolist()
    assert res.met.all()


def test_bad_method() -> None:
    with pytest.raises(StaffingError, match="`method` 'fast'"):
        plan(FORECAST, "80/20", method="fast")  # type: ignore[arg-type]


def test_compare_with_methods() -> None:
    """``@method`` per scenario; ``method`` for the others; agent-hours are the plans'."""
    t = compare(FORECAST, ["80/20", "80/20 @mol", "name=strict:90/10 @mol"])
    assert t["scenario"].tolist() == ["80/20", "80/20 @mol", "strict"]
    assert t["method"].tolist() == ["sipp", "mol", "mol"]
    mol_hours = plan(FORECAST, "80/20", method="mol").summary.iloc[-1]["agent_hours"]
    assert t["agent_hours"].iloc[1] == pytest.approx(mol_hours)
    assert compare(FORECAST, ["80/20"], method="mol")["method"].tolist() == ["mol"]
    with pytest.raises(TargetError, match="method 'fast' after @"):
        parse_scenario("80/20 @fast")


# sales, 2025-03-05 09:00-12:30 (data/forecast.csv); 10:30 is the peak, 11:00 the drop
DROP_DAY = pd.DataFrame(
    {
        "interval_start": pd.date_range("2025-03-05 09:00", periods=8, freq="30min"),
        "queue": "sales",
        "calls": [109.3, 156.6, 162.3, 201.8, 153.6, 144.7, 135.2, 122.4],
        "aht_s": [357, 352, 335, 340, 336, 329, 331, 337.0],
        "patience_s": 150.0,
    }
)
DROP = 4


@pytest.mark.slow
@pytest.mark.parametrize(
    "patience, targets", [(True, ["80/20", "abandon<=5%"]), (False, "80/20")], ids=["A", "C"]
)
def test_methods_on_a_drop_after_a_peak(patience: bool, targets) -> None:
    """The three methods, each plan simulated (1,000 days, seed 2025, never the search's
    streams): SIPP is significantly below target at 11:00, where staffing drops from 44 to
    34 agents. The simulation-based plan (1,000 replications) has no interval
    significantly below target and costs within 2% of SIPP's agent-hours. MOL lifts 11:00
    above SIPP's service level within 2% of its agent-hours; with abandons it no longer
    misses there (under Erlang C this drop is steeper than MOL's correction, as in the
    issue's own MOL figures: 8 significant misses on the week)."""
    forecast = DROP_DAY if patience else DROP_DAY.drop(columns="patience_s")
    check = SimulationOptions(replications=1000, seed=2025)
    plans = {
        m: plan(forecast, targets, method=m, simulation=SimulationOptions(seed=1)).intervals
        for m in ("sipp", "mol", "simulation")
    }
    sims = {m: simulate_plan(p, options=check).intervals for m, p in plans.items()}
    hours = {m: p["agents"].sum() / 2 for m, p in plans.items()}
    assert sims["sipp"]["significant_miss"][DROP]
    assert not sims["simulation"]["significant_miss"].any()
    assert sims["mol"]["service_level_lo"][DROP] > sims["sipp"]["service_level_hi"][DROP]
    if patience:
        assert not sims["mol"]["significant_miss"][DROP]
    for m in ("mol", "simulation"):
        assert abs(hours[m] / hours["sipp"] - 1.0) <= 0.02, m

"""Redials through the day in a plan, an evaluation and a simulated plan; km patience.

References: the steady-state fixed point of ``staffing.queueing.redial`` (which an
interval far from the start of a constant day must reproduce), the delay kernel's closed
form for exponential delays, and causality (a later interval never changes an earlier one).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import staffing
from staffing.errors import InputError, StaffingError, TargetError
from staffing.planner.redials import forward_redials, redial_kernel
from staffing.planner.tables import (
    INTERVAL_COLUMNS,
    REDIAL_COLUMNS,
    REDIAL_SUMMARY_COLUMNS,
    SUMMARY_COLUMNS,
)
from staffing.prepared import PatienceWarning, prepare
from staffing.queueing.redial import RedialDelay, offered_attempts
from staffing.simulation import SimulationOptions, simulate_plan

DAY = pd.date_range("2025-03-03 08:00", periods=20, freq="30min")


def _forecast(calls: object = 240.0) -> pd.DataFrame:
    return pd.DataFrame({"interval_start": DAY, "calls": calls, "aht_s": 240.0})


def _model(**kw: object) -> staffing.QueueModel:
    base: dict[str, object] = {"patience_s": 120.0, "redial": 0.6, "redial_delay_s": 600.0}
    base.update(kw)
    return staffing.QueueModel(**base)  # type: ignore[arg-type]


def test_kernel_of_exponential_delays() -> None:
    """``w_0 = 1 - (d/L)(1 - e^{-L/d})``; ``w_m = (d/L)(1 - e^{-L/d})^2 e^{-(m-1) L/d}``."""
    d, length = 600.0, 1800.0
    w = redial_kernel(RedialDelay.exponential(d), length)
    q = d / length * -np.expm1(-length / d)
    assert w[0] == pytest.approx(1 - q, rel=1e-12)
    m = np.arange(1, 6)
    want = d / length * np.expm1(-length / d) ** 2 * np.exp(-(m - 1) * length / d)
    assert np.allclose(w[1:6], want, rtol=1e-10)
    assert w.sum() == pytest.approx(1.0, abs=1e-13)


def test_a_constant_day_settles_on_the_steady_state_fixed_point() -> None:
    """Far from the opening, an interval's attempts are the steady-state fixed point of
    its fresh calls and agents (to 1e-9): the redials coming in equal those going out."""
    plan = staffing.plan(_forecast(), "80/20", model=_model())
    iv = plan.intervals
    late = iv.iloc[-5:]
    want = offered_attempts(
        240.0, 240.0, late["agents"].to_numpy(float), redial=0.6, patience_s=120.0
    )
    assert np.allclose(late["offered_attempts"], want, rtol=1e-9)
    assert iv["redial_calls"].iloc[0] < iv["redial_calls"].iloc[-1]  # none carried in at 8:00


def test_table_columns_and_summary() -> None:
    """The redial columns follow the plan's own; ``calls`` are the attempts; the summary's
    customer abandon rate is customers lost over fresh calls."""
    plan = staffing.plan(_forecast(), ["80/20", "customer_abandon<=2%"], model=_model())
    iv, s = plan.intervals, plan.summary
    assert list(iv.columns) == [*INTERVAL_COLUMNS, *REDIAL_COLUMNS]
    assert list(s.columns) == [*SUMMARY_COLUMNS, *REDIAL_SUMMARY_COLUMNS]
    assert np.allclose(iv["calls"], iv["offered_attempts"])
    assert np.allclose(iv["fresh_calls"] + iv["redial_calls"], iv["calls"])
    assert np.allclose(iv["workload_erlangs"], iv["calls"] * 240.0 / 1800.0)
    assert np.allclose(iv["lost_customers"], 0.4 * iv["abandon_rate"] * iv["calls"])
    total = s.iloc[-1]
    assert total["fresh_calls"] == pytest.approx(240.0 * 20)
    assert total["customer_abandon_rate"] == pytest.approx(
        iv["lost_customers"].sum() / iv["fresh_calls"].sum()
    )
    assert (iv["customer_abandon_rate"] <= 0.02 + 1e-12).all()


def test_no_redial_keeps_the_old_tables_and_zero_redial_the_same_figures() -> None:
    plain = staffing.plan(_forecast(), "80/20", model=staffing.QueueModel(patience_s=120.0))
    assert list(plain.intervals.columns) == list(INTERVAL_COLUMNS)
    assert list(plain.summary.columns) == list(SUMMARY_COLUMNS)
    zero = staffing.plan(_forecast(), "80/20", model=_model(redial=0.0))
    assert np.array_equal(zero.intervals["agents"], plain.intervals["agents"])
    assert np.allclose(zero.intervals["service_level"], plain.intervals["service_level"])
    assert np.allclose(zero.intervals["customer_abandon_rate"], plain.intervals["abandon_rate"])


def test_redials_need_more_agents_for_the_service_level() -> None:
    calls = 240.0 + 160.0 * np.sin(np.linspace(0, np.pi, 20))
    plain = staffing.plan(_forecast(calls), "80/20", model=staffing.QueueModel(patience_s=120))
    again = staffing.plan(_forecast(calls), "80/20", model=_model(redial=0.8))
    assert (again.intervals["agents"] >= plain.intervals["agents"]).all()
    assert again.summary.iloc[-1]["agent_hours"] > plain.summary.iloc[-1]["agent_hours"]


def test_causality_later_intervals_never_move_earlier_ones() -> None:
    calls = np.full(20, 240.0)
    a = forward_redials(prepare(_forecast(calls), "80/20", model=_model()))
    calls[12:] = 600.0
    b = forward_redials(prepare(_forecast(calls), "80/20", model=_model()))
    assert np.array_equal(a.agents[:12], b.agents[:12])
    assert np.array_equal(a.attempts[:12], b.attempts[:12])
    assert b.sweeps <= 20


def test_redials_do_not_cross_closed_hours_by_delay_alone() -> None:
    """Redials falling in a closed gap are not made; those falling after it arrive."""
    f = _forecast().drop(index=range(8, 12)).reset_index(drop=True)  # closed 12:00-14:00
    iv = staffing.plan(f, "80/20", model=_model(redial_delay_s=60.0)).intervals
    after = iv.index[iv["interval_start"] == pd.Timestamp("2025-03-03 14:00")][0]
    assert iv.loc[after, "redial_calls"] < iv.loc[after - 1, "redial_calls"]
    slow = staffing.plan(f, "80/20", model=_model(redial_delay_s=7200.0)).intervals
    assert slow.loc[after, "redial_calls"] > 0


def test_forecast_redial_column_per_queue() -> None:
    f = pd.concat(
        [_forecast().assign(queue="sales", redial="50%"), _forecast().assign(queue="care")]
    )
    f.loc[f["queue"] == "care", "redial"] = None
    iv = staffing.plan(
        f, "80/20", model=staffing.QueueModel(patience_s=120, redial_delay_s=600)
    ).intervals
    sales, care = iv[iv["queue"] == "sales"], iv[iv["queue"] == "care"]
    assert (sales["redial"] == 0.5).all() and care["redial"].isna().all()
    assert (care["redial_calls"] == 0).all() and (sales["redial_calls"] > 0).all()


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"redial": ["100%"] * 20}, InputError, "column 'redial': 20 rows .* 100%"),
        ({"model": {"redial_delay_s": None}}, StaffingError, "need a delay"),
        (
            {"targets": "customer_abandon<=5%", "model": {"redial": None}},
            TargetError,
            "redial share",
        ),
        ({"method": "mol"}, StaffingError, "`method` 'mol': a plan with redials"),
    ],
)
def test_bad_input(change: dict[str, object], error: type, match: str) -> None:
    f = _forecast()
    if "redial" in change:
        f = f.assign(redial=change["redial"])
    kw = dict(change.get("model", {}))  # type: ignore[call-overload]
    with pytest.raises(error, match=match):
        staffing.plan(
            f,
            change.get("targets", "80/20"),
            model=_model(**kw),
            method=change.get("method", "sipp"),  # type: ignore[arg-type]
        )


def test_evaluation_of_the_plan_reproduces_its_figures() -> None:
    f = _forecast(240.0 + 100.0 * np.cos(np.linspace(0, 3, 20)))
    plan = staffing.plan(f, ["80/20", "customer_abandon<=2%"], model=_model())
    e = staffing.evaluate_staffing(
        f.assign(agents=plan.intervals["agents"].to_numpy()),
        targets=["80/20", "customer_abandon<=2%"],
        model=_model(),
    )
    iv = e.intervals
    assert np.allclose(iv["offered_attempts"], plan.intervals["offered_attempts"], rtol=1e-12)
    assert np.allclose(iv["service_level"], plan.intervals["service_level"], rtol=1e-12)
    assert np.array_equal(iv["required"], plan.intervals["agents"].astype(float))
    assert (iv["band"] == "met").all()
    short = staffing.evaluate_staffing(
        f.assign(agents=plan.intervals["agents"].to_numpy() - 2),
        targets="customer_abandon<=2%",
        model=_model(),
    ).intervals
    assert (short["shortfall_pts"] > 0).any()


def test_simulated_redial_plan_against_its_prediction() -> None:
    """The plan's own prediction of attempts and customers lost, simulated with callers
    calling again (steady hours, far from the opening)."""
    plan = staffing.plan(_forecast(), "80/20", model=_model())
    sim = simulate_plan(plan.intervals, options=SimulationOptions(replications=200, seed=3))
    iv = sim.intervals.iloc[6:]
    mine = plan.intervals.iloc[6:]
    assert "customer_abandon_rate" in sim.intervals and "redial_calls" in sim.days
    assert np.allclose(iv["calls"], mine["calls"])
    assert (
        abs(iv["redial_calls"].mean() - mine["redial_calls"].mean())
        < 0.15 * mine["redial_calls"].mean()
    )
    assert abs(iv["customer_abandon_rate"].mean() - mine["customer_abandon_rate"].mean()) < 0.01


KM = {
    "queues": {
        "main": {
            "patience_s": 150.0,
            "kaplan_meier": {"time_s": [30.0, 60.0, 300.0], "survival": [0.95, 0.6, 0.3]},
        }
    }
}


def test_km_patience_model_plans_with_the_curve() -> None:
    f = _forecast()
    km = staffing.plan(
        f, "80/20+abandon<=5%", model=staffing.QueueModel(calibration=KM, patience_model="km")
    )
    direct = staffing.required_agents(
        240.0, 240.0, "80/20+abandon<=5%", patience_curve=([30.0, 60.0, 300.0], [0.95, 0.6, 0.3])
    )
    assert (km.intervals["agents"] == direct).all()
    exp = staffing.plan(f, "80/20+abandon<=5%", model=staffing.QueueModel(calibration=KM))
    assert (exp.intervals["agents"] != km.intervals["agents"]).any()
    with pytest.raises(StaffingError, match="needs a calibration"):
        staffing.plan(f, "80/20", model=staffing.QueueModel(patience_s=120, patience_model="km"))
    both = {"queues": {**KM["queues"], "care": {"patience_s": 90.0}}}
    two = pd.concat([f.assign(queue="main"), f.assign(queue="care")])
    with pytest.warns(PatienceWarning, match="no Kaplan-Meier patience curve for queue 'care'"):
        staffing.plan(
            two, "80/20", model=staffing.QueueModel(calibration=both, patience_model="km")
        )


def test_calibration_redials_are_read_and_reported() -> None:
    cal = {
        "queues": {
            "main": {
                "patience_s": 120.0,
                "redial": {
                    "share": 0.5,
                    "reconnect_share": 0.3,
                    "delay_curve": {"delay_s": [60.0, 600.0, 3600.0], "share": [0.3, 0.7, 1.0]},
                },
            }
        }
    }
    model = staffing.QueueModel(calibration=cal)
    p = prepare(_forecast(), "80/20", model=model)
    assert p.has_redials and p.redial_share[0] == 0.5 and p.reconnect_share[0] == 0.0
    assert p.redial_delays["main"].describe().startswith("the calibrated delay curve")
    assert "redials: the calibration's redial shares" in model.describe()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iv = staffing.plan(_forecast(), "80/20", model=model).intervals
    assert iv["redial_delay_s"].iloc[0] == pytest.approx(p.redial_delays["main"].mean_s)

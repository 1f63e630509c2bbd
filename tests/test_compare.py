"""What-if comparison of targets and the budget sweeps, checked by hand on small cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import staffing
from staffing.contracts.compare import (
    COMPARE_COLUMNS,
    SWEEP_COLUMNS,
    compare,
    parse_scenario,
    sweep,
)
from staffing.data import sample_path
from staffing.errors import TargetError
from staffing.io import read_forecast
from staffing.planner import FteRules


def two_intervals(**extra: float) -> pd.DataFrame:
    f = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
            "calls": [100.0, 120.0],
            "aht_s": [180.0, 180.0],
        }
    )
    for k, v in extra.items():
        f[k] = v
    return f


def test_compare_hand_worked() -> None:
    """Two half-hours (100 and 120 calls, AHT 180 s), Erlang C, shrinkage 20%, 37.5 h/FTE,
    52,000 a year per FTE.

    80/20: 14 and 16 agents (Erlang C; staffing.required_agents) -> (14 + 16) / 2 = 15
           agent-hours; the forecast lies in one week, so fte = 15 / 0.8 / 37.5 = 0.5 and
           cost = 0.5 * 52,000 = 26,000; peak 16.
    90/10: 15 and 17 agents -> 16 agent-hours, fte = 16 / 0.8 / 37.5 = 0.5333,
           cost 27,733.33; deltas +1 agent-hour, +0.0333 FTE, +1 peak, +1,733.33.
    Service level at 20 s (the first scenario's threshold) for 80/20:
           (100 * SL(100 calls, 14) + 120 * SL(120 calls, 16)) / 220, never the mean of
           the two percentages.
    """
    assert staffing.required_agents([100.0, 120.0], 180.0, "80/20").tolist() == [14, 16]
    assert staffing.required_agents([100.0, 120.0], 180.0, "90/10").tolist() == [15, 17]
    t = compare(two_intervals(), ["80/20", "90/10"], cost_per_fte=52000, fte=FteRules(total=0.2))
    assert tuple(t.columns) == COMPARE_COLUMNS
    assert t["scenario"].tolist() == ["80/20", "90/10"]
    np.testing.assert_allclose(t["agent_hours"], [15.0, 16.0])
    np.testing.assert_allclose(t["fte"], [0.5, 16 / 0.8 / 37.5])
    np.testing.assert_allclose(t["cost"], [26_000.0, 16 / 0.8 / 37.5 * 52_000])
    assert t["peak_agents"].tolist() == [16, 17]
    np.testing.assert_allclose(t["delta_agent_hours"], [0.0, 1.0])
    np.testing.assert_allclose(t["delta_cost"], [0.0, 1 / 0.8 / 37.5 * 52_000])
    assert t["delta_peak_agents"].tolist() == [0, 1]
    sl = staffing.evaluate(np.array([100.0, 120.0]), 180.0, np.array([14, 16]), threshold_s=20)
    expected = (100 * sl.service_level[0] + 120 * sl.service_level[1]) / 220
    assert t["service_level"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert t.attrs["threshold_s"] == 20.0
    # Erlang C: nobody abandons
    assert (t["abandon_rate"] == 0).all()


def test_compare_reports_every_scenario_at_one_threshold() -> None:
    """With threshold_s=10 both rows are measured at 10 s: the 90/10 row then shows at
    least 90% in every interval, so at least 90% overall."""
    t = compare(two_intervals(), ["80/20", "90/10"], threshold_s=10)
    assert t.attrs["threshold_s"] == 10.0
    assert t["service_level"].iloc[1] >= 0.90
    assert t["service_level"].iloc[0] < t["service_level"].iloc[1]


def test_abandon_scenario_with_patience() -> None:
    """abandon<=5% with patience 120 s (Erlang A): every interval holds abandons to 5%, so
    the volume-weighted rate does too; without any patience the scenario is refused."""
    t = compare(two_intervals(patience_s=120.0), ["80/20", "abandon<=5%"])
    assert t["abandon_rate"].iloc[1] <= 0.05
    assert t["abandon_rate"].iloc[0] > 0  # Erlang A: some callers hang up at 80/20 too
    with pytest.raises(TargetError, match="needs customer patience"):
        compare(two_intervals(), ["80/20", "abandon<=5%"])


def test_scenario_parsing() -> None:
    sc = parse_scenario("name=premium line:90/10+99/300")
    assert sc.name == "premium line" and sc.text == "90/10+99/300"
    assert parse_scenario("80/20+abandon<=5%").name == "80/20+abandon<=5%"
    with pytest.raises(TargetError, match="name=LABEL:TARGETS"):
        parse_scenario("name=premium")
    with pytest.raises(TargetError, match="given twice"):
        compare(two_intervals(), ["80/20", "80/20"])
    with pytest.raises(TargetError, match="unknown target"):
        compare(two_intervals(), ["80/20", "fast"])


def test_sweep_hand_worked() -> None:
    """Sweep 70/80/90% at 20 s on the two half-hours (Erlang C):
    70/20 -> 13 + 15 = 28 agents = 14 h; 80/20 -> 15 h; 90/20 -> 15 + 17 = 16 h.
    With 37.5 h per FTE (no shrinkage): fte 0.3733, 0.4, 0.4267; marginal FTE per point
    from 70% to 80% = (0.4 - 0.3733) / 10 = 0.002667."""
    s = sweep(two_intervals(), fractions=[0.9, 0.7, 0.8], thresholds_s=[10, 30])
    assert tuple(s.columns) == SWEEP_COLUMNS
    pct = s[s["sweep"] == "percent"]
    assert pct["target"].tolist() == ["70/20", "80/20", "90/20"]
    np.testing.assert_allclose(pct["agent_hours"], [14.0, 15.0, 16.0])
    np.testing.assert_allclose(pct["fte"], np.array([14.0, 15.0, 16.0]) / 37.5)
    assert np.isnan(pct["marginal_fte"].iloc[0])
    assert pct["marginal_fte"].iloc[1] == pytest.approx(1.0 / 37.5 / 10)
    thr = s[s["sweep"] == "threshold"]
    assert thr["target"].tolist() == ["80/30", "80/10"]  # loosest first
    # no patience anywhere: Erlang C only
    assert set(s["model"]) == {"Erlang C"}


def test_sweep_curves_on_the_sample_week() -> None:
    """On the sample forecast (patience per queue): both models, FTE rising with the
    percentage and falling with the threshold (diminishing returns: the last step costs
    the most), and Erlang A below Erlang C at 80/20 (abandons shorten the queue)."""
    f = read_forecast(sample_path("forecast.csv"))
    s = sweep(f, fractions=[0.7, 0.8, 0.9, 0.95], thresholds_s=[60, 20, 5])
    assert set(s["model"]) == {"Erlang C", "Erlang A"}
    for (kind, _model), g in s.groupby(["sweep", "model"]):
        fte = g["fte"].to_numpy()
        assert np.all(np.diff(fte) >= 0), kind
    pct_c = s[(s.sweep == "percent") & (s.model == "Erlang C")]["marginal_fte"].to_numpy()
    assert pct_c[-1] > pct_c[1]  # 90 -> 95 costs more per point than 70 -> 80
    at = s[(s.sweep == "percent") & (s.target == "80/20")].set_index("model")["fte"]
    assert at["Erlang A"] < at["Erlang C"]

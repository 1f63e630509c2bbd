"""The interval planner: column contracts, values recomputed independently, FTE arithmetic,
volume weighting, targets by time window, interval inference, patience sources, evaluation.

Independent values come from ``tests/reference.py`` (the birth-death chain in mpmath, no
``staffing`` code) and from arithmetic worked by hand in the docstrings.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.data import sample_path
from staffing.errors import InputError, StaffingError, TargetError
from staffing.io import load_calibration, read_forecast, read_table, read_targets, write_table
from staffing.planner import (
    FteRules,
    PatienceWarning,
    QueueModel,
    evaluate_staffing,
    plan,
    summarise,
)
from staffing.planner.summary import PartialPeriodWarning
from staffing.planner.tables import (
    EVALUATION_COLUMNS,
    EVALUATION_SUMMARY_COLUMNS,
    INTERVAL_COLUMNS,
    SUMMARY_COLUMNS,
)
from staffing.prepared import prepare_targets, validate_forecast
from staffing.vocabulary import parse_time_of_day, parse_weekdays


def _forecast(rows: list[tuple[str, str, float, float]], **extra: list[float]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["interval_start", "queue", "calls", "aht_s"])
    for name, values in extra.items():
        df[name] = values
    return df


SMALL = _forecast(
    [
        ("2025-03-03 09:00", "sales", 100.0, 180.0),
        ("2025-03-03 09:30", "sales", 150.0, 200.0),
        ("2025-03-03 10:00", "sales", 0.0, 0.0),  # closed-hours style row: no calls, no AHT
        ("2025-03-03 09:00", "help", 40.0, 300.0),
        ("2025-03-03 09:30", "help", 55.5, 320.0),
    ]
)


def _minimal_erlang_c(calls: float, aht: float, interval: float, fraction: float, t: float) -> int:
    """Fewest agents with SL >= fraction at t, by the mpmath reference (upwards search)."""
    if calls == 0:
        return 0
    n = int(calls * aht / interval) + 1
    while reference.erlang_c_measures(calls, aht, n, interval, t)["sl_fail"] < fraction:
        n += 1
    return n


# ------------------------------------------------------------------ column contract


def test_interval_columns_names_order_dtypes() -> None:
    """Issue 3's interval columns first, in its order, then ours; dtypes fixed."""
    p = plan(SMALL, "80/20")
    iv = p.intervals
    assert tuple(iv.columns) == INTERVAL_COLUMNS
    assert list(iv.columns[:11]) == [
        "interval_start", "queue", "calls", "aht_s", "workload_erlangs", "agents",
        "service_level", "asa_s", "abandon_rate", "occupancy", "scheduled",
    ]  # fmt: skip
    assert iv["interval_start"].dtype.kind == "M"
    assert iv["agents"].dtype == np.int64
    for col in ("calls", "aht_s", "workload_erlangs", "service_level", "asa_s",
                "abandon_rate", "occupancy", "scheduled", "interval_s", "patience_s",
                "threshold_s", "sl_calls"):  # fmt: skip
        assert iv[col].dtype == np.float64, col
    assert iv["target"].astype(str).tolist() == ["80/20"] * 5
    assert iv["queue"].tolist() == ["sales", "sales", "sales", "help", "help"]  # file order


def test_summary_columns_names_order_dtypes() -> None:
    s = plan(SMALL, "80/20").summary
    assert tuple(s.columns) == SUMMARY_COLUMNS
    assert list(s.columns[:11]) == [
        "period_start", "queue", "calls", "agent_hours", "scheduled_hours", "fte",
        "peak_agents", "service_level", "threshold_s", "abandon_rate", "occupancy",
    ]  # fmt: skip
    assert s["threshold_s"].tolist() == [20.0, 20.0, 20.0]
    assert s["period_start"].dtype.kind == "M"
    assert s["peak_agents"].dtype == np.int64
    assert s["queue"].tolist() == ["help", "sales", "total"]
    assert pd.isna(s["period_start"].iloc[-1])


# ------------------------------------------------------------------ values, recomputed


def test_erlang_c_values_match_reference() -> None:
    """Agents minimal for 80/20 and the measures equal the mpmath M/M/n reference."""
    iv = plan(SMALL, "80/20").intervals
    for row in iv.itertuples():
        expected = _minimal_erlang_c(row.calls, row.aht_s or 1.0, 1800.0, 0.8, 20.0)
        assert row.agents == expected
        assert row.workload_erlangs == pytest.approx(row.calls * (row.aht_s or 0) / 1800.0)
        if row.calls == 0:
            assert (row.service_level, row.asa_s, row.occupancy) == (1.0, 0.0, 0.0)
            continue
        ref = reference.erlang_c_measures(row.calls, row.aht_s, row.agents, 1800.0, 20.0)
        assert row.service_level == pytest.approx(float(ref["sl_fail"]), rel=1e-9)
        assert row.asa_s == pytest.approx(float(ref["asa_s"]), rel=1e-9)
        assert row.occupancy == pytest.approx(float(ref["occupancy"]), rel=1e-9)
        assert row.abandon_rate == 0.0


def test_textbook_interval() -> None:
    """100 calls, 180 s AHT, 30 min (10 Erlangs), 80/20: 14 agents (SL 88.8%).

    The README's quick-start example; 13 agents give 79.6% < 80% by the mpmath reference.
    """
    f = _forecast([("2025-03-03 09:00", "q", 100.0, 180.0)])
    row = plan(f, "80/20", interval_s="30min").intervals.iloc[0]
    assert row["agents"] == 14
    below = reference.erlang_c_measures(100, 180, 13, 1800, 20)["sl_fail"]
    assert float(below) < 0.8 <= row["service_level"]


def test_erlang_a_values_match_reference() -> None:
    """With patience the plan is Erlang A: values equal the mpmath integral reference."""
    f = _forecast(
        [("2025-03-03 09:00", "q", 100.0, 180.0), ("2025-03-03 09:30", "q", 220.0, 240.0)],
        patience_s=[120.0, 200.0],
    )
    iv = plan(f, ["80/20", "abandon<=5%"]).intervals
    for row in iv.itertuples():
        ref = reference.erlang_a(row.calls, row.aht_s, row.agents, 1800, row.patience_s,
                                 (20.0,), check=False)  # fmt: skip
        fewer = reference.erlang_a(row.calls, row.aht_s, row.agents - 1, 1800, row.patience_s,
                                   (20.0,), check=False)  # fmt: skip
        assert row.service_level == pytest.approx(float(ref["within"][0]["sl_fail"]), rel=1e-7)
        assert row.abandon_rate == pytest.approx(float(ref["abandon_rate"]), rel=1e-7)
        assert row.asa_s == pytest.approx(float(ref["asa_s"]), rel=1e-7)
        assert row.service_level >= 0.8 and row.abandon_rate <= 0.05
        assert fewer["within"][0]["sl_fail"] < 0.8 or fewer["abandon_rate"] > 0.05


def test_erlang_a_never_needs_more_than_erlang_c() -> None:
    f = read_forecast(sample_path("forecast.csv"))
    with_patience = plan(f, "80/20").intervals["agents"]
    without = plan(f.drop(columns="patience_s").assign(patience_s=np.nan), "80/20")
    assert (with_patience <= without.intervals["agents"]).all()
    assert (with_patience < without.intervals["agents"]).any()


def test_zero_calls_zero_agents_any_aht() -> None:
    iv = plan(SMALL, "80/20").intervals
    closed = iv[iv["calls"] == 0]
    assert closed["agents"].tolist() == [0]
    assert closed["scheduled"].tolist() == [0.0]


# ------------------------------------------------------------------ FTE arithmetic


def test_fte_two_stage_by_hand() -> None:
    """Worked by hand. Agents (sales 14 and 21, help 10 and 14; closed row 0; each the
    Erlang C minimum, checked against the reference in test_erlang_c_values_match_reference)
    give agent-hours ``(14 + 21 + 0) * 0.5 = 17.5`` and ``(10 + 14) * 0.5 = 12`` (29.5 in
    all). In-centre 20%, out-of-centre 10%: scheduled = agents / 0.8 and
    ``fte = hours / (0.8 * 0.9) / 40`` per week: 0.60764 (sales), 0.41667 (help), 1.02431.
    """
    p = plan(SMALL, "80/20", fte=FteRules(in_centre=0.2, out_of_centre=0.1, hours_per_fte=40.0))
    iv, s = p.intervals, p.summary.set_index("queue")
    assert iv["agents"].tolist() == [14, 21, 0, 10, 14]
    assert iv["scheduled"].tolist() == pytest.approx([17.5, 26.25, 0.0, 12.5, 17.5])
    assert s.loc["sales", "agent_hours"] == 17.5
    assert s.loc["help", "agent_hours"] == 12.0
    assert s.loc["sales", "scheduled_hours"] == pytest.approx(17.5 / 0.8)
    assert s.loc["sales", "fte"] == pytest.approx(0.607639, rel=1e-5)
    assert s.loc["help", "fte"] == pytest.approx(0.416667, rel=1e-5)
    assert s.loc["total", "fte"] == pytest.approx(1.024306, rel=1e-5)
    assert s.loc["total", "peak_agents"] == 35  # 21 + 14 together at 09:30
    assert s.loc["sales", "period_days"] == 7.0


def test_fte_total_shrinkage_day_and_month() -> None:
    """Total shrinkage 30%: scheduled = agents / 0.7; FTE per day scale hours by 1/7:
    17.5 h / 0.7 / (37.5/7) = 4.667 FTE. The forecast is one day of the week of Monday
    3 March 2025, so the month row counts that week's 7 days of March, not all 31: 17.5 /
    0.7 / 37.5 = 0.667 FTE, the same as the week row and the grand total."""
    day = plan(SMALL, "80/20", period="day", fte=FteRules(total=0.3)).summary.set_index("queue")
    assert day.loc["sales", "fte"] == pytest.approx(4.666667, rel=1e-6)
    assert day.loc["sales", "scheduled_hours"] == pytest.approx(25.0)
    with pytest.warns(PartialPeriodWarning, match=r"2025-03-01 \(7 of 31 days\)"):
        month = plan(SMALL, "80/20", period="month", fte=FteRules(total=0.3)).summary
    month = month.set_index("queue")
    assert month.loc["sales", "fte"] == pytest.approx(17.5 / 0.7 / 37.5)
    assert bool(month.loc["sales", "partial"])
    assert month.loc["sales", "period_days"] == 7.0
    assert str(month["period_start"].iloc[0].date()) == "2025-03-01"
    week = plan(SMALL, "80/20", period="week", fte=FteRules(total=0.3)).summary.set_index("queue")
    assert week.loc["sales", "fte"] == pytest.approx(17.5 / 0.7 / 37.5)
    totals = [t.iloc[-1]["fte"] for t in (day, week, month)]  # the grand-total row
    assert totals == pytest.approx([totals[0]] * 3)


def test_month_fte_of_a_week_across_two_months() -> None:
    """A Monday-to-Sunday week from 28 April to 4 May 2025 with the same staffing every
    day: April holds 3 of its days, May 4, so each month's FTE is the week's FTE (the
    same agents are paid all week), and the grand total is the week's FTE too."""
    starts = pd.date_range("2025-04-28 09:00", periods=7, freq="D")
    f = pd.DataFrame({"interval_start": starts, "calls": 100.0, "aht_s": 180.0})
    with pytest.warns(PartialPeriodWarning, match="3 of 30 days.*4 of 31 days"):
        s = plan(f, "80/20", interval_s=1800, period="month", fte=FteRules(total=0.3)).summary
    assert s["period_days"].tolist() == [3.0, 4.0, 7.0]
    weekly = 7 * 14 * 0.5 / 0.7 / 37.5  # 14 agents for 30 minutes a day, 7 days
    assert s["fte"].tolist() == pytest.approx([weekly, weekly, weekly])


def test_weekly_fte_is_mean_of_daily_fte() -> None:
    """An FTE is paid per 7 calendar days, so the mean daily FTE over a week (7 rows,
    closed days count as 0) equals the weekly FTE."""
    f = read_forecast(sample_path("forecast.csv"))
    week = plan(f, "80/20", period="week", fte=FteRules(in_centre=0.1, out_of_centre=0.2)).summary
    day = plan(f, "80/20", period="day", fte=FteRules(in_centre=0.1, out_of_centre=0.2)).summary
    daily_total = day[(day["queue"] == "total") & day["period_start"].notna()]
    assert len(daily_total) == 7
    assert daily_total["fte"].sum() / 7 == pytest.approx(week["fte"].iloc[-1])
    assert day["fte"].iloc[-1] == pytest.approx(week["fte"].iloc[-1])


def test_nothing_rounded_before_summing() -> None:
    """Fractional calls and staffing sum as they are: 12.25 + 0.5 calls, 2.5 + 1.25 agents."""
    iv = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:15"]),
            "queue": "q", "calls": [12.25, 0.5], "agents": [2.5, 1.25],
            "interval_s": 900.0, "service_level": [0.8, 1.0], "abandon_rate": 0.0,
            "occupancy": [0.9, 0.1],
        }
    )  # fmt: skip
    s = summarise(iv)
    assert s["calls"].iloc[0] == 12.75
    assert s["agent_hours"].iloc[0] == (2.5 + 1.25) * 0.25
    assert s["peak_agents"].iloc[0] == 2.5


# ------------------------------------------------------------------ volume weighting


def test_volume_weighting_by_hand() -> None:
    """SL 90% of 100 calls and 60% of 300: (90 + 180) / 400 = 67.5%, not 75%.
    Abandon 0% and 10%: 30 / 400 = 7.5%. Occupancy weighted by agent-hours:
    (0.8*10 + 0.9*20) / 30 = 86.67%. ASA weighted by answered calls:
    (10*100 + 30*270) / 370 = 24.59 s."""
    iv = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:30"]),
            "queue": "q", "calls": [100.0, 300.0], "agents": [10, 20], "interval_s": 1800.0,
            "service_level": [0.9, 0.6], "abandon_rate": [0.0, 0.1],
            "occupancy": [0.8, 0.9], "asa_s": [10.0, 30.0],
        }
    )  # fmt: skip
    row = summarise(iv).iloc[0]
    assert row["service_level"] == pytest.approx(0.675)
    assert row["abandon_rate"] == pytest.approx(0.075)
    assert row["occupancy"] == pytest.approx(26.0 / 30.0)
    assert row["asa_s"] == pytest.approx((10 * 100 + 30 * 270) / 370)


def test_exclude_policy_weights_by_answered() -> None:
    """abandon_policy='exclude': SL is answered-within / answered, so the summary weights
    by answered calls (sl_calls = calls * (1 - abandon_rate))."""
    f = _forecast(
        [("2025-03-03 09:00", "q", 100.0, 180.0), ("2025-03-03 09:30", "q", 300.0, 200.0)],
        patience_s=[90.0, 90.0],
    )
    p = plan(f, ["80/20"], model=QueueModel(abandon_policy="exclude"))
    iv = p.intervals
    assert iv["sl_calls"].to_numpy() == pytest.approx(iv["calls"] * (1 - iv["abandon_rate"]))
    expected = (iv["service_level"] * iv["sl_calls"]).sum() / iv["sl_calls"].sum()
    assert p.summary["service_level"].iloc[0] == pytest.approx(expected)


def test_exclude_within_weights() -> None:
    """exclude_within: sl_calls = offered - abandoned within t, from the mpmath reference."""
    f = _forecast([("2025-03-03 09:00", "q", 100.0, 180.0)], patience_s=[120.0])
    row = plan(
        f, "80/20", interval_s=1800, model=QueueModel(abandon_policy="exclude_within")
    ).intervals.iloc[0]
    ref = reference.erlang_a(100, 180, int(row["agents"]), 1800, 120, (20.0,), check=False)
    within = ref["within"][0]
    assert row["service_level"] == pytest.approx(float(within["sl_exclude_within"]), rel=1e-7)
    assert row["sl_calls"] == pytest.approx(100 * (1 - float(within["abandoned_within"])), rel=1e-7)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 500, allow_subnormal=False),
            st.integers(0, 80),
            st.floats(0, 1),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_weighted_totals_property(rows: list[tuple[float, int, float, float]]) -> None:
    """For any intervals: totals are sums, ratios are ratios of sums (between the interval
    extremes), the per-queue rows add up to the total row."""
    n = len(rows)
    calls, agents, sl, ab = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    iv = pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-03 08:00", periods=n, freq="30min"),
            "queue": np.where(np.arange(n) % 2 == 0, "a", "b"),
            "calls": calls, "agents": agents.astype(np.int64), "interval_s": 1800.0,
            "service_level": sl, "abandon_rate": ab, "occupancy": sl,
        }
    )  # fmt: skip
    s = summarise(iv, fte=FteRules(in_centre=0.1))
    total = s.iloc[-1]
    queues = s.iloc[:-1]
    assert total["calls"] == pytest.approx(calls.sum())
    assert total["agent_hours"] == pytest.approx(agents.sum() * 0.5)
    assert queues["fte"].sum() == pytest.approx(total["fte"])
    if calls.sum() > 0:
        assert total["service_level"] == pytest.approx((sl * calls).sum() / calls.sum())
        busy = calls > 0
        assert sl[busy].min() - 1e-12 <= total["service_level"] <= sl[busy].max() + 1e-12
    else:
        assert np.isnan(total["service_level"])


# ------------------------------------------------------------------ targets by window


def _week_forecast() -> pd.DataFrame:
    starts = pd.date_range("2025-03-03 00:00", "2025-03-09 23:30", freq="30min")
    return pd.DataFrame({"interval_start": starts, "queue": "sales", "calls": 80.0, "aht_s": 240.0})


def test_targets_by_time_window() -> None:
    """Prime time Mon-Fri 09:00-17:00 on 90/10; the rest of sales on 70/30; 'night' rule
    22:00-06:00 wraps midnight. First matching row wins."""
    rules = pd.DataFrame(
        {
            "queue": ["sales", "sales", "sales"],
            "weekday": ["Mon-Fri", "", None],
            "start": ["09:00", "22:00", None],
            "end": ["17:00", "06:00", None],
            "target": ["90/10", "60/60", "70/30"],
        }
    )
    f = _week_forecast()
    iv = plan(f, targets_table=prepare_targets(rules)).intervals
    t = iv["interval_start"]
    minutes = t.dt.hour * 60 + t.dt.minute
    prime = (t.dt.day_of_week < 5) & (minutes >= 540) & (minutes < 1020)
    night = (minutes >= 1320) | (minutes < 360)
    expected = np.where(prime, "90/10", np.where(night, "60/60", "70/30"))
    assert iv["target"].astype(str).tolist() == expected.tolist()
    # the requirement follows the target: same calls, stricter target, more agents
    by = iv.groupby(iv["target"].astype(str))["agents"].first()
    assert by["90/10"] == _minimal_erlang_c(80, 240, 1800, 0.9, 10)
    assert by["70/30"] == _minimal_erlang_c(80, 240, 1800, 0.7, 30)
    assert by["90/10"] > by["70/30"] >= by["60/60"]
    # service level reported at each interval's own threshold
    assert set(iv.loc[prime.to_numpy(), "threshold_s"]) == {10.0}


def test_targets_table_default_and_missing() -> None:
    f = _week_forecast().assign(queue=np.where(np.arange(336) % 2, "sales", "help"))
    rules = pd.DataFrame({"queue": ["sales"], "target": ["90/10+99/300"]})
    iv = plan(f, "80/20", targets_table=prepare_targets(rules)).intervals
    assert set(iv.loc[iv["queue"] == "help", "target"].astype(str)) == {"80/20"}
    assert set(iv.loc[iv["queue"] == "sales", "target"].astype(str)) == {"90/10+99/300"}
    with pytest.raises(InputError, match=r"no target for 168 intervals \(queues help\)"):
        plan(f, targets_table=prepare_targets(rules))


def test_sample_targets_file() -> None:
    f = read_forecast(sample_path("forecast.csv"))
    p = plan(f, targets_table=read_targets(sample_path("targets.csv")), period="week")
    # premium is measured at 10 s and service at 20 s; sales at 20 s in prime time and
    # 30 s outside it, so its row, like the total, says "mixed" (NaN)
    by_queue = p.summary.set_index("queue")["threshold_s"]
    assert by_queue["premium"] == 10.0 and by_queue["service"] == 20.0
    assert np.isnan(by_queue["sales"]) and np.isnan(p.summary["threshold_s"].iloc[-1])
    iv = p.intervals
    got = iv.groupby(["queue", iv["target"].astype(str)], observed=True).size().to_dict()
    assert got == {
        ("premium", "90/10+99/300"): 128,
        ("sales", "70/30+abandon<=8%"): 56,
        ("sales", "80/20+abandon<=5%"): 80,
        ("service", "80/20+abandon<=5%"): 190,
    }
    premium = iv[iv["queue"] == "premium"]
    assert (premium["threshold_s"] == 10).all() and (premium["service_level"] >= 0.9).all()


@pytest.mark.parametrize(
    ("spec", "days"),
    [("Mon-Fri", [0, 1, 2, 3, 4]), ("sat,sun", [5, 6]), ("weekend", [5, 6]),
     ("Fri-Mon", [0, 4, 5, 6]), ("Wednesday", [2]), ("", list(range(7))),
     ("weekdays; Sun", [0, 1, 2, 3, 4, 6])],
)  # fmt: skip
def test_parse_weekdays(spec: str, days: list[int]) -> None:
    assert sorted(parse_weekdays(spec)) == days


def test_parse_time_of_day() -> None:
    assert parse_time_of_day("9:30") == 34200
    assert parse_time_of_day("24:00") == 86400
    for bad in ("25:00", "9h", "12:60"):
        with pytest.raises(ValueError):
            parse_time_of_day(bad)


def test_targets_file_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "queue,weekday,start,end,target\nsales,Mon-Fri,09:00,17:00,80/20\nsales,Funday,,,80/20\n"
    )
    with pytest.raises(
        InputError, match=r"t\.csv: column 'weekday': 1 row \(row 3\) cannot read weekdays 'Funday'"
    ):
        read_targets(path)
    path.write_text("queue,target\nsales,80/2x\n")
    with pytest.raises(
        InputError, match=r"t\.csv: column 'target': 1 row \(row 2\) target '80/2x': threshold"
    ):
        read_targets(path)
    path.write_text("queue,start,end,target\nsales,9:00,9:00,80/20\n")
    with pytest.raises(InputError, match=r"window is empty"):
        read_targets(path)


# ------------------------------------------------------------------ interval inference


def test_interval_inferred_per_queue_with_gaps() -> None:
    """15-minute queue with a closed lunch hour and a 30-minute queue in one file."""
    a = pd.date_range("2025-03-03 09:00", periods=8, freq="15min").append(
        pd.date_range("2025-03-03 13:00", periods=4, freq="15min")
    )
    b = pd.date_range("2025-03-03 09:00", periods=6, freq="30min")
    f = pd.concat(
        [
            pd.DataFrame({"interval_start": a, "queue": "fast", "calls": 10.0, "aht_s": 200.0}),
            pd.DataFrame({"interval_start": b, "queue": "slow", "calls": 10.0, "aht_s": 200.0}),
        ]
    )
    out = validate_forecast(f)
    assert out.groupby("queue")["interval_s"].unique().map(list).to_dict() == {
        "fast": [900.0],
        "slow": [1800.0],
    }
    iv = plan(f, "80/20").intervals
    fast = iv[iv["queue"] == "fast"]
    assert fast["workload_erlangs"].iloc[0] == pytest.approx(10 * 200 / 900)


def test_mixed_interval_lengths_rejected() -> None:
    """Mostly 30-minute steps; 10:45 (row 6) comes 15 min after 10:30 and 11:30 (row 7)
    45 min after 10:45: neither is a whole number of 30-minute intervals."""
    starts = ["09:00", "09:30", "10:00", "10:30", "10:45", "11:30", "12:00", "12:30"]
    f = pd.DataFrame(
        {"interval_start": [f"2025-03-03 {s}" for s in starts], "calls": 1.0, "aht_s": 100.0}
    )
    with pytest.raises(
        InputError, match=r"column 'interval_start': 2 rows \(rows 6, 7\) mixed interval lengths"
    ):
        validate_forecast(f, source="f.csv")


def test_given_interval_and_interval_column() -> None:
    f = pd.DataFrame(
        {"interval_start": ["2025-03-03 09:00", "2025-03-03 10:00"], "calls": 5.0, "aht_s": 100.0}
    )
    assert validate_forecast(f, interval_s="15min")["interval_s"].tolist() == [900.0, 900.0]
    assert validate_forecast(f.assign(interval_s=3600))["interval_s"].tolist() == [3600.0] * 2
    with pytest.raises(StaffingError, match="not a duration"):
        validate_forecast(f, interval_s="soon")
    with pytest.raises(InputError, match=r"not a multiple of its 45-min interval"):
        validate_forecast(f, interval_s="45min")
    one = f.head(1)
    with pytest.raises(InputError, match="cannot infer the interval length"):
        validate_forecast(one)
    assert validate_forecast(one, interval_s=1800)["interval_s"].tolist() == [1800.0]


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"calls": [1.0, -1.0, 2.0]}, r"column 'calls': 1 row \(row 3\) negative or missing"),
        ({"calls": [1.0, np.nan, np.nan]}, r"column 'calls': 2 rows \(rows 3, 4\) negative or"),
        ({"calls": ["1", "x", "2"]}, r"column 'calls': 1 row \(row 3\) not a number"),
        ({"aht_s": [100.0, 0.0, 100.0]}, r"column 'aht_s': 1 row \(row 3\) zero, negative or"),
        ({"patience_s": [60.0, -5.0, 60.0]}, r"column 'patience_s': 1 row \(row 3\) zero or neg"),
        ({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:00", "2025-03-03 10:00"]},
         r"column 'interval_start': 2 rows \(rows 2, 3\) duplicate intervals"),
        ({"interval_start": ["2025-03-03 09:00", "later", "2025-03-03 10:00"]},
         r"column 'interval_start': 1 row \(row 3\) not timestamps \(e\.g\. 'later'\)"),
        ({"queue": ["a", None, "a"]}, r"column 'queue': 1 row \(row 3\) missing queue name"),
    ],
)  # fmt: skip
def test_bad_forecast_rows(change: dict[str, list[object]], pattern: str) -> None:
    f = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00"],
            "calls": [1.0, 2.0, 3.0],
            "aht_s": [100.0, 100.0, 100.0],
        }
    )
    for k, v in change.items():
        f[k] = v
    f.attrs["source"] = "f.csv"
    with pytest.raises(InputError, match="^f\\.csv: " + pattern):
        validate_forecast(f)


def test_missing_columns_and_empty() -> None:
    f = pd.DataFrame({"TimeStamp": ["2025-03-03 09:00"], "calls": [1.0]})
    with pytest.raises(InputError, match=r"missing columns 'interval_start', 'aht_s' \(expected"):
        validate_forecast(f, source="f.csv")
    with pytest.raises(InputError, match="no intervals"):
        validate_forecast(f.iloc[:0].assign(interval_start=[], aht_s=[]), source="f.csv")


# ------------------------------------------------------------------ patience sources


def test_patience_sources(tmp_path: Path) -> None:
    """One precedence rule, most specific first: the calibration's patience for the queue,
    else the row's patience_s, else the model's patience_s, else Erlang C."""
    f = SMALL.assign(patience_s=[100.0, 100.0, np.nan, np.nan, np.nan])
    iv = plan(f, "80/20").intervals
    assert iv["patience_s"].tolist()[:2] == [100.0, 100.0]
    assert np.isnan(iv["patience_s"].iloc[3])  # Erlang C where the column is empty
    # a scalar fills the rows the column leaves empty; it does not override them
    got = plan(f, "80/20", model=QueueModel(patience_s=250.0)).intervals["patience_s"]
    assert got.tolist() == [100.0, 100.0, 250.0, 250.0, 250.0]
    calib = {"queues": {"sales": {"patience_s": 90.0, "patience_ci_s": [80, 100]},
                        "help": {"patience_s": 400.0}}}  # fmt: skip
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(calib))
    got = plan(f, "80/20", model=QueueModel(calibration=load_calibration(path))).intervals
    assert got["patience_s"].tolist() == [90.0, 90.0, 90.0, 400.0, 400.0]
    both = QueueModel(calibration=calib, patience_s=100.0)  # the calibration wins
    assert plan(f, "80/20", model=both).intervals["patience_s"].tolist() == [90.0] * 3 + [400.0] * 2
    # a queue the calibration does not know falls back, with a warning naming it
    partial = {"queues": {"sales": {"patience_s": 90.0}, "x": {"patience_s": None}}}
    with pytest.warns(PatienceWarning, match=r"no patience for queue 'help'"):
        got = plan(f, "80/20", model=QueueModel(calibration=partial, patience_s=300.0))
    assert got.intervals["patience_s"].tolist() == [90.0, 90.0, 90.0, 300.0, 300.0]
    path.write_text("{not json")
    with pytest.raises(InputError, match="not a calibration JSON"):
        load_calibration(path)
    with pytest.raises(InputError, match="no 'queues'"):
        QueueModel(calibration={"sales": 90.0})


def test_abandon_target_without_patience_is_an_error() -> None:
    """Erlang C has no abandonment, so an abandon target needs a patience."""
    with pytest.raises(TargetError, match="abandon"):
        plan(SMALL, ["80/20", "abandon<=5%"])


@pytest.mark.parametrize("kwargs", [{"total": 1.0}, {"in_centre": -0.1},
                                    {"out_of_centre": "150%"}, {"total": 0.3, "in_centre": 0.1},
                                    {"hours_per_fte": 0.0}])  # fmt: skip
def test_bad_fte_rules(kwargs: dict[str, object]) -> None:
    """Shrinkage outside [0, 1), both kinds at once, no paid hours: refused when made."""
    with pytest.raises(StaffingError):
        FteRules(**kwargs)  # type: ignore[arg-type]


def test_bad_period() -> None:
    with pytest.raises(StaffingError, match="period 'year'"):
        plan(SMALL, "80/20", period="year")  # type: ignore[arg-type]


def test_progress_counts_every_interval() -> None:
    seen: list[int] = []
    plan(SMALL, "80/20", progress=seen.append)
    assert sum(seen) == len(SMALL)


def test_time_zone_aware_periods() -> None:
    """UTC offsets in the file: days start at local midnight, not UTC midnight."""
    f = pd.DataFrame(
        {
            "interval_start": ["2025-03-03T23:30:00+01:00", "2025-03-04T00:00:00+01:00"],
            "calls": [20.0, 20.0], "aht_s": 200.0,
        }
    )  # fmt: skip
    f["interval_start"] = pd.to_datetime(f["interval_start"]).dt.tz_convert("Europe/Paris")
    s = plan(f, "80/20", period="day").summary
    assert [str(t) for t in s["period_start"].iloc[:2]] == [
        "2025-03-03 00:00:00+01:00",
        "2025-03-04 00:00:00+01:00",
    ]


# ------------------------------------------------------------------ evaluation


def test_evaluate_bands_and_columns() -> None:
    """80/20 on 100 calls, 180 s: 14 agents give 88.8% (met), 13 give 79.56% (0.44 points
    short: warning), 12 give 64.0% (16 points: all hands). Values from the reference."""
    f = _forecast(
        [("2025-03-03 09:00", "q", 100.0, 180.0), ("2025-03-03 09:30", "q", 100.0, 180.0),
         ("2025-03-03 10:00", "q", 100.0, 180.0)],
        agents=[14, 13, 12],
    )  # fmt: skip
    e = evaluate_staffing(f, targets="80/20")
    iv = e.intervals
    assert tuple(iv.columns) == EVALUATION_COLUMNS
    assert tuple(e.summary.columns) == EVALUATION_SUMMARY_COLUMNS
    for row in iv.itertuples():
        ref = float(reference.erlang_c_measures(100, 180, int(row.agents), 1800, 20)["sl_fail"])
        assert row.service_level == pytest.approx(ref, rel=1e-9)
        assert row.shortfall_pts == pytest.approx(100 * (0.8 - ref), rel=1e-9)
    assert iv["band"].tolist() == ["met", "warning", "all hands"]
    s = e.summary.iloc[0]
    assert (s["intervals_met"], s["intervals_warning"], s["intervals_all_hands"]) == (1, 1, 1)
    wide = evaluate_staffing(f, targets="80/20", edges=(10, 20)).intervals["band"]
    assert wide.tolist() == ["met", "warning", "interrupt offline"]
    narrow = evaluate_staffing(f, targets="80/20", edges=(0.4, 0.5)).intervals["band"]
    assert narrow.tolist() == ["met", "interrupt offline", "all hands"]


def test_evaluate_with_roster_and_abandon_target() -> None:
    """Roster merged on queue and interval; the abandon target counts in points too."""
    f = SMALL.assign(patience_s=60.0)
    roster = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 09:00",
                               "2025-03-03 09:30"],
            "queue": ["sales", "sales", "help", "help"],
            "agents": [14.0, 15.0, 9.0, 12.0],
        }
    )  # fmt: skip
    e = evaluate_staffing(f, roster, ["80/20", "abandon<=5%"])
    iv = e.intervals
    assert iv["agents"].tolist() == [14.0, 15.0, 0.0, 9.0, 12.0]
    short_sl = 100 * (0.8 - iv["service_level"])
    short_ab = 100 * (iv["abandon_rate"] - 0.05)
    busy = iv["calls"] > 0
    assert iv.loc[busy, "shortfall_pts"].to_numpy() == pytest.approx(
        np.maximum(short_sl, short_ab)[busy].to_numpy()
    )
    with pytest.raises(InputError, match=r"no staffing in roster for these intervals"):
        evaluate_staffing(f, roster.iloc[:3], "80/20")
    with pytest.raises(InputError, match="no 'agents' column"):
        evaluate_staffing(SMALL, None, "80/20")


def test_evaluate_plan_round_trip() -> None:
    """Evaluating a plan's own agents meets every target: no interval flagged."""
    f = read_forecast(sample_path("forecast.csv"))
    p = plan(f, targets_table=read_targets(sample_path("targets.csv")))
    e = evaluate_staffing(
        f.assign(agents=p.intervals["agents"]),
        targets_table=read_targets(sample_path("targets.csv")),
    )
    assert (e.intervals["band"] == "met").all()
    assert e.intervals["service_level"].to_numpy() == pytest.approx(p.intervals["service_level"])


# ------------------------------------------------------------------ files


def test_plan_tables_round_trip_excel_parquet(tmp_path: Path) -> None:
    """The plan's tables survive .xlsx (two sheets) and .parquet writes unchanged."""
    p = plan(read_forecast(sample_path("forecast.csv")), ["80/20", "abandon<=5%"])
    write_table(p.tables(), tmp_path / "plan.xlsx")
    sheets = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None)
    assert list(sheets) == ["intervals", "summary"]
    back = sheets["intervals"]
    assert list(back.columns) == list(INTERVAL_COLUMNS)
    np.testing.assert_allclose(back["service_level"], p.intervals["service_level"], rtol=1e-12)
    assert (back["agents"] == p.intervals["agents"]).all()
    write_table(p.intervals, tmp_path / "plan.parquet")
    pq = read_table(tmp_path / "plan.parquet")
    pd.testing.assert_frame_equal(pq, p.intervals, check_dtype=False, check_categorical=False)


def test_read_forecast_sample() -> None:
    f = read_forecast(sample_path("forecast.csv"))
    assert list(f.columns) == [
        "interval_start",
        "queue",
        "calls",
        "aht_s",
        "interval_s",
        "patience_s",
    ]
    assert len(f) == 454 and f["queue"].nunique() == 3
    assert f.attrs["source"] == "forecast.csv"


def test_interval_as_bare_number_is_seconds() -> None:
    """``--interval 1800`` arrives as text: 1800 s, not pandas' 1800 nanoseconds (which
    planned billions of agents). A bare number below 60 is ambiguous and needs a unit."""
    f = pd.DataFrame(
        {"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"], "calls": 100.0, "aht_s": 180.0}
    )
    assert validate_forecast(f, interval_s="1800")["interval_s"].tolist() == [1800.0, 1800.0]
    assert plan(f, "80/20", interval_s="1800").intervals["agents"].tolist() == [14, 14]
    with pytest.raises(StaffingError, match=r"give a unit, e\.g\. 30min"):
        validate_forecast(f, interval_s="30")


def test_evaluate_roster_and_forecast_time_zones_differ() -> None:
    """A forecast with UTC offsets and a roster without (or the other way round) match on
    local wall-clock time; a roster in UTC matches the same instants."""
    f = pd.DataFrame(
        {
            "interval_start": ["2025-03-03T09:00:00+01:00", "2025-03-03T09:30:00+01:00"],
            "calls": 100.0, "aht_s": 180.0,
        }
    )  # fmt: skip
    naive = pd.DataFrame(
        {"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"], "agents": [14, 13]}
    )
    utc = naive.assign(interval_start=["2025-03-03T08:00:00Z", "2025-03-03T08:30:00Z"])
    naive_forecast = f.assign(interval_start=naive["interval_start"])
    aware_roster = naive.assign(interval_start=f["interval_start"])
    for forecast, roster in ((f, naive), (f, utc), (naive_forecast, aware_roster)):
        got = evaluate_staffing(forecast, roster, "80/20").intervals
        assert got["agents"].tolist() == [14.0, 13.0]
        assert got["band"].tolist() == ["met", "warning"]


def test_numeric_queue_ids_match_across_files(tmp_path: Path) -> None:
    """Queues named by number (skill 101, 102): a targets file with an empty catch-all
    queue cell reads its ids as floats (101.0); they must still match queue 101 of the
    forecast, not silently fall through to the catch-all."""
    f = pd.DataFrame(
        {
            "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"] * 2,
            "queue": [101, 101, 102, 102], "calls": 100.0, "aht_s": 180.0,
        }
    )  # fmt: skip
    (tmp_path / "t.csv").write_text("queue,target\n101,90/10\n,80/20\n")
    iv = plan(f, targets_table=read_targets(tmp_path / "t.csv")).intervals
    assert iv["queue"].tolist() == ["101", "101", "102", "102"]
    assert iv["target"].astype(str).tolist() == ["90/10", "90/10", "80/20", "80/20"]
    roster = pd.DataFrame(
        {"interval_start": f["interval_start"], "queue": [101.0, 101.0, 102.0, np.nan],
         "agents": [15, 15, 14, 14]}
    )  # fmt: skip
    with pytest.raises(InputError, match=r"1 row \(row 5\) no staffing"):
        evaluate_staffing(f, roster, "80/20")
    e = evaluate_staffing(f, roster.fillna({"queue": 102.0}), "80/20").intervals
    assert e["agents"].tolist() == [15.0, 15.0, 14.0, 14.0]


def test_abandonment_switched_off_is_erlang_c_everywhere() -> None:
    """QueueModel(abandonment=False) plans as if no source gave a patience: the same as a
    forecast without its patience column, whatever the calibration or default says."""
    f = read_forecast(sample_path("forecast.csv"))
    calib = {"queues": {"sales": {"patience_s": 60.0}}}
    off = plan(f, "80/20", model=QueueModel(patience_s=90, calibration=calib, abandonment=False))
    plain = plan(f.drop(columns="patience_s"), "80/20")
    pd.testing.assert_frame_equal(off.intervals, plain.intervals)
    assert off.intervals["patience_s"].isna().all()
    assert "Erlang C for every interval" in QueueModel(abandonment=False).describe()


def test_planner_namespace_is_curated_and_moved_names_still_resolve() -> None:
    """``staffing.planner`` exports what a user plans with; the accumulators and column
    lists that moved behind it still resolve, once each with a DeprecationWarning that
    names their new module (issue: curated namespaces)."""
    import importlib

    import staffing.planner as planner

    for name in planner.__all__:
        assert getattr(planner, name) is not None
    assert "SummaryParts" not in planner.__all__
    assert "INTERVAL_COLUMNS" not in planner.__all__
    for name, (module, attr) in planner._MOVED.items():
        with pytest.warns(DeprecationWarning, match=module.replace(".", r"\.")):
            old = getattr(planner, name)
        assert old is getattr(importlib.import_module(module), attr)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        planner.nothing_here  # noqa: B018

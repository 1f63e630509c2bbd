"""Will the period make its SLA? ``staffing.risk`` against theory, the simulator and by hand.

Small plans (one queue, a few half-hours, 100-400 replications) keep these quick; the
sample week is measured by ``benchmarks/bench_risk.py`` and the docs page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from staffing import StaffingError
from staffing.contracts import CreditTerms
from staffing.errors import InputError
from staffing.risk import (
    IntradayWarning,
    RiskWarning,
    interval_cv,
    intraday,
    period_risk,
    ratio_reforecast,
    staff_to_probability,
)
from staffing.risk.greedy import greedy_additions
from staffing.risk.replicate import gamma_factors, quantiles, wilson_interval
from staffing.simulation import SimulationOptions, simulate_plan

# Most plans here cover a day or two of a week: judged on those, as a warning says
# (checked by test_a_period_partly_planned_is_said).
pytestmark = pytest.mark.filterwarnings("ignore::staffing.risk.RiskWarning")


def day_plan(
    agents: list[float] | float = 14,
    calls: float | list[float] = 60.0,
    *,
    date: str = "2025-03-05",
    start: str = "09:00",
    periods: int = 4,
    patience_s: float | None = None,
    queue: str = "main",
) -> pd.DataFrame:
    """One queue-day of half-hours at 5-minute calls, target 80/20."""
    plan = pd.DataFrame(
        {
            "interval_start": pd.date_range(f"{date} {start}", periods=periods, freq="30min"),
            "queue": queue,
            "calls": calls,
            "aht_s": 300.0,
            "agents": agents,
            "target": "80/20",
        }
    )
    if patience_s is not None:
        plan["patience_s"] = patience_s
    return plan


def week_plan(agents: float = 14) -> pd.DataFrame:
    return pd.concat([day_plan(agents, date=d) for d in ("2025-03-03", "2025-03-04")])


def options(replications: int = 200, seed: int = 1, **kw: object) -> SimulationOptions:
    return SimulationOptions(replications=replications, seed=seed, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- period risk


def test_far_above_the_requirement_the_period_is_met_in_every_replication() -> None:
    """CV 0 and 30 agents for 10 Erlangs: every simulated week is above 80/20 (nearly
    every call is answered at once), so p_meet is 1 and its interval reaches 1."""
    r = period_risk(week_plan(30), options=options(100))
    row = r.periods.iloc[0]
    assert row["p_meet"] == 1.0 and row["p_meet_hi"] == 1.0
    assert row["sl_p05"] > 0.99


def test_far_below_the_requirement_no_replication_meets_the_target() -> None:
    """CV 0 and 9 agents for 10 Erlangs (Erlang C, unstable): no week reaches 80/20."""
    r = period_risk(week_plan(9), options=options(100))
    row = r.periods.iloc[0]
    assert row["p_meet"] == 0.0 and row["p_meet_lo"] == 0.0
    assert row["sl_p95"] < 0.5


@settings(max_examples=6)
@given(
    calls=st.lists(st.floats(30.0, 90.0), min_size=3, max_size=5),
    extra=st.integers(1, 3),
)
def test_p_meet_rises_with_staff(calls: list[float], extra: int) -> None:
    """Adding agents to every interval never lowers a replication's service level (FCFS,
    Erlang C, common random numbers: each caller starts no later), so neither p_meet nor
    the expected service level falls."""
    base = np.ceil(np.asarray(calls) * 300 / 1800 + 1.0)
    plan = day_plan(list(base), list(calls), periods=len(calls))
    more = day_plan(list(base + extra), list(calls), periods=len(calls))
    a = period_risk(plan, options=options(60))
    b = period_risk(more, options=options(60))
    sa = a.replications["service_level"].to_numpy()
    sb = b.replications["service_level"].to_numpy()
    assert np.all(sb >= sa - 1e-12)
    assert b.periods["p_meet"].iloc[0] >= a.periods["p_meet"].iloc[0]
    assert (
        b.periods["expected_service_level"].iloc[0] >= a.periods["expected_service_level"].iloc[0]
    )


def test_the_same_seed_replicates_the_days_of_staffing_simulate() -> None:
    """With the seed and volume CV of ``simulate_plan``, the days are the same simulated
    days (the same streams): pooled over replications, the day's service level is the
    simulator's to rounding."""
    plan = day_plan([13, 14, 14, 13], patience_s=180.0)
    opts = options(150, seed=3, volume_cv=0.05)
    r = period_risk(plan, period="day", options=opts)
    sim = simulate_plan(plan, options=opts)
    iv = r.intervals
    assert np.allclose(iv["expected_service_level"], sim.intervals["service_level"], atol=1e-12)


def test_expected_service_level_agrees_with_simulate_within_its_interval() -> None:
    """Independent seeds: the expected day service level of ``period_risk`` and the day
    service level of ``simulate_plan`` (1,000 replications each, 8% volume CV) differ by
    less than 4 standard errors of the difference (the simulator's 95% interval gives its
    standard error, the replications give ours)."""
    plan = day_plan([13, 14, 14, 13], patience_s=180.0)
    r = period_risk(plan, period="day", options=options(1000, seed=11, volume_cv=0.08))
    sim = simulate_plan(plan, options=options(1000, seed=12, volume_cv=0.08)).days.iloc[0]
    ours = r.replications["service_level"].to_numpy()
    se_ours = ours.std(ddof=1) / np.sqrt(ours.size)
    se_sim = (sim["service_level_hi"] - sim["service_level_lo"]) / (2 * 1.959964)
    z = (ours.mean() - sim["service_level"]) / np.hypot(se_ours, se_sim)
    assert abs(z) < 4.0, z
    assert (
        sim["service_level_lo"] - 4 * se_ours < ours.mean() < sim["service_level_hi"] + 4 * se_ours
    )


def test_the_period_is_judged_as_the_contract_counts_it() -> None:
    """Two days in one week: the week's service level in each replication is the ratio of
    the summed counts (calls-weighted), not the mean of the days'; a busy day weighs
    more. Checked against the per-day results of the same replications."""
    plan = pd.concat([day_plan(14, 60.0, date="2025-03-03"), day_plan(14, 30.0, date="2025-03-04")])
    days = period_risk(plan, period="day", options=options(100))
    week = period_risk(plan, period="week", options=options(100))
    assert len(days.periods) == 2 and len(week.periods) == 1
    assert week.periods["calls"].iloc[0] == pytest.approx(360.0)
    d = days.replications.pivot_table(
        index="replication", columns="period_start", values="service_level"
    )
    w = week.replications["service_level"].to_numpy()
    # the week lies between its days in every replication, and is not their plain mean
    assert np.all((w >= d.min(axis=1) - 1e-12) & (w <= d.max(axis=1) + 1e-12))
    assert not np.allclose(w, d.mean(axis=1))


def test_total_row_over_queues_judged_alike() -> None:
    plan = pd.concat([day_plan(14, queue="a"), day_plan(12, 40.0, queue="b")])
    r = period_risk(plan, options=options(100))
    assert r.periods["queue"].tolist() == ["a", "b", "total"]
    total = r.periods.iloc[-1]
    assert total["calls"] == pytest.approx(400.0)
    a, b = r.periods.iloc[0], r.periods.iloc[1]
    lo, hi = sorted([a["expected_service_level"], b["expected_service_level"]])
    assert lo - 0.01 <= total["expected_service_level"] <= hi + 0.01
    assert len(r.lines()) == 3 and r.lines()[0].startswith("week 2025-03-03 a: P(SL >= 80%) = ")


def test_credit_columns_price_every_replication_by_the_clause() -> None:
    """Unstable staffing (SL near 0): every replication's shortfall is some 80 points, so
    the credit is the cap in each: expected 10% of the fee, P(credit) 1."""
    terms = CreditTerms(step=0.5, credit_per_step="1%", cap="10%", fee=50_000)
    r = period_risk(week_plan(9), terms=terms, options=options(50))
    row = r.periods.iloc[0]
    assert row["expected_credit"] == pytest.approx(10.0)
    assert row["expected_credit_amount"] == pytest.approx(5000.0)
    assert row["p_credit"] == 1.0
    assert "expected_credit" not in period_risk(week_plan(9), options=options(50)).periods


def test_forecast_intervals_with_no_spread_beyond_poisson_change_nothing() -> None:
    """A forecast whose 80% interval is no wider than Poisson noise gives every interval a
    CV of 0: the replications are those of Poisson calls alone (factors of 1 take no
    random numbers)."""
    plan = day_plan()
    forecast = plan[["interval_start", "queue", "calls"]].assign(calls_lo=55.0, calls_hi=65.0)
    a = period_risk(plan, forecast=forecast, options=options(80))
    b = period_risk(plan, options=options(80))
    assert np.array_equal(a.replications["service_level"], b.replications["service_level"])
    wide = forecast.assign(calls_lo=35.0, calls_hi=85.0)
    c = period_risk(plan, forecast=wide, options=options(300))
    spread = c.periods["sl_p95"].iloc[0] - c.periods["sl_p05"].iloc[0]
    assert spread > b.periods["sl_p95"].iloc[0] - b.periods["sl_p05"].iloc[0]


def test_interval_cv_by_hand_and_round_trip() -> None:
    """100 calls, 80% interval 80-120: sd 40 / (2 x 1.28155) = 15.61; 15.61^2 - 100 =
    143.6 beyond Poisson; cv = sqrt(143.6) / 100 = 0.1198. And back: the interval a
    gamma-Poisson with that cv implies (normal approximation) is 80-120."""
    cv = interval_cv([100.0], [80.0], [120.0], 0.8)[0]
    assert cv == pytest.approx(0.11983, abs=5e-5)
    sd = np.sqrt(100.0 + (100.0 * cv) ** 2)
    z = stats.norm.ppf(0.9)
    assert 100.0 - z * sd == pytest.approx(80.0) and 100.0 + z * sd == pytest.approx(120.0)


def test_gamma_factors_have_mean_one_and_the_cv() -> None:
    """10,000 factors at uniform quantiles: mean 1 and CV 0.2 within sampling error."""
    u = np.random.default_rng(5).random(10_000)
    f = gamma_factors(0.2, u)
    assert abs(f.mean() - 1.0) < 4 * 0.2 / 100
    assert f.std() / f.mean() == pytest.approx(0.2, rel=0.05)


def test_quantiles_and_wilson_interval_by_hand() -> None:
    """Wilson (1927): 0 of 10 gives [0, 0.2775]; quantiles match numpy's."""
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.27753, abs=1e-5)
    x = np.random.default_rng(2).random((50, 3))
    assert np.allclose(quantiles(x, (0.05, 0.5)), np.quantile(x, [0.05, 0.5], axis=0))


@pytest.mark.filterwarnings("error::staffing.risk.RiskWarning")
def test_a_period_partly_planned_is_said() -> None:
    with pytest.warns(RiskWarning, match=r"covers 2 of the 7 days of week 2025-03-03 \(2025-03-03"):
        period_risk(week_plan(14), options=options(10))
    with pytest.warns(RiskWarning, match="covers 1 of the 31 days of month 2025-03"):
        period_risk(day_plan(), period="month", options=options(10))


# --------------------------------------------------------------------------- staffing to P


def test_staff_to_reaches_the_probability_on_fresh_seeds() -> None:
    """A day staffed for about 80/20 on average (P(meet) near a half) is lifted to 90%:
    the search's streams reach it, and fresh streams the search never saw confirm it
    (their 95% interval reaches 90%)."""
    plan = day_plan([13, 14, 14, 13, 13, 12], [55, 62, 64, 60, 58, 50], periods=6)
    s = staff_to_probability(plan, "90%", options=options(400, seed=4))
    row = s.summary.iloc[0]
    assert row["p_meet_before"] < 0.9
    assert row["p_meet_search"] >= 0.9
    assert row["p_meet_hi"] >= 0.9 and row["reached"]
    assert row["added_agent_hours"] > 0
    assert s.plan["added_agents"].sum() * 0.5 == pytest.approx(row["added_agent_hours"])
    assert (s.plan["agents"] - s.plan["added_agents"] == plan["agents"]).all()
    assert 0 <= row["even_p_meet"] <= 1


def test_staff_to_adds_nothing_where_the_level_is_met() -> None:
    s = staff_to_probability(day_plan(20), 0.9, options=options(100))
    assert s.summary["added_agent_hours"].iloc[0] == 0.0
    assert (s.plan["added_agents"] == 0).all()
    assert "nothing added" in s.lines()[0]


@pytest.mark.parametrize("level", [0, 1.0, "0%", "100%", 150, -0.2])
def test_probability_of_zero_or_one_is_refused(level: object) -> None:
    with pytest.raises(StaffingError, match="probability"):
        staff_to_probability(day_plan(), level, options=options(10))  # type: ignore[arg-type]


def test_greedy_goes_where_an_agent_hour_buys_most() -> None:
    """Interval 0 is short (11 agents for 10 Erlangs), interval 1 comfortable (14): the
    first agent goes to interval 0, where Erlang C gains most within 20 s."""
    a = greedy_additions(
        np.array([100.0, 100.0]),
        np.array([180.0, 180.0]),
        np.array([11.0, 14.0]),
        np.array([1800.0, 1800.0]),
        np.array([20.0, 20.0]),
        np.array([np.inf, np.inf]),
    )
    assert a.step_row[0] == 0
    assert np.all(np.diff(a.gain) > 0) and np.all(np.diff(a.agent_hours) > 0)
    # per agent-hour, the gains come in non-increasing order for this concave pair
    per_hour = np.diff(a.gain) / np.diff(a.agent_hours)
    assert np.all(np.diff(per_hour) <= 1e-9)


# --------------------------------------------------------------------------- intraday


def test_intraday_with_no_actuals_is_the_plans_simulated_day() -> None:
    """At the opening nothing is done: the projection is the plan's day simulated with the
    same seed and the prior's volume CV, exactly (pooled over replications)."""
    plan = day_plan([13, 14, 14, 13], patience_s=180.0)
    opts = options(150, seed=5)
    day = intraday(plan, None, "2025-03-05 09:00", prior_cv=0.1, options=opts)
    sim = simulate_plan(plan, options=options(150, seed=5, volume_cv=0.1)).days.iloc[0]
    s = day.samples
    assert s["within"].sum() / s["base"].sum() == pytest.approx(sim["service_level"], abs=1e-12)
    assert day.days["p_meet"].iloc[0] == pytest.approx(1.0 - sim["p_day_miss"])
    assert day.days["offered_so_far"].iloc[0] == 0.0
    assert len(day.actions) == 4


def _morning(offered: list[int], within: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-05 09:00", periods=len(offered), freq="30min"),
            "queue": "main",
            "offered": offered,
            "answered": offered,
            "abandoned": 0,
            "answered_within": within,
        }
    )


def test_actuals_ahead_of_the_forecast_raise_the_extra_staff() -> None:
    """The same service level so far (80%), once on forecast (60 calls a half-hour) and
    once 30% ahead (78): the reforecast lifts the afternoon, and more agent-hours are
    needed to bring the day to 80/20."""
    plan = day_plan(14, periods=8)
    opts = options(200, seed=2)
    on = intraday(plan, _morning([60, 60], [48, 48]), "10:00", options=opts)
    ahead = intraday(plan, _morning([78, 78], [62, 63]), "10:00", options=opts)
    assert ahead.days["reforecast_factor"].iloc[0] > 1.05
    assert on.days["reforecast_factor"].iloc[0] == pytest.approx(1.0)
    assert ahead.days["extra_agent_hours"].iloc[0] > on.days["extra_agent_hours"].iloc[0]
    assert ahead.days["expected_service_level"].iloc[0] < on.days["expected_service_level"].iloc[0]
    assert ahead.actions["reforecast_calls"].iloc[0] > 60.0


def test_intraday_band_extra_staff_and_latest_recovery() -> None:
    """A bad morning (50% within 20 s) on a plan that just makes 80/20: the projected day
    falls in a band below target, the extra staff bring the projection to target, and the
    day can be recovered only from an interval not after the last one."""
    plan = day_plan(14, periods=8)
    day = intraday(plan, _morning([60, 60, 60], [30, 30, 30]), "10:30", options=options(200))
    d = day.days.iloc[0]
    assert d["band"] in ("warning", "interrupt offline work", "all hands")
    assert d["expected_service_level"] < 0.8 <= d["expected_service_level_with_extra"]
    latest = pd.Timestamp(d["latest_recovery"])
    assert pd.Timestamp("2025-03-05 10:30") <= latest <= pd.Timestamp("2025-03-05 12:30")
    rec = day.actions.set_index("interval_start")["recoverable"]
    assert rec[latest] and not rec[rec.index > latest].any()
    assert set(day.intervals["done"]) == {True, False} and len(day.intervals) == 8
    # by hand: from the latest interval on, answering everything at once just reaches 80%
    # (the day's 180 calls so far at 50%; the rest projected)


def test_latest_recovery_by_hand() -> None:
    """Morning: 180 calls, 90 within 20 s. The rest (5 half-hours of 60 calls) projected
    at about 88%: the best day from interval j on answers every later call at once. The
    last j with (90 + sum_{k<j} AW_k + sum_{k>=j} N_k) / (180 + 300) >= 0.8 is the answer;
    recomputed here from the interval table."""
    plan = day_plan(15, periods=8)
    day = intraday(plan, _morning([60, 60, 60], [30, 30, 30]), "10:30", options=options(300))
    iv = day.intervals[~day.intervals["done"]].reset_index(drop=True)
    calls = iv["reforecast_calls"].to_numpy()
    aw = iv["service_level"].to_numpy() * calls  # pooled means: AW = SL x N (fail policy)
    best = [(90 + aw[:j].sum() + calls[j:].sum()) / (180 + calls.sum()) for j in range(len(iv))]
    ok = [j for j, b in enumerate(best) if b >= 0.8 - 1e-3]
    latest = day.days["latest_recovery"].iloc[0]
    assert ok and iv["interval_start"].iloc[ok[-1]] == latest


def test_ratio_reforecast_shrinks_towards_one() -> None:
    """Gamma-Poisson: prior CV 10% (a = 100); 200 forecast, 260 seen: factor 360/300 =
    1.2 (the raw ratio 1.3, weight 200/300); no prior spread keeps the forecast."""
    r = ratio_reforecast(200.0, 260.0, np.array([100.0]), 0.1)
    assert r.factor == pytest.approx(1.2) and r.weight == pytest.approx(2 / 3)
    assert r.ratio == pytest.approx(1.3) and r.cv == pytest.approx(1 / np.sqrt(360))
    assert ratio_reforecast(200.0, 260.0, np.array([100.0]), 0.0).factor == 1.0


def test_period_to_date_and_tell_the_client() -> None:
    """Monday done badly (60%), Tuesday morning so far: P(week >= 80%) is low and the
    client is to be told; the period's service level to date counts Monday's calls and
    the morning's."""
    plan = pd.concat([day_plan(14, date="2025-03-03"), day_plan(14, date="2025-03-04")])
    monday = _morning([60, 60, 60, 60], [36, 36, 36, 36]).assign(
        interval_start=pd.date_range("2025-03-03 09:00", periods=4, freq="30min")
    )
    tuesday = _morning([60], [48]).assign(interval_start=[pd.Timestamp("2025-03-04 09:00")])
    with pytest.warns(IntradayWarning, match="the plan ends 2025-03-04 but the week"):
        day = intraday(
            plan,
            tuesday,
            "09:30",
            period="week",
            period_actuals=monday,
            terms=CreditTerms(fee=1000.0),
            options=options(150),
        )
    p = day.period.iloc[0]
    assert p["offered_to_date"] == 300.0
    assert p["service_level_to_date"] == pytest.approx((144 + 48) / 300)
    assert p["p_meet"] < 0.5 and bool(p["tell_client"])
    assert p["expected_credit"] > 0
    assert any(
        line.startswith("tell the client now: P(week meets 80/20) = ") for line in day.lines()
    )


# --------------------------------------------------------------------------- bad input


def test_actuals_of_several_days_are_refused() -> None:
    two = _morning([60, 60], [48, 48]).assign(
        interval_start=pd.to_datetime(["2025-03-04 09:00", "2025-03-05 09:00"])
    )
    with pytest.raises(InputError, match="not one day's"):
        intraday(day_plan(), two, "10:00", options=options(10))


def test_actuals_of_another_day_than_now_are_refused() -> None:
    with pytest.raises(InputError, match="not of 2025-03-06"):
        intraday(day_plan(), _morning([60], [48]), "2025-03-06 10:00", options=options(10))


def test_actuals_running_past_now_are_refused() -> None:
    with pytest.raises(InputError, match=r"run past `now` 09:45 \(main 2025-03-05 09:30\)"):
        intraday(day_plan(), _morning([60, 60], [48, 48]), "09:45", options=options(10))


@pytest.mark.parametrize("now", ["08:00", "11:30"])
def test_now_outside_opening_hours_is_refused(now: str) -> None:
    with pytest.raises(StaffingError, match=r"outside the opening hours .* \(09:00-11:00\)"):
        intraday(day_plan(), _morning([60], [48]), now, options=options(10))


def test_a_day_without_plan_rows_is_refused() -> None:
    with pytest.raises(InputError, match="no rows on 2025-03-07"):
        intraday(day_plan(), None, "2025-03-07 10:00", options=options(10))


def test_period_actuals_of_today_are_refused() -> None:
    plan = pd.concat([day_plan(14, date=f"2025-03-0{d}") for d in range(3, 10)])
    with pytest.raises(InputError, match="end before today"):
        intraday(
            plan,
            _morning([60], [48]),
            "09:30",
            period="week",
            period_actuals=_morning([60], [48]),
            options=options(10),
        )


def test_missing_morning_actuals_are_said() -> None:
    with pytest.warns(IntradayWarning, match="no actuals for main done by 10:00"):
        intraday(day_plan(), None, "2025-03-05 10:00", options=options(10))


@pytest.mark.parametrize("cv", [-0.1, 150, "150%"])
def test_a_cv_below_zero_or_above_100_percent_is_refused(cv: object) -> None:
    with pytest.raises(StaffingError):
        period_risk(day_plan(), aht_cv=cv, options=options(10))  # type: ignore[arg-type]
    with pytest.raises(StaffingError):
        intraday(day_plan(), None, "2025-03-05 09:00", prior_cv=cv, options=options(10))  # type: ignore[arg-type]


def test_volume_cv_above_100_percent_is_refused() -> None:
    with pytest.raises(StaffingError, match="between 0 and 1"):
        period_risk(day_plan(), options=options(10, volume_cv=1.5))


def test_a_queue_without_a_service_level_target_needs_one() -> None:
    plan = day_plan().assign(target="abandon<=5%", patience_s=120.0)
    with pytest.raises(InputError, match="no service-level target"):
        period_risk(plan, options=options(10))
    assert period_risk(plan, "80/20", options=options(10)).periods["target"].iloc[0] == "80/20"

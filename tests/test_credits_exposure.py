"""Credit exposure of a plan: the simulation checked against theory (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import staffing
from staffing.contracts import CreditTerms
from staffing.contracts.exposure import EXPOSURE_COLUMNS, credit_exposure
from staffing.errors import InputError, StaffingError


def flat_plan(
    n: int, calls: float = 100.0, aht_s: float = 180.0, agents: int = 14, days: int = 1
) -> pd.DataFrame:
    """``n`` half-hour intervals a day, identical, over ``days`` days."""
    starts = [
        pd.Timestamp("2024-03-04 08:00") + pd.Timedelta(days=d) + pd.Timedelta(minutes=30 * k)
        for d in range(days)
        for k in range(n)
    ]
    return pd.DataFrame(
        {"interval_start": starts, "calls": calls, "aht_s": aht_s, "agents": agents}
    )


@pytest.mark.slow
def test_period_service_level_matches_poisson_expectation() -> None:
    """48 identical intervals (100 calls, AHT 180 s, 14 agents, Erlang C, 80/20) in one day.

    Theory: with N ~ Poisson(100) calls and s(N) the Erlang C service level at rate N per
    30 minutes, the day's service level (sum of answered-within over sum of calls)
    concentrates at E[N s(N)] / 100, computed here exactly from the Poisson pmf
    (0.85628...; the plan at the forecast says 0.88835: randomness around the forecast
    costs about three points). The simulated mean must sit within 4 standard errors.
    """
    k = np.arange(0, 400)
    pmf = stats.poisson.pmf(k, 100.0)
    s = staffing.evaluate(k.astype(float), 180.0, 14, interval_s=1800, threshold_s=20).service_level
    theory = float((pmf * k * s).sum() / 100.0)
    assert theory == pytest.approx(0.85628, abs=1e-5)

    t = credit_exposure(
        flat_plan(48), "80/20", n_sims=1500, seed=7, terms=CreditTerms(period="day")
    )
    assert tuple(t.columns) == EXPOSURE_COLUMNS
    row = t.iloc[0]
    assert row["planned_service_level"] == pytest.approx(0.88835, abs=1e-5)
    se = row["service_level_sd"] / np.sqrt(1500)
    assert abs(row["service_level_mean"] - theory) < 4 * se + 1e-4
    # the spread is a real spread: between 0.5 and 3 points for 4,800 calls
    assert 0.005 < row["service_level_sd"] < 0.03


def test_seed_reproduces_and_changes() -> None:
    plan = flat_plan(8, days=2)
    a = credit_exposure(plan, "80/20", n_sims=200, seed=1, terms=CreditTerms(period="day"))
    b = credit_exposure(plan, "80/20", n_sims=200, seed=1, terms=CreditTerms(period="day"))
    c = credit_exposure(plan, "80/20", n_sims=200, seed=2, terms=CreditTerms(period="day"))
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["service_level_mean"], c["service_level_mean"])
    assert "seed 1" in a.attrs["method"] and "200 replications" in a.attrs["method"]


def test_overstaffed_plan_owes_nothing_and_understaffed_pays_the_cap() -> None:
    """40 agents for 100 calls of 180 s (10 Erlangs): every caller is answered at once, no
    period can miss 80/20 -> p_miss 0 and no credit. 8 agents for 10 Erlangs with patience
    60 s: most callers abandon, the service level is far below 80% -> every period pays
    the 10% cap, with no spread."""
    rich = credit_exposure(
        flat_plan(8, agents=40), "80/20", n_sims=200, terms=CreditTerms(period="day", cap=0.1)
    )
    assert (rich["p_miss"] == 0).all() and (rich["credit_pct_mean"] == 0).all()
    poor = flat_plan(8, agents=8).assign(patience_s=60.0)
    t = credit_exposure(
        poor, "80/20", n_sims=200, terms=CreditTerms(period="day", cap=0.1, fee=1000)
    )
    assert t["p_miss"].iloc[0] == 1.0
    assert t["credit_pct_mean"].iloc[0] == pytest.approx(10.0)
    assert t["credit_pct_sd"].iloc[0] == pytest.approx(0.0)
    assert t["credit_amount_mean"].iloc[0] == pytest.approx(100.0)


def test_forecast_error_widens_the_spread() -> None:
    """A daily volume multiplier with cv 10% adds forecast error to Poisson noise: the
    daily service level spreads more and misses more often."""
    plan = flat_plan(24, days=3)
    pure = credit_exposure(plan, "80/20", n_sims=400, seed=3, terms=CreditTerms(period="day"))
    noisy = credit_exposure(
        plan, "80/20", n_sims=400, seed=3, volume_cv=0.1, terms=CreditTerms(period="day")
    )
    assert (noisy["service_level_sd"].iloc[:3] > 1.5 * pure["service_level_sd"].iloc[:3]).all()
    assert (noisy["p_miss"].iloc[:3] > pure["p_miss"].iloc[:3]).all()


def test_total_row_is_owed_after_earn_back() -> None:
    """Two days; with an earn-back target the total owed can only fall (a forgiven credit
    is not owed), and the total row's amount is the owed percentage times the two fees."""
    plan = flat_plan(12, agents=13, days=2)
    kw = {"n_sims": 400, "seed": 5}
    base = credit_exposure(plan, "80/20", **kw, terms=CreditTerms(period="day", fee=1000.0))
    eb = credit_exposure(
        plan,
        "80/20",
        **kw,
        terms=CreditTerms(period="day", fee=1000.0, earn_back_target=0.7),
    )
    assert eb["credit_pct_mean"].iloc[-1] <= base["credit_pct_mean"].iloc[-1]
    total = base.iloc[-1]
    assert pd.isna(total["period_start"])
    assert total["credit_amount_mean"] == pytest.approx(total["credit_pct_mean"] / 100 * 2 * 1000)
    # without earn-back, the owed total is the mean of the periods' credits
    assert total["credit_pct_mean"] == pytest.approx(base["credit_pct_mean"].iloc[:2].mean())


@pytest.mark.parametrize("policy", ["exclude", "exclude_within", "count_within"])
def test_policies_order(policy: str) -> None:
    """With abandonment, excluding abandons (or counting short ones as successes) raises
    the service level relative to 'fail' at the same plan: 13 agents on 10 Erlangs with
    120 s patience lose some calls, so the planned level moves by more than rounding."""
    plan = flat_plan(16, agents=13).assign(patience_s=120.0)
    fail = credit_exposure(plan, "80/20", n_sims=300, seed=9, terms=CreditTerms(period="day"))
    other = credit_exposure(
        plan, "80/20", n_sims=300, seed=9, terms=CreditTerms(period="day", abandon_policy=policy)
    )
    assert other["planned_service_level"].iloc[0] > fail["planned_service_level"].iloc[0] + 1e-6
    assert other["service_level_mean"].iloc[0] >= fail["service_level_mean"].iloc[0] - 0.002


def test_bad_plan() -> None:
    plan = flat_plan(4).drop(columns="agents")
    plan.attrs["source"] = "plan.csv"
    with pytest.raises(InputError, match=r"plan\.csv: missing column 'agents'"):
        credit_exposure(plan, "80/20")
    with pytest.raises(StaffingError, match="n_sims"):
        credit_exposure(flat_plan(4), "80/20", n_sims=1)
    with pytest.raises(InputError, match="interval length"):
        credit_exposure(flat_plan(1), "80/20")


def test_a_period_without_calls() -> None:
    """Day 2 of the plan has no forecast calls (a closed Sunday): its service level is NaN
    in every replication, so its row has no service level, no miss and no credit, and no
    numpy warning escapes (pytest turns warnings into errors); day 1 is unaffected."""
    plan = flat_plan(8, days=2)
    plan.loc[plan["interval_start"].dt.day == 5, "calls"] = 0.0
    t = credit_exposure(plan, "80/20", n_sims=50, seed=4, terms=CreditTerms(period="day"))
    closed = t.iloc[1]
    assert closed["calls"] == 0.0
    assert np.isnan(closed["service_level_mean"]) and np.isnan(closed["service_level_p05"])
    assert closed["p_miss"] == 0.0 and closed["credit_pct_mean"] == 0.0
    assert 0.7 < t["service_level_mean"].iloc[0] < 0.95

"""Effective staffing fitted from history, and the back-test's noise floor, on synthetic
histories whose truth is known.

The histories are written by the simulation engine (:func:`staffing.simulation.simulate_day`,
continuous days of Poisson calls, exponential service and patience, FCFS), a code path of
its own; the fit and the back-test's own simulations (:mod:`staffing.calibration.replay`)
only read the tables it produced.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from staffing.calibration import BackTestFitter, EffectiveStaffingFitter, compare_forms
from staffing.queueing import required_agents
from staffing.simulation import simulate_day

AHT_S = 240.0
PATIENCE_S = 150.0
INTERVALS = 16  # 08:00-16:00 in half-hours


def profile() -> np.ndarray:
    """Expected calls per half-hour: a rounded day with a peak of 90."""
    return 40.0 + 50.0 * np.sin(np.linspace(0.15, np.pi - 0.15, INTERVALS))


def synthetic_history(
    factor: float = 1.0,
    days: int = 40,
    seed: int = 7,
    *,
    first_day: str = "2024-03-04",
    acw_s: float = 0.0,
) -> pd.DataFrame:
    """``days`` simulated days staffed to 80/20 (Erlang A) with whole agents; the history
    reports ``agents / factor`` staffed agents (so effective = factor x staffed) and, with
    ``acw_s``, handle times ``acw_s`` shorter than the agents really spent on a call. Its
    ``aht_s`` is the mean the calls were drawn from, not their realised mean (the engine
    does not count handle times): the fits are told so with ``exact_aht=False``."""
    calls = profile()
    agents = np.asarray(
        required_agents(calls, AHT_S + acw_s, "80/20", interval_s=1800, patience_s=PATIENCE_S),
        dtype=float,
    )
    sim = simulate_day(
        calls,
        AHT_S + acw_s,
        agents,
        patience_s=PATIENCE_S,
        threshold_s=20,
        replications=days,
        seed=seed,
    )
    day0 = pd.Timestamp(first_day)
    dates = pd.bdate_range(day0, periods=days)
    starts = [
        d + pd.Timedelta(hours=8) + k * pd.Timedelta(minutes=30)
        for d in dates
        for k in range(INTERVALS)
    ]
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(starts),
            "queue": "line",
            "interval_s": 1800.0,
            "offered": sim.offered.ravel().astype(float),
            "answered": sim.answered.ravel().astype(float),
            "abandoned": sim.abandoned.ravel().astype(float),
            "answered_within": sim.answered_within[:, :, 0].ravel().astype(float),
            "abandoned_within": sim.abandoned_within[:, :, 0].ravel().astype(float),
            "short_abandons": np.nan,
            "wait_answered_s": sim.wait_answered_s.ravel(),
            "wait_abandoned_s": sim.wait_abandoned_s.ravel(),
            "aht_s": AHT_S,
            "agents": np.tile(agents, days) / factor,
        }
    )
    h.attrs = {"source": "synthetic", "threshold_s": 20.0, "history_sl": "fail"}
    return h


@pytest.fixture(scope="module")
def history_08() -> pd.DataFrame:
    return synthetic_history(0.8)


def test_known_factor_is_recovered_within_its_interval(history_08: pd.DataFrame) -> None:
    """Truth: effective agents = 0.8 x the staffed agents reported (the history was
    simulated with the true agents and reports them divided by 0.8). The fit recovers 0.8
    inside its 95% interval; without the bias correction (the class notes' feeding
    effect) the root lies well above it, so the correction is what makes the test pass."""
    fit = EffectiveStaffingFitter(bias_replications=8, seed=3, exact_aht=False).fit(
        history_08, PATIENCE_S
    )
    row = fit.summary.iloc[0]
    assert row["ci_low"] < 0.8 < row["ci_high"], row.to_dict()
    assert row["ci_high"] - row["ci_low"] < 0.03
    # the correction is real: the raw root is biased high by more than a standard error
    assert row["uncorrected"] - 0.8 > row["se"]
    assert row["bias"] > 0
    assert row["uncorrected"] == pytest.approx(row["estimate"] + row["bias"])


def test_factor_per_period_flags_a_change_and_keeps_a_steady_one() -> None:
    """Four weeks at 0.8 then four weeks at 0.9 (months March and April): each month's
    estimate lies within three of its standard errors of its truth (the 99.7% interval,
    two months at once) and the change is flagged; a steady history is not."""
    march = synthetic_history(0.8, days=20, seed=11, first_day="2024-03-04")
    april = synthetic_history(0.9, days=20, seed=12, first_day="2024-04-01")
    both = pd.concat([march, april], ignore_index=True)
    both.attrs = dict(march.attrs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = EffectiveStaffingFitter(by="month", bias_replications=4, exact_aht=False).fit(
            both, PATIENCE_S
        )
    periods = fit.periods_.set_index("period")
    for month, truth in (("2024-03", 0.8), ("2024-04", 0.9)):
        z = (periods.loc[month, "estimate"] - truth) / periods.loc[month, "se"]
        assert abs(z) < 3.0, (month, z)
    change = fit.changes_.iloc[0]
    assert bool(change["moved"]) and change["change"] > 0.05
    assert any("effective staffing moved from 2024-03" in w for w in fit.warnings_)

    steady = synthetic_history(0.8, days=40, seed=13, first_day="2024-03-04")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calm = EffectiveStaffingFitter(by="month", bias_replications=4, exact_aht=False).fit(
            steady, PATIENCE_S
        )
    assert not calm.drift_["moved"].any()


def test_after_call_work_form_recovers_the_missing_seconds() -> None:
    """Truth: agents spend 30 s more per call than the log's handle time shows, staffed
    agents are reported exactly. The ACW form recovers 30 s inside its interval, and out
    of sample it predicts at least as well as the factor form."""
    h = synthetic_history(1.0, days=40, seed=21, acw_s=30.0)
    fit = EffectiveStaffingFitter(form="acw", bias_replications=6, exact_aht=False).fit(
        h, PATIENCE_S
    )
    row = fit.summary.iloc[0]
    assert row["ci_low"] < 30.0 < row["ci_high"], row.to_dict()
    train = h[h["interval_start"] < "2024-04-01"]
    test = h[h["interval_start"] >= "2024-04-01"]
    train.attrs = test.attrs = dict(h.attrs)
    forms = compare_forms(train, test, PATIENCE_S, bias_replications=4, exact_aht=False).set_index(
        "form"
    )
    assert forms.loc["acw", "sl_mae"] <= forms.loc["factor", "sl_mae"] * 1.02


def test_noise_floor_is_the_error_of_an_exactly_right_model() -> None:
    """The simulation model of the back-test with the true patience and agents is exactly
    right for a history simulated by the engine (the same model: Poisson calls, exponential
    service with the history's mean, exponential patience, continuous FCFS days). Its
    calls-weighted error on that history must equal its noise floor within the floor's own
    spread (3 standard deviations of one history's error, per interval, hour and day);
    with 10% fewer agents than the truth the same error sits far above the floor."""
    h = synthetic_history(1.0, days=30, seed=31)
    right = BackTestFitter(models=("simulation",), replications=200, seed=5, exact_aht=False).fit(
        h, PATIENCE_S
    )
    table = right.table().set_index("level")
    noise = right.noise_[right.noise_["month"] == "all"].set_index("level")
    for level in ("interval", "hour", "day"):
        z = (table.loc[level, "sl_mae"] - noise.loc[level, "sl_noise_floor"]) / noise.loc[
            level, "sl_noise_sd"
        ]
        assert abs(z) < 3.0, (level, z)
        z_ab = (table.loc[level, "abandon_mae"] - noise.loc[level, "abandon_noise_floor"]) / (
            noise.loc[level, "abandon_noise_sd"]
        )
        assert abs(z_ab) < 3.0, (level, z_ab)
    wrong = BackTestFitter(models=("simulation",), replications=50, seed=5, exact_aht=False).fit(
        h, PATIENCE_S, staffing_factor=0.9
    )
    w = wrong.table("interval").iloc[0]
    wn = wrong.noise_[(wrong.noise_["month"] == "all") & (wrong.noise_["level"] == "interval")]
    assert w["sl_mae"] > wn["sl_noise_floor"].iloc[0] + 5 * wn["sl_noise_sd"].iloc[0]

"""Patience: the censored-exponential estimate, its interval, Kaplan–Meier, recovery of a
known patience from the simulated sample history."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from staffing.calibration import (
    KaplanMeierFitter,
    PatienceFitter,
    PatienceWarning,
    aggregate_records,
    exponential_mean_ci,
    validate_records,
)
from staffing.data import sample_path
from staffing.io import read_history


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return read_history(sample_path("history.csv"))


def test_interval_matches_gamma_quantiles() -> None:
    """Garwood (1936): with D events in exposure T the rate's limits are
    gamma(D).ppf(a/2)/T and gamma(D+1).ppf(1-a/2)/T; the mean's limits are their inverses."""
    for d, t in [(1, 50.0), (7, 900.0), (100, 12_000.0), (2500, 3.1e5)]:
        lo, hi = exponential_mean_ci(d, t, 0.9)
        assert lo == pytest.approx(t / stats.gamma.ppf(0.95, d + 1), rel=1e-12)
        assert hi == pytest.approx(t / stats.gamma.ppf(0.05, d), rel=1e-12)
    lo, hi = exponential_mean_ci(0, 1000.0)
    assert hi == np.inf
    assert lo == pytest.approx(1000.0 / -np.log(0.025), rel=1e-12)


def test_interval_covers_the_truth_about_95_percent() -> None:
    """Seeded simulation: 2,000 histories of 60 calls, patience Exp(mean 120 s) censored by
    waits Exp(mean 90 s). The exact interval must cover 120 s in 93.5-97.5% of them
    (Garwood's limits are conservative, so coverage should not fall below nominal)."""
    rng = np.random.default_rng(7)
    reps, n, theta = 2000, 60, 120.0
    patience = rng.exponential(theta, (reps, n))
    offered_wait = rng.exponential(90.0, (reps, n))
    waited = np.minimum(patience, offered_wait)
    d = (patience < offered_wait).sum(axis=1)
    t = waited.sum(axis=1)
    lo, hi = exponential_mean_ci(d, t, 0.95)
    coverage = np.mean((lo <= theta) & (theta <= hi))
    assert 0.935 <= coverage <= 0.975


def test_records_and_their_intervals_give_the_same_estimate() -> None:
    """The exponential likelihood depends on the data only through abandons and total
    wait, so per-call records and the interval report aggregated from them agree exactly."""
    rng = np.random.default_rng(3)
    n = 400
    calls = pd.DataFrame(
        {
            "arrival": pd.Timestamp("2024-05-06 08:00")
            + pd.to_timedelta(np.sort(rng.uniform(0, 8 * 3600, n)), "s"),
            "wait_s": rng.exponential(60.0, n).round(),
            "outcome": np.where(rng.random(n) < 0.2, "abandoned", "answered"),
            "handle_s": 200.0,
        }
    )
    recs = validate_records(calls)
    direct = PatienceFitter().fit(recs).summary
    via_intervals = PatienceFitter().fit(aggregate_records(recs)).summary
    cols = ["calls", "abandons", "exposure_s", "patience_s", "ci_low_s", "ci_high_s"]
    np.testing.assert_allclose(direct[cols].to_numpy(float), via_intervals[cols].to_numpy(float))
    abandoned = calls["outcome"] == "abandoned"
    assert direct["patience_s"].iloc[0] == pytest.approx(
        calls["wait_s"].sum() / abandoned.sum(), rel=1e-12
    )


def test_recovers_known_patience_of_sample_history(history: pd.DataFrame) -> None:
    """data/make_history.py simulates sales with patience 90 s all along and service with
    240 s in 2024Q1 and 180 s in 2024Q2: each truth lies inside its 95% interval."""
    by_queue = PatienceFitter().fit(history).summary.set_index("queue")
    assert by_queue.loc["sales", "ci_low_s"] <= 90.0 <= by_queue.loc["sales", "ci_high_s"]
    by_q = PatienceFitter(by="quarter").fit(history).summary.set_index(["queue", "period"])
    truth = {("sales", "2024Q1"): 90.0, ("sales", "2024Q2"): 90.0}
    truth |= {("service", "2024Q1"): 240.0, ("service", "2024Q2"): 180.0}
    for key, theta in truth.items():
        row = by_q.loc[key]
        assert row["ci_low_s"] <= theta <= row["ci_high_s"], (key, row["patience_s"])
        assert row["enough_abandons"]


def test_no_abandons_means_no_estimate_and_a_warning() -> None:
    """No abandons: the estimate is undefined (not infinite, not a division by zero); the
    lower limit is still informative: T / -ln(0.025)."""
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
            "queue": "vip",
            "offered": [10.0, 12.0],
            "abandoned": [0.0, 0.0],
            "wait_answered_s": [50.0, 70.0],
            "wait_abandoned_s": [0.0, 0.0],
        }
    )
    with pytest.warns(PatienceWarning, match="queue 'vip': no abandons in 22 calls"):
        fit = PatienceFitter().fit(h)
    row = fit.summary.iloc[0]
    assert np.isnan(row["patience_s"])
    assert row["ci_low_s"] == pytest.approx(120.0 / -np.log(0.025))
    assert row["ci_high_s"] == np.inf


def test_few_abandons_warn_and_missing_waits_say_what_is_needed() -> None:
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2024-01-01 09:00"]),
            "queue": "q",
            "offered": [40.0],
            "abandoned": [3.0],
            "wait_answered_s": [400.0],
            "wait_abandoned_s": [200.0],
        }
    )
    with pytest.warns(PatienceWarning, match="only 3 abandons: patience 200 s is uncertain"):
        PatienceFitter(min_abandons=30).fit(h)
    h["wait_abandoned_s"] = np.nan
    with pytest.warns(PatienceWarning, match="lacks the total time callers waited"):
        fit = PatienceFitter().fit(h)
    assert fit.summary["method"].tolist() == ["none"]
    assert "1 queue, 40 calls, 3 abandons" in repr(fit)


def test_kaplan_meier_without_censoring_is_the_empirical_survival() -> None:
    """With every call abandoned the Kaplan–Meier curve is 1 - ECDF at each event time."""
    rng = np.random.default_rng(11)
    waits = rng.exponential(100.0, 300).round()
    km = KaplanMeierFitter().fit(waits, np.ones(300, dtype=bool))
    t = km.survival_["time_s"].to_numpy()
    expected = np.array([(waits > x).mean() for x in t])
    np.testing.assert_allclose(km.survival_["survival"], expected, atol=1e-12)
    assert (km.survival_["ci_low"] <= km.survival_["survival"] + 1e-12).all()
    assert (km.survival_["ci_high"] >= km.survival_["survival"] - 1e-12).all()


def test_kaplan_meier_of_exponential_patience_is_close_to_the_fit() -> None:
    """Exponential patience censored at random: the KM curve stays within a few points of
    exp(-t / theta_hat) (Kolmogorov distance), as the exponential assumption holds."""
    rng = np.random.default_rng(5)
    patience = rng.exponential(150.0, 5000)
    wait = rng.exponential(120.0, 5000)
    observed = np.minimum(patience, wait)
    abandoned = patience < wait
    km = KaplanMeierFitter().fit(observed, abandoned)
    theta = observed.sum() / abandoned.sum()
    assert km.max_gap(theta) < 0.035
    # a clearly wrong mean is visibly far away
    assert km.max_gap(theta / 2) > 0.15


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 600), st.booleans()),
        min_size=1,
        max_size=80,
    )
)
def test_kaplan_meier_is_a_non_increasing_probability(calls: list[tuple[int, bool]]) -> None:
    """Property: survival lies in [0, 1], never rises, and drops only at abandon times."""
    waits = [c[0] for c in calls]
    abandoned = [c[1] for c in calls]
    km = KaplanMeierFitter().fit(waits, abandoned)
    s = km.survival_["survival"].to_numpy()
    assert ((s >= 0) & (s <= 1)).all()
    assert (np.diff(s) <= 1e-15).all()
    assert set(km.survival_["time_s"]) <= {w for w, a in calls if a}
    assert km.survival_at([-1.0]).tolist() == [1.0]


def test_fitter_warns_through_python_warnings_only_for_its_own_reasons(
    history: pd.DataFrame,
) -> None:
    """On the sample history nothing is worth a warning (thousands of abandons)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = PatienceFitter(by="month").fit(history)
    assert fit.warnings_ == []
    assert list(fit.summary.columns)[:3] == ["queue", "period", "calls"]


def test_abandons_without_any_waiting_time_are_not_a_patience_of_zero() -> None:
    """Abandons but wait totals of 0: T / D would be a patience of 0 s, which the planner
    rejects when it reads calibration.json back; it is not estimable, with a warning."""
    h = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
            "queue": "q",
            "offered": [10.0, 10.0],
            "abandoned": [2.0, 3.0],
            "wait_answered_s": [0.0, 0.0],
            "wait_abandoned_s": [0.0, 0.0],
        }
    )
    with pytest.warns(PatienceWarning, match="5 abandons but no time spent waiting"):
        fit = PatienceFitter().fit(h)
    assert np.isnan(fit.summary["patience_s"].iloc[0])
    assert np.isnan(fit.patience_s_["q"])

"""The abandon/service-level relation, the service level for an abandon target and the
Erlang C vs Erlang A back-test (drift between periods: test_calibration_drift.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

import staffing
from staffing.calibration import (
    BackTestFitter,
    RelationFitter,
    RelationWarning,
    erlang_a_service_level,
)
from staffing.calibration.relation import service_level_covariate
from staffing.data import sample_path
from staffing.errors import InputError
from staffing.io import read_history


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return read_history(sample_path("history.csv"))


def synthetic(a: float, b: float, n_intervals: int, seed: int) -> pd.DataFrame:
    """Intervals whose abandons are drawn from the model itself: logit p = a + b x(s)."""
    rng = np.random.default_rng(seed)
    offered = rng.integers(40, 200, n_intervals).astype(float)
    within = rng.binomial(offered.astype(int), rng.uniform(0.4, 0.97, n_intervals))
    s = (within + 0.5) / (offered + 1.0)
    p = special.expit(a + b * service_level_covariate(s))
    abandoned = rng.binomial(offered.astype(int), p).astype(float)
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-01-01", periods=n_intervals, freq="30min"),
            "queue": "q",
            "offered": offered,
            "abandoned": abandoned,
            "answered_within": within.astype(float),
        }
    )


def test_fit_is_the_binomial_maximum_likelihood() -> None:
    """The IRLS coefficients maximise the binomial likelihood: Nelder-Mead on the
    negative log-likelihood lands on the same point, and the covariance matches the
    inverse of a finite-difference Hessian."""
    h = synthetic(-1.2, 1.1, 300, seed=1)
    rel = RelationFitter().fit(h)
    n = h["offered"].to_numpy()
    y = h["abandoned"].to_numpy()
    x = service_level_covariate((h["answered_within"].to_numpy() + 0.5) / (n + 1))

    def nll(beta: np.ndarray) -> float:
        eta = beta[0] + beta[1] * x
        return float(-np.sum(y * eta - n * np.logaddexp(0.0, eta)))

    best = optimize.minimize(nll, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-9})
    np.testing.assert_allclose([rel.intercept_, rel.slope_], best.x, atol=1e-5)
    eps = 1e-4
    hess = np.zeros((2, 2))
    beta = np.array([rel.intercept_, rel.slope_])
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * eps, np.eye(2)[j] * eps
            hess[i, j] = (
                nll(beta + ei + ej)
                - nll(beta + ei - ej)
                - nll(beta - ei + ej)
                + nll(beta - ei - ej)
            ) / (4 * eps * eps)
    np.testing.assert_allclose(rel.cov_ / rel.dispersion_, np.linalg.inv(hess), rtol=1e-4)


def test_recovers_the_relation_and_inverts_it_inside_the_interval() -> None:
    """Data drawn from logit p = -1.2 + 1.1 log(-log s): the coefficients' intervals cover
    the truth and the service level for 5% abandons, exp(-exp((logit 0.05 + 1.2) / 1.1)),
    lies inside the Fieller interval."""
    rel = RelationFitter().fit(synthetic(-1.2, 1.1, 800, seed=2))
    for name, truth in (("intercept", -1.2), ("slope", 1.1)):
        row = rel.summary.loc[name]
        assert row["ci_low"] <= truth <= row["ci_high"]
    truth_sl = float(np.exp(-np.exp((special.logit(0.05) + 1.2) / 1.1)))
    sl, lo, hi = rel.service_level_for(0.05)
    assert lo <= truth_sl <= hi
    assert lo < sl < hi
    # Fieller's limits are where the standardised distance equals z
    z = stats.norm.ppf(0.975)
    for limit in (lo, hi):
        x = float(service_level_covariate(limit))
        var = rel.cov_[0, 0] + 2 * x * rel.cov_[0, 1] + x * x * rel.cov_[1, 1]
        dist = (rel.intercept_ + rel.slope_ * x - special.logit(0.05)) / np.sqrt(var)
        assert abs(dist) == pytest.approx(z, rel=1e-6)


def test_band_contains_the_fit_and_the_relation_falls(history: pd.DataFrame) -> None:
    rel = RelationFitter().fit(history)
    grid = np.linspace(0.05, 0.99, 50)
    lo, hi = rel.band(grid)
    fit = rel.predict(grid)
    assert (lo <= fit).all() and (fit <= hi).all()
    assert (np.diff(fit) < 0).all()


def test_history_and_erlang_a_agree_on_simulated_erlang_a_data(history: pd.DataFrame) -> None:
    """The sample history is Erlang A by construction, so the service level that kept
    abandons at 5% in history (sales: 87.5%) and the one Erlang A gives when every
    interval is staffed to 5% abandons with the fitted patience (88.1%) should agree to
    within a point or two; numbers from `staffing calibrate data/history.csv
    --abandon-target 5%`."""
    sales = history[history["queue"] == "sales"]
    sales.attrs = dict(history.attrs)
    rel = RelationFitter().fit(sales)
    sl, lo, hi = rel.service_level_for(0.05)
    assert lo < sl < hi
    model = erlang_a_service_level(sales, 90.34, 0.05, threshold_s=20)
    assert sl == pytest.approx(0.875, abs=0.005)
    assert model == pytest.approx(0.881, abs=0.005)
    assert abs(sl - model) < 0.02


def test_erlang_a_service_level_matches_a_fractional_staffing_root() -> None:
    """For one interval, the answer equals Erlang A's service level at the fractional
    number of agents where the abandon rate is exactly the target (found by brentq)."""
    h = pd.DataFrame({"queue": ["q"], "offered": [200.0], "aht_s": [180.0], "interval_s": [1800.0]})
    got = erlang_a_service_level(h, 120.0, 0.05, threshold_s=20)
    root = optimize.brentq(
        lambda n: staffing.evaluate(200, 180, n, patience_s=120).abandon_rate - 0.05, 5, 40
    )
    want = staffing.evaluate(200, 180, root, patience_s=120, threshold_s=20).service_level
    assert got == pytest.approx(want, abs=2e-3)


def test_relation_errors_and_reversed_relation() -> None:
    h = synthetic(-1.2, 1.1, 2, seed=3)
    with pytest.raises(InputError, match="too little data"):
        RelationFitter().fit(h)
    h = synthetic(-1.2, 1.1, 50, seed=3).assign(abandoned=0.0)
    with pytest.raises(InputError, match="no abandons at all"):
        RelationFitter().fit(h)
    h = synthetic(-1.2, 1.1, 50, seed=3)
    h["answered_within"] = h["offered"] * 0.5
    with pytest.raises(InputError, match="never varies"):
        RelationFitter().fit(h)
    reversed_ = synthetic(-3.0, -0.8, 400, seed=4)  # abandons rise with service level
    with pytest.warns(RelationWarning, match="abandons do not fall"):
        rel = RelationFitter().fit(reversed_)
    sl, lo, hi = rel.service_level_for(0.05)
    assert np.isnan(sl) and (lo, hi) == (0.0, 1.0)


def test_backtest_prefers_erlang_a_on_erlang_a_data(history: pd.DataFrame) -> None:
    """With the true patience, Erlang A's call-weighted error is a fraction of Erlang C's,
    and its bias is small (about -1.5 pt of service level from feeding realised counts
    to the model, see EffectiveStaffingFitter's notes); Erlang C predicts no abandons."""
    bt = BackTestFitter(threshold_s=20, models=("erlang_c", "erlang_a"), replications=0).fit(
        history, {"sales": 90.0, "service": 210.0}
    )
    s = bt.table("interval")
    c = s[s["model"] == "erlang_c"].set_index("queue")
    a = s[s["model"] == "erlang_a"].set_index("queue")
    assert (a["sl_mae"] < 0.4 * c["sl_mae"]).all()
    assert (a["abandon_mae"] < 0.5 * c["abandon_mae"]).all()
    assert (a["sl_bias"].abs() < 0.03).all()
    assert (a["abandon_bias"].abs() < 0.02).all()
    assert (bt.intervals_["erlang_c_abandon_rate"] == 0).all()
    assert bt.better_ == {"service_level": "erlang_a", "abandon_rate": "erlang_a"}
    assert bt.summary["sl_noise_floor"].isna().all()  # no simulation asked for
    # the error is weighted by calls: recompute one figure by hand
    iv = bt.intervals_[bt.intervals_["queue"] == "sales"]
    err = iv["erlang_c_service_level"] - iv["service_level"]
    weighted = float(np.sum(iv["offered"] * err.abs()) / iv["offered"].sum())
    assert c.loc["sales", "sl_mae"] == pytest.approx(weighted)


def test_completely_separated_history_is_an_input_error_not_a_crash() -> None:
    """Every interval below some service level all abandons, every one above none: the
    binomial likelihood has no maximum (IRLS diverged into a singular matrix and a
    LinAlgError traceback); it must be the one-line InputError the CLI reports."""
    h = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-01-01 09:00", periods=3, freq="30min"),
            "queue": "q",
            "offered": [10.0, 10.0, 10.0],
            "abandoned": [10.0, 0.0, 0.0],
            "answered_within": [0.0, 10.0, 9.0],
        }
    )
    h.attrs["source"] = "sep.csv"
    with pytest.raises(InputError, match=r"^sep\.csv: the abandon/service-level relation cannot"):
        RelationFitter().fit(h)

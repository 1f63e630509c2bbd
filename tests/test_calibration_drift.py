"""Drift between periods: patience per period (likelihood-ratio and exact two-period
tests) and the abandon/service-level relation per period (F test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from staffing.calibration import (
    PatienceFitter,
    patience_changes,
    patience_drift,
    relation_by_period,
    relation_drift,
)
from staffing.data import sample_path
from staffing.io import read_history


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return read_history(sample_path("history.csv"))


def test_patience_drift_finds_the_simulated_change_only(history: pd.DataFrame) -> None:
    """Service patience drops from 240 s to 180 s in 2024Q2; sales stays at 90 s. The
    likelihood-ratio test flags service only; the exact ratio test puts the true ratio
    0.75 inside its interval and 1 outside; for sales 1 is inside."""
    by_period = PatienceFitter(by="quarter").fit(history).summary
    drift = patience_drift(by_period).set_index("queue")
    assert bool(drift.loc["service", "moved"]) and not bool(drift.loc["sales", "moved"])
    changes = patience_changes(by_period).set_index("queue")
    svc, sales = changes.loc["service"], changes.loc["sales"]
    assert svc["ratio_ci_low"] <= 0.75 <= svc["ratio_ci_high"] < 1.0
    assert sales["ratio_ci_low"] <= 1.0 <= sales["ratio_ci_high"]


def test_patience_change_test_is_the_conditional_binomial() -> None:
    """Przyborowski and Wilenski (1940): given d1 + d2 events, d2 ~ Bin(d1 + d2, T2/(T1+T2))
    under equal rates; scipy's binomtest gives the reference p-value."""
    s = pd.DataFrame(
        {
            "queue": ["q", "q"],
            "period": ["2024-01", "2024-02"],
            "abandons": [40.0, 25.0],
            "exposure_s": [4000.0, 5000.0],
            "patience_s": [100.0, 200.0],
        }
    )
    row = patience_changes(s).iloc[0]
    assert row["p_value"] == pytest.approx(stats.binomtest(25, 65, 5000 / 9000).pvalue)
    assert row["ratio"] == pytest.approx(2.0)
    g = patience_drift(s).iloc[0]
    lam = 65 / 9000
    expected = 2 * (40 * np.log(40 / 4000 / lam) + 25 * np.log(25 / 5000 / lam))
    assert g["statistic"] == pytest.approx(expected)
    assert g["p_value"] == pytest.approx(stats.chi2.sf(expected, 1))


def test_relation_drift_sees_the_service_change_but_not_sales(history: pd.DataFrame) -> None:
    """Sales' relation is the same in both quarters (its patience and staffing policy did
    not change); service's moved with its patience."""
    for queue, moved in (("sales", False), ("service", True)):
        part = history[history["queue"] == queue]
        result = relation_drift(part, "quarter")
        assert result["moved"] is moved, (queue, result)


def test_relation_by_period_puts_the_service_change_in_its_quarter(
    history: pd.DataFrame,
) -> None:
    """One row per quarter; with the abandon target, service's service level for 5%
    abandons falls once its callers grew less patient (data/make_history.py: 240 s to
    180 s in 2024Q2), sales' stays where it was."""
    for queue, moves in (("service", True), ("sales", False)):
        part = history[history["queue"] == queue]
        table = relation_by_period(part, "quarter", abandon_target=0.05)
        assert table["period"].tolist() == ["2024Q1", "2024Q2"]
        first, second = table["sl_for_abandon_target"].to_numpy()
        lo1, hi1 = table[["sl_ci_low", "sl_ci_high"]].to_numpy()[0]
        inside = lo1 <= second <= hi1
        assert inside is not moves, (queue, first, second, lo1, hi1)


def test_drift_with_one_period_has_nothing_to_compare() -> None:
    """A single period gives no test: empty tables, not a crash."""
    s = pd.DataFrame(
        {
            "queue": ["q"],
            "period": ["2024Q1"],
            "abandons": [40.0],
            "exposure_s": [4000.0],
            "patience_s": [100.0],
        }
    )
    assert patience_changes(s).empty
    assert patience_drift(s).empty

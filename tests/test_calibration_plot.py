"""Calibration figures: drawn where asked, with the fitted curves on them."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from staffing.calibration import CalibrationFitter, KaplanMeierFitter, calibrate, validate_records
from staffing.calibration.history import aggregate_records
from staffing.data import sample_frame
from staffing.plotting.calibration import (
    calibration_figure,
    plot_backtest,
    plot_patience,
    plot_relation,
)


@pytest.fixture(scope="module")
def cal() -> CalibrationFitter:
    return calibrate(sample_frame("history.csv"), abandon_target=0.05, by=None)


def test_relation_plot_draws_the_fit_on_the_given_axes(cal: CalibrationFitter) -> None:
    fig, ax = plt.subplots()
    try:
        assert plot_relation(cal, ax=ax) is ax
        fit = next(line for line in ax.lines if line.get_label() == "fitted relation")
        x, y = fit.get_data()
        np.testing.assert_allclose(y, cal.relation_.predict(x))
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(label.startswith("history: 85.8% for 5% abandons") for label in labels)
        assert any(label.startswith("Erlang A: 85.9%") for label in labels)
    finally:
        plt.close(fig)


def test_patience_plot_without_records_draws_the_exponentials(cal: CalibrationFitter) -> None:
    fig, ax = plt.subplots()
    try:
        plot_patience(cal, ax=ax)
        theta = cal.summary.set_index("queue")["patience_s"]
        for queue in ("sales", "service"):
            line = next(ln for ln in ax.lines if ln.get_label().startswith(f"{queue}: mean"))
            t, s = line.get_data()
            np.testing.assert_allclose(s, np.exp(-np.asarray(t) / theta[queue]))
    finally:
        plt.close(fig)


def test_patience_plot_with_records_draws_kaplan_meier() -> None:
    rng = np.random.default_rng(0)
    n = 600
    patience = rng.exponential(100.0, n)
    offered_wait = rng.exponential(60.0, n)
    calls = pd.DataFrame(
        {
            "arrival": pd.Timestamp("2024-03-04 09:00")
            + pd.to_timedelta(np.sort(rng.uniform(0, 6 * 3600, n)), "s"),
            "wait_s": np.minimum(patience, offered_wait).round(),
            "outcome": np.where(patience < offered_wait, "abandoned", "answered"),
            "handle_s": 180.0,
        }
    )
    recs = validate_records(calls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = CalibrationFitter(by=None).fit(aggregate_records(recs), recs)
    fig, ax = plt.subplots()
    try:
        plot_patience(fitted, ax=ax)
        assert "Kaplan-Meier" in ax.get_title()
        steps = [ln for ln in ax.lines if ln.get_drawstyle() == "steps-post"]
        assert len(steps) == 1
        km = KaplanMeierFitter().fit(recs["wait_s"], recs["outcome"] == "abandoned")
        t, s = steps[0].get_data()
        n = len(s) - 1
        np.testing.assert_allclose(t[1:], km.survival_["time_s"].to_numpy()[:n])
        np.testing.assert_allclose(s[1:], km.survival_["survival"].to_numpy()[:n])
    finally:
        plt.close(fig)


def test_figure_has_one_panel_per_view(cal: CalibrationFitter) -> None:
    fig = calibration_figure(cal)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "Abandon rate vs service level"
    assert titles[1].startswith("Customer patience")
    assert titles[2] == "Predicted vs realised service level per day"
    assert titles[3].startswith("Error by hour of day against the noise floor")
    fig2, ax = plt.subplots()
    try:
        plot_backtest(cal, ax=ax)
        assert ax.get_xlabel() == "observed service level"
    finally:
        plt.close(fig2)


def test_backtest_figure_draws_what_the_backtest_says() -> None:
    """The day panel's lines are the back-test's day-level predictions (its MAE in the
    legend is the summary's day MAE); the hour panel draws each model's error and its
    noise floor by hour of day, from the same intervals."""
    from staffing.calibration import BackTestFitter, prepare_history
    from staffing.plotting.calibration import backtest_figure

    h = prepare_history(sample_frame("history.csv"))
    june = h[h["interval_start"] >= "2024-06-17"]
    june.attrs = dict(h.attrs)
    bt = BackTestFitter(models=("erlang_c", "erlang_a"), replications=4).fit(
        june[june["queue"] == "sales"], 90.0
    )
    fig = backtest_figure(bt, title="June")
    day, hour = fig.axes
    legend = [t.get_text() for t in day.get_legend().get_texts()]
    mae = bt.table("day").set_index("model")["sl_mae"]
    assert f"Erlang A (MAE {100 * mae['erlang_a']:.1f} pt)" in legend
    lines = [ln for ln in hour.lines if ln.get_label() == "Erlang C"]
    x, y = lines[0].get_data()
    assert list(x) == list(range(8, 18))
    iv = bt.intervals_
    at_9 = iv[iv["interval_start"].dt.hour == 9]
    err = np.average(
        np.abs(at_9["erlang_c_service_level"] - at_9["service_level"]), weights=at_9["offered"]
    )
    assert y[1] == pytest.approx(err)


def test_kaplan_meier_summary_by_hand() -> None:
    """Waits 1, 2, 2, 3, 4 s, abandons at 1, 2 and 3: S(1) = 0.8 with Greenwood standard
    error sqrt(0.8^2 x 1 / (5 x 4)) = 0.1789; S(2.5) = 0.6; before the first abandon 1."""
    km = KaplanMeierFitter(times_s=[0.5, 1.0, 2.5]).fit([1, 2, 2, 3, 4], [1, 0, 1, 1, 0])
    np.testing.assert_allclose(km.summary["survival"], [1.0, 0.8, 0.6])
    assert km.summary.loc[1.0, "se"] == pytest.approx(np.sqrt(0.64 / 20))


def test_patience_plot_without_records_shades_the_patience_interval(cal: CalibrationFitter) -> None:
    """From an interval report the band is exp(-t / ci_low) .. exp(-t / ci_high) around
    each fitted exponential (the docstring's promise; it used to be drawn only for queues
    without an estimate)."""
    fig, ax = plt.subplots()
    try:
        plot_patience(cal, ax=ax)
        assert len(ax.collections) == len(cal.summary)
        row = cal.summary.iloc[0]
        band = ax.collections[0].get_paths()[0].vertices
        t = band[:, 0]
        inside = (t > 0) & (t < 300)
        lower = np.exp(-t / row["ci_low_s"])
        upper = np.exp(-t / row["ci_high_s"])
        y = band[:, 1]
        assert ((y >= lower - 1e-9) & (y <= upper + 1e-9))[inside].all()
    finally:
        plt.close(fig)

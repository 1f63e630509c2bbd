"""The contract figures: drawn on the sample data, labelled, with the numbers they show.

Each plot takes ``ax=None`` (new axes) or the axes to draw on and returns them; each
figure function returns a Figure with one titled panel per view. The checks read the
drawn artists back: bar lengths equal the table's FTE, the target line sits at the
target, every panel has a title and axis labels.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from staffing.contracts import CreditTerms, compare, credit_exposure, outsource, service_credits
from staffing.contracts import sweep as run_sweep
from staffing.data import sample_path
from staffing.io import read_forecast, read_history
from staffing.plotting.contracts import (
    compare_figure,
    credits_figure,
    outsource_figure,
    plot_compare,
    plot_credits,
    plot_exposure,
    plot_outsource,
    plot_sweep,
    sweep_figure,
)


@pytest.fixture(scope="module")
def forecast() -> pd.DataFrame:
    f = read_forecast(sample_path("forecast.csv"))
    return f[f["queue"] == "sales"].reset_index(drop=True)


@pytest.fixture(scope="module")
def comparison(forecast: pd.DataFrame) -> pd.DataFrame:
    return compare(forecast, ["80/20", "90/10"], cost_per_fte=50_000)


@pytest.fixture(scope="module")
def sweep(forecast: pd.DataFrame) -> pd.DataFrame:
    return run_sweep(forecast, fractions=[0.7, 0.8, 0.9], thresholds_s=[60, 20, 10])


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def _labelled(ax: object) -> None:
    assert ax.get_title(loc="left") or ax.get_title()  # type: ignore[attr-defined]
    assert ax.get_xlabel() or ax.get_xticklabels()  # type: ignore[attr-defined]


def test_compare_bars_are_the_fte_of_each_scenario(comparison: pd.DataFrame) -> None:
    ax = plot_compare(comparison)
    widths = sorted(p.get_width() for p in ax.patches)
    np.testing.assert_allclose(widths, sorted(comparison["fte"]))
    by_height = {t.get_position()[1]: t.get_text() for t in ax.get_yticklabels()}
    assert by_height[max(by_height)] == "80/20"  # the first scenario (the baseline) on top
    assert "service level at 20 s" in ax.get_title(loc="left")
    _labelled(ax)


def test_plots_draw_on_the_axes_given(comparison: pd.DataFrame, sweep: pd.DataFrame) -> None:
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_compare(comparison, ax=a) is a
    assert plot_sweep(sweep, "threshold", ax=b) is b
    assert len(fig.axes) == 2


def test_sweep_curves_follow_the_table(sweep: pd.DataFrame) -> None:
    ax = plot_sweep(sweep, "percent")
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 3]
    assert lines, "one line per model"
    erlang_c = sweep[(sweep["sweep"] == "percent") & (sweep["model"] == "Erlang C")]
    ys = [sorted(np.asarray(line.get_ydata(), dtype=float)) for line in lines]
    assert any(np.allclose(y, sorted(erlang_c["fte"])) for y in ys)
    _labelled(ax)
    fig = sweep_figure(sweep, title="budget")
    assert len(fig.axes) == 2 and fig._suptitle.get_text() == "budget"


def test_compare_figure_with_and_without_the_sweep(
    comparison: pd.DataFrame, sweep: pd.DataFrame
) -> None:
    assert len(compare_figure(comparison).axes) == 1
    fig = compare_figure(comparison, sweep, title="What-if")
    assert len(fig.axes) == 3
    assert all(ax.has_data() for ax in fig.axes)


def test_outsource_stack_and_pooled_line(forecast: pd.DataFrame) -> None:
    deal = outsource(forecast, "80/20", share="40%")
    ax = plot_outsource(deal)
    assert "splitting costs" in ax.get_title(loc="left")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["In-house agents", "Partner agents", "One pooled queue"]
    pooled = next(line for line in ax.get_lines() if line.get_label() == "One pooled queue")
    peak = deal.intervals.groupby("interval_start")["pooled_agents"].sum().max()
    assert np.nanmax(np.asarray(pooled.get_ydata(), dtype=float)) == peak
    fig = outsource_figure(deal)
    assert len(fig.axes) == 1 and fig.axes[0].has_data()


def test_outsource_figure_adds_the_attribution_panel() -> None:
    f = read_forecast(sample_path("forecast.csv"))
    actuals = read_history(sample_path("actuals.csv"), threshold_s=20)
    deal = outsource(f, "80/20", share="40%", period="day", actuals=actuals)
    fig = outsource_figure(deal, title="Outsourcing")
    assert len(fig.axes) == 2
    assert all(ax.has_data() and ax.get_title(loc="left") for ax in fig.axes)


def test_credits_and_exposure_panels() -> None:
    history = read_history(sample_path("performance.csv"), threshold_s=20)
    terms = CreditTerms(fee=100_000, cap="10%")
    credits = service_credits(history, "80/20", terms=terms)
    ax = plot_credits(credits)
    _labelled(ax)
    target = [line for line in ax.get_lines() if np.allclose(line.get_ydata(), 0.8)]
    assert target, "the target is drawn at 80%"
    plan = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04 09:00", periods=8, freq="30min"),
            "calls": 100.0,
            "aht_s": 180.0,
            "agents": 14,
        }
    )
    exposure = credit_exposure(plan, "80/20", terms=CreditTerms(period="day"), n_sims=50)
    ax = plot_exposure(exposure)
    assert "Credit exposure" in ax.get_title(loc="left")
    assert ax.get_ylabel() == "Service level"
    fig = credits_figure(credits, exposure)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="give a credit table"):
        credits_figure()

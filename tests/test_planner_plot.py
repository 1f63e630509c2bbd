"""The plan figure: produced, non-empty, drawing the plan's own numbers."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest

from staffing.data import sample_path
from staffing.io import read_forecast, read_targets
from staffing.planner import FteRules, plan
from staffing.plotting.planner import plan_figure, plot_requirement

matplotlib.use("Agg")
import matplotlib.pyplot as plt


@pytest.fixture(scope="module")
def intervals() -> pd.DataFrame:
    f = read_forecast(sample_path("forecast.csv"))
    return plan(f, ["80/20", "abandon<=5%"], fte=FteRules(in_centre=0.15)).intervals


def test_plan_figure_panels_and_png(intervals: pd.DataFrame) -> None:
    """One panel per queue (plus its service-level twin axis), titled with the peak, a
    legend naming the four series, and a PNG of real size."""
    fig = plan_figure(intervals)
    try:
        axes = fig.axes
        assert len(axes) == 6  # 3 queues x (agents axis + service-level axis)
        titles = [ax.get_title(loc="left") for ax in axes if ax.get_title(loc="left")]
        peaks = intervals.groupby("queue")["agents"].max()
        for queue in ("service", "sales", "premium"):
            assert any(t.startswith(f"{queue}: peak {peaks[queue]} agents") for t in titles)
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert labels == [
            "Required agents",
            "Scheduled staff (after in-centre shrinkage)",
            "Predicted service level",
            "Service-level target",
        ]
        assert "Staffing plan Mon 03 Mar 2025 to Sun 09 Mar 2025" in fig._suptitle.get_text()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        assert buf.getvalue().startswith(b"\x89PNG") and len(buf.getvalue()) > 40_000
    finally:
        plt.close(fig)


def test_plot_requirement_draws_the_plan(intervals: pd.DataFrame) -> None:
    """The required-agents line holds the plan's agents (NaN in closed hours), and the
    service level stays on a 0-100% axis."""
    ax = plot_requirement(intervals, "premium")
    try:
        line = next(ln for ln in ax.get_lines() if ln.get_label() == "Required agents")
        y = np.asarray(line.get_ydata(), dtype=float)
        premium = intervals[intervals["queue"] == "premium"]
        assert np.nansum(y) == premium["agents"].sum()
        assert np.isnan(y).any()  # the nights are gaps, not zeros
        assert ax.get_ylabel() == "agents"
        twin = next(a for a in ax.figure.axes if a is not ax)
        assert twin.get_ylim() == (0, 1.05)
        assert "within 20 s" in twin.get_ylabel()
    finally:
        plt.close(ax.figure)


def test_plot_requirement_needs_a_queue_when_several(intervals: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="several queues"):
        plot_requirement(intervals)
    with pytest.raises(ValueError, match="no intervals for queue 'nope'"):
        plot_requirement(intervals, "nope")


def test_plan_figure_caps_queues() -> None:
    starts = pd.date_range("2025-03-03 08:00", periods=16, freq="30min")
    f = pd.concat(
        [
            pd.DataFrame({"interval_start": starts, "queue": f"q{k}", "calls": 10.0 * (k + 1),
                          "aht_s": 200.0})
            for k in range(5)
        ]
    )  # fmt: skip
    fig = plan_figure(plan(f, "80/20").intervals, max_queues=2)
    try:
        assert len(fig.axes) == 4
        assert "2 busiest of 5 queues" in fig._suptitle.get_text()
        assert fig.axes[0].get_title(loc="left").startswith("q4")
    finally:
        plt.close(fig)


def test_evaluation_label_and_thresholds_by_window() -> None:
    """An evaluation's figure names the line as given ("Staffed agents", not "Required
    agents"); a queue whose targets change threshold by time of day (sales: 80/20 in
    weekday prime time, 70/30 otherwise) names both thresholds on its service-level axis."""
    f = read_forecast(sample_path("forecast.csv"))
    iv = plan(f, targets_table=read_targets(sample_path("targets.csv"))).intervals
    ax = plot_requirement(iv, "sales", agents_label="Staffed agents")
    try:
        labels = [ln.get_label() for ln in ax.get_lines()]
        assert "Staffed agents" in labels and "Required agents" not in labels
        twin = next(a for a in ax.figure.axes if a is not ax)
        assert twin.get_ylabel() == "service level (within 20 or 30 s)"
    finally:
        plt.close(ax.figure)

"""The capacity figure: what it draws is what the plan holds."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from staffing.capacity import CapacityWarning, capacity_plan
from staffing.data import sample_frame
from staffing.plotting.capacity import capacity_figure, plot_capacity, plot_classes


@pytest.fixture(scope="module")
def plan() -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        return capacity_plan(sample_frame("requirement.csv"), 195, simulations=200, seed=1)


def test_lines_and_bars_are_the_plans(plan: object) -> None:
    weeks = plan.weeks  # type: ignore[attr-defined]
    _, ax = plt.subplots()
    assert plot_capacity(weeks, ax=ax) is ax
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:5] == [
        "requirement",
        "optimised: productive",
        "optimised: paid",
        "hire-to-gap: productive",
        "hire-to-gap: paid",
    ]
    paid = ax.get_lines()[2].get_ydata()
    np.testing.assert_allclose(np.asarray(paid, dtype=float), weeks["paid"])
    bars = plot_classes(weeks)
    heights = [p.get_height() for p in bars.patches]
    assert sum(heights) == weeks["decided"].sum() + weeks["gap_decided"].sum()
    plt.close("all")


def test_the_figure_has_both_panels(plan: object) -> None:
    fig = capacity_figure(plan, title="sample")
    assert len(fig.axes) == 2 and fig.get_suptitle() == "sample"
    plt.close(fig)
    with pytest.raises(ValueError, match="several queues"):
        weeks = plan.weeks.assign(queue=["a", "b"] * 26)  # type: ignore[attr-defined]
        plot_capacity(weeks)

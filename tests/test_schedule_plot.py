"""Figures of a schedule (staffing.plotting.schedule) on hand-made tables.

The shading is checked where it is drawn: the under-staffed fill must span exactly the
intervals with fewer agents on the phones than required, a lone interval included.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from staffing.plotting.schedule import plot_coverage, plot_shifts, schedule_figure


@pytest.fixture(autouse=True)
def _close() -> object:
    yield
    plt.close("all")


def _coverage(days: int = 2, start: str = "2025-03-03") -> pd.DataFrame:
    """Half-hours of ``days`` days: 3 agents required 08:00-12:00, on the phones 3 except
    one short at 09:00 and one over at 10:30-11:30; nothing on the last day."""
    t = pd.date_range(start, periods=48 * days, freq="30min")
    hour = t.hour + t.minute / 60
    required = np.where((hour >= 8) & (hour < 12) & (t.normalize() < t[-1].normalize()), 3.0, 0)
    on = required.copy()
    on[(hour == 9.0) & (required > 0)] = 2.0
    on[(hour >= 10.5) & (hour < 11.5) & (required > 0)] = 4.0
    return pd.DataFrame(
        {
            "interval_start": t,
            "queue": "main",
            "required": required,
            "scheduled": on + 0.5 * (on > 0),
            "on_phones": on,
            "under": np.maximum(required - on, 0),
            "over": np.maximum(on - required, 0),
        }
    )


def _extent(ax: object, label: str) -> list[tuple[float, float]]:
    """x ranges of the fill labelled ``label``."""
    fills = [c for c in ax.collections if c.get_label() == label]  # type: ignore[attr-defined]
    assert len(fills) == 1
    return [(p.get_extents().x0, p.get_extents().x1) for p in fills[0].get_paths()]


def test_coverage_panel_shades_over_and_under_where_they_are() -> None:
    cov = _coverage()
    ax = plot_coverage(cov, "2025-03-03")
    assert _extent(ax, "Under") == [(9.0, 9.5)]  # the lone interval short
    assert _extent(ax, "Over") == [(10.5, 11.5)]
    assert ax.get_title(loc="left") == (
        "Mon 03 Mar: required 12.0 agent-h, on the phones 12.5 (efficiency 96%), 1 interval under"
    )
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["On shift", "On the phones", "Required", "Over", "Under"]


def test_coverage_strip_and_given_axes() -> None:
    """Without a day the whole table is one strip on a time axis, on the axes given."""
    _, given = plt.subplots()
    ax = plot_coverage(_coverage(), ax=given, legend=False, title="two days")
    assert ax is given and ax.get_legend() is None and ax.get_title(loc="left") == "two days"
    with pytest.raises(ValueError, match="no intervals on 2025-03-10"):
        plot_coverage(_coverage(), "2025-03-10")


def test_figure_has_a_panel_per_working_day_or_per_week() -> None:
    """Three days, the last without work: two day panels sharing the hours worked; ten
    days: one panel per week."""
    fig = schedule_figure(_coverage(3))
    titles = [a.get_title(loc="left") for a in fig.axes]
    assert [t[:10] for t in titles] == ["Mon 03 Mar", "Tue 04 Mar"]
    assert fig.axes[0].get_xlim() == (8.0, 12.0)
    assert fig._suptitle.get_text() == "Schedule: main, Mon 03 Mar 2025 to Wed 05 Mar 2025"
    weeks = schedule_figure(_coverage(10), heading="Weeks")
    assert len(weeks.axes) == 2
    assert weeks.axes[0].get_title(loc="left").startswith("Mon 03 Mar to Sun 09 Mar")


def test_shift_bars_with_breaks_and_counts() -> None:
    """The busiest day by default; a bar per row, breaks cut out (an unpaid one hatched),
    head counts beside; a shift past midnight runs past 24 h."""
    s = pd.DataFrame(
        {
            "day": pd.to_datetime(["2025-03-03", "2025-03-03", "2025-03-04"]),
            "shift": ["early", "night", "early"],
            "start": pd.to_datetime(["2025-03-03 07:00", "2025-03-03 20:00", "2025-03-04 07:00"]),
            "end": pd.to_datetime(["2025-03-03 15:00", "2025-03-04 04:00", "2025-03-04 15:00"]),
            "breaks": ["09:00-09:15; 11:00-11:30 unpaid", "01:00-01:30 unpaid", ""],
            "count": [4, 2, 1],
        }
    )
    ax = plot_shifts(s)
    assert [t.get_text() for t in ax.texts] == ["4", "2"]
    bars = [(round(p.get_x(), 2), round(p.get_width(), 2)) for p in ax.patches]
    assert bars == [(7.0, 8.0), (9.0, 0.25), (11.0, 0.5), (20.0, 8.0), (25.0, 0.5)]
    assert [p.get_hatch() for p in ax.patches] == [None, None, "////", None, "////"]
    assert ax.get_title(loc="left").startswith("Shifts starting Mon 03 Mar: 6 people on 2")
    assert [t.get_text() for t in plot_shifts(s, "2025-03-04").texts] == ["1"]
    with pytest.raises(ValueError, match="no shifts start on 2025-03-05"):
        plot_shifts(s, "2025-03-05")

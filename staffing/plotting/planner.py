"""Figures of a staffing plan: required vs scheduled agents per queue, with service level."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.queueing.targets import TargetSet
from staffing.vocabulary import format_duration

__all__ = ["plan_figure", "plot_heatmap", "plot_requirement"]

_REQUIRED = "#1f4e79"
_SCHEDULED = "#9ecae1"
_SL = "#d95f02"


def _sl_target(key: Any) -> float:
    """Fraction of the first service-level target in a target text (NaN if none)."""
    if not isinstance(key, str) or not key:
        return np.nan
    levels = TargetSet.parse(key).service_levels
    return levels[0].fraction if levels else np.nan


def _regular(one: pd.DataFrame) -> pd.DataFrame:
    """One queue on a regular time grid: closed hours become NaN so lines break there."""
    one = one.sort_values("interval_start").set_index("interval_start")
    step = pd.Timedelta(seconds=float(one["interval_s"].iloc[0]))
    index = pd.DatetimeIndex(one.index)
    grid = pd.date_range(index.min(), index.max() + step, freq=step, tz=index.tz)
    return one.reindex(grid)


def plot_requirement(
    intervals: pd.DataFrame,
    queue: str | None = None,
    *,
    ax: Any = None,
    legend: bool = True,
    agents_label: str = "Required agents",
) -> Any:
    """Required and scheduled agents across the horizon for one queue, with service level.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`staffing.planner.Plan.intervals` (or an evaluation's intervals: then
        ``agents`` is the given staffing).
    queue : str, optional
        Queue to draw; may be omitted when there is only one.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    legend : bool, default True
        Draw the legend.
    agents_label : str, default "Required agents"
        Legend label of the ``agents`` line ("Staffed agents" for an evaluation).

    Returns
    -------
    matplotlib Axes
        The agents axis; the service level is on a twin axis on the right (0-100%).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    queues = list(pd.unique(intervals["queue"]))
    if queue is None:
        if len(queues) != 1:
            raise ValueError(f"several queues ({', '.join(map(str, queues))}): choose one")
        queue = str(queues[0])
    one = intervals[intervals["queue"] == queue]
    if one.empty:
        raise ValueError(f"no intervals for queue {queue!r}")
    grid = _regular(one)
    t = grid.index

    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.6), layout="constrained")
    ax.fill_between(t, 0, grid["agents"], step="post", color=_REQUIRED, alpha=0.18, linewidth=0)
    ax.step(t, grid["agents"], where="post", color=_REQUIRED, linewidth=1.4, label=agents_label)
    if "required" in grid and grid["required"].notna().any():
        # an evaluation: the given staffing against what the targets need
        need = grid["required"].to_numpy(dtype=float)
        have = grid["agents"].to_numpy(dtype=float)
        ax.step(
            t, need, where="post", color="black", linewidth=1.0, linestyle="--",
            label="Required agents",
        )  # fmt: skip
        with np.errstate(invalid="ignore"):
            ax.fill_between(
                t, need, have, where=have > need, step="post", color="#31a354", alpha=0.35,
                linewidth=0, label="Over",
            )  # fmt: skip
            ax.fill_between(
                t, need, have, where=have < need, step="post", color="#de2d26", alpha=0.45,
                linewidth=0, label="Under",
            )  # fmt: skip
    elif "scheduled" in grid and not np.allclose(
        grid["scheduled"].fillna(0), grid["agents"].fillna(0)
    ):
        ax.step(
            t,
            grid["scheduled"],
            where="post",
            color=_SCHEDULED,
            linewidth=1.6,
            label="Scheduled staff (after in-centre shrinkage)",
        )
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole agents on the axis
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(
        f"{queue}: peak {int(np.nanmax(grid['agents'].to_numpy(dtype=float))):d} agents, "
        f"{one['calls'].sum():,.0f} calls",
        loc="left",
        fontsize=11,
        fontweight="bold",
    )

    sl_ax = ax.twinx()
    sl_ax.plot(
        t,
        grid["service_level"],
        color=_SL,
        linewidth=0.9,
        alpha=0.9,
        drawstyle="steps-post",
        label="Predicted service level",
    )
    if "target" in grid:
        target = grid["target"].map(_sl_target).astype(float)
        if target.notna().any():
            sl_ax.plot(
                t,
                target,
                color=_SL,
                linewidth=1.0,
                linestyle="--",
                drawstyle="steps-post",
                label="Service-level target",
            )
    sl_ax.set_ylim(0, 1.05)
    sl_ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    thresholds = sorted(set(one["threshold_s"].dropna())) if "threshold_s" in one else []
    # several with targets by time window; deferred work's deadlines in hours
    if all(x < 3600 for x in thresholds):
        within = " or ".join(f"{x:g}" for x in thresholds) + " s"
    else:
        within = " or ".join(format_duration(x) for x in thresholds)
    sl_ax.set_ylabel(
        f"service level (within {within})" if thresholds else "service level", color=_SL
    )
    sl_ax.tick_params(axis="y", colors=_SL)
    sl_ax.spines["right"].set_color(_SL)

    start = t.min().normalize()
    end = (t.max() - pd.Timedelta(seconds=1)).normalize() + pd.Timedelta(days=1)
    _time_axis(ax, start, end)
    if legend:
        lines = ax.get_legend_handles_labels()
        sl_lines = sl_ax.get_legend_handles_labels()
        ax.legend(
            lines[0] + sl_lines[0],
            lines[1] + sl_lines[1],
            loc="upper left",
            fontsize=8,
            ncols=4,
            frameon=False,
            bbox_to_anchor=(0, -0.12),
        )
    return ax


def plot_heatmap(intervals: pd.DataFrame, value: str = "agents", *, ax: Any = None) -> Any:
    """Day by time of day: agents required (or short) summed over queues.

    Parameters
    ----------
    intervals : DataFrame
        A plan's (or an evaluation's) interval table.
    value : {"agents", "shortfall"}, default "agents"
        ``agents``: the agents of each interval; ``shortfall``: agents below the
        requirement (``required - agents`` where positive; an evaluation with targets).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One row per day, one column per time of day, each cell annotated when the grid is
        small enough to read.
    """
    import matplotlib.pyplot as plt

    t = intervals["interval_start"]
    wall = t.dt.tz_localize(None) if isinstance(t.dtype, pd.DatetimeTZDtype) else t
    if value == "shortfall":
        gap = intervals["required"].to_numpy(dtype=float) - intervals["agents"].to_numpy(
            dtype=float
        )
        amount = np.where(np.isfinite(gap), np.maximum(gap, 0.0), 0.0)
        label, cmap = "agents short of the requirement", "Reds"
    elif value == "agents":
        amount = intervals["agents"].to_numpy(dtype=float)
        label, cmap = "agents required", "Blues"
    else:
        raise ValueError(f"value {value!r}: use agents or shortfall")
    frame = pd.DataFrame(
        {"day": wall.dt.strftime("%a %d %b"), "date": wall.dt.normalize(),
         "time": wall.dt.strftime("%H:%M"), "amount": amount}
    )  # fmt: skip
    grid = frame.pivot_table(index=["date", "day"], columns="time", values="amount", aggfunc="sum")
    grid = grid.sort_index(axis=0).sort_index(axis=1)
    if ax is None:
        _, ax = plt.subplots(
            figsize=(min(2 + 0.32 * grid.shape[1], 18), 1.2 + 0.42 * grid.shape[0]),
            layout="constrained",
        )
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=0)
    ax.set_yticks(range(grid.shape[0]), [day for _, day in grid.index], fontsize=8)
    step = max(1, grid.shape[1] // 24)
    ax.set_xticks(
        range(0, grid.shape[1], step), list(grid.columns[::step]), fontsize=7, rotation=90
    )
    if grid.size <= 800:
        peak = float(np.nanmax(grid.to_numpy(dtype=float))) if grid.size else 0.0
        for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
            if np.isfinite(v) and v > 0:
                colour = "white" if v > 0.6 * peak else "black"
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6, color=colour)
    ax.set_xlabel("interval starting")
    ax.set_title(f"{label.capitalize()}, all queues, by day and time", loc="left", fontsize=11)
    ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)
    return ax


def _time_axis(ax: Any, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Day boundaries as grid lines, day names centred under each day (short horizons)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import NullFormatter

    ax.set_xlim(start, end)
    if (end - start) <= pd.Timedelta(days=16):
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(NullFormatter())
        ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=[12]))
        ax.xaxis.set_minor_formatter(mdates.DateFormatter("%a %d %b"))
        ax.tick_params(axis="x", which="minor", length=0)
        ax.grid(axis="x", which="major", alpha=0.35)
    else:
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plan_figure(
    intervals: pd.DataFrame,
    *,
    max_queues: int = 6,
    title: str | None = None,
    heading: str = "Staffing plan",
    agents_label: str = "Required agents",
) -> Any:
    """A deck-ready figure: one panel per queue of required vs scheduled agents and service level.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`staffing.planner.Plan.intervals`.
    max_queues : int, default 6
        Draw at most this many queues (the busiest by calls); the title says so.
    title : str, optional
        Figure title; by default ``heading``, the horizon and the number of queues.
    heading : str, default "Staffing plan"
        Start of the default title.
    agents_label : str, default "Required agents"
        Legend label of the ``agents`` line.

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    volume = intervals.groupby("queue", sort=False)["calls"].sum().sort_values(ascending=False)
    queues = list(volume.index[:max_queues])
    n = len(queues)
    fig, axes = plt.subplots(
        n, 1, figsize=(12, 1.2 + 2.9 * n), sharex=True, layout="constrained", squeeze=False
    )
    for k, (queue, ax) in enumerate(zip(queues, axes[:, 0], strict=True)):
        plot_requirement(intervals, str(queue), ax=ax, legend=False, agents_label=agents_label)
        if k == 0:
            lines, labels = [], []
            for a in fig.axes:
                h, lab = a.get_legend_handles_labels()
                lines += h
                labels += lab
            fig.legend(
                lines, labels, loc="outside lower center", ncols=4, frameon=False, fontsize=9
            )
    start, end = intervals["interval_start"].min(), intervals["interval_start"].max()
    _time_axis(
        axes[0, 0],
        start.normalize(),
        (end + pd.Timedelta(seconds=float(intervals["interval_s"].max()) - 1)).normalize()
        + pd.Timedelta(days=1),
    )
    shown = (
        f"{n} busiest of {len(volume)} queues"
        if len(volume) > n
        else (f"{n} queue{'s' if n != 1 else ''}")
    )
    fig.suptitle(
        title or f"{heading} {start:%a %d %b %Y} to {end:%a %d %b %Y} ({shown})",
        fontsize=13,
        fontweight="bold",
    )
    return fig

"""Figures of a simulated plan: predicted vs simulated service level per interval."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.queueing.targets import TargetSet

__all__ = ["plot_simulation", "simulation_figure"]

_SIMULATED = "#1f4e79"
_BAND = "#9ecae1"
_PREDICTED = "#7f7f7f"
_TARGET = "#d62728"


def _sl_target(key: Any) -> float:
    """Fraction of the first service-level target of a target text (NaN if none)."""
    if not isinstance(key, str) or not key:
        return np.nan
    levels = TargetSet.parse(key).service_levels
    return levels[0].fraction if levels else np.nan


def _grid(one: pd.DataFrame) -> pd.DataFrame:
    """One queue on a regular time grid.

    Closed hours are NaN, so lines break there, and one row after the last interval makes
    its step drawn.
    """
    one = one.sort_values("interval_start").set_index("interval_start")
    index = pd.DatetimeIndex(one.index)
    steps = pd.TimedeltaIndex(np.diff(index.to_numpy()))
    positive = steps[steps > pd.Timedelta(0)]
    step = positive.min() if len(positive) else pd.Timedelta(minutes=30)
    grid = one.reindex(pd.date_range(index.min(), index.max() + step, freq=step, tz=index.tz))
    # each open stretch's last value also at its end, so its last step is drawn
    drawn = ["service_level", "service_level_lo", "service_level_hi", "predicted_service_level"]
    grid[drawn] = grid[drawn].ffill(limit=1)
    grid["target"] = grid["target"].ffill(limit=1)
    return grid


def plot_simulation(
    intervals: pd.DataFrame,
    queue: str | None = None,
    *,
    ax: Any = None,
    legend: bool = True,
) -> Any:
    """Predicted and simulated service level of one queue, with the band and the target.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`staffing.simulation.SimulatedPlan.intervals`.
    queue : str, optional
        Queue to draw; may be omitted when there is only one.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    legend : bool, default True
        Draw the legend.

    Returns
    -------
    matplotlib Axes
        Service level (0-100%) across the horizon: the simulated figure of each interval
        with its 95% band, the stationary prediction the plan was built on (dashed), the
        service-level target, and a mark on every interval significantly missing one of its
        targets (service level, or abandon rate, ASA, occupancy: the mark sits on the
        service level all the same).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from staffing.simulation import SimulationOptions, simulate_plan
    >>> plan = pd.DataFrame({"interval_start": ["2025-03-05 09:00", "2025-03-05 09:30"],
    ...                      "calls": [60.0, 60.0], "aht_s": 300.0, "agents": [14, 11],
    ...                      "target": "80/20"})
    >>> sim = simulate_plan(plan, options=SimulationOptions(replications=50))
    >>> ax = plot_simulation(sim.intervals)
    >>> ax.get_ylabel()
    'service level'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
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
    grid = _grid(one)
    t = grid.index
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.6), layout="constrained")
    lo = grid["service_level_lo"].to_numpy(dtype=float)
    hi = grid["service_level_hi"].to_numpy(dtype=float)
    ax.fill_between(
        t,
        lo,
        hi,
        step="post",
        color=_BAND,
        alpha=0.6,
        linewidth=0,
        label="Simulated, 95% interval",
    )
    ax.step(
        t,
        grid["service_level"],
        where="post",
        color=_SIMULATED,
        linewidth=1.3,
        label="Simulated through the day",
    )
    ax.step(
        t,
        grid["predicted_service_level"],
        where="post",
        color=_PREDICTED,
        linewidth=1.0,
        linestyle="--",
        label="Predicted (interval alone, steady state)",
    )
    target = grid["target"].map(_sl_target).astype(float) if "target" in grid else None
    if target is not None and target.notna().any():
        ax.step(t, target, where="post", color=_TARGET, linewidth=1.0, label="Target")
    flags = grid["significant_miss"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    missed = grid.index[flags]
    if len(missed):
        half = (t[1] - t[0]) / 2 if len(t) > 1 else pd.Timedelta(0)
        ax.plot(
            missed + half,
            grid.loc[missed, "service_level"],
            linestyle="none",
            marker="v",
            color=_TARGET,
            markersize=6,
            label="A target significantly missed",
        )
    shown = [lo, grid["predicted_service_level"].to_numpy(dtype=float)]
    if target is not None:
        shown.append(target.to_numpy(dtype=float))
    lowest = np.nanmin(np.concatenate(shown)) if np.isfinite(np.concatenate(shown)).any() else 0
    ax.set_ylim(max(0.0, np.floor((lowest - 0.05) * 10) / 10), 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("service level")
    ax.grid(axis="y", alpha=0.3)
    busy = one[one["calls"] > 0]
    below = int((busy["significant_miss"]).sum())
    ax.set_title(
        f"{queue}: {below} of {len(busy)} intervals significantly below target",
        loc="left",
        fontsize=11,
        fontweight="bold",
    )
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1), fontsize=8, ncols=5, frameon=False)
    return ax


def simulation_figure(
    intervals: pd.DataFrame,
    *,
    queues: list[str] | None = None,
    heading: str | None = None,
) -> Any:
    """One panel per queue of :func:`plot_simulation`, stacked.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`staffing.simulation.SimulatedPlan.intervals`.
    queues : list of str, optional
        Queues to draw, in order (default all, in the table's order).
    heading : str, optional
        Figure title.

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    names = queues if queues is not None else [str(q) for q in pd.unique(intervals["queue"])]
    fig, axes = plt.subplots(
        len(names),
        1,
        figsize=(12, 3.2 * len(names) + 0.9),
        layout="constrained",
        squeeze=False,
        sharex=True,
    )
    found: dict[str, Any] = {}
    for q, ax in zip(names, axes[:, 0], strict=True):
        plot_simulation(intervals, q, ax=ax, legend=False)
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            found.setdefault(label, handle)
    if heading:
        fig.suptitle(heading, fontsize=13, fontweight="bold")
    # one legend for every panel, below them: it never covers a panel's lines
    fig.legend(
        list(found.values()),
        list(found.keys()),
        loc="outside lower center",
        ncols=min(len(found), 5),
        fontsize=8,
        frameon=False,
    )
    return fig

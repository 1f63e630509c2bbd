"""Figures of a capacity plan: requirement, productive and paid FTE, and the classes hired."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["capacity_figure", "plot_capacity", "plot_classes"]

_OPT = "#1f4e79"
_GAP = "#d95f02"
_REQ = "black"


def _one(weeks: pd.DataFrame, queue: str | None) -> tuple[pd.DataFrame, str]:
    queues = list(pd.unique(weeks["queue"]))
    if queue is None:
        if len(queues) != 1:
            raise ValueError(f"several queues ({', '.join(map(str, queues))}): choose one")
        queue = str(queues[0])
    one = weeks[weeks["queue"] == queue]
    if one.empty:
        raise ValueError(f"no weeks for queue {queue!r}")
    return one, queue


def _x(one: pd.DataFrame) -> Any:
    week = one["week"]
    return pd.DatetimeIndex(week) if week.dtype.kind == "M" else week.to_numpy()


def plot_capacity(
    weeks: pd.DataFrame, queue: str | None = None, *, ax: Any = None, legend: bool = True
) -> Any:
    """Requirement, productive and paid FTE per week, both plans.

    Parameters
    ----------
    weeks : DataFrame
        :attr:`staffing.capacity.CapacityPlan.weeks`.
    queue : str, optional
        Queue to draw; may be omitted when there is only one.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    legend : bool, default True

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Solid lines are productive FTE (tenured equivalents), dashed lines paid FTE (every
    person on the payroll, in the classroom too); the optimised plan in blue, hire-to-gap
    in orange, the requirement in black. With a simulation, the band below the optimised
    plan's productive FTE reaches down to their 10th percentile.
    """
    import matplotlib.pyplot as plt

    one, queue = _one(weeks, queue)
    x = _x(one)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4), layout="constrained")
    if "productive_p10" in one:
        ax.fill_between(
            x,
            one["productive_p10"],
            one["productive"],
            step="mid",
            color=_OPT,
            alpha=0.15,
            linewidth=0,
            label="optimised: 10th percentile",
        )
    ax.step(x, one["requirement"], where="mid", color=_REQ, linewidth=1.6, label="requirement")
    ax.step(
        x, one["productive"], where="mid", color=_OPT, linewidth=1.6, label="optimised: productive"
    )
    ax.step(
        x,
        one["paid"],
        where="mid",
        color=_OPT,
        linewidth=1.1,
        linestyle="--",
        label="optimised: paid",
    )
    ax.step(
        x,
        one["gap_productive"],
        where="mid",
        color=_GAP,
        linewidth=1.4,
        label="hire-to-gap: productive",
    )
    ax.step(
        x,
        one["gap_paid"],
        where="mid",
        color=_GAP,
        linewidth=1.0,
        linestyle="--",
        label="hire-to-gap: paid",
    )
    short = one["shortage"].to_numpy(dtype=float) > 0
    with np.errstate(invalid="ignore"):
        ax.fill_between(
            x,
            one["productive"],
            one["requirement"],
            where=short,
            step="mid",
            color="#de2d26",
            alpha=0.35,
            linewidth=0,
            label="optimised: short",
        )
    ax.set_ylabel("FTE")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"{queue}: requirement, productive and paid FTE per week")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def plot_classes(
    weeks: pd.DataFrame, queue: str | None = None, *, ax: Any = None, legend: bool = True
) -> Any:
    """People in the classes decided each week, both plans side by side as bars.

    Parameters
    ----------
    weeks : DataFrame
        :attr:`staffing.capacity.CapacityPlan.weeks`.
    queue : str, optional
        Queue to draw; may be omitted when there is only one.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    legend : bool, default True

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    one, queue = _one(weeks, queue)
    x = _x(one)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 2.6), layout="constrained")
    dated = one["week"].dtype.kind == "M"
    width: Any = pd.Timedelta(days=3) if dated else 0.4
    shift: Any = pd.Timedelta(days=1.5) if dated else 0.2
    opt = one["decided"].to_numpy(dtype=float)
    gap = one["gap_decided"].to_numpy(dtype=float)
    ax.bar(x - shift, opt, width=width, color=_OPT, label=f"optimised ({opt.sum():.0f} hires)")
    ax.bar(x + shift, gap, width=width, color=_GAP, label=f"hire-to-gap ({gap.sum():.0f} hires)")
    ax.set_ylabel("people hired")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("classes, by the week they are decided")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def capacity_figure(plan: Any, queue: str | None = None, *, title: str | None = None) -> Any:
    """Both panels of a capacity plan, one above the other: FTE per week and the classes.

    Parameters
    ----------
    plan : CapacityPlan
        :func:`staffing.capacity_plan`'s result.
    queue : str, optional
        Queue to draw (default the first).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    weeks = plan.weeks
    if queue is None:
        queue = str(weeks["queue"].iloc[0])
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(12, 6.4), sharex=True, height_ratios=(2.6, 1), layout="constrained"
    )
    plot_capacity(weeks, queue, ax=top)
    plot_classes(weeks, queue, ax=bottom)
    if title:
        fig.suptitle(title)
    return fig

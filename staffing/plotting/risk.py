"""Figures of a period's risk.

The distribution of each period's service level against its target, and the day re-projected
from its actuals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.queueing.targets import TargetSet

__all__ = ["intraday_figure", "plot_intraday", "plot_period_risk", "risk_figure"]

_PLAN = "#1f4e79"
_STAFFED = "#2ca02c"
_TARGET = "#d62728"
_BAND = "#9ecae1"
_ZONES = (("#fff3bf", "warning"), ("#ffd8a8", "interrupt offline work"), ("#ffc9c9", "all hands"))


def _fraction(target: Any) -> float:
    if not isinstance(target, str) or not target:
        return np.nan
    levels = TargetSet.parse(target).service_levels
    return levels[0].fraction if levels else np.nan


def _label(start: Any, queue: str, several_periods: bool) -> str:
    stamp = pd.Timestamp(start)
    return f"{queue}\n{stamp:%Y-%m-%d}" if several_periods else str(queue)


def plot_period_risk(
    periods: pd.DataFrame,
    replications: pd.DataFrame,
    *,
    compare: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("plan", "staffed to the probability"),
    ax: Any = None,
) -> Any:
    """The simulated service level of every period against its target, with ``p_meet``.

    Parameters
    ----------
    periods : DataFrame
        :attr:`staffing.risk.PeriodRisk.periods`.
    replications : DataFrame
        :attr:`staffing.risk.PeriodRisk.replications`.
    compare : DataFrame, optional
        Replications of another staffing of the same periods (e.g.
        :attr:`staffing.risk.StaffedToProbability.after`), drawn beside.
    labels : (str, str)
        Legend names of the two.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One violin per queue and period (the distribution of its service level over the
        replications, the 5th, 50th and 95th percentiles marked), the target as a red
        line across it and ``P(SL >= target)`` written above.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from staffing.risk import period_risk
    >>> from staffing.simulation import SimulationOptions
    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2025-03-03 09:00", periods=4, freq="30min"),
    ...     "calls": 60.0, "aht_s": 300.0, "agents": 14, "target": "80/20"})
    >>> r = period_risk(plan, period="day", options=SimulationOptions(replications=100))
    >>> ax = plot_period_risk(r.periods, r.replications)
    >>> ax.get_ylabel()
    'service level of the period'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    if ax is None:
        width = max(5.0, 1.3 * len(periods) * (2 if compare is not None else 1) + 1.5)
        _, ax = plt.subplots(figsize=(min(width, 16.0), 4.6), layout="constrained")
    several = len(set(periods["period_start"])) > 1
    x = np.arange(len(periods), dtype=float)
    shift = 0.2 if compare is not None else 0.0
    lowest = 1.0
    for data, offset, colour in (
        (replications, -shift, _PLAN),
        (compare, shift, _STAFFED),
    ):
        if data is None:
            continue
        values = []
        for row in periods.itertuples(index=False):
            pick = (data["period_start"] == row.period_start) & (data["queue"] == row.queue)
            v = data.loc[pick, "service_level"].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            values.append(v if v.size else np.array([np.nan]))
            if v.size:
                lowest = min(lowest, float(np.quantile(v, 0.005)))
        drawn = [i for i, v in enumerate(values) if np.isfinite(v).any()]
        if drawn:
            parts = ax.violinplot(
                [values[i] for i in drawn],
                positions=x[drawn] + offset,
                widths=0.36 if shift else 0.7,
                showextrema=False,
                quantiles=[[0.05, 0.5, 0.95]] * len(drawn),
            )
            for body in parts["bodies"]:
                body.set_facecolor(colour)
                body.set_edgecolor(colour)
                body.set_alpha(0.45)
            parts["cquantiles"].set_color(colour)
            parts["cquantiles"].set_linewidth(1.0)
        for i, v in enumerate(values):
            if not np.isfinite(v).any():
                continue
            fraction = _fraction(periods["target"].iloc[i])
            share = float(np.mean(v >= fraction - 1e-12)) if np.isfinite(fraction) else np.nan
            if np.isfinite(share):
                ax.annotate(
                    f"{share:.0%}",
                    (x[i] + offset, float(np.max(v))),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=colour,
                    fontweight="bold",
                )
    fractions = periods["target"].map(_fraction).to_numpy(dtype=float)
    for i, fraction in enumerate(fractions):
        if np.isfinite(fraction):
            ax.hlines(fraction, x[i] - 0.45, x[i] + 0.45, color=_TARGET, linewidth=1.4)
            lowest = min(lowest, fraction)
    ax.set_xticks(x)
    ax.set_xticklabels(
        [
            _label(s, q, several)
            for s, q in zip(periods["period_start"], periods["queue"], strict=True)
        ],
        fontsize=8,
    )
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.set_ylim(max(0.0, np.floor((lowest - 0.03) * 20) / 20), 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("service level of the period")
    ax.grid(axis="y", alpha=0.3)
    handles: list[Any] = [Patch(color=_PLAN, alpha=0.45, label=labels[0])]
    if compare is not None:
        handles.append(Patch(color=_STAFFED, alpha=0.45, label=labels[1]))
    handles.append(plt.Line2D([], [], color=_TARGET, label="target"))
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=False, ncols=3)
    ax.set_title(
        "Service level of each period over the simulated replications, P(SL >= target) above",
        loc="left",
        fontsize=10,
    )
    return ax


def risk_figure(
    periods: pd.DataFrame,
    replications: pd.DataFrame,
    *,
    compare: pd.DataFrame | None = None,
    heading: str | None = None,
) -> Any:
    """:func:`plot_period_risk` as a figure with a heading."""
    ax = plot_period_risk(periods, replications, compare=compare)
    if heading:
        ax.figure.suptitle(heading, fontsize=12, fontweight="bold")
    return ax.figure


def plot_intraday(
    intervals: pd.DataFrame,
    days: pd.DataFrame,
    queue: str | None = None,
    *,
    bands: tuple[float, float] = (5.0, 10.0),
    ax: Any = None,
    legend: bool = True,
) -> Any:
    """One queue's day: the actuals so far, the projection of the rest and the target.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`staffing.risk.IntradayProjection.intervals`.
    days : DataFrame
        :attr:`staffing.risk.IntradayProjection.days`.
    queue : str, optional
        The queue (may be omitted when there is one).
    bands : (float, float), default (5, 10)
        The rules of engagement's band edges [points below target], shaded.
    ax : matplotlib Axes, optional
    legend : bool, default True

    Returns
    -------
    matplotlib Axes
        Per interval the service level as it went (done) and as projected with its 5-95%
        range (the rest), the plan's prediction, the day's service level from the opening
        (actual, then expected) as a thick line, the target with the bands below it, a
        line at ``now`` and one at the latest interval from which the day can still be
        recovered.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from staffing.risk import intraday
    >>> from staffing.simulation import SimulationOptions
    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2025-03-05 09:00", periods=4, freq="30min"),
    ...     "calls": 60.0, "aht_s": 300.0, "agents": 14, "target": "80/20"})
    >>> actuals = pd.DataFrame({
    ...     "interval_start": ["2025-03-05 09:00"], "queue": "main", "offered": [75],
    ...     "answered": [75], "abandoned": [0], "answered_within": [56]})
    >>> day = intraday(plan, actuals, "09:30", options=SimulationOptions(replications=50))
    >>> ax = plot_intraday(day.intervals, day.days)
    >>> ax.get_ylabel()
    'service level'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    queues = [str(q) for q in pd.unique(days["queue"])]
    if queue is None:
        if len(queues) != 1:
            raise ValueError(f"several queues ({', '.join(queues)}): choose one")
        queue = queues[0]
    one = intervals[intervals["queue"] == queue].sort_values("interval_start")
    day = days[days["queue"] == queue]
    if one.empty or day.empty:
        raise ValueError(f"no intervals for queue {queue!r}")
    row = day.iloc[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.8), layout="constrained")
    t = pd.DatetimeIndex(one["interval_start"])
    step = (t[1] - t[0]) if len(t) > 1 else pd.Timedelta(minutes=30)
    edges = t.append(pd.DatetimeIndex([t[-1] + step]))

    def stepped(values: np.ndarray) -> np.ndarray:
        return np.append(values, values[-1])

    fraction = _fraction(row["target"])
    if np.isfinite(fraction):
        low, high = bands
        levels = [fraction, fraction - low / 100, fraction - high / 100, 0.0]
        for (colour, name), top, bottom in zip(_ZONES, levels[:-1], levels[1:], strict=True):
            ax.axhspan(max(bottom, 0.0), top, color=colour, alpha=0.4, linewidth=0, label=name)
        ax.axhline(fraction, color=_TARGET, linewidth=1.3, label=f"target {row['target']}")
    done = one["done"].to_numpy(dtype=bool)
    sl = one["service_level"].to_numpy(dtype=float)
    rest = ~done
    if rest.any():
        lo = np.where(rest, one["sl_p05"].to_numpy(dtype=float), np.nan)
        hi = np.where(rest, one["sl_p95"].to_numpy(dtype=float), np.nan)
        ax.fill_between(
            edges,
            stepped(lo),
            stepped(hi),
            step="post",
            color=_BAND,
            alpha=0.3,
            linewidth=0,
            label="interval, projected 5-95%",
        )
        ax.step(
            edges,
            stepped(np.where(rest, sl, np.nan)),
            where="post",
            color=_PLAN,
            linewidth=1.0,
            linestyle="--",
            label="interval, projected",
        )
    if done.any():
        ax.step(
            edges,
            stepped(np.where(done, sl, np.nan)),
            where="post",
            color="black",
            linewidth=1.0,
            label="interval, actual",
        )
    ax.step(
        edges,
        stepped(one["predicted_service_level"].to_numpy(dtype=float)),
        where="post",
        color="#7f7f7f",
        linewidth=0.8,
        linestyle=":",
        label="interval, as planned",
    )
    ends = t + step
    cumulative = one["cumulative_service_level"].to_numpy(dtype=float)
    ax.plot(
        ends,
        cumulative,
        color=_PLAN,
        linewidth=2.4,
        label="the day so far (actual, then expected)",
    )
    now = pd.Timestamp(row["now"])
    ax.axvline(now, color="black", linewidth=1.0)
    ax.annotate("now", (now, 1.0), xytext=(3, -10), textcoords="offset points", fontsize=8)
    latest = row["latest_recovery"]
    if not pd.isna(latest):
        ax.axvline(pd.Timestamp(latest), color=_TARGET, linewidth=1.0, linestyle="--")
        ax.annotate(
            "last chance",
            (pd.Timestamp(latest), 1.0),
            xytext=(3, -20),
            textcoords="offset points",
            fontsize=8,
            color=_TARGET,
        )
    shown = np.concatenate([sl, cumulative, [fraction if np.isfinite(fraction) else 1.0]])
    bottom = np.nanmin(shown) if np.isfinite(shown).any() else 0.0
    ax.set_ylim(max(0.0, np.floor((bottom - 0.12) * 10) / 10), 1.02)
    ax.set_xlim(edges[0], edges[-1])
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("service level")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(
        f"{queue}, {now:%a %Y-%m-%d} at {now:%H:%M}: projected day "
        f"{row['expected_service_level']:.1%}, P(day >= target) = {row['p_meet']:.0%}: "
        f"{row['band']}",
        loc="left",
        fontsize=11,
        fontweight="bold",
    )
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1), fontsize=8, ncols=5, frameon=False)
    return ax


def intraday_figure(
    intervals: pd.DataFrame,
    days: pd.DataFrame,
    *,
    bands: tuple[float, float] = (5.0, 10.0),
    heading: str | None = None,
) -> Any:
    """One panel per queue of :func:`plot_intraday`, stacked."""
    import matplotlib.pyplot as plt

    names = [str(q) for q in pd.unique(days["queue"])]
    fig, axes = plt.subplots(
        len(names), 1, figsize=(12, 3.4 * len(names) + 0.8), layout="constrained", squeeze=False
    )
    for i, (q, ax) in enumerate(zip(names, axes[:, 0], strict=True)):
        plot_intraday(intervals, days, q, bands=bands, ax=ax, legend=i == len(names) - 1)
    if heading:
        fig.suptitle(heading, fontsize=13, fontweight="bold")
    return fig

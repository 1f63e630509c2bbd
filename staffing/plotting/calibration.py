"""Figures of a calibration.

Abandon rate against service level, patience curves, and the back-test of the models (per
interval, per day, and by hour of day against the noise floor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from staffing.calibration import Calibrator, relation_points

__all__ = [
    "backtest_figure",
    "calibration_figure",
    "plot_backtest",
    "plot_daily_service_level",
    "plot_error_by_hour",
    "plot_patience",
    "plot_relation",
]

_FIT = "#1f4e79"
_BAND = "#9ecae1"
_POINTS = "#8c8c8c"
_TARGET = "#d95f02"
_MODEL = "#7570b3"
_QUEUE_COLOURS = ["#1f4e79", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.4, 4.4))
    return ax


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def plot_relation(cal: Calibrator, *, ax: Any = None, max_points: int = 4000) -> Any:
    """Abandon rate against service level: intervals, the fit with its band, the target.

    Parameters
    ----------
    cal : Calibrator
        Fitted, with a relation (``cal.relation_`` not None).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    max_points : int, default 4000
        Draw at most this many intervals (a seeded random sample) to keep the figure
        light; the fit and the binned means use all of them.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Dots are intervals (area proportional to offered calls); diamonds are call-weighted
    mean abandon rates in service-level bins of 5 points; the line and shaded band are
    the fitted relation and its pointwise confidence band. With an abandon target, the
    horizontal line is the target, the orange bar the historical service level for it
    with its interval, and the purple marker Erlang A's answer with the fitted patience.
    """
    ax = _axes(ax)
    rel = cal.relation_
    pts = relation_points(cal.history_)
    if len(pts) > max_points:
        pts = pts.sample(max_points, random_state=0)
    sizes = 4.0 + 40.0 * pts["offered"] / max(float(pts["offered"].max()), 1.0)
    ax.scatter(
        pts["service_level"],
        pts["abandon_rate"],
        s=sizes,
        color=_POINTS,
        alpha=0.25,
        linewidths=0,
        label="intervals",
    )
    allp = relation_points(cal.history_)
    bins = np.clip((allp["service_level"] * 20).astype(int), 0, 19)
    sums = (
        allp.assign(bin=bins, weighted_sl=allp["service_level"] * allp["offered"])
        .groupby("bin")[["weighted_sl", "abandoned", "offered"]]
        .sum()
    )
    binned = pd.DataFrame(
        {
            "sl": sums["weighted_sl"] / sums["offered"],
            "ab": sums["abandoned"] / sums["offered"],
            "n": sums["offered"],
        }
    )
    binned = binned[binned["n"] >= 50]
    ax.plot(binned["sl"], binned["ab"], "D", color="black", ms=4, label="binned mean")
    if rel is not None:
        grid = np.linspace(0.0, 1.0, 201)
        lo, hi = rel.band(grid)
        ax.fill_between(grid, lo, hi, color=_BAND, alpha=0.6, lw=0, label="confidence band")
        ax.plot(grid, rel.predict(grid), color=_FIT, lw=2, label="fitted relation")
    target = cal.target_
    if target:
        r = target["abandon_target"]
        ax.axhline(r, color=_TARGET, lw=1, ls="--")
        sl = target["sl_for_abandon_target"]
        lo_sl, hi_sl = target["sl_for_abandon_target_ci"]
        if np.isfinite(sl):
            ax.errorbar(
                [sl],
                [r],
                xerr=[[sl - lo_sl], [hi_sl - sl]],
                fmt="o",
                color=_TARGET,
                capsize=4,
                label=f"history: {sl:.1%} for {r:.0%} abandons",
            )
        model = target["erlang_a_sl_for_abandon_target"]
        if np.isfinite(model):
            ax.plot([model], [r], "s", color=_MODEL, ms=7, label=f"Erlang A: {model:.1%}")
    ax.set_xlim(0, 1)
    top = float(binned["ab"].max()) if len(binned) else 0.2
    if target:
        top = max(top, 2.0 * target["abandon_target"])
    ax.set_ylim(0, min(max(top, 0.05) * 1.25, 1.0))
    _percent_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel(f"service level (answered within {cal.threshold_s:g} s / offered)")
    ax.set_ylabel("abandon rate")
    ax.set_title("Abandon rate vs service level")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_patience(cal: Calibrator, *, ax: Any = None, max_wait_s: float | None = None) -> Any:
    """Patience survival curves per queue: Kaplan–Meier against the fitted exponential.

    Parameters
    ----------
    cal : Calibrator
        Fitted.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    max_wait_s : float, optional
        Right end of the time axis [s]; by default the 99th percentile of observed waits
        (call records) or three times the largest fitted patience.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    With call records, each queue's Kaplan–Meier estimate of P(patience > t) is drawn as
    a step line with its band, and the fitted exponential ``exp(-t / patience)`` dashed:
    where they part, the exponential assumption behind Erlang A does not hold. From an
    interval report only the fitted exponential can be drawn, with the band given by the
    patience interval.
    """
    ax = _axes(ax)
    summary = cal.summary
    finite = summary["patience_s"][np.isfinite(summary["patience_s"])]
    if max_wait_s is None:
        if cal.records_ is not None and len(cal.records_):
            max_wait_s = float(np.quantile(cal.records_["wait_s"], 0.99))
        else:
            max_wait_s = 3.0 * float(finite.max()) if len(finite) else 600.0
        max_wait_s = max(max_wait_s, 60.0)
    grid = np.linspace(0.0, max_wait_s, 300)
    for i, row in enumerate(summary.to_dict(orient="records")):
        colour = _QUEUE_COLOURS[i % len(_QUEUE_COLOURS)]
        queue = str(row["queue"])
        theta = float(row["patience_s"])
        km = cal.kaplan_meier_.get(queue)
        if km is not None and not km.survival_.empty:
            s = km.survival_
            t = np.concatenate([[0.0], s["time_s"].to_numpy()])
            surv = np.concatenate([[1.0], s["survival"].to_numpy()])
            lo = np.concatenate([[1.0], s["ci_low"].to_numpy()])
            hi = np.concatenate([[1.0], s["ci_high"].to_numpy()])
            keep = t <= max_wait_s
            ax.fill_between(t[keep], lo[keep], hi[keep], step="post", color=colour, alpha=0.15)
            ax.step(t[keep], surv[keep], where="post", color=colour, lw=1.6)
        if np.isfinite(theta):
            label = f"{queue}: mean {theta:.0f} s"
            ax.plot(grid, np.exp(-grid / theta), color=colour, ls="--", lw=1.4, label=label)
        else:
            ax.plot([], [], color=colour, lw=1.6, label=f"{queue}: not estimable")
        lo_t, hi_t = float(row["ci_low_s"]), float(row["ci_high_s"])
        if km is None and np.isfinite(lo_t) and lo_t > 0:
            # Without records the band comes from the patience interval (an upper limit
            # of inf, no abandons, leaves only the lower one: the curve lies above it).
            with np.errstate(divide="ignore"):
                ax.fill_between(
                    grid, np.exp(-grid / lo_t), np.exp(-grid / hi_t), color=colour, alpha=0.15
                )
    ax.set_xlim(0, max_wait_s)
    ax.set_ylim(0, 1.02)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("time waited [s]")
    ax.set_ylabel("still waiting: P(patience > t)")
    has_km = any(not km.survival_.empty for km in cal.kaplan_meier_.values())
    ax.set_title(
        "Customer patience (solid: Kaplan-Meier, dashed: exponential fit)"
        if has_km
        else "Customer patience (exponential fit)",
        fontsize="medium",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper right")
    return ax


def _backtest_of(source: Any) -> Any:
    """The back-test of a calibration, or the back-test itself."""
    return getattr(source, "backtest_", source)


def _model_colours() -> dict[str, tuple[str, str]]:
    return {
        "erlang_c": ("Erlang C", _TARGET),
        "erlang_a": ("Erlang A", _FIT),
        "simulation": ("simulation", "#1b9e77"),
    }


def plot_backtest(source: Any, *, ax: Any = None, max_points: int = 3000) -> Any:
    """Predicted against observed service level per interval, for every model back-tested.

    Parameters
    ----------
    source : CalibrationFitter or BackTestFitter
        A calibration with a back-test (``backtest_`` not None), or a back-test.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    max_points : int, default 3000
        Draw at most this many intervals (a seeded random sample).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    bt = _backtest_of(source)
    if bt is None:
        ax.text(0.5, 0.5, "no staffed agents in the history:\nno back-test", ha="center")
        ax.set_axis_off()
        return ax
    iv = bt.intervals_
    if len(iv) > max_points:
        iv = iv.sample(max_points, random_state=0)
    errors = bt.table("interval").groupby("model")["sl_mae"].mean()
    for model, (name, colour) in _model_colours().items():
        if model not in bt.models:
            continue
        ax.scatter(
            iv["service_level"],
            iv[f"{model}_service_level"],
            s=6,
            alpha=0.3,
            color=colour,
            linewidths=0,
            label=f"{name} (mean error {100 * errors[model]:.1f} pt)",
        )
    ax.plot([0, 1], [0, 1], color="black", lw=1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _percent_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("observed service level")
    ax.set_ylabel("predicted service level")
    ax.set_title("Back-test per interval")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", markerscale=3)
    return ax


def plot_daily_service_level(source: Any, *, ax: Any = None, queue: str | None = None) -> Any:
    """Realised against predicted service level per day, each model a line.

    Parameters
    ----------
    source : CalibrationFitter or BackTestFitter
        A calibration with a back-test, or a back-test.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    queue : str, optional
        One queue (default every queue together).

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    A day's realised service level is the ratio of its counts under the history's
    definition; a model's is the mean of its interval predictions weighted by the same
    denominators (as the back-test's day-level errors are computed). The shaded band is
    the realised value plus and minus the simulation's day-level noise floor.
    """
    ax = _axes(ax)
    bt = _backtest_of(source)
    iv = bt.intervals_ if queue is None else bt.intervals_[bt.intervals_["queue"] == queue]
    day = pd.to_datetime(iv["interval_start"]).dt.normalize()
    den = iv["sl_calls"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {"day": day.to_numpy(), "den": den, "num": iv["service_level"].to_numpy() * den}
    )
    models = [m for m in _model_colours() if m in bt.models]
    for model in models:
        frame[model] = np.nan_to_num(iv[f"{model}_service_level"].to_numpy()) * den
    daily = frame.groupby("day").sum()
    realised = daily["num"] / daily["den"]
    ax.plot(daily.index, realised, "o-", color="black", ms=3, lw=1, label="realised")
    for model in models:
        name, colour = _model_colours()[model]
        pred = daily[model] / daily["den"]
        mae = float(np.average(np.abs(pred - realised), weights=daily["den"]))
        ax.plot(daily.index, pred, color=colour, lw=1.4, label=f"{name} (MAE {100 * mae:.1f} pt)")
    _percent_axis(ax.yaxis)
    ax.set_ylim(0, 1)
    ax.set_ylabel("service level per day")
    ax.set_title("Predicted vs realised service level per day")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    return ax


def plot_error_by_hour(
    source: Any,
    *,
    ax: Any = None,
    measure: str = "service_level",
    queue: str | None = None,
    min_share: float = 0.005,
) -> Any:
    """Each model's error per interval by hour of day, against its noise floor.

    Parameters
    ----------
    source : CalibrationFitter or BackTestFitter
        A calibration with a back-test, or a back-test.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    measure : {"service_level", "abandon_rate"}, default "service_level"
    queue : str, optional
        One queue (default every queue together).
    min_share : float, default 0.005
        Leave out the hours holding less than this share of the calls (night hours with a
        handful of calls, whose errors say little and would fill the axis).

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    For the intervals starting in each hour of the day, the calls-weighted mean absolute
    error of each model (solid) and the mean of the same intervals' noise floors (dashed:
    the error the model would have if it were exactly right, by simulation of the same
    intervals). A solid line on its dashed one is as good as the data can tell.
    """
    ax = _axes(ax)
    bt = _backtest_of(source)
    iv = bt.intervals_ if queue is None else bt.intervals_[bt.intervals_["queue"] == queue]
    hour = pd.to_datetime(iv["interval_start"]).dt.hour.to_numpy()
    calls = iv["offered"].to_numpy(dtype=float)
    noise = "sl_noise" if measure == "service_level" else "abandon_noise"
    for model, (name, colour) in _model_colours().items():
        if model not in bt.models:
            continue
        err = np.abs(iv[f"{model}_{measure}"].to_numpy() - iv[measure].to_numpy())
        frame = (
            pd.DataFrame(
                {
                    "hour": hour,
                    "w": calls,
                    "err": np.nan_to_num(err) * calls,
                    "floor": np.nan_to_num(iv[f"{model}_{noise}"].to_numpy()) * calls,
                }
            )
            .groupby("hour")
            .sum()
        )
        frame = frame[frame["w"] >= min_share * calls.sum()]
        ax.plot(frame.index, frame["err"] / frame["w"], "o-", color=colour, ms=3, label=name)
        ax.plot(frame.index, frame["floor"] / frame["w"], "--", color=colour, lw=1)
    ax.plot([], [], "--", color="grey", lw=1, label="noise floor (model exactly right)")
    _percent_axis(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("hour of day")
    what = "service level" if measure == "service_level" else "abandon rate"
    ax.set_ylabel(f"mean absolute error of the {what} per interval")
    ax.set_title(f"Error by hour of day against the noise floor ({what})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper right")
    return ax


def backtest_figure(source: Any, *, title: str | None = None) -> Any:
    """The back-test in one figure.

    Service level per day, and the error by hour of day against the noise floor.

    Parameters
    ----------
    source : CalibrationFitter or BackTestFitter
        A calibration with a back-test, or a back-test.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib Figure
        Not attached to pyplot; save it with ``fig.savefig``.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12.8, 4.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_daily_service_level(source, ax=left)
    plot_error_by_hour(source, ax=right)
    if title:
        fig.suptitle(title)
    return fig


def calibration_figure(cal: Calibrator) -> Any:
    """One figure with the relation, the patience curves and (if any) the back-test.

    Parameters
    ----------
    cal : Calibrator
        Fitted.

    Returns
    -------
    matplotlib Figure
        Not attached to pyplot (nothing is shown); save it with ``fig.savefig``.
    """
    from matplotlib.figure import Figure

    panels = ["patience"]
    if cal.relation_ is not None:
        panels.insert(0, "relation")
    if cal.backtest_ is not None:
        panels += ["daily", "by_hour"]
    columns = 2 if len(panels) > 2 else len(panels)
    rows = (len(panels) + columns - 1) // columns
    fig = Figure(figsize=(6.4 * columns, 4.8 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    draw: dict[str, Callable[..., Any]] = {
        "relation": plot_relation,
        "patience": plot_patience,
        "daily": plot_daily_service_level,
        "by_hour": plot_error_by_hour,
    }
    for ax, name in zip(axes, panels, strict=False):
        draw[name](cal, ax=ax)
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    scope = getattr(cal, "backtest_scope_", "")
    fig.suptitle(f"Calibration of {cal.source_}" + (f" (back-test {scope})" if scope else ""))
    return fig

"""Figures of a forecast: history, forecast and its band; the back-test's error by lead."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.forecasting import ForecastResult

__all__ = ["forecast_figure", "plot_backtest_by_lead", "plot_forecast"]

_HISTORY = "#4d4d4d"
_FORECAST = "#1f4e79"
_BAND = "#9ecae1"
_METHODS = {"average": "#1b9e77", "median": "#7570b3", "naive": "#8c8c8c", "ets": "#d95f02"}


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9.0, 4.0))
    return ax


def _gapped(stamps: pd.Series, values: np.ndarray, interval_s: float) -> tuple[Any, Any]:
    """The series with a NaN wherever a step is longer than the interval (closed hours)."""
    t = stamps.to_numpy(dtype="datetime64[ns]")
    v = np.asarray(values, dtype=float)
    if t.size < 2:
        return t, v
    gap = np.flatnonzero(np.diff(t).astype(np.int64) > interval_s * 1e9)
    t = np.insert(t, gap + 1, t[gap] + np.timedelta64(int(interval_s * 1e9), "ns"))
    v = np.insert(v, gap + 1, np.nan)
    return t, v


def plot_forecast(
    result: ForecastResult, *, ax: Any = None, queue: str | None = None, days: int = 14
) -> Any:
    """The last ``days`` days of history, then the forecast's first ones with its band.

    Parameters
    ----------
    result : ForecastResult
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    queue : str, optional
        Queue to draw (default the first).
    days : int, default 14
        Days of history and of forecast shown.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    table = result.table
    queue = queue if queue is not None else str(table["queue"].iloc[0])
    f = table[table["queue"] == queue]
    h = result.counts[result.counts["queue"] == queue]
    span = pd.Timedelta(days=days)
    h = h[h["interval_start"] >= h["interval_start"].max() - span]
    f = f[f["interval_start"] < result.start.normalize() + span + pd.Timedelta(days=1)]
    iv = result.interval_s
    t, v = _gapped(h["interval_start"], h["calls"].to_numpy(), iv)
    ax.plot(t, v, color=_HISTORY, lw=0.9, label="history")
    t, lo = _gapped(f["interval_start"], f["calls_lo"].to_numpy(), iv)
    _, hi = _gapped(f["interval_start"], f["calls_hi"].to_numpy(), iv)
    ax.fill_between(t, lo, hi, color=_BAND, alpha=0.7, lw=0, label=f"central {result.coverage:.0%}")
    t, v = _gapped(f["interval_start"], f["calls"].to_numpy(), iv)
    method = result.choice.get(queue, "")
    ax.plot(t, v, color=_FORECAST, lw=1.1, label=f"forecast ({method})")
    ax.axvline(result.start.to_datetime64(), color="#b0b0b0", lw=0.8, ls="--")
    ax.set_ylabel(f"calls per {iv / 60:g} min")
    ax.set_title(f"{queue}: history and forecast")
    ax.legend(loc="upper left", fontsize=8, ncols=3)
    ax.set_ylim(bottom=0)
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    return ax


def plot_backtest_by_lead(
    result: ForecastResult, *, ax: Any = None, queue: str | None = None
) -> Any:
    """WAPE by lead (days ahead) of each method in the back-test; the chosen one bold.

    Parameters
    ----------
    result : ForecastResult
    ax : matplotlib Axes, optional
    queue : str, optional
        One queue (default all queues pooled: total absolute error over total calls).

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.ticker import PercentFormatter

    ax = _axes(ax)
    errors = result.backtest
    if queue is not None:
        errors = errors[errors["queue"] == queue]
    if errors.empty:
        ax.text(0.5, 0.5, "no back-test", ha="center", va="center", transform=ax.transAxes)
        return ax
    e = errors.assign(abs_error=errors["wape"] * errors["calls"])
    by = e.groupby(["method", "lead"], sort=True)[["abs_error", "calls"]].sum()
    wape = (
        (by["abs_error"] / by["calls"])
        .reset_index(name="wape")
        .pivot_table(index="method", columns="lead", values="wape")
    )
    chosen = set(result.choice.values()) if queue is None else {result.choice[queue]}
    for method, row in wape.iterrows():
        bold = method in chosen
        ax.plot(
            row.index,
            row.to_numpy(),
            marker="o",
            ms=3,
            lw=2.2 if bold else 1.0,
            color=_METHODS.get(str(method), "#444444"),
            label=f"{method}{' (chosen)' if bold else ''}",
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("lead [days ahead]")
    ax.set_ylabel("WAPE")
    ax.set_xticks(range(1, int(wape.columns.max()) + 1))
    ax.set_ylim(bottom=0)
    ax.set_title("Back-test: error by lead")
    ax.legend(fontsize=8)
    return ax


def forecast_figure(result: ForecastResult, *, queue: str | None = None, days: int = 14) -> Any:
    """History, forecast and band (top); the back-test by lead (bottom).

    Returns
    -------
    matplotlib Figure
        Not attached to pyplot; save it with ``fig.savefig``.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.0, 7.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 2])
    plot_forecast(result, ax=top, queue=queue, days=days)
    plot_backtest_by_lead(result, ax=bottom, queue=queue)
    return fig

"""Figures for contract work: target what-ifs, budget sweeps, outsourcing splits, credits.

Every ``plot_*`` function draws on ``ax`` (a new pyplot figure when omitted) and returns
the Axes; every ``*_figure`` function builds a whole :class:`matplotlib.figure.Figure`
without pyplot (so it also works headless) and returns it. Nothing calls ``plt.show()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "compare_figure",
    "credits_figure",
    "outsource_figure",
    "plot_attribution",
    "plot_compare",
    "plot_credits",
    "plot_exposure",
    "plot_outsource",
    "plot_sweep",
    "sweep_figure",
]

_MODEL_COLOURS = {"Erlang C": "#1f4e79", "Erlang A": "#d95f02"}
_BAR = "#1f4e79"
_BASE = "#9ecae1"
_TARGET = "#d62728"
_IN_HOUSE = "#1f4e79"
_PARTNER = "#fdae6b"
_POOLED = "#252525"
_BAND_COLOURS = {
    "met": "#74c476",
    "warning": "#fdd0a2",
    "interrupt offline": "#fd8d3c",
    "all hands": "#d94801",
    "n/a": "#bdbdbd",
}
_EFFECT_COLOURS = {"volume": "#6baed6", "staffing": "#fd8d3c", "other": "#9e9ac8"}


def _axes(ax: Any, figsize: tuple[float, float] = (7.5, 4.8)) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _figure(figsize: tuple[float, float]) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _percent(axis: Any, decimals: int = 0) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def _money(value: float) -> str:
    for size, unit in ((1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{value / size:,.2f}{unit}"
    return f"{value:,.0f}"


def _tidy(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


# --------------------------------------------------------------------------- what-if


def plot_compare(table: pd.DataFrame, *, ax: Any = None) -> Any:
    """FTE per target scenario, with the difference to the first and what each achieves.

    Parameters
    ----------
    table : DataFrame
        :func:`staffing.contracts.compare` output.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    n = len(table)
    y = np.arange(n)[::-1]
    colours = [_BASE] + [_BAR] * (n - 1)
    ax.barh(y, table["fte"], color=colours, height=0.6)
    top = float(table["fte"].max()) if n else 1.0
    has_cost = table["cost"].notna().any()
    for yi, (_, row) in zip(y, table.iterrows(), strict=True):
        text = f"{row['fte']:,.1f} FTE"
        if row.name != table.index[0]:
            base = float(table["fte"].iloc[0])
            pct = f" ({100 * row['delta_fte'] / base:+.0f}%)" if base > 0 else ""
            text += f"  {row['delta_fte']:+,.1f}{pct}"
        if has_cost and np.isfinite(row["cost"]):
            text += f"  |  {_money(row['cost'])} a year"
        ax.text(row["fte"] + 0.01 * top, yi + 0.12, text, va="center", fontsize=9)
        detail = f"SL {100 * row['service_level']:.1f}%"
        if row["abandon_rate"] > 0:
            detail += f", abandon {100 * row['abandon_rate']:.1f}%"
        detail += f", ASA {row['asa_s']:.0f} s, occupancy {100 * row['occupancy']:.0f}%"
        ax.text(row["fte"] + 0.01 * top, yi - 0.2, detail, va="center", fontsize=8, color="#555")
    labels = [
        s if s == t else f"{s}\n({t})"
        for s, t in zip(table["scenario"], table["targets"], strict=True)
    ]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, top * 1.75)
    ax.set_xlabel("FTE (average over the forecast horizon)")
    threshold = table.attrs.get("threshold_s")
    at = f" (service level at {threshold:g} s)" if threshold is not None else ""
    ax.set_title(f"Staffing by target scenario{at}", loc="left", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def plot_sweep(table: pd.DataFrame, sweep: str = "percent", *, ax: Any = None) -> Any:
    """FTE against the service-level percentage (or threshold), Erlang C and Erlang A.

    Parameters
    ----------
    table : DataFrame
        :func:`staffing.contracts.sweep` output.
    sweep : {"percent", "threshold"}
        Which curve to draw.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    rows = table[table["sweep"] == sweep]
    at = str(table.attrs.get("at", ""))
    for model, g in rows.groupby("model", sort=False):
        x = 100 * g["fraction"] if sweep == "percent" else g["threshold_s"]
        colour = _MODEL_COLOURS.get(str(model), "#555555")
        ax.plot(x, g["fte"], marker="o", ms=4, lw=2, color=colour, label=str(model))
        here = g[g["target"] == at]
        if len(here):
            hx = 100 * here["fraction"] if sweep == "percent" else here["threshold_s"]
            ax.plot(hx, here["fte"], "o", ms=9, mfc="white", mec=colour, mew=2, zorder=5)
            ax.annotate(
                f"{at}: {float(here['fte'].iloc[0]):,.1f} FTE",
                (float(hx.iloc[0]), float(here["fte"].iloc[0])),
                textcoords="offset points",
                xytext=(10, -16) if model == "Erlang A" else (-10, 10),
                ha="left" if model == "Erlang A" else "right",
                fontsize=8,
                fontweight="bold",
                color=colour,
            )
        if len(g) >= 2:
            last = g.iloc[-2:]
            step = float(last["fte"].iloc[1] - last["fte"].iloc[0])
            if sweep == "percent":
                a, b = 100 * last["fraction"].iloc[0], 100 * last["fraction"].iloc[1]
                what = f"{a:g}% -> {b:g}%"
                lx = b
            else:
                a, b = last["threshold_s"].iloc[0], last["threshold_s"].iloc[1]
                what = f"{a:g} s -> {b:g} s"
                lx = b
            ax.annotate(
                f"{step:+,.1f} FTE for {what}",
                (float(lx), float(last["fte"].iloc[1])),
                textcoords="offset points",
                xytext=(-8, 2),
                ha="right",
                va="bottom",
                fontsize=8,
                color=colour,
            )
    if sweep == "percent":
        t = rows["threshold_s"].iloc[0] if len(rows) else np.nan
        ax.set_xlabel(f"Service level: % of calls answered within {t:g} s")
        ax.set_title(
            f"FTE against the service-level percentage (at {t:g} s)", loc="left", fontsize=11
        )
    else:
        p = 100 * rows["fraction"].iloc[0] if len(rows) else np.nan
        ax.set_xlabel(f"Threshold [s] for {p:g}% of calls (stricter to the right)")
        ax.set_title(f"FTE against the threshold (at {p:g}%)", loc="left", fontsize=11)
        ax.set_xscale("log")
        ticks = sorted(rows["threshold_s"].unique())
        ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.minorticks_off()
        ax.invert_xaxis()
    ax.set_ylabel("FTE (average over the horizon)")
    if rows["cost"].notna().any():
        per_fte = float((rows["cost"] / rows["fte"]).dropna().iloc[0])
        right = ax.secondary_yaxis(
            "right", functions=(lambda f: f * per_fte, lambda c: c / per_fte)
        )
        right.set_ylabel("Yearly cost")
        from matplotlib.ticker import FuncFormatter

        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _money(v)))
    ax.legend(frameon=False, loc="upper left")
    _tidy(ax)
    return ax


def sweep_figure(table: pd.DataFrame, *, title: str | None = None) -> Any:
    """Both sweep curves side by side (the budget slide).

    Returns
    -------
    matplotlib Figure
    """
    fig = _figure((13, 5.2))
    left, right = fig.subplots(1, 2)
    plot_sweep(table, "percent", ax=left)
    plot_sweep(table, "threshold", ax=right)
    fig.suptitle(
        title or "What each service-level target costs: diminishing returns",
        fontsize=13,
        fontweight="bold",
    )
    return fig


def compare_figure(
    table: pd.DataFrame, sweep: pd.DataFrame | None = None, *, title: str | None = None
) -> Any:
    """The scenario comparison, with the sweep curves underneath when given.

    Returns
    -------
    matplotlib Figure
    """
    if sweep is None:
        fig = _figure((10, 1.6 + 1.0 * len(table)))
        plot_compare(table, ax=fig.subplots())
    else:
        fig = _figure((13, 1.4 + 0.75 * len(table) + 5.0))
        top, bottom = fig.subfigures(2, 1, height_ratios=[1.4 + 0.75 * len(table), 5.0])
        plot_compare(table, ax=top.subplots())
        left, right = bottom.subplots(1, 2)
        plot_sweep(sweep, "percent", ax=left)
        plot_sweep(sweep, "threshold", ax=right)
    fig.suptitle(title or "What-if: staffing by SLA target", fontsize=13, fontweight="bold")
    return fig


# --------------------------------------------------------------------------- outsourcing


def plot_outsource(outsourcing: Any, *, ax: Any = None) -> Any:
    """Agents on the phones across the horizon: in-house and partner stacked, pooled line.

    Parameters
    ----------
    outsourcing : staffing.contracts.Outsourcing
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (11, 4.5))
    iv = outsourcing.intervals
    by_time = iv.groupby("interval_start", sort=True)[
        ["in_house_agents", "partner_agents", "pooled_agents"]
    ].sum()
    step = by_time.index.to_series().diff().min()
    if pd.notna(step):
        grid = pd.date_range(by_time.index.min(), by_time.index.max(), freq=step)
        by_time = by_time.reindex(grid)  # closed hours become gaps
    t = by_time.index
    ih = by_time["in_house_agents"].to_numpy(dtype=float)
    pa = by_time["partner_agents"].to_numpy(dtype=float)
    ax.stackplot(
        t,
        np.nan_to_num(ih),
        np.nan_to_num(pa),
        colors=[_IN_HOUSE, _PARTNER],
        step="post",
        labels=["In-house agents", "Partner agents"],
        alpha=0.9,
    )
    ax.step(
        t, by_time["pooled_agents"], where="post", color=_POOLED, lw=1.2, label="One pooled queue"
    )
    cost = outsourcing.split_cost()
    ax.set_title(
        f"In-house and partner agents ({outsourcing.contract} contract, "
        f"{outsourcing.intervals.attrs.get('split', '')}): splitting costs "
        f"{cost['agent_hours']:,.0f} agent-hours, {cost['fte']:,.1f} FTE",
        loc="left",
        fontsize=11,
    )
    ax.set_ylabel("Agents on the phones (all queues)")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole agents on the axis
    ax.legend(frameon=False, loc="upper right", ncols=3, fontsize=9)
    import matplotlib.dates as mdates

    if len(t) and (t.max() - t.min()) <= pd.Timedelta(days=16):
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
    else:
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    _tidy(ax)
    return ax


def plot_attribution(attribution: Any, *, ax: Any = None) -> Any:
    """Why the partner missed: volume, staffing and other effects per period and queue.

    Parameters
    ----------
    attribution : staffing.contracts.Attribution
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (11, 4.5))
    s = attribution.summary
    rows = s[s["queue"] != "total"] if (s["queue"] != "total").any() else s
    rows = rows.reset_index(drop=True)
    x = np.arange(len(rows))
    effects = [
        ("volume", "volume_effect_pts"),
        ("staffing", "staffing_effect_pts"),
        ("other", "other_effect_pts"),
    ]
    values = rows[[c for _, c in effects]].to_numpy(dtype=float)
    pos = np.zeros(len(rows))
    neg = np.zeros(len(rows))
    for (name, _), v in zip(effects, values.T, strict=True):
        v = np.nan_to_num(v)
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(x, v, bottom=bottom, color=_EFFECT_COLOURS[name], width=0.7, label=f"{name} effect")
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    gap = 100 * (rows["service_level"] - rows["planned_service_level"])
    ax.plot(x, gap, "D", color="#252525", ms=5, label="delivered - planned")
    target = attribution.target.fraction
    missed = rows["service_level"] < target
    for xi, m, cause in zip(x, missed, rows["cause"], strict=True):
        if m:
            ax.annotate(
                cause,
                (xi, neg[xi]),
                textcoords="offset points",
                xytext=(0, -12),
                ha="center",
                fontsize=7,
                color="#b30000",
            )
    labels = [
        f"{'all' if pd.isna(p) else f'{p:%a %d %b}'}\n{q}"
        for p, q in zip(rows["period_start"], rows["queue"], strict=True)
    ]
    ax.set_xticks(x, labels, fontsize=7, rotation=90 if len(rows) > 12 else 0)
    ax.axhline(0, color="#252525", lw=0.8)
    ax.set_ylabel("Service-level points vs plan")
    ax.set_title(
        f"Partner service level against plan ({attribution.target}): what explains each miss",
        loc="left",
        fontsize=11,
    )
    ax.legend(frameon=False, fontsize=8, ncols=4, loc="lower left")
    _tidy(ax)
    return ax


def outsource_figure(outsourcing: Any, *, title: str | None = None) -> Any:
    """The split across the horizon, and the attribution of misses when actuals were given.

    Returns
    -------
    matplotlib Figure
    """
    attribution = outsourcing.attribution
    n = 2 if attribution is not None else 1
    fig = _figure((13, 4.8 * n))
    axes = np.atleast_1d(fig.subplots(n, 1))
    plot_outsource(outsourcing, ax=axes[0])
    if attribution is not None:
        plot_attribution(attribution, ax=axes[1])
    fig.suptitle(title or "Outsourcing split", fontsize=13, fontweight="bold")
    return fig


# --------------------------------------------------------------------------- credits


def plot_credits(table: pd.DataFrame, *, ax: Any = None) -> Any:
    """Service level per period against target, coloured by escalation band, with credits.

    Parameters
    ----------
    table : DataFrame
        :func:`staffing.contracts.service_credits` output (the total row is left out).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Patch

    ax = _axes(ax, (11, 4.5))
    rows = table[table["period_start"].notna()].reset_index(drop=True)
    x = np.arange(len(rows))
    colours = [_BAND_COLOURS.get(str(b), "#bdbdbd") for b in rows["band"]]
    hatches = ["//" if bool(e) else "" for e in rows["earned_back"].fillna(False)]
    bars = ax.bar(x, rows["service_level"], color=colours, width=0.75, edgecolor="#636363", lw=0.5)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    target_text = str(table.attrs.get("target", ""))
    goal = np.nan
    if "/" in target_text:
        goal = float(target_text.split("/")[0]) / 100.0
        ax.axhline(goal, color=_TARGET, lw=1.5, ls="--")
        ax.annotate(
            f"target {target_text}",
            (1.0, goal),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=_TARGET,
        )
    for xi, (_, row) in zip(x, rows.iterrows(), strict=True):
        if row["credit_pct"] > 0:
            label = f"credit {row['credit_pct']:g}%"
            if np.isfinite(row["credit_amount"]):
                label += f"\n{_money(row['credit_amount'])}"
            if bool(row["earned_back"]):
                label += "\nearned back"
            ax.annotate(
                label,
                (xi, row["service_level"]),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    low = np.nanmin(rows["service_level"]) if len(rows) else 0.0
    floor = min(low, goal if np.isfinite(goal) else low) - 0.08
    ax.set_ylim(max(0.0, floor), 1.0)
    _percent(ax.yaxis)
    period = str(table.attrs.get("period", "period"))
    fmt = "%d %b" if period in ("day", "week") else "%b %Y"
    ax.set_xticks(
        x,
        [f"{p:{fmt}}" for p in rows["period_start"]],
        fontsize=8,
        rotation=45 if len(rows) > 8 else 0,
    )
    ax.set_xlabel(f"{period.capitalize()} starting")
    ax.set_ylabel("Service level")
    total = table.iloc[-1]
    owed = f"{total['credit_pct']:.2f}% of fees"
    if np.isfinite(total["credit_amount"]):
        owed += f" ({_money(total['credit_amount'])})"
    ax.set_title(
        f"Service credits per {period}: {owed} owed after earn-back", loc="left", fontsize=11
    )
    handles = [Patch(color=c, label=b) for b, c in _BAND_COLOURS.items() if b in set(rows["band"])]
    if any(hatches):
        handles.append(
            Patch(facecolor="white", edgecolor="#636363", hatch="//", label="earned back")
        )
    ax.legend(
        handles=handles,
        frameon=False,
        fontsize=8,
        ncols=len(handles),
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
    )
    _tidy(ax)
    return ax


def plot_exposure(exposure: pd.DataFrame, *, ax: Any = None) -> Any:
    """Expected service level of a plan per period with its 5-95% range, and the credit.

    Parameters
    ----------
    exposure : DataFrame
        :func:`staffing.contracts.credit_exposure` output (the total row is left out).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (11, 4.5))
    rows = exposure[exposure["period_start"].notna()].reset_index(drop=True)
    x = np.arange(len(rows))
    mean = rows["service_level_mean"].to_numpy(dtype=float)
    err = np.vstack([mean - rows["service_level_p05"], rows["service_level_p95"] - mean])
    ax.errorbar(
        x,
        mean,
        yerr=err,
        fmt="o",
        color=_BAR,
        ecolor=_BASE,
        elinewidth=6,
        capsize=0,
        label="simulated: mean and 5-95% range",
    )
    ax.plot(
        x,
        rows["planned_service_level"],
        "_",
        ms=18,
        mew=2,
        color="#252525",
        label="at the forecast",
    )
    target_text = str(exposure.attrs.get("target", ""))
    if "/" in target_text:
        goal = float(target_text.split("/")[0]) / 100.0
        ax.axhline(goal, color=_TARGET, lw=1.5, ls="--", label=f"target {target_text}")
    for xi, (_, row) in zip(x, rows.iterrows(), strict=True):
        text = f"P(miss) {100 * row['p_miss']:.0f}%\ncredit {row['credit_pct_mean']:.2f}%"
        ax.annotate(
            text,
            (xi, row["service_level_p05"]),
            textcoords="offset points",
            xytext=(0, -6),
            ha="center",
            va="top",
            fontsize=7,
            color="#555",
        )
    _percent(ax.yaxis, 0)
    lo = float(np.nanmin(rows["service_level_p05"])) if len(rows) else 0.0
    hi = float(np.nanmax(rows["service_level_p95"])) if len(rows) else 1.0
    ax.set_ylim(max(0.0, lo - 0.035), min(1.0, hi + 0.02))
    period = str(exposure.attrs.get("period", "period"))
    ax.set_xticks(x, [f"{p:%d %b}" for p in rows["period_start"]], fontsize=8)
    ax.set_xlabel(f"{period.capitalize()} starting")
    ax.set_ylabel("Service level")
    total = exposure.iloc[-1]
    spread = f"{total['credit_pct_mean']:.2f}% ± {total['credit_pct_sd']:.2f}% of fees"
    if np.isfinite(total["credit_amount_mean"]):
        spread += f" ({_money(total['credit_amount_mean'])} ± {_money(total['credit_amount_sd'])})"
    ax.set_title(f"Credit exposure of the plan: {spread}", loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3)
    _tidy(ax)
    return ax


def credits_figure(
    credits: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    *,
    title: str | None = None,
) -> Any:
    """Credits of a history and/or the credit exposure of a plan, one panel each.

    Returns
    -------
    matplotlib Figure
    """
    panels = [p for p in (credits, exposure) if p is not None]
    if not panels:
        raise ValueError("give a credit table, an exposure table, or both")
    fig = _figure((12, 4.6 * len(panels)))
    axes = np.atleast_1d(fig.subplots(len(panels), 1))
    k = 0
    if credits is not None:
        plot_credits(credits, ax=axes[k])
        k += 1
    if exposure is not None:
        plot_exposure(exposure, ax=axes[k])
    fig.suptitle(title or "SLA service credits", fontsize=13, fontweight="bold")
    return fig

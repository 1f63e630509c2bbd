"""Figures of a schedule: agents on the phones against the requirement, and the shifts.

:func:`plot_coverage` draws one day (or a strip of several) of a coverage table
(:data:`staffing.scheduling.COVERAGE_COLUMNS`): the requirement, the agents on the
phones with over- and under-staffing shaded, and the agents on shift (breaks included).
:func:`schedule_figure` puts one such panel per day (one per week past seven days), and
:func:`plot_shifts` draws one day's shifts as bars from start to end with their breaks
cut out, the head count of each row written beside it; :func:`plot_roster` draws the
published schedule, one strip per person over a week.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.scheduling.coverage import parse_break_times

__all__ = ["plot_coverage", "plot_roster", "plot_shifts", "schedule_figure"]

_REQUIRED = "black"
_ON_PHONES = "#1f4e79"
_SCHEDULED = "#9ecae1"
_OVER = "#31a354"
_UNDER = "#de2d26"
_FAMILY_COLOURS = ("#1f4e79", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")


def _wall(times: pd.Series) -> pd.Series:
    t = pd.to_datetime(times)
    return t.dt.tz_localize(None) if isinstance(t.dtype, pd.DatetimeTZDtype) else t


def _step(coverage: pd.DataFrame) -> pd.Timedelta:
    starts = _wall(coverage["interval_start"])
    gaps = starts.sort_values().diff().dropna()
    return gaps.min() if len(gaps) else pd.Timedelta(minutes=30)


def _steps(x: np.ndarray, end: Any, *values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each interval as two points, its start and its end at its own value.

    A line through them is the step and a masked fill covers whole intervals (a lone
    interval included, which ``fill_between(step=...)`` drops).
    """
    edges = np.append(x, end)
    out = [np.stack([edges[:-1], edges[1:]], axis=1).ravel()]
    out += [np.repeat(v, 2) for v in values]
    return tuple(out)


def plot_coverage(
    coverage: pd.DataFrame,
    day: str | pd.Timestamp | None = None,
    *,
    ax: Any = None,
    legend: bool = True,
    title: str | None = None,
) -> Any:
    """Required and on-phone agents per interval, over- and under-staffing shaded.

    Parameters
    ----------
    coverage : DataFrame
        A coverage table: ``interval_start``, ``required``, ``on_phones``, optional
        ``scheduled`` (:attr:`staffing.scheduling.Schedule.coverage`).
    day : str or Timestamp, optional
        Draw this day alone, its x axis in hours from midnight (so panels of several
        days line up); by default every row, on a time axis.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    legend : bool, default True
        Draw the legend.
    title : str, optional
        Panel title; by default the day (or span), its required and on-phone
        agent-hours, the scheduling efficiency (required / on-phone hours) and the
        intervals under.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> cov = pd.DataFrame({"interval_start": pd.date_range("2025-03-03 08:00",
    ...                                                      periods=4, freq="30min"),
    ...                     "required": [2.0, 3.0, 3.0, 2.0],
    ...                     "on_phones": [2.0, 2.5, 4.0, 2.0]})
    >>> ax = plot_coverage(cov, "2025-03-03")
    >>> ax.get_title(loc="left")
    'Mon 03 Mar: required 5.0 agent-h, on the phones 5.2 (efficiency 95%), 1 interval under'
    """
    import matplotlib.pyplot as plt

    table = coverage.copy()
    table["interval_start"] = _wall(table["interval_start"])
    table = table.sort_values("interval_start")
    step = _step(table)
    if day is not None:
        midnight = pd.Timestamp(day).normalize()
        table = table[table["interval_start"].dt.normalize() == midnight]
        if table.empty:
            raise ValueError(f"no intervals on {midnight:%Y-%m-%d}")
        x = ((table["interval_start"] - midnight) / pd.Timedelta(hours=1)).to_numpy()
        end: Any = x[-1] + step / pd.Timedelta(hours=1)
        label = f"{midnight:%a %d %b}"
    else:
        if table.empty:
            raise ValueError("no intervals to draw")
        x = table["interval_start"].to_numpy()
        end = (table["interval_start"].iloc[-1] + step).to_datetime64()
        first, last = table["interval_start"].iloc[0], table["interval_start"].iloc[-1]
        label = f"{first:%a %d %b} to {last:%a %d %b}"
    need = table["required"].to_numpy(dtype=float)
    on = table["on_phones"].to_numpy(dtype=float)
    shifted = (
        table["scheduled"].to_numpy(dtype=float)
        if "scheduled" in table
        else np.full_like(on, np.nan)
    )
    xs, need_s, on_s, shift_s = _steps(x, end, need, on, shifted)

    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.2), layout="constrained")
    if np.isfinite(shift_s).any():
        ax.plot(xs, shift_s, color=_SCHEDULED, linewidth=1.2, label="On shift")
    ax.fill_between(xs, 0, on_s, color=_ON_PHONES, alpha=0.12, linewidth=0)
    ax.plot(xs, on_s, color=_ON_PHONES, linewidth=1.4, label="On the phones")
    ax.plot(xs, need_s, color=_REQUIRED, linewidth=1.0, linestyle="--", label="Required")
    ax.fill_between(
        xs, need_s, on_s, where=on_s > need_s + 1e-9, color=_OVER, alpha=0.35, linewidth=0,
        label="Over",
    )  # fmt: skip
    ax.fill_between(
        xs, need_s, on_s, where=on_s < need_s - 1e-9, color=_UNDER, alpha=0.5, linewidth=0,
        label="Under",
    )  # fmt: skip
    hours = step / pd.Timedelta(hours=1)
    required_h, on_h = float(need.sum() * hours), float(on.sum() * hours)
    under = int((table["under"] > 1e-9).sum()) if "under" in table else int((on < need).sum())
    efficiency = f"{required_h / on_h:.0%}" if on_h > 0 else "n/a"
    ax.set_title(
        title
        or (
            f"{label}: required {required_h:,.1f} agent-h, on the phones {on_h:,.1f} "
            f"(efficiency {efficiency}), {under} interval{'' if under == 1 else 's'} under"
        ),
        loc="left",
        fontsize=10,
    )
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole agents on the axis
    ax.grid(axis="y", alpha=0.3)
    if day is not None:
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 2), [f"{h:02d}:00" for h in range(0, 25, 2)], fontsize=8)
    else:
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if legend:
        ax.legend(loc="upper right", fontsize=8, ncols=5, frameon=False)
    return ax


def _open_hours(coverage: pd.DataFrame) -> tuple[float, float]:
    """The hours of the day in which any day has a requirement or staff.

    Widened to whole hours (the x range every day panel shares).
    """
    t = _wall(coverage["interval_start"])
    busy = (coverage["required"].to_numpy(dtype=float) > 0) | (
        coverage["on_phones"].to_numpy(dtype=float) > 0
    )
    if "scheduled" in coverage:
        busy |= coverage["scheduled"].to_numpy(dtype=float) > 0
    if not busy.any():
        return 0.0, 24.0
    hour = ((t - t.dt.normalize()) / pd.Timedelta(hours=1)).to_numpy()[busy]
    step = _step(coverage) / pd.Timedelta(hours=1)
    return float(np.floor(hour.min())), float(min(np.ceil(hour.max() + step), 24.0))


def schedule_figure(
    coverage: pd.DataFrame,
    *,
    title: str | None = None,
    heading: str = "Schedule",
    max_panels: int = 14,
    agents: pd.DataFrame | None = None,
) -> Any:
    """One panel per day of required vs on-phone agents (one per week past seven days).

    With ``agents``, the published schedule below (:func:`plot_roster`, the first week).

    Parameters
    ----------
    coverage : DataFrame
        :attr:`staffing.scheduling.Schedule.coverage`.
    title : str, optional
        Figure title; by default ``heading``, the pool and the horizon.
    heading : str, default "Schedule"
        Start of the default title.
    max_panels : int, default 14
        Draw at most this many panels (the first ones); the title says so.
    agents : DataFrame, optional
        :attr:`staffing.scheduling.Schedule.agents` of weekly tours: one strip per person
        is added below the day panels.

    Returns
    -------
    matplotlib Figure
        Days without a requirement or staff are left out; the day panels share their
        axes (hours of the day the centre works on any day).
    """
    import matplotlib.pyplot as plt

    t = _wall(coverage["interval_start"])
    dates = t.dt.normalize()
    busy = (coverage["required"].to_numpy(dtype=float) > 0) | (
        coverage["on_phones"].to_numpy(dtype=float) > 0
    )
    days = sorted(pd.unique(dates[busy])) or sorted(pd.unique(dates))
    by_day = len(days) <= 7
    if by_day:
        panels = [pd.Timestamp(d) for d in days]
    else:
        weeks = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
        panels = [pd.Timestamp(w) for w in sorted(pd.unique(weeks))]
    shown = panels[:max_panels]
    n = len(shown)
    top_h = 0.9 + 2.3 * n
    if agents is None or agents.empty:
        fig = plt.figure(figsize=(12, top_h), layout="constrained")
        top = fig
    else:
        people = int(agents["agent"].nunique())
        low_h = 1.4 + 0.22 * people
        fig = plt.figure(figsize=(14, top_h + low_h), layout="constrained")
        parts: Any = fig.subfigures(2, 1, height_ratios=[top_h, low_h])
        top, low = parts[0], parts[1]
        plot_roster(agents, ax=low.subplots())
    axes = top.subplots(n, 1, sharey=True, sharex=by_day, squeeze=False)
    lo, hi = _open_hours(coverage) if by_day else (0.0, 24.0)
    for k, (start, ax) in enumerate(zip(shown, axes[:, 0], strict=True)):
        if by_day:
            plot_coverage(coverage, start, ax=ax, legend=False)
            ax.set_xlim(lo, hi)
            ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
            ax.set_xticks(ticks, [f"{int(h):02d}:00" for h in ticks], fontsize=8)
        else:
            week = (t >= start) & (t < start + pd.Timedelta(days=7))
            plot_coverage(coverage[week.to_numpy()], ax=ax, legend=False)
        if k == 0:
            handles, labels = ax.get_legend_handles_labels()
            top.legend(
                handles, labels, loc="outside lower center", ncols=5, frameon=False, fontsize=9
            )
    pool = str(coverage["queue"].iloc[0]) if "queue" in coverage and len(coverage) else ""
    more = (
        f", first {n} of {len(panels)} {'days' if by_day else 'weeks'}" if len(panels) > n else ""
    )
    first, last = t.min(), t.max()
    fig.suptitle(
        title
        or f"{heading}{': ' + pool if pool else ''}, {first:%a %d %b %Y} to "
        f"{last:%a %d %b %Y}{more}",
        fontsize=12,
        fontweight="bold",
    )
    return fig


def plot_shifts(
    schedule: pd.DataFrame,
    day: str | pd.Timestamp | None = None,
    *,
    ax: Any = None,
) -> Any:
    """One day's shifts as bars from start to end, breaks cut out, head counts beside.

    Parameters
    ----------
    schedule : DataFrame
        A schedule table (:attr:`staffing.scheduling.Schedule.shifts`: ``day``,
        ``shift``, ``start``, ``end``, ``breaks``, ``count``).
    day : str or Timestamp, optional
        The day (shifts starting on it); by default the day with the most shifts.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted (its height grows with the rows).

    Returns
    -------
    matplotlib Axes
        One row per schedule row (family, start and break times) in start order, x in
        hours from the day's midnight (past 24 for shifts running past midnight); paid
        breaks are light, unpaid breaks hatched; one colour per family.

    Examples
    --------
    >>> s = pd.DataFrame({"day": pd.to_datetime(["2025-03-03"] * 2), "shift": ["early", "late"],
    ...                   "start": pd.to_datetime(["2025-03-03 07:00", "2025-03-03 13:00"]),
    ...                   "end": pd.to_datetime(["2025-03-03 15:30", "2025-03-03 21:30"]),
    ...                   "breaks": ["11:00-11:30 unpaid", "17:00-17:30 unpaid"],
    ...                   "count": [4, 3]})
    >>> ax = plot_shifts(s)
    >>> [t.get_text() for t in ax.texts]
    ['4', '3']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    table = schedule.copy()
    if table.empty:
        raise ValueError("the schedule has no shifts")
    table["day"] = _wall(table["day"]).dt.normalize()
    table["start"] = _wall(table["start"])
    table["end"] = _wall(table["end"])
    if day is None:
        per_day = table.groupby("day")["count"].sum()
        midnight = pd.Timestamp(per_day.index[int(np.argmax(per_day.to_numpy()))])
    else:
        midnight = pd.Timestamp(day).normalize()
    rows = table[table["day"] == midnight].sort_values(["start", "shift", "breaks"], kind="stable")
    if rows.empty:
        raise ValueError(f"no shifts start on {midnight:%Y-%m-%d}")
    families = list(dict.fromkeys(table["shift"].astype(str)))
    colour = {f: _FAMILY_COLOURS[i % len(_FAMILY_COLOURS)] for i, f in enumerate(families)}
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 1.2 + 0.2 * len(rows)), layout="constrained")
    hour = pd.Timedelta(hours=1)
    starts = ((rows["start"] - midnight) / hour).to_numpy(dtype=float)
    ends = ((rows["end"] - midnight) / hour).to_numpy(dtype=float)
    names = rows["shift"].astype(str).tolist()
    for y, (start, end, name, text, count) in enumerate(
        zip(starts, ends, names, rows["breaks"].tolist(), rows["count"].tolist(), strict=True)
    ):
        c = colour[name]
        ax.barh(y, end - start, left=start, height=0.7, color=c, alpha=0.85, linewidth=0)
        for lo, hi, paid in parse_break_times(text):
            b0 = np.floor(start / 24) * 24 + lo / 3600
            if b0 < start - 1e-9:
                b0 += 24
            width = ((hi - lo) % 86400) / 3600
            ax.barh(
                y, width, left=b0, height=0.7, color="white", alpha=0.9 if paid else 1.0,
                hatch=None if paid else "////", edgecolor=c, linewidth=0,
            )  # fmt: skip
        ax.text(start - 0.1, y, f"{count}", ha="right", va="center", fontsize=7)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks([])
    lo, hi = np.floor(starts.min()) - 1, np.ceil(ends.max())
    ax.set_xlim(lo, hi)
    ticks = np.arange(lo, hi + 1)
    ax.set_xticks(ticks, [f"{int(h) % 24:02d}:00" for h in ticks], fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    heads = int(rows["count"].sum())
    ax.set_title(
        f"Shifts starting {midnight:%a %d %b}: {heads} people on {len(rows)} start and break "
        "patterns (head count at the left)",
        loc="left",
        fontsize=10,
    )
    shown = list(dict.fromkeys(rows["shift"].astype(str)))
    handles = [Patch(color=colour[f], label=f) for f in shown]
    handles.append(Patch(facecolor="white", edgecolor="grey", label="paid break"))
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="////", label="unpaid break"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.04 - 2.5 / (10 + len(rows))),
        fontsize=8,
        ncols=len(handles),
        frameon=False,
    )
    return ax


def plot_roster(
    agents: pd.DataFrame,
    *,
    week: int = 0,
    ax: Any = None,
) -> Any:
    """The published schedule.

    One strip per person over a week, a bar per shift with its breaks cut out, the days
    marked.

    Parameters
    ----------
    agents : DataFrame
        :attr:`staffing.scheduling.Schedule.agents` (``agent``, optional ``name``, ``day``,
        ``shift``, ``start``, ``end``, ``breaks``).
    week : int, default 0
        Which week of a rotation (0 = the first).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted (its height grows with the
        people).

    Returns
    -------
    matplotlib Axes
        One row per person (their name, else their number), x in hours from the week's
        first midnight, weekends shaded; paid breaks light, unpaid breaks hatched; one
        colour per shift family; each bar labelled with its start time.

    Examples
    --------
    >>> a = pd.DataFrame({"agent": [1, 1, 2], "name": ["Ann", "Ann", "Bo"],
    ...     "day": pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-03"]),
    ...     "shift": ["early", "early", "late"],
    ...     "start": pd.to_datetime(["2025-03-03 07:00", "2025-03-04 07:00",
    ...                              "2025-03-03 13:00"]),
    ...     "end": pd.to_datetime(["2025-03-03 15:30", "2025-03-04 15:30",
    ...                            "2025-03-03 21:30"]),
    ...     "breaks": ["11:00-11:30 unpaid", "11:00-11:30 unpaid", "17:00-17:30 unpaid"]})
    >>> ax = plot_roster(a)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Ann', 'Bo']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    table = agents.copy()
    if table.empty:
        raise ValueError("the schedule has no people")
    table["day"] = _wall(table["day"]).dt.normalize()
    table["start"] = _wall(table["start"])
    table["end"] = _wall(table["end"])
    first = table["day"].min()
    monday = first - pd.Timedelta(days=int(first.day_of_week))
    origin = monday + pd.Timedelta(days=7 * week)
    if first > monday and week == 0:
        origin = first
    table = table[(table["day"] >= origin) & (table["day"] < origin + pd.Timedelta(days=7))]
    people = list(dict.fromkeys(table["agent"].tolist()))
    label = (
        dict(zip(table["agent"], table["name"].astype(str), strict=False))
        if "name" in table
        else {a: f"agent {a}" for a in people}
    )
    families = list(dict.fromkeys(agents["shift"].astype(str)))
    colour = {f: _FAMILY_COLOURS[i % len(_FAMILY_COLOURS)] for i, f in enumerate(families)}
    if ax is None:
        _, ax = plt.subplots(figsize=(14, 1.4 + 0.22 * len(people)), layout="constrained")
    from matplotlib.collections import PolyCollection

    hour = pd.Timedelta(hours=1)
    row = {a: i for i, a in enumerate(people)}
    for day in range(7):
        midnight = origin + pd.Timedelta(days=day)
        if midnight.day_of_week >= 5:
            ax.axvspan(24 * day, 24 * (day + 1), color="0.93", zorder=0)
        ax.axvline(24 * day, color="0.6", linewidth=0.6, zorder=1)
    ys = table["agent"].map(row).to_numpy(dtype=float)
    starts = ((table["start"] - origin) / hour).to_numpy(dtype=float)
    ends = ((table["end"] - origin) / hour).to_numpy(dtype=float)
    shifts = table["shift"].astype(str).to_numpy()

    def boxes(y: np.ndarray, x0: np.ndarray, x1: np.ndarray) -> list[np.ndarray]:
        h = 0.36
        return [
            np.array([[a, b - h], [c, b - h], [c, b + h], [a, b + h]])
            for a, b, c in zip(x0, y, x1, strict=True)
        ]

    for f in families:
        mine = shifts == f
        if mine.any():
            ax.add_collection(
                PolyCollection(
                    boxes(ys[mine], starts[mine], ends[mine]),
                    facecolors=colour[f],
                    alpha=0.85,
                    linewidths=0,
                    zorder=2,
                )
            )
    paid_boxes: list[np.ndarray] = []
    unpaid_boxes: list[np.ndarray] = []
    unpaid_colours: list[str] = []
    for y, start, text, f in zip(ys, starts, table["breaks"].astype(str), shifts, strict=True):
        day0 = np.floor(start / 24) * 24
        for lo, hi, paid in parse_break_times(text):
            b0 = day0 + lo / 3600
            if b0 < start - 1e-9:
                b0 += 24
            box = boxes(np.array([y]), np.array([b0]), np.array([b0 + ((hi - lo) % 86400) / 3600]))
            if paid:
                paid_boxes.extend(box)
            else:
                unpaid_boxes.extend(box)
                unpaid_colours.append(colour[f])
    ax.add_collection(
        PolyCollection(paid_boxes, facecolors="white", alpha=0.9, linewidths=0, zorder=3)
    )
    ax.add_collection(
        PolyCollection(
            unpaid_boxes,
            facecolors="white",
            edgecolors=unpaid_colours,
            hatch="////",
            linewidths=0,
            zorder=3,
        )
    )
    for y, start, t in zip(ys, starts, table["start"], strict=True):
        ax.text(start + 0.2, y, f"{t:%H:%M}", va="center", fontsize=5.5, color="white", zorder=4)
    ax.set_yticks(range(len(people)), [label[a] for a in people], fontsize=7)
    ax.set_ylim(len(people) - 0.5, -0.5)
    ax.set_xlim(0, 168)
    ax.set_xticks(
        [24 * d + 12 for d in range(7)],
        [f"{origin + pd.Timedelta(days=d):%a %d %b}" for d in range(7)],
        fontsize=8,
    )
    ax.tick_params(axis="x", length=0)
    ax.xaxis.set_ticks_position("top")
    handles = [Patch(color=colour[f], label=f) for f in families]
    handles.append(Patch(facecolor="white", edgecolor="grey", label="paid break"))
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="////", label="unpaid break"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        fontsize=8,
        ncols=len(handles),
        frameon=False,
    )
    return ax

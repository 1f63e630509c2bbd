"""The requirement a schedule must cover: agents per interval for one pool of agents.

The requirement is the planner's interval table (:attr:`staffing.planner.Plan.intervals`)
or any table with the columns

==================  ==========================================================
column              meaning
==================  ==========================================================
``interval_start``  start of the interval (timestamp)
``queue``           queue / skill (optional; one queue called ``main`` if absent)
``agents``          agents needed on the phones [count, may be fractional]
``interval_s``      interval length [s] (optional; inferred from the timestamps)
``calls``           calls offered (optional; with ``aht_s``, for service levels)
``aht_s``           average handle time [s] (optional)
``patience_s``      mean patience [s] (optional; blank = Erlang C)
``threshold_s``     service-level threshold [s] (optional)
``target``          the planner's target text, e.g. ``80/20`` (optional)
==================  ==========================================================

**One pool.** A schedule staffs one pool of agents. By default the queues of the table
are summed: the pool must have on the phones, in every interval, the sum of the queues'
requirements, as if each agent answered one queue at a time (a pool that takes every
queue needs no more than that sum, so this errs on the safe side). Give ``queue`` to
schedule one queue alone. For service levels the pool's agents are shared among its
queues in proportion to their requirement (to their workload where the requirement is
zero), and the pool's service level is the calls-weighted mean of the queues'.

Timestamps are read as wall-clock time (a time zone is dropped). The horizon is made of
whole days, from midnight of the first interval's day to the end of the last interval's
day; intervals without a row need no agents.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.frames import (
    check_column,
    numeric_column,
    queue_names,
    require_columns,
    to_timestamps,
    wall_clock,
)
from staffing.planner.roster import pool_name
from staffing.vocabulary import OpeningHours, infer_interval_s, parse_duration

__all__ = ["DEFAULT_QUEUE", "Requirement", "open_slots", "prepare_requirement"]

#: Queue name given to a requirement without a ``queue`` column.
DEFAULT_QUEUE = "main"
_DAY_S = 86400


@dataclass(frozen=True)
class Requirement:
    """A validated requirement on a regular grid of whole days.

    Attributes
    ----------
    first_day : numpy.datetime64
        Date of the horizon's first day (``datetime64[D]``).
    days : int
        Days in the horizon.
    interval_s : int
        Interval length [s].
    required : ndarray
        Agents needed on the phones per interval of the horizon (``days * 86400 /
        interval_s`` values, zero where the table has no row).
    pool : str
        The queue scheduled, or the queues summed joined by ``+``.
    queues : DataFrame or None
        For service levels, one row per queue and interval with calls: ``slot`` (position
        of the interval in the horizon), ``calls``, ``aht_s``, ``patience_s`` (NaN for
        Erlang C), ``threshold_s`` (NaN where the table has none), ``share`` (the
        queue's part of the pool's agents); None when the table has no ``calls`` and
        ``aht_s``.
    target : str or None
        The table's ``target`` text when every row has the same one.
    """

    first_day: np.datetime64
    days: int
    interval_s: int
    required: np.ndarray
    pool: str
    queues: pd.DataFrame | None
    target: str | None = None

    @property
    def intervals_per_day(self) -> int:
        """Intervals in one day."""
        return _DAY_S // self.interval_s

    @property
    def starts(self) -> pd.DatetimeIndex:
        """Start of every interval of the horizon (wall clock)."""
        return pd.date_range(
            pd.Timestamp(self.first_day),
            periods=self.days * self.intervals_per_day,
            freq=pd.Timedelta(seconds=self.interval_s),
        )

    @property
    def calls(self) -> np.ndarray:
        """Calls per interval of the horizon (NaN without a ``calls`` column)."""
        total = np.full(self.required.size, np.nan)
        if self.queues is not None:
            total[:] = 0.0
            np.add.at(total, self.queues["slot"].to_numpy(), self.queues["calls"].to_numpy())
        return total


def prepare_requirement(
    requirement: pd.DataFrame,
    *,
    queue: str | None = None,
    interval_s: float | str | None = None,
    source: str = "requirement",
) -> Requirement:
    """Validate a requirement table and pool its queues on a grid of whole days.

    Parameters
    ----------
    requirement : DataFrame
        Columns in the module notes (``interval_start`` and ``agents`` needed).
    queue : str, optional
        Schedule this queue alone; by default the queues are summed.
    interval_s : float or str, optional
        Interval length [s] or ``"15min"``; by default the ``interval_s`` column, else
        the smallest step between the timestamps.
    source : str, default "requirement"
        File name (or description) used in messages.

    Returns
    -------
    Requirement

    Raises
    ------
    InputError
        Missing columns, unreadable timestamps, negative or missing agents, duplicate
        intervals, timestamps off the interval grid, an unknown ``queue``.

    Examples
    --------
    >>> t = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"] * 2,
    ...                   "queue": ["a", "a", "b", "b"], "agents": [3, 4, 1.5, 2]})
    >>> r = prepare_requirement(t)
    >>> r.pool, r.interval_s, r.days, r.required[18:20].tolist()
    ('a+b', 1800, 1, [4.5, 6.0])
    """
    require_columns(requirement, ["interval_start", "agents"], source=source)
    df = requirement.reset_index(drop=True)
    times = wall_clock(to_timestamps(df, "interval_start", source=source))
    queues = (
        queue_names(df["queue"]).fillna(DEFAULT_QUEUE)
        if "queue" in df.columns
        else pd.Series(DEFAULT_QUEUE, index=df.index, dtype=object)
    )
    agents = numeric_column(df, "agents", source=source)
    check_column(
        df, "agents", np.isfinite(agents) & (agents >= 0), "negative or missing", source=source
    )
    if queue is not None:
        keep = (queues == str(queue)).to_numpy()
        if not keep.any():
            known = ", ".join(sorted(str(q) for q in pd.unique(queues)))
            raise StaffingError(f"queue {queue!r} is not in the {source} (queues: {known})")
        df, times, queues, agents = df[keep], times[keep], queues[keep], agents[keep]
    if df.empty:
        raise InputError("no intervals", source=source)
    duplicated = pd.DataFrame({"t": times, "q": queues}).duplicated(keep=False)
    check_column(
        df, "interval_start", ~duplicated, "repeat an interval of their queue", source=source
    )

    step = _interval(df, times, interval_s, source)
    first_day = times.min().to_numpy().astype("datetime64[D]")
    offset_s = (times.to_numpy() - first_day.astype("datetime64[ns]")) / np.timedelta64(1, "s")
    off_grid = np.abs(offset_s / step - np.round(offset_s / step)) > 1e-9
    check_column(
        df,
        "interval_start",
        ~off_grid,
        f"are not on the {step // 60}-minute grid counted from midnight",
        source=source,
    )
    slot = np.round(offset_s / step).astype(np.int64)
    days = int(slot.max() * step // _DAY_S) + 1
    required = np.zeros(days * (_DAY_S // step))
    np.add.at(required, slot, agents.to_numpy(dtype=float))

    pool = str(queue) if queue is not None else pool_name(pd.unique(queues))
    return Requirement(
        first_day=first_day,
        days=days,
        interval_s=step,
        required=required,
        pool=pool,
        queues=_queue_rows(df, slot, queues, agents, step, source),
        target=_common_target(df),
    )


def _interval(df: pd.DataFrame, times: pd.Series, interval_s: Any, source: str) -> int:
    if interval_s is not None:
        seconds = parse_duration(interval_s, what="`interval_s`", allow_zero=False)
    elif "interval_s" in df.columns:
        values = numeric_column(df, "interval_s", source=source)
        check_column(df, "interval_s", values > 0, "not a positive length", source=source)
        distinct = pd.unique(values)
        if distinct.size > 1:
            raise InputError(
                f"several interval lengths ({', '.join(f'{v:g}' for v in sorted(distinct))} s); "
                "schedule one interval length at a time",
                source=source,
                column="interval_s",
            )
        seconds = float(distinct[0])
    else:
        stamps = np.unique(times.to_numpy().astype("datetime64[ns]").astype(np.int64))
        if stamps.size < 2:
            raise StaffingError(f"{source}: one interval only; give `interval_s` (e.g. 30min)")
        seconds = float(infer_interval_s(stamps)[0])
    if seconds < 60 or seconds % 60 or _DAY_S % seconds:
        raise StaffingError(
            f"interval of {seconds:g} s: give a whole number of minutes that divides a day "
            "(`interval_s`, e.g. 15min)"
        )
    return int(seconds)


def _queue_rows(
    df: pd.DataFrame,
    slot: np.ndarray,
    queues: pd.Series,
    agents: pd.Series,
    step: int,
    source: str,
) -> pd.DataFrame | None:
    if not {"calls", "aht_s"} <= set(df.columns):
        return None
    calls = numeric_column(df, "calls", source=source)
    aht = numeric_column(df, "aht_s", source=source)
    check_column(
        df, "calls", np.isfinite(calls) & (calls >= 0), "negative or missing", source=source
    )
    check_column(df, "aht_s", (calls == 0) | (aht > 0), "zero, negative or missing", source=source)
    patience = (
        numeric_column(df, "patience_s", source=source)
        if "patience_s" in df.columns
        else pd.Series(np.nan, index=df.index)
    )
    threshold = (
        numeric_column(df, "threshold_s", source=source)
        if "threshold_s" in df.columns
        else pd.Series(np.nan, index=df.index)
    )
    rows = pd.DataFrame(
        {
            "slot": slot,
            "queue": queues.to_numpy(),
            "calls": calls.to_numpy(),
            "aht_s": np.where(calls > 0, aht, 1.0),
            "patience_s": patience.to_numpy(),
            "threshold_s": threshold.to_numpy(),
            "agents": agents.to_numpy(dtype=float),
        }
    )
    rows["workload"] = rows["calls"] * rows["aht_s"] / step
    by = rows.groupby("slot")
    total_agents = by["agents"].transform("sum").to_numpy()
    total_load = by["workload"].transform("sum").to_numpy()
    count = by["agents"].transform("size").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(
            total_agents > 0,
            rows["agents"] / total_agents,
            np.where(total_load > 0, rows["workload"] / total_load, 1.0 / count),
        )
    rows["share"] = share
    return rows.loc[rows["calls"] > 0].drop(columns=["agents", "workload"]).reset_index(drop=True)


def _common_target(df: pd.DataFrame) -> str | None:
    if "target" not in df.columns:
        return None
    values = pd.unique(df["target"].dropna().astype(str))
    return str(values[0]) if values.size == 1 else None


# --------------------------------------------------------------------------- open hours


def open_slots(
    open_hours: OpeningHours | Mapping[Any, Any] | str | None,
    first_day: np.datetime64,
    days: int,
    slot_s: int,
) -> np.ndarray:
    """Which slots are open, for the horizon plus one day on either side.

    Parameters
    ----------
    open_hours : OpeningHours, str, mapping or None
        Opening hours in the vocabulary's one grammar
        (:class:`~staffing.vocabulary.OpeningHours`): ``"Mon-Fri 07:00-22:00; Sat
        08:00-20:00"`` or ``{"Mon-Fri": "07:00-22:00"}``; a day not named is closed,
        ``closed`` closes a day, hours that end before they start run past midnight
        (``22:00-06:00``), several ranges are joined by ``,``. None: always open.
    first_day : numpy.datetime64
        First day of the horizon.
    days : int
        Days in the horizon.
    slot_s : int
        Slot length [s].

    Returns
    -------
    ndarray of bool
        ``(days + 2) * 86400 / slot_s`` values, the first day being the day before the
        horizon.

    Examples
    --------
    >>> o = open_slots({"Mon-Fri": "08:00-20:00"}, np.datetime64("2025-03-07"), 2, 3600)
    >>> o.reshape(4, 24).sum(axis=1).tolist()  # Thu, Fri, Sat (closed), Sun
    [12, 12, 0, 0]
    """
    per_day = _DAY_S // slot_s
    total = (days + 2) * per_day
    hours = OpeningHours.parse(open_hours, what="open hours")
    if hours is None:
        return np.ones(total, dtype=bool)
    mask = np.zeros(total + per_day, dtype=bool)
    # weekday of the day before the horizon: 1970-01-01 was a Thursday (3)
    weekday0 = int((first_day.astype("datetime64[D]").astype(np.int64) - 1 + 3) % 7)
    for i in range(days + 2):
        for start, end in hours.ranges[(weekday0 + i) % 7]:
            lo = i * per_day + math.ceil(start / slot_s)
            hi = i * per_day + math.floor(end / slot_s)
            mask[lo:hi] = True
    return mask[:total]

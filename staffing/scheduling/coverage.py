"""Coverage of a requirement by a schedule, interval by interval, and its summary.

Coverage is counted from the schedule's rows alone (start, end, break times and head
count), minute by minute, so it checks the optimiser rather than repeating it:

* ``scheduled``: people whose shift spans the minute, breaks included, averaged over the
  interval's minutes;
* ``on_phones``: the same without those on a break;
* ``over`` and ``under``: mean over the interval's minutes of ``max(on - required, 0)``
  and ``max(required - on, 0)`` [agents];
* ``service_level``: predicted with ``on_phones`` agents through :func:`staffing.evaluate`
  (see :func:`staffing.scheduling.service.pool_service_level`), NaN without calls.

Break times are written as clock times (``10:15-10:30``); a break belongs to the first
such time at or after its shift's start.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import require_columns, to_timestamps, wall_clock
from staffing.scheduling.requirement import Requirement, prepare_requirement
from staffing.scheduling.service import pool_service_level
from staffing.vocabulary import parse_time_of_day, period_floor

__all__ = [
    "COVERAGE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "SUMMARY_COLUMNS",
    "parse_break_times",
    "schedule_coverage",
    "schedule_summary",
]

#: Columns of a schedule table, one row per shift start and break times, in order.
SCHEDULE_COLUMNS: tuple[str, ...] = (
    "day",
    "shift",
    "start",
    "end",
    "breaks",
    "count",
    "paid_hours",
)
#: Columns of a coverage table, one row per interval of the horizon, in order.
COVERAGE_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "required",
    "scheduled",
    "on_phones",
    "over",
    "under",
    "service_level",
)
#: Columns of a schedule summary: one row per day, per week, then the whole horizon.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "period",
    "period_start",
    "days",
    "shifts",
    "paid_hours",
    "fte",
    "required_hours",
    "on_phone_hours",
    "efficiency",
    "intervals_under",
    "under_hours",
    "service_level",
)
_MINUTE = np.timedelta64(1, "m")
_BREAK = re.compile(r"^\s*([0-9:]+)\s*-\s*([0-9:]+)\s*(paid|unpaid)?\s*$", re.IGNORECASE)


def parse_break_times(text: Any) -> list[tuple[float, float, bool]]:
    """Break times of a schedule row: ``[(start, end, paid), ...]`` in s after midnight.

    Examples
    --------
    >>> parse_break_times("10:00-10:15; 12:30-13:00 unpaid")
    [(36000.0, 36900.0, True), (45000.0, 46800.0, False)]
    >>> parse_break_times(float("nan"))
    []
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    out = []
    for part in (p for p in str(text).split(";") if p.strip()):
        m = _BREAK.match(part)
        if m is None:
            raise ValueError(
                f"{part!r} is not a break (write e.g. 10:00-10:15 or 12:00-12:30 unpaid)"
            )
        start = parse_time_of_day(m.group(1), what="break start")
        end = parse_time_of_day(m.group(2), what="break end")
        out.append((start, end, (m.group(3) or "paid").lower() == "paid"))
    return out


def _minutes(times: pd.Series, first_day: np.datetime64) -> np.ndarray:
    delta = wall_clock(times).to_numpy() - first_day.astype("datetime64[ns]")
    return (delta / _MINUTE).astype(np.int64)


def _minute_counts(
    schedule: pd.DataFrame, first_day: np.datetime64, minutes: int, cyclic: bool, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """People on shift and on a break per minute of the horizon."""
    if schedule.empty:
        return np.zeros(minutes), np.zeros(minutes)
    require_columns(schedule, ["start", "end", "breaks", "count"], source=source)
    start = _minutes(to_timestamps(schedule, "start", source=source), first_day)
    end = _minutes(to_timestamps(schedule, "end", source=source), first_day)
    count = schedule["count"].to_numpy(dtype=float)
    span = end - start
    bad = (span <= 0) | (span > 1440) | (start < 0)
    if bad.any():
        raise InputError(
            "shifts that end before they start, last over 24 h or start before the horizon",
            source=source,
            column="end",
            rows=[int(i) + 2 for i in np.flatnonzero(bad)],
        )
    b_start, b_end, b_count = [], [], []
    for i, text in enumerate(schedule["breaks"].tolist()):
        try:
            items = parse_break_times(text)
        except ValueError as e:
            raise InputError(str(e), source=source, column="breaks", rows=[i + 2]) from None
        day_start = start[i] - start[i] % 1440
        for lo, hi, _ in items:
            first = day_start + round(lo / 60)
            if first < start[i]:
                first += 1440
            last = first + (round(hi / 60) - round(lo / 60)) % 1440
            if last > end[i]:
                raise InputError(
                    "a break falls outside its shift", source=source, column="breaks", rows=[i + 2]
                )
            b_start.append(first)
            b_end.append(last)
            b_count.append(count[i])
    on_shift = _sweep(start, end, count, minutes, cyclic)
    on_break = _sweep(
        np.array(b_start, dtype=np.int64),
        np.array(b_end, dtype=np.int64),
        np.array(b_count),
        minutes,
        cyclic,
    )
    return on_shift, on_break


def _sweep(
    start: np.ndarray, end: np.ndarray, weight: np.ndarray, minutes: int, cyclic: bool
) -> np.ndarray:
    """Sum of ``weight`` over the intervals ``[start, end)`` spanning each minute."""
    size = minutes + 2 * 1440
    diff = np.zeros(size + 1)
    np.add.at(diff, start, weight)
    np.add.at(diff, end, -weight)
    level = np.cumsum(diff)[:size]
    out = level[:minutes].copy()
    if cyclic:
        tail = level[minutes:]
        for k in range(0, tail.size, minutes):
            piece = tail[k : k + minutes]
            out[: piece.size] += piece
    return out


def schedule_coverage(
    schedule: pd.DataFrame,
    requirement: pd.DataFrame | Requirement,
    *,
    cyclic: bool = False,
    queue: str | None = None,
    threshold_s: float | None = None,
    abandon_policy: str = "fail",
    source: str = "schedule",
) -> pd.DataFrame:
    """Staff on shift and on the phones per interval, against the requirement.

    Parameters
    ----------
    schedule : DataFrame
        Columns :data:`SCHEDULE_COLUMNS` (``start``, ``end``, ``breaks`` and ``count``
        are used).
    requirement : DataFrame or Requirement
        The requirement table (see :mod:`staffing.scheduling.requirement`), or one
        already prepared.
    cyclic : bool, default False
        Whether the horizon wraps: time past its end counts at its start.
    queue : str, optional
        Queue scheduled alone (default: the queues summed).
    threshold_s : float, optional
        Service-level threshold [s] (default: the requirement's, else 20 s).
    abandon_policy : str, default "fail"
        See :func:`staffing.evaluate`.
    source : str, default "schedule"
        Name of the schedule in messages.

    Returns
    -------
    DataFrame
        One row per interval of the horizon, columns :data:`COVERAGE_COLUMNS` (module
        notes); ``queue`` holds the pool's name.

    Examples
    --------
    Two agents 09:00-10:00, one of them on a break 09:30-09:45:

    >>> req = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                     "agents": [2, 2]})
    >>> s = pd.DataFrame({"start": [pd.Timestamp("2025-03-03 09:00")] * 2,
    ...                   "end": [pd.Timestamp("2025-03-03 10:00")] * 2,
    ...                   "breaks": ["", "09:30-09:45"], "count": [1, 1]})
    >>> c = schedule_coverage(s, req)
    >>> c.iloc[18:20, 2:7]
        required  scheduled  on_phones  over  under
    18       2.0        2.0        2.0   0.0    0.0
    19       2.0        2.0        1.5   0.0    0.5
    """
    req = (
        requirement
        if isinstance(requirement, Requirement)
        else prepare_requirement(requirement, queue=queue)
    )
    minutes = req.days * 1440
    on_shift, on_break = _minute_counts(schedule, req.first_day, minutes, cyclic, source)
    on = on_shift - on_break
    per = req.interval_s // 60
    need = np.repeat(req.required, per)

    def mean(v: np.ndarray) -> np.ndarray:
        return v.reshape(-1, per).mean(axis=1)

    on_phones = mean(on)
    return pd.DataFrame(
        {
            "interval_start": req.starts,
            "queue": req.pool,
            "required": req.required,
            "scheduled": mean(on_shift),
            "on_phones": on_phones,
            "over": mean(np.maximum(on - need, 0.0)),
            "under": mean(np.maximum(need - on, 0.0)),
            "service_level": pool_service_level(
                req, on_phones, threshold_s=threshold_s, abandon_policy=abandon_policy
            ),
        },
        columns=list(COVERAGE_COLUMNS),
    )


def schedule_summary(
    schedule: pd.DataFrame,
    coverage: pd.DataFrame,
    *,
    calls: np.ndarray | None = None,
    hours_per_fte: float = 37.5,
    tolerance: float = 1e-9,
) -> pd.DataFrame:
    """Paid hours, FTE, efficiency and service level per day, per week and in total.

    Parameters
    ----------
    schedule : DataFrame
        Columns :data:`SCHEDULE_COLUMNS` (``day``, ``count`` and ``paid_hours`` are used;
        paid hours count on the day the shift starts).
    coverage : DataFrame
        Columns :data:`COVERAGE_COLUMNS`, one row per interval of the horizon.
    calls : ndarray, optional
        Calls per coverage row, weighting the service level (NaN or absent: no level).
    hours_per_fte : float, default 37.5
        Paid hours of one FTE per week [h].
    tolerance : float, default 1e-9
        ``under`` above this counts an interval as under.

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`: ``period`` is ``"day"``, ``"week"`` (Monday to
        Sunday, counting only the horizon's days) or ``"total"``; ``fte = paid_hours /
        (hours_per_fte * days / 7)``; ``required_hours`` and ``on_phone_hours`` are agent
        hours; ``efficiency = required_hours / on_phone_hours``; ``service_level`` is the
        calls-weighted mean of the intervals'.

    Notes
    -----
    Scheduling efficiency is the share of on-phone time the requirement asks for: 1 when
    the staff on the phones matches the requirement in every interval, lower for the
    overstaffing that whole shifts force.
    """
    starts = pd.DatetimeIndex(coverage["interval_start"])
    hours = float((starts[1] - starts[0]) / pd.Timedelta(hours=1)) if starts.size > 1 else 0.0
    dates = starts.to_numpy().astype("datetime64[D]")
    weights = np.zeros(starts.size) if calls is None else np.nan_to_num(np.asarray(calls, float))
    sl = coverage["service_level"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "date": dates,
            "week": period_floor(dates, "week"),
            "required": coverage["required"].to_numpy(dtype=float) * hours,
            "on": coverage["on_phones"].to_numpy(dtype=float) * hours,
            "under_n": (coverage["under"].to_numpy(dtype=float) > tolerance).astype(np.int64),
            "under": coverage["under"].to_numpy(dtype=float) * hours,
            "w": np.where(np.isfinite(sl), weights, 0.0),
            "wsl": np.where(np.isfinite(sl), weights * np.nan_to_num(sl), 0.0),
        }
    )
    shifts = pd.DataFrame(
        {
            "date": pd.to_datetime(schedule["day"]).to_numpy().astype("datetime64[D]")
            if len(schedule)
            else np.array([], dtype="datetime64[D]"),
            "count": schedule["count"].to_numpy(dtype=float),
            "paid": schedule["paid_hours"].to_numpy(dtype=float),
        }
    )
    shifts["week"] = period_floor(shifts["date"].to_numpy(), "week")
    out = []
    for period, key in (("day", "date"), ("week", "week")):
        cov = frame.groupby(key)
        days = frame.groupby(key)["date"].nunique()
        sh = shifts.groupby(key)[["count", "paid"]].sum()
        for start, group in cov:
            out.append(_row(period, start, int(days[start]), group, sh, hours_per_fte))
    all_days = int(frame["date"].nunique())
    total = shifts[["count", "paid"]].sum()
    out.append(
        _row(
            "total",
            frame["date"].min(),
            all_days,
            frame,
            pd.DataFrame([total], index=[frame["date"].min()]),
            hours_per_fte,
        )
    )
    table = pd.DataFrame(out, columns=list(SUMMARY_COLUMNS))
    table["period_start"] = pd.to_datetime(table["period_start"])
    return table


def _row(
    period: str,
    start: Any,
    days: int,
    group: pd.DataFrame,
    shifts: pd.DataFrame,
    hours_per_fte: float,
) -> dict[str, Any]:
    count = float(shifts["count"].get(start, 0.0))
    paid = float(shifts["paid"].get(start, 0.0))
    required = float(group["required"].sum())
    on = float(group["on"].sum())
    weight = float(group["w"].sum())
    return {
        "period": period,
        "period_start": start,
        "days": days,
        "shifts": round(count),
        "paid_hours": paid,
        "fte": paid / (hours_per_fte * days / 7.0),
        "required_hours": required,
        "on_phone_hours": on,
        "efficiency": required / on if on > 0 else np.nan,
        "intervals_under": int(group["under_n"].sum()),
        "under_hours": float(group["under"].sum()),
        "service_level": float(group["wsl"].sum()) / weight if weight > 0 else np.nan,
    }

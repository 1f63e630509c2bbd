"""Calendar periods of a contract: which period a timestamp falls in, and period order.

Weeks start on Monday (ISO 8601); months and quarters on their first day. Time zones are
kept: a period starts at local midnight of the timestamps' own zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.errors import StaffingError

__all__ = ["PERIODS", "period_position", "period_start"]

#: Contract periods understood by :func:`period_start`.
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")
_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def check_period(period: str) -> None:
    if period not in PERIODS:
        raise StaffingError(f"period {period!r} is not one of {', '.join(PERIODS)}")


def period_start(timestamps: pd.Series, period: str) -> pd.Series:
    """Start of the period (local midnight) each timestamp falls in.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2024-03-06 08:30", "2024-03-31 23:30"]))
    >>> period_start(ts, "week").dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-04', '2024-03-25']
    >>> period_start(ts, "quarter").dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-01', '2024-01-01']
    """
    check_period(period)
    tz = timestamps.dt.tz
    naive = timestamps.dt.tz_localize(None) if tz is not None else timestamps
    if period == "day":
        start = naive.dt.normalize()
    else:
        start = naive.dt.to_period(_FREQ[period]).dt.start_time
    if tz is not None:
        start = start.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return start.rename(timestamps.name)


def period_position(starts: pd.Series | pd.Index, period: str) -> np.ndarray:
    """Ordinal of each period start on the calendar, so that consecutive periods differ by 1.

    Examples
    --------
    >>> starts = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]))
    >>> period_position(starts, "month").tolist()
    [0, 1, 3]

    Local weeks across the start of summer time are still consecutive:

    >>> mondays = pd.Series(pd.to_datetime(["2025-03-24", "2025-03-31", "2025-04-07"]))
    >>> period_position(mondays.dt.tz_localize("Europe/London"), "week").tolist()
    [0, 1, 2]
    """
    check_period(period)
    s = pd.Series(starts)
    if s.empty:
        return np.zeros(0, dtype=np.int64)
    if s.dt.tz is not None:
        # Count calendar days on the wall clock: across a daylight-saving change two local
        # midnights a week apart are 7 days minus an hour apart, which must still be 7 days.
        s = s.dt.tz_localize(None)
    if period in ("day", "week"):
        days = (s.dt.normalize() - s.min().normalize()).dt.days.to_numpy(dtype=np.int64)
        return days if period == "day" else days // 7
    months = (s.dt.year * 12 + s.dt.month - 1).to_numpy(dtype=np.int64)
    months = months - months.min()
    return months if period == "month" else months // 3

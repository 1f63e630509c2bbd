"""Calendar periods of timestamps, time zones included: the one place they are computed.

The calendar itself (:func:`staffing.vocabulary.period_floor`) works on wall-clock dates;
this module takes timestamps (naive or time-zone-aware) to their wall-clock dates and
back. A period starts at local midnight of the timestamps' own zone. Where that
midnight happens twice (clocks go back at midnight) the period starts at the first of
them; where it does not exist (clocks go forward at midnight) it starts at the first
instant of the day that does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.vocabulary import period_floor

__all__ = ["local_dates", "period_start", "wall_clock"]


def wall_clock(times: pd.Series) -> pd.Series:
    """The timestamps as local wall-clock time without a zone (naive ones unchanged)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_localize(None)
    return times


def local_dates(times: pd.Series) -> np.ndarray:
    """Wall-clock date of each timestamp (``datetime64[D]``)."""
    return wall_clock(times).to_numpy().astype("datetime64[D]")


def period_start(times: pd.Series, period: str, week_start: int = 0) -> pd.Series:
    """Start (local midnight) of the day, week, month or quarter of each timestamp.

    Parameters
    ----------
    times : Series of datetime64 (naive or time-zone-aware)
    period : {"day", "week", "month", "quarter"}
    week_start : int, default 0
        Weekday weeks start on, Monday = 0 (:func:`staffing.vocabulary.parse_week_start`).

    Returns
    -------
    Series
        Same index, name and zone as ``times``.

    Examples
    --------
    >>> ts = pd.Series(pd.to_datetime(["2024-03-06 08:30", "2024-03-31 23:30"]))
    >>> period_start(ts, "week").dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-04', '2024-03-25']

    Havana's clocks went back from 01:00 to midnight on 2024-11-03, so that midnight
    happened twice; the day starts at the first one:

    >>> t = pd.Series(pd.to_datetime(["2024-11-03 09:00"])).dt.tz_localize("America/Havana")
    >>> str(period_start(t, "day").iloc[0])
    '2024-11-03 00:00:00-04:00'
    """
    days = period_floor(local_dates(times), period, week_start)
    naive = pd.Series(days.astype("datetime64[ns]"), index=times.index, name=times.name)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        naive = naive.dt.tz_localize(times.dt.tz, ambiguous=True, nonexistent="shift_forward")
        return naive.dt.as_unit(times.dt.unit)
    return naive.astype(times.dtype)

"""A forecast's rows grouped into queue-days and open stretches, in time order.

The unit of work of every time-varying method (the modified offered load, the day
simulator, simulation-based staffing): each queue-day starts empty, and a closed gap in a
queue's day ends one open stretch and starts the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.frames import local_dates

__all__ = ["QueueDays", "queue_days"]


@dataclass(frozen=True)
class QueueDays:
    """A forecast's rows grouped into queue-days and open stretches, in time order.

    A *queue-day* is one queue's intervals on one local (wall-clock) date. Within it, an
    *open stretch* is a run of consecutive intervals: a gap (closed intervals, no rows)
    ends one stretch and the next row opens another. A time-varying method starts each
    stretch empty, as a day's opening.

    Attributes
    ----------
    order : ndarray of intp
        Row positions of the forecast, queue-day by queue-day, each in time order.
    day : ndarray of intp
        Queue-day number (0, 1, ...) of each position of ``order``.
    stretch : ndarray of intp
        Open-stretch number (0, 1, ...) of each position of ``order``.
    bounds : ndarray of intp
        Where each queue-day starts in ``order``, then ``len(order)``.
    queues : ndarray of object
        Queue of each queue-day.
    dates : ndarray of datetime64[D]
        Local date of each queue-day.
    """

    order: np.ndarray
    day: np.ndarray
    stretch: np.ndarray
    bounds: np.ndarray
    queues: np.ndarray
    dates: np.ndarray

    def __len__(self) -> int:
        return int(self.queues.size)

    @property
    def opening(self) -> np.ndarray:
        """Whether each forecast row opens a stretch (in the forecast's row order)."""
        first = np.ones(self.order.size, dtype=bool)
        first[1:] = self.stretch[1:] != self.stretch[:-1]
        out = np.zeros(self.order.size, dtype=bool)
        out[self.order] = first
        return out

    def rows(self, d: int) -> np.ndarray:
        """Forecast row positions of queue-day ``d``, in time order."""
        return self.order[self.bounds[d] : self.bounds[d + 1]]

    def stretch_starts(self, d: int) -> np.ndarray:
        """Offsets within queue-day ``d`` where each of its stretches starts, then its size."""
        part = self.stretch[self.bounds[d] : self.bounds[d + 1]]
        starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
        return np.append(starts, part.size)


def queue_days(f: pd.DataFrame) -> QueueDays:
    """Group a prepared forecast into queue-days and open stretches (see :class:`QueueDays`).

    Examples
    --------
    >>> from staffing.prepared import validate_forecast
    >>> f = validate_forecast(pd.DataFrame({
    ...     "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 11:00",
    ...                        "2025-03-04 09:00"],
    ...     "calls": [10.0, 20.0, 15.0, 12.0], "aht_s": 180.0}), interval_s="30min")
    >>> qd = queue_days(f)
    >>> len(qd), qd.stretch.tolist(), qd.opening.tolist()
    (2, [0, 0, 1, 2], [True, False, True, True])
    """
    n = len(f)
    t = f["interval_start"]
    utc = (
        t.dt.tz_convert("UTC").dt.tz_localize(None)
        if isinstance(t.dtype, pd.DatetimeTZDtype)
        else t
    )
    ns = utc.to_numpy().astype("datetime64[ns]").astype(np.int64)
    dates = local_dates(t)
    codes = pd.factorize(f["queue"])[0]
    order = np.lexsort((ns, codes)).astype(np.intp)
    c, d, s = codes[order], dates[order], ns[order]
    new_day = np.ones(n, dtype=bool)
    new_day[1:] = (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    length_ns = f["interval_s"].to_numpy(dtype=float)[order] * 1e9
    new_stretch = new_day.copy()
    new_stretch[1:] |= (s[1:] - s[:-1]) > length_ns[:-1] * (1.0 + 1e-9)
    day = np.cumsum(new_day) - 1
    stretch = np.cumsum(new_stretch) - 1
    first = np.flatnonzero(new_day)
    return QueueDays(
        order=order,
        day=day.astype(np.intp),
        stretch=stretch.astype(np.intp),
        bounds=np.append(first, n).astype(np.intp),
        queues=f["queue"].to_numpy(dtype=object)[order[first]],
        dates=d[first],
    )

"""Table helpers every layer above the queueing core shares (pandas, no files).

Column checks that name the file, the column and the rows; queue names read the same
from every file; calendar periods of timestamps. The domain packages and :mod:`staffing.io`
both build on these, so a frame handed to the Python API is checked exactly as a file.
"""

from __future__ import annotations

from staffing.frames.checks import (
    bad_rows,
    check_column,
    numeric_column,
    queue_names,
    require_columns,
    to_timestamps,
)
from staffing.frames.periods import local_dates, period_start, wall_clock

__all__ = [
    "bad_rows",
    "check_column",
    "local_dates",
    "numeric_column",
    "period_start",
    "queue_names",
    "require_columns",
    "to_timestamps",
    "wall_clock",
]

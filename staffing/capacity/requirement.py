"""The requirement a capacity plan covers: productive FTE per week (and queue).

Two shapes are read, both as DataFrames (files are read by :mod:`staffing.io`):

* a table ``week, queue?, fte``: ``week`` is the first day of each week (a date; weeks
  may start on any weekday, as long as they follow each other 7 days apart) or a week
  number (``1, 2, 3, ...``); ``queue`` is optional (one queue, ``main``);
* a plan's summary by week (``staffing plan ... --period week --summary``): its
  ``period_start``, ``queue`` and ``fte`` columns; the total rows are left out.

``fte`` is the **productive** FTE the week needs: tenured-equivalent people on the
payroll, shrinkage included (a plan summary's ``fte`` is exactly that). Queues are summed
week by week unless ``by_queue``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import check_column, numeric_column, queue_names, require_columns
from staffing.frames.checks import bad_rows

__all__ = ["REQUIREMENT_COLUMNS", "pooled_name", "prepare_requirement"]

#: Columns of a prepared requirement, in order.
REQUIREMENT_COLUMNS: tuple[str, ...] = ("week", "queue", "fte")
_DEFAULT_QUEUE = "main"
_TOTAL = "total"


def pooled_name(queues: list[str]) -> str:
    """The label of several queues planned as one: ``sales+service`` (``all 7 queues``).

    Examples
    --------
    >>> pooled_name(["sales"]), pooled_name(["sales", "service"]), pooled_name(list("abcdef"))
    ('sales', 'sales+service', 'all 6 queues')
    """
    if len(queues) <= 4:
        return "+".join(queues)
    return f"all {len(queues)} queues"


def _from_summary(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """A plan summary by week as ``week, queue, fte`` (total rows left out)."""
    require_columns(df, ["period_start", "queue", "fte"], source=source)
    keep = pd.Series(True, index=df.index)
    if "level" in df.columns:
        keep &= df["level"].astype(str).eq("queue")
    start = df["period_start"]
    blank = start.isna() | start.astype(str).str.strip().eq("")
    keep &= ~blank & ~df["queue"].astype(str).eq(_TOTAL)
    if "period_days" in df.columns:
        days = pd.to_numeric(df["period_days"], errors="coerce")
        long = keep & days.ne(7)
        if long.any():
            raise InputError(
                f"a summary by periods of {days[long].iloc[0]:g} days: the requirement is "
                "needed by week (staffing plan ... --period week --summary)",
                source=source,
                column="period_days",
                rows=bad_rows(~long),
            )
    out = df.loc[keep, ["period_start", "queue", "fte"]].rename(columns={"period_start": "week"})
    out.attrs = dict(df.attrs)
    return out


def _weeks(
    df: pd.DataFrame, source: str, dayfirst: bool | None, date_format: str | None
) -> tuple[pd.Series, bool]:
    """The ``week`` column as week numbers (int64) or first days (datetime64[ns])."""
    values = df["week"]
    is_date = values.dtype.kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype)
    numbers = (
        pd.Series(np.nan, index=values.index) if is_date else pd.to_numeric(values, errors="coerce")
    )
    if not is_date and (values.dtype.kind in "iuf" or (numbers.notna().all() and len(values))):
        check_column(
            df,
            "week",
            numbers.notna() & np.isfinite(numbers) & (numbers == np.round(numbers)),
            "not a whole week number (give week numbers 1, 2, 3 ... or the weeks' first days)",
            source=source,
        )
        return numbers.astype(np.int64), False
    from staffing.frames import to_timestamps

    stamps = to_timestamps(df, "week", source=source, dayfirst=dayfirst, date_format=date_format)
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    check_column(
        df,
        "week",
        stamps == stamps.dt.normalize(),
        "has a time of day; give each week's first day (2026-01-05)",
        source=source,
    )
    return stamps.astype("datetime64[ns]"), True


def prepare_requirement(
    requirement: pd.DataFrame,
    *,
    by_queue: bool = False,
    source: str | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Check a weekly requirement and put it in shape: ``week, queue, fte``, one row a week.

    Parameters
    ----------
    requirement : DataFrame
        ``week, queue?, fte`` or a plan's summary by week (see the module notes).
    by_queue : bool, default False
        Keep the queues apart; else their FTE are summed week by week into one queue named
        by :func:`pooled_name`.
    source : str, optional
        Name for messages (default ``requirement.attrs["source"]``).
    dayfirst, date_format
        How dates in ``week`` are written, when no date settles it
        (:func:`staffing.frames.to_timestamps`).

    Returns
    -------
    DataFrame
        Columns :data:`REQUIREMENT_COLUMNS`, sorted by queue and week; ``week`` holds
        week numbers (int64) or first days (datetime64); ``attrs["dated"]`` says which,
        ``attrs["source"]`` names the table.

    Raises
    ------
    InputError
        Missing columns, a week that is neither a number nor a date, missing, negative or
        non-numeric FTE, a week given twice, gaps between weeks, queues covering different
        weeks, or a summary by another period than the week; each names the rows.

    Examples
    --------
    >>> r = pd.DataFrame({"week": ["2026-01-05", "2026-01-12", "2026-01-05", "2026-01-12"],
    ...                   "queue": ["sales", "sales", "service", "service"],
    ...                   "fte": [80.0, 84.5, 120.0, 118.0]})
    >>> prepare_requirement(r)
            week          queue    fte
    0 2026-01-05  sales+service  200.0
    1 2026-01-12  sales+service  202.5
    >>> prepare_requirement(r.assign(fte=[80.0, -1.0, 120.0, 118.0]))
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: requirement: column 'fte': 1 row (row 3) negative or missing
    """
    source = source or str(requirement.attrs.get("source", "requirement"))
    df = requirement
    if "week" not in df.columns and "period_start" in df.columns:
        df = _from_summary(df, source)
    require_columns(df, ["week", "fte"], source=source)
    if not len(df):
        raise InputError("no weeks: the requirement table is empty", source=source)
    df = df.reset_index(drop=True)
    fte = numeric_column(df, "fte", source=source)
    check_column(
        df, "fte", fte.notna() & (fte >= 0) & np.isfinite(fte), "negative or missing", source=source
    )
    weeks, dated = _weeks(df, source, dayfirst, date_format)
    if "queue" in df.columns:
        queue = queue_names(df["queue"])
        check_column(df, "queue", queue.notna() & queue.ne(""), "missing", source=source)
    else:
        queue = pd.Series(_DEFAULT_QUEUE, index=df.index)
    table = pd.DataFrame({"week": weeks, "queue": queue.astype(str), "fte": fte.astype(float)})
    twice = table.duplicated(["queue", "week"], keep=False)
    check_column(df, "week", ~twice, "give the same week twice for one queue", source=source)
    step = np.timedelta64(7, "D") if dated else 1
    expected: tuple[str, tuple[object, object]] | None = None
    for name, one in table.groupby("queue", sort=False):
        one = one.sort_values("week")
        gaps = np.flatnonzero(np.diff(one["week"].to_numpy()) != step)
        if gaps.size:
            after = one.index[gaps[0] + 1]
            before, then = one["week"].iloc[gaps[0]], one["week"].iloc[gaps[0] + 1]
            raise InputError(
                f"queue '{name!s}': weeks do not follow each other between {_label(before)} "
                f"and {_label(then)} (a missing week is an unknown requirement, not zero; "
                "weeks are 7 days apart)",
                source=source,
                column="week",
                rows=[int(after) + 2],
            )
        span = (one["week"].iloc[0], one["week"].iloc[-1])
        if expected is None:
            expected = (str(name), span)
        elif span != expected[1]:
            raise InputError(
                f"queue '{name!s}' covers {_label(span[0])} to {_label(span[1])}, queue "
                f"'{expected[0]}' {_label(expected[1][0])} to {_label(expected[1][1])}: "
                "give every queue the same weeks",
                source=source,
                column="week",
            )
    if not by_queue:
        names = sorted(str(q) for q in pd.unique(table["queue"]))
        table = table.groupby("week", sort=True)["fte"].sum().reset_index()
        table.insert(1, "queue", pooled_name(names))
    table = table.sort_values(["queue", "week"], kind="stable", ignore_index=True)
    table = table[list(REQUIREMENT_COLUMNS)]
    table.attrs = {"source": source, "dated": dated}
    return table


def _label(week: object) -> str:
    if isinstance(week, pd.Timestamp | np.datetime64):
        return str(pd.Timestamp(week).date())
    return f"week {week}"

"""Checks on a table's columns: errors naming the file, the column and the rows.

Rows are numbered as a spreadsheet user sees them: the header is row 1, so the first
data row is row 2 (see :class:`staffing.errors.InputError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError

__all__ = [
    "bad_rows",
    "check_column",
    "numeric_column",
    "queue_names",
    "require_columns",
    "to_timestamps",
]


def bad_rows(ok: Any) -> list[int]:
    """Spreadsheet row numbers (header = row 1) where the mask ``ok`` is not true.

    Examples
    --------
    >>> bad_rows([True, False, True, False])
    [3, 5]
    """
    mask = np.asarray(pd.Series(ok).fillna(False).to_numpy(), dtype=bool)
    return [int(i) + 2 for i in np.flatnonzero(~mask)]


def require_columns(df: pd.DataFrame, required: Sequence[str], *, source: str) -> None:
    """Raise if any of ``required`` is not a column of ``df``.

    Parameters
    ----------
    df : DataFrame
    required : sequence of str
        Column names that must be present.
    source : str
        File name used in the message.

    Raises
    ------
    InputError
        Naming the missing columns, the expected ones and the ones found.

    Examples
    --------
    >>> df = pd.DataFrame({"TimeStamp": [], "calls": []})
    >>> require_columns(df, ["interval_start", "calls", "aht_s"], source="f.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: missing columns 'interval_start', 'aht_s' (expected ...
    """
    found = [str(c) for c in df.columns]
    missing = [c for c in required if c not in found]
    if not missing:
        return
    noun = "column" if len(missing) == 1 else "columns"
    names = ", ".join(f"'{c}'" for c in missing)
    raise InputError(
        f"missing {noun} {names} (expected {', '.join(required)}; "
        f"found {', '.join(found) or 'no columns'}); "
        f"map a column with `columns` ({missing[0]}=NAME)",
        source=source,
    )


def check_column(df: pd.DataFrame, column: str, ok: Any, problem: str, *, source: str) -> None:
    """Raise if the boolean mask ``ok`` is false (or missing) on any row.

    Parameters
    ----------
    df : DataFrame
        The table (used for its length).
    column : str
        Column the check is about.
    ok : array-like of bool
        One value per row of ``df``, in row order; ``NaN`` counts as not ok.
    problem : str
        What is wrong with the rows that fail, e.g. ``"negative or missing"``.
    source : str
        File name used in the message.

    Raises
    ------
    InputError
        ``"f.csv: column 'calls': 2 rows (rows 3, 5) negative or missing"``.

    Examples
    --------
    >>> df = pd.DataFrame({"calls": [1.0, -2.0, 3.0, float("nan")]})
    >>> check_column(df, "calls", df["calls"] >= 0, "negative or missing", source="f.csv")
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 'calls': 2 rows (rows 3, 5) negative or missing
    """
    if len(ok) != len(df):
        raise ValueError(f"mask has {len(ok)} values for {len(df)} rows")
    rows = bad_rows(ok)
    if rows:
        raise InputError(problem, source=source, column=column, rows=rows)


def to_timestamps(
    df: pd.DataFrame,
    column: str,
    *,
    source: str,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.Series:
    """Parse a column of timestamps with one date convention, naming the rows it cannot read.

    Parameters
    ----------
    df : DataFrame
    column : str
        Column holding timestamps as text, Excel cells or datetimes.
    source : str
        File name used in the message.
    dayfirst, date_format
        As in :func:`staffing.frames.dates.parse_timestamps`: needed only when no value
        settles whether ``04/03/2025`` is 4 March or 3 April.

    Returns
    -------
    Series of datetime64
        Same index as ``df``. Text with UTC offsets gives a time-zone-aware Series
        (converted to UTC when the offsets differ).

    Raises
    ------
    InputError
        Rows that are missing or unparsable, and dates whose convention is ambiguous.

    Examples
    --------
    >>> df = pd.DataFrame({"t": ["2024-03-04 08:00", "2024-03-04 08:30", "soon"]})
    >>> to_timestamps(df, "t", source="f.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 't': 1 row (row 4) ...
    """
    from staffing.frames.dates import parse_timestamps

    parsed = parse_timestamps(
        df[column], column=column, source=source, dayfirst=dayfirst, date_format=date_format
    )
    return parsed.rename(column)


def numeric_column(df: pd.DataFrame, column: str, *, source: str) -> pd.Series:
    """A column as float, naming the rows whose text is not a number (blanks stay NaN).

    Examples
    --------
    >>> df = pd.DataFrame({"calls": ["12", "", "x", None]})
    >>> numeric_column(df, "calls", source="f.csv")
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 'calls': 1 row (row 4) not a number
    """
    values = df[column]
    if values.dtype.kind in "biuf":
        return values.astype(float)
    converted = pd.to_numeric(values, errors="coerce").astype(float)
    blank = values.isna() | values.astype("string").str.strip().eq("").fillna(True)
    check_column(df, column, converted.notna() | blank, "not a number", source=source)
    return converted


def queue_names(values: pd.Series) -> pd.Series:
    """Queue names as text, the same whichever file they come from (missing stay NaN).

    See :func:`staffing.frames.values.id_text`: ``"007"`` keeps its zeros, and numeric
    ids read as floats (a column with an empty cell: ``101.0``) become ``"101"``.

    Examples
    --------
    >>> queue_names(pd.Series([101.0, None, 7.5])).tolist()
    ['101', nan, '7.5']
    >>> queue_names(pd.Series([" sales ", 102, None, "007"])).tolist()
    ['sales', '102', nan, '007']
    """
    from staffing.frames.values import id_text

    return id_text(values)

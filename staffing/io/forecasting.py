"""The files a forecast reads: any history of calls, holidays, and handle times per queue.

A history for :func:`staffing.forecast` is whatever the tool reads as history: an ACD
interval report, per-call records, a count table (``interval_start``, optional
``queue``, ``calls``, optional ``aht_s``) at any interval, or the public Anonymous Bank
call log (a monthly ``.txt`` or a directory of them). The table is read with our column
names and its timestamps parsed; :func:`staffing.forecasting.call_counts` validates it
and sums it into the forecast's interval.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from staffing.errors import InputError
from staffing.frames import bad_rows
from staffing.io.readers import ReadOptions, read_bank_log
from staffing.io.tables import read_table

__all__ = ["read_aht_table", "read_call_history", "read_holidays"]

PathLike = str | os.PathLike[str]


def _is_bank_log(path: Path) -> bool:
    if path.is_dir():
        return True
    if path.suffix.lower() != ".txt":
        return False
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        header = handle.readline()
    names = set(header.split())
    from staffing.calibration import BANK_FIELDS  # the calibration layer: loaded when needed

    return set(BANK_FIELDS) <= names


def _check_offsets(df: pd.DataFrame, column: str, source: str) -> None:
    """Refuse timestamps whose UTC offsets change: a daylight-saving change in the file."""
    if column not in df.columns:
        return
    col = df[column]
    if pd.api.types.is_datetime64_any_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return
    text = col.astype(str).str.strip()
    offsets = text.str.extract(r"([+-]\d{2}:?\d{2}|Z)\s*$", expand=False)
    if offsets.isna().all():
        return
    distinct = offsets.dropna().str.replace(":", "", regex=False).unique()
    if len(distinct) > 1:
        first = offsets.str.replace(":", "", regex=False) != distinct[0]
        change = first & offsets.notna()
        raise InputError(
            f"UTC offsets change ({', '.join(sorted(distinct))}): a daylight-saving change; "
            "forecasts work on the local clock, so write local times without an offset and "
            "leave the changeover day out (its 23 or 25 hours do not fit the week's "
            "intervals)",
            source=source,
            column=column,
            rows=bad_rows(~change.to_numpy())[:5],
        )


def read_call_history(
    path: PathLike, *, options: ReadOptions | None = None, bank_queue: str | None = "type"
) -> pd.DataFrame:
    """Read a history of calls for a forecast (any kind; see the module notes).

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet (an interval report, call records or a count table), or an
        Anonymous Bank log (a monthly ``.txt`` or a directory of them).
    options : ReadOptions, optional
        Column mapping, date convention and sheet.
    bank_queue : {"type", None}, default "type"
        An Anonymous Bank log: one queue per call type, or one queue for all.

    Returns
    -------
    DataFrame
        The table with our column names and timestamps read; ``attrs["source"]`` names
        the file. :func:`staffing.forecasting.call_counts` takes it from there.

    Raises
    ------
    InputError
        An unreadable file, unparsable timestamps, or UTC offsets that change (a
        daylight-saving change).

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> h = read_call_history(sample_path("history.csv"))
    >>> h[["interval_start", "queue", "offered"]].head(2)
           interval_start    queue  offered
    0 2024-01-01 08:00:00    sales       50
    1 2024-01-01 08:00:00  service       38
    """
    p = Path(path)
    if _is_bank_log(p):
        return read_bank_log(p, queue=bank_queue)
    opts = options if options is not None else ReadOptions()
    raw = read_table(p, columns=opts.columns or None, sheet=opts.sheet)
    source = str(raw.attrs.get("source", p.name))
    for column in ("interval_start", "arrival"):
        _check_offsets(raw, column, source)
    return opts.timestamps(raw)


def read_holidays(path: PathLike, *, options: ReadOptions | None = None) -> pd.DataFrame:
    """Read a holidays table: ``date``, optional ``factor`` (empty or 0: closed).

    See :func:`staffing.forecasting.holiday_factors` for how it is used.
    """
    opts = options if options is not None else ReadOptions()
    df = read_table(path, sheet=opts.sheet)
    df.attrs.setdefault("source", Path(path).name)
    return df


def read_aht_table(path: PathLike) -> pd.DataFrame:
    """Read handle times per queue: ``queue``, ``aht_s`` (any duration spelling).

    Raises
    ------
    InputError
        Missing columns.
    """
    df = read_table(path)
    source = str(df.attrs.get("source", Path(path).name))
    lower = {str(c).strip().lower(): c for c in df.columns}
    if "queue" not in lower or "aht_s" not in lower:
        raise InputError(
            f"expected columns queue and aht_s (found {', '.join(map(str, df.columns))})",
            source=source,
        )
    out = df.rename(columns={lower["queue"]: "queue", lower["aht_s"]: "aht_s"})[["queue", "aht_s"]]
    out.attrs["source"] = source
    return out

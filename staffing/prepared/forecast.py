"""A forecast, validated: calls and handle time per interval and queue.

A forecast is long format, one row per interval and queue:

==================  ==========================================================
column              meaning
==================  ==========================================================
``interval_start``  start of the interval (timestamp)
``queue``           queue / skill (optional; one queue called ``main`` if absent)
``calls``           forecast calls offered [count, may be fractional]
``aht_s``           average handle time [s, or any duration: ``0:04:54``, ``4:54``]
``patience_s``      mean customer patience [s] (optional; empty = Erlang C)
``interval_s``      interval length [s] (optional; inferred when absent)
``redial``          share of abandoned callers who call again (optional, per queue
                    or interval: ``40%``, ``0.4``; empty = none; below 100%)
==================  ==========================================================

Other columns are kept as they are (``agents`` for :func:`staffing.planner.evaluate_staffing`).
Files are read by :func:`staffing.io.read_forecast`, which ends here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import (
    bad_rows,
    check_column,
    numeric_column,
    queue_names,
    require_columns,
    to_timestamps,
)
from staffing.frames.values import percent_column, seconds_column
from staffing.queueing.erlang import MAX_WORKLOAD_ERLANGS
from staffing.vocabulary import infer_interval_s, interval_length, interval_steps

__all__ = [
    "DEFAULT_QUEUE",
    "FORECAST_COLUMNS",
    "validate_forecast",
]

#: Queue name given to a forecast without a ``queue`` column.
DEFAULT_QUEUE = "main"
#: Columns of a validated forecast, in order (other columns follow).
FORECAST_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "interval_s",
    "patience_s",
)


def validate_forecast(
    forecast: pd.DataFrame,
    *,
    interval_s: str | float | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Validate a forecast table and complete it (queue, interval length, patience).

    Parameters
    ----------
    forecast : DataFrame
        Columns as in the module notes.
    interval_s : str or float, optional
        Interval length; when omitted, an ``interval_s`` column is used if present,
        otherwise the length is inferred per queue from the timestamps.
    source : str, optional
        Name used in error messages; defaults to ``forecast.attrs["source"]`` or
        ``"forecast"``.

    Returns
    -------
    DataFrame
        See :func:`staffing.io.read_forecast`. The index is reset; row ``i`` is the file's row
        ``i + 2`` (header = row 1).

    Raises
    ------
    InputError
        Missing columns; calls negative, missing or not numbers; AHT zero, negative or
        missing where calls are offered; patience zero or negative; missing queue names;
        unparsable timestamps; duplicate intervals within a queue; mixed interval lengths.

    Notes
    -----
    Intervals with zero calls may have an empty or zero AHT (closed hours in many
    exports): they need no agents whatever the handle time. Gaps between intervals (closed
    hours) are fine; the inferred interval is the most common step between consecutive
    timestamps of a queue, and every step must be a whole multiple of it.
    """
    source = source or str(forecast.attrs.get("source", "forecast"))
    require_columns(forecast, ["interval_start", "calls", "aht_s"], source=source)
    df = forecast.reset_index(drop=True)
    if df.empty:
        raise InputError("no intervals: the forecast has a header but no rows", source=source)
    out = pd.DataFrame(index=df.index)
    out["interval_start"] = to_timestamps(df, "interval_start", source=source)
    if "queue" in df.columns:
        check_column(df, "queue", df["queue"].notna(), "missing queue name", source=source)
        out["queue"] = queue_names(df["queue"])
    else:
        out["queue"] = DEFAULT_QUEUE

    calls = numeric_column(df, "calls", source=source)
    with np.errstate(invalid="ignore"):
        check_column(
            df, "calls", np.isfinite(calls) & (calls >= 0), "negative or missing", source=source
        )
    aht = seconds_column(df, "aht_s", source=source)
    with np.errstate(invalid="ignore"):
        ok_aht = (np.isfinite(aht) & (aht > 0)) | (calls == 0)
    check_column(df, "aht_s", ok_aht, "zero, negative or missing handle time", source=source)
    out["calls"] = calls
    out["aht_s"] = aht

    steps = _Steps.of(out)
    if (steps.step == 0).any():
        same = steps.step == 0
        rows = np.union1d(steps.later[same], steps.earlier[same]) + 2
        raise InputError(
            "duplicate intervals within a queue",
            source=source,
            column="interval_start",
            rows=rows.tolist(),
        )

    if interval_s is not None:
        out["interval_s"] = interval_length(interval_s)
    elif "interval_s" in df.columns:
        iv = seconds_column(df, "interval_s", source=source)
        with np.errstate(invalid="ignore"):
            check_column(
                df, "interval_s", np.isfinite(iv) & (iv > 0), "not a positive length", source=source
            )
        out["interval_s"] = iv
        varying = out.groupby("queue", sort=False)["interval_s"].transform("nunique") > 1
        if varying.any():
            raise InputError(
                "mixed interval lengths within a queue",
                source=source,
                column="interval_s",
                rows=bad_rows(~varying),
            )
    else:
        out["interval_s"] = _infer_interval(out, source)
    _check_steps(steps, out["interval_s"].to_numpy(dtype=float), source)
    with np.errstate(invalid="ignore", over="ignore"):
        workload = calls * aht / out["interval_s"]
    check_column(
        df,
        "calls",
        (workload <= MAX_WORKLOAD_ERLANGS) | (calls == 0),
        f"workload (calls x aht_s / interval) beyond the supported {MAX_WORKLOAD_ERLANGS:,.0f} "
        "Erlangs",
        source=source,
    )

    if "patience_s" in df.columns:
        patience = seconds_column(df, "patience_s", source=source, allow_inf=True)
        with np.errstate(invalid="ignore"):
            ok = np.isnan(patience) | (patience > 0)
        check_column(df, "patience_s", ok, "zero or negative patience", source=source)
        out["patience_s"] = patience
    else:
        out["patience_s"] = np.nan

    if "redial" in df.columns:
        share = percent_column(df["redial"], column="redial", source=source)
        check_column(
            df,
            "redial",
            share.isna() | (share < 1.0),
            "a redial share of 100%: every caller who hangs up would call again forever "
            "(give a share below 100%)",
            source=source,
        )
        out["redial"] = share.to_numpy(dtype=float)

    for name in df.columns:
        if name not in out.columns:
            out[name] = df[name]
    out.attrs = {"source": source}
    return out


@dataclass(frozen=True)
class _Steps:
    """Steps between consecutive timestamps of each queue (sorted by queue, then time)."""

    step: np.ndarray  # [s]
    later: np.ndarray  # row position of the later interval of each step
    earlier: np.ndarray  # row position of the earlier one
    code: np.ndarray  # queue code (pandas.factorize of queue) of each step

    @classmethod
    def of(cls, df: pd.DataFrame) -> _Steps:
        return cls(*interval_steps(_ns(df["interval_start"]), pd.factorize(df["queue"])[0]))


def _ns(times: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds (UTC for time-zone-aware ones)."""
    t = times
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return np.asarray(t.to_numpy().astype("datetime64[ns]").astype(np.int64))


def _check_steps(steps: _Steps, interval_s: np.ndarray, source: str) -> None:
    """Each step between consecutive intervals is a whole multiple of the interval."""
    step = steps.step
    iv = interval_s[steps.later]
    ratio = step / iv
    bad = (step < iv) | (np.abs(ratio - np.round(ratio)) > 1e-9)
    if bad.any():
        raise InputError(
            f"mixed interval lengths (e.g. {step[bad][0] / 60:g} min after the previous "
            f"interval of the queue, not a multiple of its {iv[bad][0] / 60:g}-min interval)",
            source=source,
            column="interval_start",
            rows=sorted(int(r) + 2 for r in steps.later[bad]),
        )


def _infer_interval(df: pd.DataFrame, source: str) -> np.ndarray:
    """Interval length per row.

    Its queue's, by the vocabulary's one rule
    (:func:`staffing.vocabulary.infer_interval_s`); a queue of one timestamp takes the
    length the others agree on.
    """
    codes, names = pd.factorize(df["queue"])
    lengths = infer_interval_s(_ns(df["interval_start"]), codes)
    known = set(lengths[np.isfinite(lengths)].tolist())
    for code in np.flatnonzero(np.isnan(lengths)):
        if len(known) != 1:
            raise InputError(
                f"queue '{names[int(code)]}': cannot infer the interval length from a single "
                "timestamp; give `interval_s` (e.g. 30min)",
                source=source,
                column="interval_start",
            )
        lengths[code] = next(iter(known))
    return lengths[codes]

"""Calls per interval from any history, and the same counts as a day-by-slot panel.

Three kinds of history are understood, told apart by their columns:

* an **ACD interval report** (``interval_start``, ``offered``, ``answered``,
  ``abandoned``, ...; see :func:`staffing.calibration.validate_intervals`): ``offered`` is
  the volume, and ``aht_s`` is weighted by ``answered``;
* **per-call records** (``arrival``, ``wait_s``, ``outcome``, optional ``handle_s``; see
  :func:`staffing.calibration.validate_records`): each arrival is one call, and the mean
  ``handle_s`` of answered calls is the interval's handle time;
* a **count table** (``interval_start``, optional ``queue``, ``calls``, optional
  ``aht_s``; ``offered`` alone is read as ``calls``): ``aht_s`` is weighted by ``calls``.

Whatever the kind, rows at a finer interval (5-minute counts) are summed into the
forecast's interval; an interval is never split. Counts must be whole, non-negative
numbers: a table of fractional calls is a forecast, not a history.

The panel (:class:`CountPanel`) holds the counts as arrays ``queue x day x slot``. A day
without a single call of a queue (no rows, or rows of zeros) is **not data**: a holiday,
a closed day or a gap in the export, never a zero day. Within a day that has calls, an
interval without a row had no calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.calibration.history import (
    DEFAULT_QUEUE,
    history_kind,
    normalise_history_columns,
    validate_intervals,
    validate_records,
)
from staffing.errors import InputError
from staffing.frames import bad_rows, check_column, numeric_column, queue_names, to_timestamps
from staffing.frames.values import seconds_column
from staffing.vocabulary import parse_duration

__all__ = [
    "COUNT_COLUMNS",
    "CountPanel",
    "call_counts",
    "holiday_factors",
    "pool_queues",
]

#: Columns of :func:`call_counts`' table, in order.
COUNT_COLUMNS: tuple[str, ...] = ("interval_start", "queue", "calls", "aht_s", "aht_calls")
_DAY_S = 86400.0


def _interval_s(interval: str | float) -> float:
    seconds = parse_duration(interval, what="`interval`", allow_zero=False)
    if seconds < 60 or _DAY_S % seconds:
        raise InputError(
            f"`interval` {interval!r} must be a whole number of minutes that divides a day "
            "(e.g. 15min, 30min, 1h)"
        )
    return seconds


def _naive(stamps: pd.Series) -> pd.Series:
    """Wall-clock timestamps: a fixed UTC offset is dropped (the local clock is kept)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    return stamps.astype("datetime64[ns]")


def _whole(df: pd.DataFrame, column: str, values: np.ndarray, source: str) -> None:
    with np.errstate(invalid="ignore"):
        check_column(
            df, column, np.isfinite(values) & (values >= 0), "negative or missing", source=source
        )
        check_column(
            df,
            column,
            np.abs(values - np.round(values)) <= 1e-9 * np.maximum(values, 1.0),
            "not a whole number of calls (a history counts calls; fractional calls are a forecast)",
            source=source,
        )


def _from_counts(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """A count table: ``interval_start``, optional ``queue``, ``calls``, optional ``aht_s``."""
    if "calls" not in frame.columns and "offered" in frame.columns:
        frame = frame.rename(columns={"offered": "calls"})
    if "interval_start" not in frame.columns or "calls" not in frame.columns:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise InputError(
            "not a history: expected a count table (interval_start, optional queue, calls, "
            "optional aht_s), an interval report (interval_start, offered, answered, "
            f"abandoned) or call records (arrival, wait_s, outcome); found {found}; map "
            "other names with `columns` (e.g. calls=Volume)",
            source=source,
        )
    if frame.empty:
        raise InputError("no intervals in the history", source=source)
    out = pd.DataFrame(index=frame.index)
    out["interval_start"] = _naive(to_timestamps(frame, "interval_start", source=source))
    if "queue" in frame.columns:
        check_column(frame, "queue", frame["queue"].notna(), "missing queue name", source=source)
        out["queue"] = queue_names(frame["queue"]).to_numpy(dtype=object)
    else:
        out["queue"] = DEFAULT_QUEUE
    calls = numeric_column(frame, "calls", source=source).to_numpy(dtype=float)
    _whole(frame, "calls", calls, source)
    out["calls"] = calls
    if "aht_s" in frame.columns:
        aht = seconds_column(frame, "aht_s", source=source).to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            ok = np.isnan(aht) | (aht > 0) | (calls == 0)
        check_column(frame, "aht_s", ok, "zero or negative handle time", source=source)
        known = np.isfinite(aht) & (aht > 0)
        weight = calls
        if "aht_calls" in frame.columns:  # a table of call_counts: its own weights
            weight = numeric_column(frame, "aht_calls", source=source).fillna(0.0).to_numpy()
        out["aht_s"] = np.where(known, aht, np.nan)
        out["aht_calls"] = np.where(known, weight, 0.0)
    else:
        out["aht_s"] = np.nan
        out["aht_calls"] = 0.0
    return out


def _from_report(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    report = validate_intervals(frame, source=source, on_inconsistent="repair")
    offered = report["offered"].to_numpy(dtype=float)
    _whole(report, "offered", offered, source)
    aht = report["aht_s"].to_numpy(dtype=float)
    answered = report["answered"].to_numpy(dtype=float)
    known = np.isfinite(aht) & (aht > 0) & (answered > 0)
    return pd.DataFrame(
        {
            "interval_start": _naive(report["interval_start"]),
            "queue": report["queue"].to_numpy(dtype=object),
            "calls": offered,
            "aht_s": np.where(known, aht, np.nan),
            "aht_calls": np.where(known, answered, 0.0),
        }
    )


def _from_records(frame: pd.DataFrame, source: str, interval_s: float) -> pd.DataFrame:
    records = validate_records(frame, source=source)
    arrival = _naive(records["arrival"])
    handle = records["handle_s"].to_numpy(dtype=float)
    known = (records["outcome"].to_numpy() == "answered") & np.isfinite(handle)
    grouped = (
        pd.DataFrame(
            {
                "interval_start": arrival.dt.floor(f"{int(interval_s)}s"),
                "queue": records["queue"].to_numpy(dtype=object),
                "calls": 1.0,
                "handle": np.where(known, handle, 0.0),
                "aht_calls": known.astype(float),
            }
        )
        .groupby(["queue", "interval_start"], sort=True, as_index=False)
        .sum()
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        grouped["aht_s"] = np.where(
            grouped["aht_calls"] > 0, grouped["handle"] / grouped["aht_calls"], np.nan
        )
    return grouped[list(COUNT_COLUMNS)]


def _source_step(long: pd.DataFrame) -> float:
    """The history's own interval [s].

    The shortest step between two rows of a queue on the same day (0 when no day has two
    rows: then it cannot be told).
    """
    t = long["interval_start"].to_numpy(dtype="datetime64[ns]")
    day = t.astype("datetime64[D]")
    codes = pd.factorize(long["queue"])[0]
    order = np.lexsort((t, codes))
    t, day, codes = t[order], day[order], codes[order]
    same = (codes[1:] == codes[:-1]) & (day[1:] == day[:-1])
    step = (np.diff(t.astype(np.int64)) / 1e9)[same]
    step = step[step > 0]
    return float(step.min()) if step.size else 0.0


def _duplicates(long: pd.DataFrame, frame: pd.DataFrame, source: str) -> None:
    dup = long.duplicated(["queue", "interval_start"], keep=False).to_numpy()
    if not dup.any():
        return
    days = long.loc[dup, "interval_start"].dt.normalize().unique()
    hint = ""
    if len(days) == 1:
        hint = (
            f" (all on {pd.Timestamp(days[0]).date()}: if the clock went back that night, "
            "a daylight-saving day repeats an hour; give each interval once in local time, "
            "or leave the day out of the history)"
        )
    raise InputError(
        f"duplicate intervals within a queue{hint}",
        source=source,
        column="interval_start" if "interval_start" in frame.columns else None,
        rows=bad_rows(~dup),
    )


def call_counts(
    history: pd.DataFrame, *, interval: str | float = "30min", source: str | None = None
) -> pd.DataFrame:
    """Calls (and handle time) per interval and queue from any kind of history.

    Parameters
    ----------
    history : DataFrame
        An interval report, per-call records or a count table (see the module notes), with
        our column names (any case); ``attrs["source"]`` names it in messages.
    interval : str or float, default "30min"
        The forecast's interval: a duration that divides a day (``15min``, ``30min``,
        ``1h``). Finer rows are summed into it; coarser rows are refused.
    source : str, optional
        Name for messages (default ``history.attrs["source"]``).

    Returns
    -------
    DataFrame
        Columns :data:`COUNT_COLUMNS`: ``interval_start`` (wall clock), ``queue``,
        ``calls`` (whole numbers), ``aht_s`` (mean handle time of the calls whose handle
        time is known, NaN when none is) and ``aht_calls`` (how many such calls: the
        weight of ``aht_s``). One row per queue and interval that had a row in the
        history; sorted by queue and time. ``attrs``: ``source``, ``interval_s``, ``kind``.

    Raises
    ------
    InputError
        Columns that fit no kind of history; negative, missing or fractional counts;
        duplicate intervals (a daylight-saving day counted twice is named as such);
        intervals coarser than ``interval`` or not nesting in it.

    Examples
    --------
    >>> five = pd.DataFrame({"interval_start": pd.date_range("2024-03-04 08:00",
    ...                      periods=12, freq="5min"), "calls": [3, 4, 2, 5, 1, 0] * 2})
    >>> call_counts(five)[["interval_start", "queue", "calls"]]
           interval_start queue  calls
    0 2024-03-04 08:00:00   all   15.0
    1 2024-03-04 08:30:00   all   15.0
    """
    name = source or str(history.attrs.get("source", "history"))
    interval_s = _interval_s(interval)
    frame = normalise_history_columns(history)
    kind = history_kind(frame.columns)
    if kind == "records":
        long = _from_records(frame, name, interval_s)
        kind_name = "records"
    elif kind == "intervals" and {"offered", "answered", "abandoned"} <= set(frame.columns):
        long = _from_report(frame, name)
        kind_name = "intervals"
        _duplicates(long, frame, name)
    else:
        long = _from_counts(frame, name)
        kind_name = "counts"
        _duplicates(long, frame, name)
    if kind_name != "records":
        step = _source_step(long)
        if step > interval_s + 1e-6:
            raise InputError(
                f"the history's intervals are {step / 60:g} min, longer than the "
                f"{interval_s / 60:g}-min `interval`: intervals are summed, never split; "
                f"give `interval` {step / 60:g}min or longer",
                source=name,
                column="interval_start",
            )
        if step > 0 and interval_s % step > 1e-6:
            raise InputError(
                f"the history's {step / 60:g}-min intervals do not nest in the "
                f"{interval_s / 60:g}-min `interval`: give an `interval` that is a multiple "
                "of the history's",
                source=name,
                column="interval_start",
            )
        long = long.assign(
            handle=np.where(long["aht_calls"] > 0, long["aht_s"] * long["aht_calls"], 0.0),
            interval_start=long["interval_start"].dt.floor(f"{int(interval_s)}s"),
        )
        long = long.groupby(["queue", "interval_start"], sort=True, as_index=False)[
            ["calls", "handle", "aht_calls"]
        ].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            long["aht_s"] = np.where(
                long["aht_calls"] > 0, long["handle"] / long["aht_calls"], np.nan
            )
    out = long[list(COUNT_COLUMNS)].sort_values(["queue", "interval_start"], kind="stable")
    out = out.reset_index(drop=True)
    out["queue"] = out["queue"].astype(str)
    out.attrs = {"source": name, "interval_s": interval_s, "kind": kind_name}
    return out


def pool_queues(counts: pd.DataFrame, queues: Iterable[str]) -> pd.DataFrame:
    """Keep some queues, or pool several into one: ``["PS+PE+NE"]`` sums three queues.

    Parameters
    ----------
    counts : DataFrame
        A table of :func:`call_counts`.
    queues : iterable of str
        Queue names; a name joining queues with ``+`` is their sum, named so.

    Returns
    -------
    DataFrame
        The same columns, only the queues asked for (handle times pooled by their weights).

    Raises
    ------
    InputError
        A queue the history does not have.

    Examples
    --------
    >>> c = pd.DataFrame({"interval_start": pd.to_datetime(["2024-03-04 08:00"] * 3),
    ...                   "queue": ["a", "b", "c"], "calls": [1.0, 2.0, 4.0],
    ...                   "aht_s": [100.0, 400.0, float("nan")], "aht_calls": [1.0, 2.0, 0.0]})
    >>> pool_queues(c, ["a+b"])[["queue", "calls", "aht_s"]].to_numpy().tolist()
    [['a+b', 3.0, 300.0]]
    """
    source = str(counts.attrs.get("source", "history"))
    known = set(counts["queue"].unique())
    frames = []
    for name in queues:
        parts = [p.strip() for p in str(name).split("+") if p.strip()]
        missing = [p for p in parts if p not in known]
        if missing or not parts:
            raise InputError(
                f"no queue {', '.join(repr(m) for m in missing) or repr(name)} in the history "
                f"(it has {', '.join(sorted(known))}); name queues as the history does, "
                "joined by + to pool them",
                source=source,
            )
        part = counts[counts["queue"].isin(parts)]
        part = part.assign(
            handle=np.where(part["aht_calls"] > 0, part["aht_s"] * part["aht_calls"], 0)
        )
        pooled = part.groupby("interval_start", sort=True, as_index=False)[
            ["calls", "handle", "aht_calls"]
        ].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled["aht_s"] = np.where(
                pooled["aht_calls"] > 0, pooled["handle"] / pooled["aht_calls"], np.nan
            )
        pooled["queue"] = "+".join(parts)
        frames.append(pooled[list(COUNT_COLUMNS)])
    out = pd.concat(frames, ignore_index=True)
    out.attrs = dict(counts.attrs)
    return out


def holiday_factors(holidays: Any, *, source: str = "holidays") -> dict[np.datetime64, float]:
    """Days to leave out of the fit, with the factor their forecast is scaled by.

    Parameters
    ----------
    holidays : DataFrame, mapping or iterable of dates
        A table with ``date`` and optional ``factor`` (empty = 0: closed), a mapping date
        -> factor, or dates (closed).
    source : str
        Name for messages.

    Returns
    -------
    dict
        ``numpy.datetime64`` day -> factor (0 = closed).

    Examples
    --------
    >>> holiday_factors(pd.DataFrame({"date": ["2024-12-25", "2024-12-24"],
    ...                               "factor": [None, 0.6]}))  # doctest: +NORMALIZE_WHITESPACE
    {np.datetime64('2024-12-25'): 0.0, np.datetime64('2024-12-24'): 0.6}
    """
    if holidays is None:
        return {}
    if isinstance(holidays, pd.DataFrame):
        frame = normalise_history_columns(holidays)
        if "date" not in frame.columns:
            raise InputError(
                f"missing column 'date' (expected date, optional factor; found "
                f"{', '.join(map(str, frame.columns)) or 'none'})",
                source=source,
            )
        dates = to_timestamps(frame, "date", source=source)
        if "factor" in frame.columns:
            factor = numeric_column(frame, "factor", source=source).fillna(0.0).to_numpy()
            with np.errstate(invalid="ignore"):
                ok = np.isfinite(factor) & (factor >= 0)
            check_column(frame, "factor", ok, "negative or not finite", source=source)
        else:
            factor = np.zeros(len(frame))
        pairs: Iterable[tuple[Any, float]] = zip(_naive(dates).dt.normalize(), factor, strict=True)
    elif isinstance(holidays, Mapping):
        pairs = ((pd.Timestamp(k), float(v)) for k, v in holidays.items())
    else:
        pairs = ((pd.Timestamp(d), 0.0) for d in holidays)
    out: dict[np.datetime64, float] = {}
    for day, value in list(pairs):
        scale = float(value)
        if not np.isfinite(scale) or scale < 0:
            raise InputError(f"holiday factor {scale!r} must be 0 or more", source=source)
        out[np.datetime64(pd.Timestamp(day).date(), "D")] = scale
    return out


@dataclass(frozen=True)
class CountPanel:
    """Counts as arrays ``queue x day x slot``, the form every method works on.

    Attributes
    ----------
    queues : tuple of str
        Queue names, in the order of the first axis.
    first_day : numpy.datetime64
        The date of day index 0.
    interval_s : float
        Interval length [s]; ``slots = 86400 / interval_s`` per day.
    calls : ndarray (queues, days, slots)
        Calls per interval; NaN on days that are not data.
    handle, weight : ndarray (queues, days, slots)
        Handle seconds of the calls with a known handle time, and how many calls those are.
    valid : ndarray (queues, days) of bool
        Days that are data: with at least one call, not a holiday, not cut short.
    last : pandas.Timestamp
        Start of the history's last interval.
    """

    queues: tuple[str, ...]
    first_day: np.datetime64
    interval_s: float
    calls: np.ndarray
    handle: np.ndarray
    weight: np.ndarray
    valid: np.ndarray
    last: pd.Timestamp
    source: str = "history"

    @property
    def slots(self) -> int:
        """Intervals in a day."""
        return round(_DAY_S / self.interval_s)

    @property
    def days(self) -> int:
        """Days in the panel."""
        return int(self.calls.shape[1])

    def weekday(self, day: Any) -> Any:
        """Weekday (Monday = 0) of day index ``day`` (any integer, also past the history)."""
        first = int((self.first_day.astype("datetime64[D]").astype(np.int64) + 3) % 7)
        return (np.asarray(day) + first) % 7

    def date(self, day: Any) -> Any:
        """The date of day index ``day``."""
        return self.first_day + np.asarray(day).astype("timedelta64[D]")

    def index_of(self, day: Any) -> int:
        """The day index of a date."""
        return int((np.datetime64(pd.Timestamp(day).date(), "D") - self.first_day).astype(int))

    @classmethod
    def from_counts(
        cls,
        counts: pd.DataFrame,
        *,
        holidays: Mapping[np.datetime64, float] | None = None,
        before: pd.Timestamp | None = None,
    ) -> CountPanel:
        """The panel of a :func:`call_counts` table (rows from ``before`` on left out)."""
        interval_s = float(counts.attrs.get("interval_s", 1800.0))
        source = str(counts.attrs.get("source", "history"))
        if before is not None:
            counts = counts[counts["interval_start"] < before]
        if counts.empty:
            raise InputError("no intervals in the history before the forecast", source=source)
        t = counts["interval_start"].to_numpy(dtype="datetime64[ns]")
        day = t.astype("datetime64[D]")
        first = day.min()
        d = (day - first).astype(np.int64)
        slot = (
            (t - day.astype("datetime64[ns]")).astype(np.int64) // int(interval_s * 1e9)
        ).astype(np.int64)
        codes, names = pd.factorize(counts["queue"], sort=True)
        n_q, n_d, n_s = len(names), int(d.max()) + 1, round(_DAY_S / interval_s)
        flat = (codes * n_d + d) * n_s + slot
        size = n_q * n_d * n_s
        shape = (n_q, n_d, n_s)
        calls = np.bincount(flat, counts["calls"].to_numpy(dtype=float), size).reshape(shape)
        weight = counts["aht_calls"].to_numpy(dtype=float)
        handle = np.where(weight > 0, counts["aht_s"].to_numpy(dtype=float) * weight, 0.0)
        handle_a = np.bincount(flat, handle, size).reshape(shape)
        weight_a = np.bincount(flat, weight, size).reshape(shape)
        valid = calls.sum(axis=2) > 0
        for date, _ in (holidays or {}).items():
            k = int((date - first).astype(np.int64))
            if 0 <= k < n_d:
                valid[:, k] = False
        calls[~valid] = np.nan
        return cls(
            queues=tuple(str(n) for n in names),
            first_day=first,
            interval_s=interval_s,
            calls=calls,
            handle=handle_a,
            weight=weight_a,
            valid=valid,
            last=pd.Timestamp(t.max()),
            source=source,
        )

    def without_day(self, day: int) -> CountPanel:
        """The same panel with day index ``day`` not data (a day cut short)."""
        valid = self.valid.copy()
        valid[:, day] = False
        calls = self.calls.copy()
        calls[:, day] = np.nan
        return CountPanel(
            self.queues,
            self.first_day,
            self.interval_s,
            calls,
            self.handle,
            self.weight,
            valid,
            self.last,
            self.source,
        )

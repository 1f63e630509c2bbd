"""ACD history: interval reports and per-call records, read and validated once.

Two kinds of history are understood, told apart by their columns:

* **Interval reports** (what an ACD exports): ``interval_start``, optional ``queue``,
  ``offered``, ``answered``, ``abandoned``, and ``answered_within`` (calls answered within
  the threshold) or ``service_level`` (a fraction, taken as answered within the threshold
  divided by offered); optional ``abandoned_within``, ``short_abandons``,
  ``wait_answered_s`` (total seconds answered calls waited) or ``asa_s``,
  ``wait_abandoned_s`` (total seconds abandoned calls waited) or ``avg_abandon_s``,
  ``aht_s``, ``agents`` (average staffed) and ``interval_s``.
* **Call records** (one row per call): ``arrival`` (time the call joined the queue),
  optional ``queue``, ``wait_s``, ``outcome`` (``answered`` or ``abandoned``), optional
  ``handle_s`` and ``agent``. They are aggregated into intervals by :func:`aggregate_records`.

Either way the result is one row per interval and queue with the columns of
:data:`HISTORY_COLUMNS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import check_column, require_columns, to_timestamps
from staffing.frames.values import (
    InconsistentPolicy,
    answered_within_count,
    duration_column,
    percent_column,
    reconcile_counts,
    seconds_column,
)
from staffing.vocabulary import infer_interval_s, parse_duration

__all__ = [
    "DEFAULT_QUEUE",
    "HISTORY_COLUMNS",
    "RECORD_COLUMNS",
    "aggregate_records",
    "history_kind",
    "normalise_history_columns",
    "not_a_history",
    "prepare_history",
    "staffed_agents",
    "validate_intervals",
    "validate_records",
]

#: Queue name given to a history without a ``queue`` column.
DEFAULT_QUEUE = "all"

#: Columns of every interval history returned here, in this order.
HISTORY_COLUMNS: list[str] = [
    "interval_start",
    "queue",
    "interval_s",
    "offered",
    "answered",
    "abandoned",
    "answered_within",
    "abandoned_within",
    "short_abandons",
    "wait_answered_s",
    "wait_abandoned_s",
    "aht_s",
    "agents",
]

#: Columns of validated call records, in this order.
RECORD_COLUMNS: list[str] = ["arrival", "queue", "wait_s", "outcome", "handle_s", "agent"]

_INTERVAL_REQUIRED = ["interval_start", "offered", "answered", "abandoned"]
_RECORD_REQUIRED = ["arrival", "wait_s", "outcome"]
_OUTCOMES = ("answered", "abandoned")
_KNOWN = {
    *HISTORY_COLUMNS,
    *RECORD_COLUMNS,
    "caller_id",
    "service_level",
    "asa_s",
    "avg_abandon_s",
}


def _check(df: pd.DataFrame, column: str, ok: Any, problem: str, source: str) -> None:
    check_column(df, column, np.asarray(ok, dtype=bool), problem, source=source)


def _numeric(df: pd.DataFrame, column: str, source: str) -> np.ndarray:
    """Column as float, with text that is not a number reported by row."""
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    original = df[column]
    not_number = np.isnan(values) & original.notna().to_numpy()
    if original.dtype == object:
        blank = original.astype(str).str.strip().eq("").to_numpy()
        not_number &= ~blank
    _check(df, column, ~not_number, "not a number", source)
    return values


def normalise_history_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with our own column names recognised whatever their case (``Answered``)."""
    out = df.copy()
    out.columns = [str(c).strip() for c in out.columns]
    present = set(out.columns)
    renames = {
        c: c.casefold()
        for c in out.columns
        if c.casefold() in _KNOWN and c.casefold() not in present
    }
    out = out.rename(columns=renames).reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def not_a_history(df: pd.DataFrame, source: str) -> InputError:
    """The error for a table whose columns fit neither kind of history."""
    found = ", ".join(map(str, df.columns)) or "none"
    return InputError(
        "not a history: expected an interval report (interval_start, offered, answered, "
        "abandoned, answered_within or service_level) or call records (arrival, wait_s, "
        f"outcome); found {found}; map other names with `columns` (e.g. offered=CallsOffered)",
        source=source,
    )


def history_kind(columns: Any) -> str:
    """``"records"`` or ``"intervals"``: which kind of history these columns describe.

    Parameters
    ----------
    columns : iterable of str
        Column names (after any mapping).

    Returns
    -------
    str
        ``"records"`` when ``arrival`` and ``outcome`` are present, ``"intervals"`` when
        ``interval_start`` is, otherwise ``"unknown"``.

    Examples
    --------
    >>> history_kind(["arrival", "wait_s", "outcome"])
    'records'
    >>> history_kind(["interval_start", "offered", "answered", "abandoned"])
    'intervals'
    """
    names = {str(c).strip() for c in columns}
    if {"arrival", "outcome"} <= names:
        return "records"
    if "interval_start" in names:
        return "intervals"
    return "unknown"


def _timestamps(df: pd.DataFrame, column: str, source: str) -> pd.Series:
    parsed = to_timestamps(df, column, source=source)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def validate_intervals(
    df: pd.DataFrame,
    *,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    source: str = "history",
    on_inconsistent: InconsistentPolicy = "repair",
) -> pd.DataFrame:
    """Check an interval report and return it with the columns of :data:`HISTORY_COLUMNS`.

    Parameters
    ----------
    df : DataFrame
        Interval report with our column names (see the module notes).
    threshold_s : float, default 20
        Service-level threshold behind ``answered_within`` / ``service_level`` [s].
    interval : str or float, default "30min"
        Interval length used when it cannot be inferred from ``interval_start`` (a single
        interval per queue) and no ``interval_s`` column is given.
    source : str
        File name for messages.
    on_inconsistent : {"repair", "drop", "fail"}, default "repair"
        Rows where answered + abandoned exceeds offered by a few calls (calls counted
        where they start and where they end): raise offered to answered + abandoned,
        leave the rows out, or stop (:func:`staffing.frames.values.reconcile_counts`);
        each repair or drop is a warning naming the rows.

    Returns
    -------
    DataFrame
        Sorted by queue and ``interval_start``; counts and seconds as floats, NaN where a
        quantity is unknown; ``attrs`` holds ``source``, ``threshold_s`` and ``kind``.

    Raises
    ------
    InputError
        Missing columns, unparsable times, negative or missing counts, answered plus
        abandoned above offered (with ``on_inconsistent="fail"``), answered within the
        threshold above answered, service level outside [0, 1], negative waits, duplicate
        intervals; the message names the file, the column and the rows.

    Notes
    -----
    Durations (``aht_s``, ``asa_s``, ``avg_abandon_s``, the wait totals, ``interval_s``)
    may be written as ``0:04:54``, ``4:54`` or seconds; ``service_level`` as ``77.1``,
    ``77.1%`` or ``0.771`` (:func:`staffing.frames.values.percent_column`), rounded: half
    a call of rounding is allowed before ``service_level x offered`` exceeding answered is
    an error.
    """
    require_columns(df, _INTERVAL_REQUIRED, source=source)
    n = len(df)
    if n == 0:
        raise InputError("no intervals in the history", source=source)
    out = pd.DataFrame(index=df.index)
    out["interval_start"] = _timestamps(df, "interval_start", source)
    if "queue" in df.columns:
        queue = df["queue"]
        _check(df, "queue", queue.notna().to_numpy(), "queue is empty", source)
        out["queue"] = queue.astype(str).str.strip()
    else:
        out["queue"] = DEFAULT_QUEUE

    for col in ("offered", "answered", "abandoned"):
        v = _numeric(df, col, source)
        _check(df, col, np.isfinite(v) & (v >= 0), "negative or missing", source)
        out[col] = v

    def optional(col: str) -> np.ndarray:
        if col not in df.columns:
            return np.full(n, np.nan)
        if col.endswith("_s") and df[col].dtype.kind not in "biuf":
            v = duration_column(df[col], column=col, source=source).to_numpy(dtype=float)
        else:
            v = _numeric(df, col, source)
        _check(df, col, np.isnan(v) | ((v >= 0) & np.isfinite(v)), "negative", source)
        return v

    reconciled = reconcile_counts(
        out["offered"], out["answered"], out["abandoned"], policy=on_inconsistent, source=source
    )
    out["offered"] = reconciled.offered.to_numpy(dtype=float)
    keep = reconciled.keep.to_numpy(dtype=bool)
    offered = out["offered"].to_numpy()
    answered = out["answered"].to_numpy()
    abandoned = out["abandoned"].to_numpy()
    tol = 1e-9 * np.maximum(offered, 1.0)

    def at_most(col: str, bound: np.ndarray, problem: str) -> np.ndarray:
        v = optional(col)
        _check(df, col, np.isnan(v) | (v <= bound + tol), problem, source)
        return v

    def total(col: str, mean_col: str, count: np.ndarray) -> np.ndarray:
        """A total given as such, or as a mean per call times the calls."""
        if col in df.columns:
            return optional(col)
        if mean_col in df.columns:
            return optional(mean_col) * count
        return np.full(n, np.nan)

    if "answered_within" in df.columns:
        within = at_most(
            "answered_within", answered, "answered within the threshold exceeds answered"
        )
    elif "service_level" in df.columns:
        sl = percent_column(df["service_level"], column="service_level", source=source)
        within = answered_within_count(
            sl,
            out["offered"],
            out["answered"],
            column="service_level",
            source=source,
        ).to_numpy(dtype=float)
    else:
        within = np.full(n, np.nan)
    out["answered_within"] = within

    out["abandoned_within"] = at_most(
        "abandoned_within", abandoned, "abandoned within the threshold exceeds abandoned"
    )
    out["short_abandons"] = at_most("short_abandons", abandoned, "short abandons exceed abandoned")

    out["wait_answered_s"] = total("wait_answered_s", "asa_s", answered)
    out["wait_abandoned_s"] = total("wait_abandoned_s", "avg_abandon_s", abandoned)

    aht = optional("aht_s")
    _check(
        df,
        "aht_s",
        np.isnan(aht) | (aht > 0) | (answered == 0),
        "zero handle time for answered calls",
        source,
    )
    out["aht_s"] = aht
    out["agents"] = optional("agents")

    dup = out.duplicated(["queue", "interval_start"], keep=False).to_numpy()
    _check(df, "interval_start", ~dup, "duplicate intervals (same queue and start)", source)

    if "interval_s" in df.columns:
        iv = seconds_column(df, "interval_s", source=source).to_numpy()
        _check(df, "interval_s", np.isfinite(iv) & (iv > 0), "not a positive length", source)
    else:
        iv = np.full(n, _infer_interval_s(out, interval))
    out["interval_s"] = iv

    out = out[keep].sort_values(["queue", "interval_start"], kind="stable")
    out = out.reset_index(drop=True)[HISTORY_COLUMNS]
    out.attrs = {"source": source, "threshold_s": float(threshold_s), "kind": "intervals"}
    return out


def _infer_interval_s(out: pd.DataFrame, interval: str | float) -> float:
    """The history's interval length [s]: its queues' by the vocabulary's one rule
    (:func:`staffing.vocabulary.infer_interval_s`), the shortest where queues differ;
    ``interval`` where no queue has two intervals."""
    t = out["interval_start"]
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = t.to_numpy().astype("datetime64[ns]").astype(np.int64)
    lengths = infer_interval_s(ns, pd.factorize(out["queue"])[0])
    lengths = lengths[np.isfinite(lengths)]
    if lengths.size == 0:
        return parse_duration(interval, what="`interval`", allow_zero=False)
    return float(lengths.min())


def validate_records(df: pd.DataFrame, *, source: str = "history") -> pd.DataFrame:
    """Check per-call records and return them with the columns of :data:`RECORD_COLUMNS`.

    Parameters
    ----------
    df : DataFrame
        One row per call: ``arrival``, ``wait_s``, ``outcome`` and optional ``queue``,
        ``handle_s``, ``agent``, ``caller_id`` (kept, for following redials).
    source : str
        File name for messages.

    Returns
    -------
    DataFrame
        ``outcome`` lower-cased (``"answered"`` / ``"abandoned"``); ``handle_s`` NaN when
        unknown; ``agent`` ``None`` when unknown; sorted by arrival.

    Raises
    ------
    InputError
        Missing columns, unparsable arrival times, negative or missing waits, unknown
        outcomes, negative handle times.
    """
    require_columns(df, _RECORD_REQUIRED, source=source)
    n = len(df)
    if n == 0:
        raise InputError("no calls in the history", source=source)
    out = pd.DataFrame(index=df.index)
    out["arrival"] = _timestamps(df, "arrival", source)
    if "queue" in df.columns:
        _check(df, "queue", df["queue"].notna().to_numpy(), "queue is empty", source)
        out["queue"] = df["queue"].astype(str).str.strip()
    else:
        out["queue"] = DEFAULT_QUEUE
    wait = seconds_column(df, "wait_s", source=source).to_numpy(dtype=float)
    _check(df, "wait_s", np.isfinite(wait) & (wait >= 0), "negative or missing waits", source)
    out["wait_s"] = wait
    outcome = df["outcome"].astype(str).str.strip().str.lower()
    _check(
        df,
        "outcome",
        outcome.isin(_OUTCOMES).to_numpy(),
        "outcome is not 'answered' or 'abandoned'",
        source,
    )
    out["outcome"] = outcome
    if "handle_s" in df.columns:
        handle = seconds_column(df, "handle_s", source=source).to_numpy()
        _check(df, "handle_s", np.isnan(handle) | (handle >= 0), "negative handle time", source)
        out["handle_s"] = np.where(outcome.to_numpy() == "answered", handle, np.nan)
    else:
        out["handle_s"] = np.nan
    if "agent" in df.columns:

        def name(a: Any) -> str | None:
            text = None if pd.isna(a) else str(a).strip()
            return text or None

        out["agent"] = df["agent"].astype(object).map(name)
        out.loc[out["outcome"] != "answered", "agent"] = None
    else:
        out["agent"] = None
    ids = []
    if "caller_id" in df.columns:  # who called: redials can be followed
        out["caller_id"] = df["caller_id"].astype(object).where(df["caller_id"].notna(), None)
        ids = ["caller_id"]
    out = out.sort_values("arrival", kind="stable").reset_index(drop=True)
    out = out[[*RECORD_COLUMNS, *ids]]
    out.attrs = {"source": source, "kind": "records"}
    return out


def staffed_agents(
    records: pd.DataFrame,
    *,
    interval_s: float = 1800.0,
    max_gap_s: float = 900.0,
) -> pd.DataFrame:
    """Average agents staffed per interval and queue, estimated from who served calls.

    Parameters
    ----------
    records : DataFrame
        Validated call records (:func:`validate_records`) with ``agent`` and ``handle_s``.
    interval_s : float, default 1800
        Interval length [s].
    max_gap_s : float, default 900
        Longest idle gap between two services of one agent still counted as staffed [s].

    Returns
    -------
    DataFrame
        Columns ``queue``, ``interval_start``, ``agents`` (average staffed over the
        interval, fractional).

    Notes
    -----
    Each answered call occupies its agent from ``arrival + wait_s`` to
    ``arrival + wait_s + handle_s``. An agent's services in a queue are chained into one
    *presence span* while the idle gap between the end of one service and the start of
    the next is at most ``max_gap_s``; the agent counts as staffed throughout each span.
    The average staffed agents in an interval is the total span time inside it divided
    by ``interval_s``.

    The estimate is biased. It is **low** at the edges of shifts (an agent logged in but
    idle before the first or after the last call is not seen), across idle gaps longer
    than ``max_gap_s``, and in quiet intervals where staffed agents take no call at all.
    It is **high** when breaks, meetings or after-call work shorter than ``max_gap_s``
    fall between services. An agent who serves several queues counts in each of them, so
    for multi-skill centres back-test on the pooled queue. Busy time alone
    (``sum(handle_s) / interval_s``) is a hard lower bound on staffed agents.
    """
    recs = records[(records["outcome"] == "answered") & records["agent"].notna()]
    recs = recs[np.isfinite(recs["handle_s"].to_numpy(dtype=float))]
    if recs.empty:
        return pd.DataFrame({"queue": [], "interval_start": [], "agents": []})
    t0 = recs["arrival"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    start = t0 + recs["wait_s"].to_numpy(dtype=float)
    end = start + recs["handle_s"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "queue": recs["queue"].to_numpy(),
            "agent": recs["agent"].to_numpy(),
            "start": start,
            "end": end,
        }
    ).sort_values(["queue", "agent", "start"], kind="stable")
    same = (frame["queue"].to_numpy()[1:] == frame["queue"].to_numpy()[:-1]) & (
        frame["agent"].to_numpy()[1:] == frame["agent"].to_numpy()[:-1]
    )
    # Latest end so far within each (queue, agent): a long service may cover later ones.
    reach = frame.groupby(["queue", "agent"], sort=False)["end"].cummax().to_numpy()
    gap = frame["start"].to_numpy()[1:] - reach[:-1]
    new_span = np.concatenate([[True], ~same | (gap > max_gap_s)])
    span_id = np.cumsum(new_span)
    frame["span"] = span_id
    spans = frame.groupby("span", sort=False).agg(
        queue=("queue", "first"), start=("start", "min"), end=("end", "max")
    )
    s = spans["start"].to_numpy()
    e = spans["end"].to_numpy()
    first = np.floor(s / interval_s).astype(np.int64)
    last = np.floor(np.maximum(e - 1e-9, s) / interval_s).astype(np.int64)
    count = last - first + 1
    idx = np.repeat(np.arange(len(spans)), count)
    k = first[idx] + (np.arange(idx.size) - np.repeat(np.cumsum(count) - count, count))
    lo = np.maximum(s[idx], k * interval_s)
    hi = np.minimum(e[idx], (k + 1) * interval_s)
    covered = np.clip(hi - lo, 0.0, None) / interval_s
    pieces = pd.DataFrame({"queue": spans["queue"].to_numpy()[idx], "k": k, "agents": covered})
    per = pieces.groupby(["queue", "k"], sort=True, as_index=False)["agents"].sum()
    per["interval_start"] = pd.to_datetime(per["k"].to_numpy() * interval_s, unit="s")
    return pd.DataFrame(per[["queue", "interval_start", "agents"]])


def aggregate_records(
    records: pd.DataFrame,
    *,
    interval: str | float = "30min",
    threshold_s: float = 20.0,
    short_abandon_s: float = 5.0,
    max_gap_s: float = 900.0,
) -> pd.DataFrame:
    """Aggregate per-call records into an interval history.

    Parameters
    ----------
    records : DataFrame
        Validated call records (:func:`validate_records`).
    interval : str or float, default "30min"
        Interval length: a duration such as ``"15min"``, ``"1h"``, ``"1d"``, or seconds
        (``900``; see :mod:`staffing.vocabulary`).
    threshold_s : float, default 20
        Service-level threshold [s]: ``answered_within`` counts answered calls with
        ``wait_s <= threshold_s``, ``abandoned_within`` abandoned ones.
    short_abandon_s : float, default 5
        Abandons with ``wait_s <= short_abandon_s`` count as ``short_abandons`` [s].
    max_gap_s : float, default 900
        Passed to :func:`staffed_agents` when the records name agents.

    Returns
    -------
    DataFrame
        Columns of :data:`HISTORY_COLUMNS`, one row per queue and interval with at least
        one arrival; ``aht_s`` is the mean ``handle_s`` of answered calls (NaN if
        unknown); ``agents`` is NaN for a queue whose records name no agent.

    Examples
    --------
    >>> calls = pd.DataFrame({
    ...     "arrival": pd.to_datetime(["2024-01-01 09:00:05", "2024-01-01 09:10:00",
    ...                                "2024-01-01 09:40:00"]),
    ...     "wait_s": [10.0, 45.0, 5.0],
    ...     "outcome": ["answered", "abandoned", "answered"],
    ...     "handle_s": [200.0, None, 100.0],
    ... })
    >>> h = aggregate_records(validate_records(calls), threshold_s=20)
    >>> h[["offered", "answered", "abandoned", "answered_within", "aht_s"]].to_numpy()
    array([[  2.,   1.,   1.,   1., 200.],
           [  1.,   1.,   0.,   1., 100.]])
    """
    interval_s = parse_duration(interval, what="`interval`", allow_zero=False)
    recs = records
    secs = recs["arrival"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    k = np.floor(secs / interval_s).astype(np.int64)
    wait = recs["wait_s"].to_numpy(dtype=float)
    answered = (recs["outcome"] == "answered").to_numpy()
    abandoned = ~answered
    handle = recs["handle_s"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "queue": recs["queue"].to_numpy(),
            "k": k,
            "offered": 1.0,
            "answered": answered.astype(float),
            "abandoned": abandoned.astype(float),
            "answered_within": (answered & (wait <= threshold_s)).astype(float),
            "abandoned_within": (abandoned & (wait <= threshold_s)).astype(float),
            "short_abandons": (abandoned & (wait <= short_abandon_s)).astype(float),
            "wait_answered_s": np.where(answered, wait, 0.0),
            "wait_abandoned_s": np.where(abandoned, wait, 0.0),
            "handle_sum": np.where(answered & np.isfinite(handle), handle, 0.0),
            "handle_n": (answered & np.isfinite(handle)).astype(float),
        }
    )
    out = frame.groupby(["queue", "k"], sort=True, as_index=False).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["aht_s"] = np.where(out["handle_n"] > 0, out["handle_sum"] / out["handle_n"], np.nan)
    out["interval_start"] = pd.to_datetime(out["k"].to_numpy() * interval_s, unit="s")
    out["interval_s"] = interval_s
    if recs["agent"].notna().any():
        agents = staffed_agents(recs, interval_s=interval_s, max_gap_s=max_gap_s)
        out = out.merge(agents, on=["queue", "interval_start"], how="left")
        # No presence in an interval is 0 agents, but only for a queue whose records name
        # agents at all: elsewhere staffing is unknown, not zero.
        named = recs.loc[recs["agent"].notna(), "queue"].unique()
        seen = out["queue"].isin(named).to_numpy()
        out["agents"] = np.where(seen, out["agents"].fillna(0.0).to_numpy(), np.nan)
    else:
        out["agents"] = np.nan
    out = out[HISTORY_COLUMNS].reset_index(drop=True)
    out.attrs = {
        "source": records.attrs.get("source", "history"),
        "threshold_s": float(threshold_s),
        "kind": "records",
    }
    return out


def prepare_history(
    df: pd.DataFrame,
    *,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    max_idle_s: float = 900.0,
    on_inconsistent: InconsistentPolicy = "repair",
) -> pd.DataFrame:
    """An ACD history table (interval report or call records) as one row per interval.

    Parameters
    ----------
    df : DataFrame
        An interval report or call records with our column names (any case);
        ``attrs["source"]`` names it in messages.
    threshold_s : float, default 20
        Service-level threshold [s]: the one behind the table's ``answered_within`` or
        ``service_level``, or the one applied to call records.
    interval : str or float, default "30min"
        Interval length for aggregating call records; for interval reports, used only when
        the length cannot be inferred from ``interval_start``.
    max_idle_s : float, default 900
        Call records: longest idle gap between an agent's calls still counted as staffed.
    on_inconsistent : {"repair", "drop", "fail"}, default "repair"
        Interval reports: what to do with rows whose answered + abandoned exceeds offered
        (see :func:`validate_intervals`).

    Returns
    -------
    DataFrame
        Columns of :data:`HISTORY_COLUMNS` (NaN where a quantity is unknown);
        ``attrs["threshold_s"]``, ``attrs["source"]`` and ``attrs["kind"]``
        (``"intervals"`` or ``"records"``).

    Raises
    ------
    InputError
        When the columns fit neither kind of history, or a value is bad (the message
        names the table, the column and the rows).

    Examples
    --------
    >>> report = pd.DataFrame({
    ...     "interval_start": ["2024-01-01 09:00", "2024-01-01 09:30"],
    ...     "Offered": [120, 140], "answered": [114, 128], "abandoned": [6, 12],
    ...     "service_level": [0.80, 0.70],
    ... })
    >>> h = prepare_history(report)
    >>> h[["queue", "interval_s", "offered", "answered_within"]].to_numpy().tolist()
    [['all', 1800.0, 120.0, 96.0], ['all', 1800.0, 140.0, 98.0]]
    """
    frame = normalise_history_columns(df)
    name = str(df.attrs.get("source", "history"))
    kind = history_kind(frame.columns)
    if kind == "records":
        records = validate_records(frame, source=name)
        return aggregate_records(
            records, interval=interval, threshold_s=threshold_s, max_gap_s=max_idle_s
        )
    if kind == "intervals":
        return validate_intervals(
            frame,
            threshold_s=threshold_s,
            interval=interval,
            source=name,
            on_inconsistent=on_inconsistent,
        )
    raise not_a_history(frame, name)

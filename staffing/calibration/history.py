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

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, describe_rows
from staffing.frames import check_column, require_columns, to_timestamps
from staffing.frames.values import (
    ROUNDING_CALLS,
    InconsistentPolicy,
    duration_column,
    file_row_numbers,
    percent_column,
    reconcile_counts,
    seconds_column,
    warn_repair,
)
from staffing.queueing.erlang import MAX_AGENTS, MAX_WORKLOAD_ERLANGS
from staffing.vocabulary import (
    ABANDON_POLICIES,
    AbandonPolicy,
    check_abandon_policy,
    infer_interval_s,
    parse_duration,
    service_level_parts,
)

__all__ = [
    "AGENT_ESTIMATES",
    "DEFAULT_QUEUE",
    "HISTORY_COLUMNS",
    "RECORD_COLUMNS",
    "SL_DEFINITIONS",
    "aggregate_records",
    "history_kind",
    "normalise_history_columns",
    "not_a_history",
    "pool_queues",
    "prepare_history",
    "service_level_counts",
    "shared_agents",
    "staffed_agents",
    "validate_intervals",
    "validate_records",
    "work_conserving_agents",
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

#: How staffed agents are estimated from call records (:func:`aggregate_records`).
AGENT_ESTIMATES: tuple[str, ...] = ("idle_gap", "work_conserving")

#: A history's service level in words, per definition (an abandon policy's name).
SL_DEFINITIONS: dict[str, str] = {
    "fail": "answered within t / offered",
    "exclude": "answered within t / answered",
    "exclude_within": "answered within t / (offered - abandoned within t)",
    "count_within": "(answered within t + abandoned within t) / offered",
}

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
    twice = sorted({c for c in out.columns if list(out.columns).count(c) > 1})
    if twice:
        names = ", ".join(f"'{c}'" for c in twice)
        raise InputError(
            f"column{'s' if len(twice) > 1 else ''} {names} appear{'' if len(twice) > 1 else 's'} "
            "more than once: keep one (or map the other to a name of its own)",
            source=str(df.attrs.get("source", "history")),
        )
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
    history_sl: AbandonPolicy | None = None,
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
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, optional
        What the history's ``service_level`` divides (:data:`SL_DEFINITIONS`, the abandon
        policies' words); default ``"fail"``, answered within t / offered. A
        ``service_level`` column is turned into ``answered_within`` calls by it, after
        checking that every row fits it (:func:`service_level_counts`).

    Returns
    -------
    DataFrame
        Sorted by queue and ``interval_start``; counts and seconds as floats, NaN where a
        quantity is unknown; ``attrs`` holds ``source``, ``threshold_s``, ``kind`` and
        ``history_sl`` (the service level's definition).

    Raises
    ------
    InputError
        Missing columns, unparsable times, negative or missing counts, answered plus
        abandoned above offered (with ``on_inconsistent="fail"``), answered within the
        threshold above answered, service level outside [0, 1] or not fitting its
        definition, negative waits, duplicate intervals; the message names the file, the
        column and the rows.

    Warns
    -----
    DataWarning
        Rows repaired (see ``on_inconsistent``), and answered calls with an ``aht_s`` of
        0 (sub-second handle times rounded down): their AHT is read as unknown (NaN),
        which the back-test fills with the queue's mean and patience does not need.

    Notes
    -----
    Durations (``aht_s``, ``asa_s``, ``avg_abandon_s``, the wait totals, ``interval_s``)
    may be written as ``0:04:54``, ``4:54`` or seconds; ``service_level`` as ``77.1``,
    ``77.1%`` or ``0.771`` (:func:`staffing.frames.values.percent_column`), rounded: half
    a call of rounding is allowed before ``service_level x offered`` exceeding answered is
    an error.
    """
    definition = check_abandon_policy(history_sl or "fail")
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

    out["abandoned_within"] = at_most(
        "abandoned_within", abandoned, "abandoned within the threshold exceeds abandoned"
    )
    if "answered_within" in df.columns:
        within = at_most(
            "answered_within", answered, "answered within the threshold exceeds answered"
        )
    elif "service_level" in df.columns:
        sl = percent_column(df["service_level"], column="service_level", source=source)
        within = service_level_counts(
            sl.to_numpy(dtype=float, na_value=np.nan),
            offered=offered,
            answered=answered,
            abandoned_within=out["abandoned_within"].to_numpy(dtype=float),
            history_sl=definition,
            source=source,
        )
    else:
        within = np.full(n, np.nan)
    out["answered_within"] = within
    out["short_abandons"] = at_most("short_abandons", abandoned, "short abandons exceed abandoned")

    out["wait_answered_s"] = total("wait_answered_s", "asa_s", answered)
    out["wait_abandoned_s"] = total("wait_abandoned_s", "avg_abandon_s", abandoned)

    aht = optional("aht_s")
    zero = (aht == 0) & (answered > 0)
    if zero.any():
        warn_repair(
            f"{source}: column 'aht_s': {describe_rows(file_row_numbers(zero))} give a handle "
            "time of 0 s for answered calls (sub-second times rounded down by the ACD?): "
            "read as unknown, so the model uses the queue's mean handle time there"
        )
        aht = np.where(zero, np.nan, aht)
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
    with np.errstate(invalid="ignore", over="ignore"):
        load = out["offered"].to_numpy(dtype=float) * aht / iv
    _check(
        df,
        "offered",
        ~(load > MAX_WORKLOAD_ERLANGS),
        f"workload (offered x aht_s / interval) beyond the supported {MAX_WORKLOAD_ERLANGS:,.0f} "
        "Erlangs",
        source,
    )
    staffed = out["agents"].to_numpy(dtype=float)
    _check(df, "agents", ~(staffed > MAX_AGENTS), f"above {MAX_AGENTS:,.0f} agents", source)

    out = out[keep].sort_values(["queue", "interval_start"], kind="stable")
    out = out.reset_index(drop=True)[HISTORY_COLUMNS]
    out.attrs = {
        "source": source,
        "threshold_s": float(threshold_s),
        "kind": "intervals",
        "history_sl": definition,
    }
    return out


def service_level_counts(
    service_level: np.ndarray,
    *,
    offered: np.ndarray,
    answered: np.ndarray,
    abandoned_within: np.ndarray | None = None,
    history_sl: str = "fail",
    source: str = "history",
    column: str = "service_level",
) -> np.ndarray:
    """Calls answered within the threshold, from a service level of a known definition.

    Parameters
    ----------
    service_level : ndarray
        Fractions per row (NaN: unknown).
    offered, answered : ndarray
        Counts per row [calls].
    abandoned_within : ndarray, optional
        Calls abandoned within the threshold per row (NaN or omitted: unknown); needed by
        ``exclude_within`` and ``count_within``.
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, default "fail"
        The definition (:data:`SL_DEFINITIONS`).
    source, column : str
        For messages.

    Returns
    -------
    ndarray
        Answered within the threshold [calls], at most ``answered``; not rounded.

    Raises
    ------
    InputError
        Rows the definition cannot hold: their answered-within count would be negative
        or above ``answered`` by more than half a call (:data:`ROUNDING_CALLS`, a rounded
        percentage). The message names the rows, and the definitions every row fits (or
        says that none does), so the one the export uses can be given.

    Notes
    -----
    With the numerator ``N`` and denominator ``D`` of the definition
    (:func:`staffing.vocabulary.service_level_parts`), ``SL = N / D``, so answered within
    ``= SL x D - (N - answered within)``: ``SL x offered`` (``fail``), ``SL x answered``
    (``exclude``), ``SL x (offered - abandoned within)`` (``exclude_within``) and
    ``SL x offered - abandoned within`` (``count_within``). A definition is ruled out by
    any row where that count falls outside ``[0, answered]``; the public Vancouver 3-1-1
    daily export, for one, has 139 rows with ``SL x offered > answered`` (its service
    level is answered within t / answered).

    Examples
    --------
    >>> sl, off, ans = np.array([0.9, 0.5]), np.array([100.0, 10.0]), np.array([80.0, 9.0])
    >>> service_level_counts(sl, offered=off, answered=ans, history_sl="exclude").tolist()
    [72.0, 4.5]
    >>> service_level_counts(sl, offered=off, answered=ans)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: history: column 'service_level': read as fail ... exclude
    """
    definition = check_abandon_policy(history_sl)
    bw = np.full(np.shape(service_level), np.nan) if abandoned_within is None else abandoned_within

    def implied(name: str) -> np.ndarray:
        # answered within (0) is left out of the numerator: what remains is N - AW
        rest, den = service_level_parts(
            name, answered_within=0.0, offered=offered, answered=answered, abandoned_within=bw
        )
        return np.asarray(service_level * den - rest, dtype=float)

    def misfits(name: str) -> np.ndarray:
        within = implied(name)
        with np.errstate(invalid="ignore"):
            bad = (within > answered + ROUNDING_CALLS) | (within < -ROUNDING_CALLS)
        # a row whose definition needs an unknown count cannot be checked, nor used
        unknown = np.isnan(within) & ~np.isnan(service_level)
        return np.asarray(bad | unknown, dtype=bool)

    wrong = misfits(definition)
    if wrong.any():
        fits = [d for d in ABANDON_POLICIES if d != definition and not misfits(d).any()]
        within = implied(definition)
        i = int(np.flatnonzero(wrong)[0])
        if np.isnan(within[i]):
            what = "needs abandoned_within, which the history does not give, in"
        elif within[i] > answered[i]:
            what = (
                f"means more calls answered within t than answered (e.g. {within[i]:.4g} > "
                f"{answered[i]:g}) in"
            )
        else:
            what = f"means fewer than no calls answered within t (e.g. {within[i]:.4g}) in"
        if len(fits) == 1:
            advice = (
                f"the rows fit {fits[0]} ({SL_DEFINITIONS[fits[0]]}): give `history_sl` {fits[0]}"
            )
        elif fits:
            named = "; ".join(f"{d} ({SL_DEFINITIONS[d]})" for d in fits)
            advice = (
                f"the rows fit {named}: give `history_sl` with the one the export "
                "documents (answered within t / answered fits any service level)"
            )
        else:
            advice = "the rows fit none of the definitions (fail, exclude, exclude_within, "
            advice += "count_within): check the column and the threshold"
        raise InputError(
            f"read as {definition} ({SL_DEFINITIONS[definition]}), the service level {what} "
            f"{describe_rows(file_row_numbers(wrong))}; {advice}",
            source=source,
            column=column,
        )
    within = implied(definition)
    return np.clip(np.fmin(within, answered), 0.0, None)


def _infer_interval_s(out: pd.DataFrame, interval: str | float) -> float:
    """The history's interval length [s].

    Its queues' by the vocabulary's one rule
    (:func:`staffing.vocabulary.infer_interval_s`), the shortest where queues differ;
    ``interval`` where no queue has two intervals.
    """
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
    agents_estimate: str = "idle_gap",
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
    agents_estimate : {"idle_gap", "work_conserving"}, default "idle_gap"
        How staffed agents are estimated: the agents' presence spans
        (:func:`staffed_agents`), or, where callers waited long enough to tell, the agents
        busy while callers waited (:func:`work_conserving_agents`), the presence spans
        elsewhere.

    Returns
    -------
    DataFrame
        Columns of :data:`HISTORY_COLUMNS`, one row per queue and interval with at least
        one arrival; ``aht_s`` is the mean ``handle_s`` of answered calls (NaN if
        unknown, or if every answered call was logged with 0 s, said in a warning);
        ``agents`` is NaN for a queue whose records name no agent; ``attrs`` holds
        ``agents_estimate`` and ``max_idle_s``.

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
    if agents_estimate not in AGENT_ESTIMATES:
        raise InputError(
            f"`agents_estimate` {agents_estimate!r}: use one of {', '.join(AGENT_ESTIMATES)}"
        )
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
    handled = out["handle_sum"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["aht_s"] = np.where(
            (out["handle_n"] > 0) & (handled > 0), handled / out["handle_n"], np.nan
        )
    out["interval_start"] = pd.to_datetime(out["k"].to_numpy() * interval_s, unit="s")
    zero = ((out["handle_n"] > 0) & (handled == 0)).to_numpy()
    if zero.any():
        first = out.loc[zero, ["queue", "interval_start"]].iloc[0]
        warn_repair(
            f"{records.attrs.get('source', 'history')}: {int(zero.sum())} interval"
            f"{'s' if zero.sum() > 1 else ''} (e.g. queue '{first['queue']}' at "
            f"{first['interval_start']}) had answered calls all handled in 0 s: their AHT "
            "is read as unknown"
        )
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
    if agents_estimate == "work_conserving":
        busy = work_conserving_agents(recs, interval_s=interval_s)
        out = out.merge(busy, on=["queue", "interval_start"], how="left")
        queued = np.isfinite(out["busy_agents"].to_numpy(dtype=float))
        out["agents"] = np.where(queued, out["busy_agents"].to_numpy(dtype=float), out["agents"])
    out = out[HISTORY_COLUMNS].reset_index(drop=True)
    out.attrs = {
        "source": records.attrs.get("source", "history"),
        "threshold_s": float(threshold_s),
        "kind": "records",
        "history_sl": "fail",
        "agents_estimate": agents_estimate,
        "max_idle_s": float(max_gap_s),
    }
    return out


def work_conserving_agents(
    records: pd.DataFrame, *, interval_s: float = 1800.0, min_queue_s: float = 60.0
) -> pd.DataFrame:
    r"""Agents available per interval, read off the agents busy while callers waited.

    Parameters
    ----------
    records : DataFrame
        Validated call records (:func:`validate_records`) with ``handle_s``; agents need
        not be named.
    interval_s : float, default 1800
        Interval length [s].
    min_queue_s : float, default 60
        Intervals where some caller was waiting for less than this long in all are left
        out (NaN): too short a look to tell [s].

    Returns
    -------
    DataFrame
        Columns ``queue``, ``interval_start``, ``busy_agents`` (the estimate, fractional)
        and ``queue_s`` (how long at least one caller waited in the interval [s]), for the
        intervals with at least ``min_queue_s`` of waiting.

    Notes
    -----
    **The estimator.** A work-conserving centre leaves no agent idle while a caller
    waits: whenever the queue is not empty, every agent available to take calls is busy.
    With ``B(t)`` the calls in service and ``Q(t)`` the callers waiting at time ``t``
    (a call is in service from ``arrival + wait_s`` to that plus ``handle_s``, and waiting
    from ``arrival`` to ``arrival + wait_s``), the available agents in interval ``k`` are
    estimated by the mean of ``B`` over the moments with a queue,

    .. math:: \\hat n_k = \\frac{\\int_k B(t)\\,1\\{Q(t) > 0\\}\\,dt}
              {\\int_k 1\\{Q(t) > 0\\}\\,dt}.

    Where callers waited it measures the agents actually taking calls, with no rule
    about idle gaps, so it varies much less than the presence spans of
    :func:`staffed_agents` (Jongbloed and Koole 2001 use the same principle to read
    capacity off busy periods).

    **Its known biases.** (1) It is a mean over the moments callers waited, and those
    are the moments with the fewest agents: where staffing changes within the interval
    (shift starts, breaks) it is **low** against the interval's average. (2) Agents
    logged in but not taking calls while callers wait (after-call work outside
    ``handle_s``, not-ready states, skills that do not cover the waiting call) are not
    counted, so it estimates the agents *effectively* serving the queue, not those the
    ACD reports as staffed; with it, the effective-staffing factor is close to 1 by
    construction. (3) Logs to the second, with service starting a second before the
    caller leaves the queue (as in the Anonymous Bank log), count an agent twice for that
    second: a small **high** bias in intervals with many short waits. (4) It says
    nothing where nobody waited: there :func:`aggregate_records` keeps the presence-span
    estimate.

    References
    ----------
    .. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres using Poisson
       mixtures", Applied Stochastic Models in Business and Industry 17(4), 2001,
       307-318. doi:10.1002/asmb.444

    Examples
    --------
    Two agents busy throughout, a caller waiting from 09:00:10 to 09:01:40:

    >>> calls = pd.DataFrame({
    ...     "arrival": pd.to_datetime(["2024-01-01 09:00:00", "2024-01-01 09:00:05",
    ...                                "2024-01-01 09:00:10"]),
    ...     "wait_s": [0.0, 0.0, 90.0], "outcome": ["answered"] * 3,
    ...     "handle_s": [100.0, 400.0, 60.0]})
    >>> work_conserving_agents(validate_records(calls))[["busy_agents", "queue_s"]]
       busy_agents  queue_s
    0          2.0     90.0
    """
    empty = pd.DataFrame({"queue": [], "interval_start": [], "busy_agents": [], "queue_s": []})
    if records.empty:
        return empty
    t0 = records["arrival"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    wait = records["wait_s"].to_numpy(dtype=float)
    handle = records["handle_s"].to_numpy(dtype=float)
    served = (records["outcome"] == "answered").to_numpy() & np.isfinite(handle)
    waited = wait > 0
    queues = records["queue"].to_numpy()
    parts = []
    for queue in pd.unique(queues):
        mine = queues == queue
        s = t0[mine & served] + wait[mine & served]
        e = s + handle[mine & served]
        qa = t0[mine & waited]
        qb = qa + wait[mine & waited]
        if qa.size == 0:
            continue
        lo = np.floor(min(qa.min(), s.min() if s.size else qa.min()) / interval_s)
        hi = np.ceil(max(qb.max(), e.max() if e.size else qb.max()) / interval_s)
        grid = np.arange(lo, hi + 1) * interval_s
        times = np.concatenate([s, e, qa, qb, grid])
        d_busy = np.concatenate([np.ones(s.size), -np.ones(e.size), np.zeros(2 * qa.size)])
        d_busy = np.concatenate([d_busy, np.zeros(grid.size)])
        d_queue = np.concatenate(
            [np.zeros(2 * s.size), np.ones(qa.size), -np.ones(qb.size), np.zeros(grid.size)]
        )
        order = np.argsort(times, kind="stable")
        times, busy, queue_n = times[order], np.cumsum(d_busy[order]), np.cumsum(d_queue[order])
        length = np.diff(times)  # segment i runs from times[i] to times[i + 1]
        waiting = (queue_n[:-1] > 0.5) & (length > 0)
        k = np.floor(times[:-1][waiting] / interval_s).astype(np.int64)
        seg = length[waiting]
        frame = pd.DataFrame({"k": k, "queue_s": seg, "busy_s": busy[:-1][waiting] * seg})
        sums = frame.groupby("k", sort=True).sum()
        sums = sums[sums["queue_s"] >= min_queue_s]
        parts.append(
            pd.DataFrame(
                {
                    "queue": queue,
                    "interval_start": pd.to_datetime(sums.index.to_numpy() * interval_s, unit="s"),
                    "busy_agents": sums["busy_s"].to_numpy() / sums["queue_s"].to_numpy(),
                    "queue_s": sums["queue_s"].to_numpy(),
                }
            )
        )
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True)


def shared_agents(records: pd.DataFrame, *, interval_s: float = 1800.0) -> pd.Series:
    """Share of each queue's handle time given by agents who also served another queue.

    An agent counts as shared in an interval where they handled calls of two queues.

    Parameters
    ----------
    records : DataFrame
        Validated call records with ``agent`` and ``handle_s``.
    interval_s : float, default 1800
        Interval length [s].

    Returns
    -------
    Series
        Indexed by queue, a fraction in [0, 1]; empty when no record names an agent.

    Notes
    -----
    Staffed agents estimated per queue (:func:`staffed_agents`) count an agent who serves
    several queues in each of them, so each queue looks better staffed than it was and
    any model judged on it looks optimistic. A queue whose share is more than a few
    percent is not a pool of its own: pool it with the queues it shares agents with.

    Examples
    --------
    >>> calls = pd.DataFrame({
    ...     "arrival": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05",
    ...                                "2024-01-01 09:10"]),
    ...     "queue": ["a", "b", "b"], "wait_s": 0.0, "outcome": "answered",
    ...     "handle_s": [100.0, 100.0, 200.0], "agent": ["ann", "ann", "bob"]})
    >>> shared_agents(validate_records(calls)).round(3).to_dict()
    {'a': 1.0, 'b': 0.333}
    """
    recs = records[(records["outcome"] == "answered") & records["agent"].notna()]
    recs = recs[np.isfinite(recs["handle_s"].to_numpy(dtype=float))]
    if recs.empty:
        return pd.Series(dtype=float, name="shared")
    secs = recs["arrival"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    frame = pd.DataFrame(
        {
            "queue": recs["queue"].to_numpy(),
            "agent": recs["agent"].to_numpy(),
            "k": np.floor(secs / interval_s).astype(np.int64),
            "handle_s": recs["handle_s"].to_numpy(dtype=float),
        }
    )
    spread = frame.groupby(["agent", "k"])["queue"].transform("nunique").to_numpy()
    frame["shared_s"] = np.where(spread > 1, frame["handle_s"].to_numpy(), 0.0)
    sums = frame.groupby("queue", sort=True)[["shared_s", "handle_s"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sums["handle_s"] > 0, sums["shared_s"] / sums["handle_s"], 0.0)
    return pd.Series(share, index=sums.index.astype(str), name="shared")


def pool_queues(table: pd.DataFrame, pools: Sequence[str]) -> pd.DataFrame:
    """Queues served by one pool of agents merged into one queue.

    Parameters
    ----------
    table : DataFrame
        Validated call records (:func:`validate_records`) or an interval history
        (:data:`HISTORY_COLUMNS`).
    pools : sequence of str
        Each pool as its queues joined by ``+`` (``"PS+PE+NE"``), the pooled queue's
        name; ``"all"`` pools every queue into one queue named ``all``.

    Returns
    -------
    DataFrame
        The same kind of table. Records change queue name only. Interval rows of one
        pool and interval are summed (wait totals and agents too: an interval report's
        agents are taken as separate people per queue; give the pool's own staffed
        agents where they serve several queues), ``aht_s`` weighted by answered calls.

    Raises
    ------
    InputError
        A pool naming a queue the table does not have, or a queue in two pools.

    Examples
    --------
    >>> calls = pd.DataFrame({"arrival": pd.to_datetime(["2024-01-01 09:00"] * 3),
    ...                       "queue": ["PS", "NE", "IN"], "wait_s": 0.0,
    ...                       "outcome": "answered"})
    >>> pool_queues(validate_records(calls), ["PS+NE"])["queue"].tolist()
    ['PS+NE', 'PS+NE', 'IN']
    """
    if not pools:
        return table
    source = str(table.attrs.get("source", "history"))
    present = set(table["queue"].astype(str))
    rename: dict[str, str] = {}
    for pool in pools:
        members = sorted(present) if pool.strip().lower() == "all" else pool.split("+")
        members = [m.strip() for m in members if m.strip()]
        name = "all" if pool.strip().lower() == "all" else "+".join(members)
        missing = [m for m in members if m not in present]
        if missing or not members:
            raise InputError(
                f"pool '{pool}': no queue {', '.join(repr(m) for m in missing)} in the "
                f"history (it has {', '.join(sorted(present))})",
                source=source,
            )
        twice = [m for m in members if m in rename]
        if twice:
            raise InputError(f"queue '{twice[0]}' is in two pools", source=source)
        rename.update(dict.fromkeys(members, name))
    out = table.assign(queue=table["queue"].astype(str).map(lambda q: rename.get(q, q)))
    out.attrs = dict(table.attrs)
    if "interval_start" not in out.columns or "arrival" in out.columns:
        return out
    weighted = out["aht_s"] * out["answered"]
    counts = [c for c in HISTORY_COLUMNS if c not in ("interval_start", "queue", "interval_s")]
    counts.remove("aht_s")
    grouped = out.assign(aht_w=weighted).groupby(["queue", "interval_start"], sort=True)
    sums = grouped[[*counts, "aht_w"]].sum()
    # a total is unknown where any pooled row lacks it
    known = grouped[[*counts, "aht_w"]].count().eq(grouped.size(), axis=0)
    sums = sums.where(known)
    sums["interval_s"] = grouped["interval_s"].min()
    with np.errstate(invalid="ignore", divide="ignore"):
        sums["aht_s"] = sums["aht_w"] / sums["answered"]
    pooled = sums.reset_index()[HISTORY_COLUMNS]
    pooled.attrs = dict(table.attrs)
    return pooled


def prepare_history(
    df: pd.DataFrame,
    *,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    max_idle_s: float = 900.0,
    on_inconsistent: InconsistentPolicy = "repair",
    history_sl: AbandonPolicy | None = None,
    agents_estimate: str = "idle_gap",
    pools: Sequence[str] = (),
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
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, optional
        Interval reports: what their ``service_level`` divides (see
        :func:`validate_intervals`); default answered within t / offered.
    agents_estimate : {"idle_gap", "work_conserving"}, default "idle_gap"
        Call records: how staffed agents are estimated (see :func:`aggregate_records`).
    pools : sequence of str
        Queues served by one pool of agents, merged (see :func:`pool_queues`).

    Returns
    -------
    DataFrame
        Columns of :data:`HISTORY_COLUMNS` (NaN where a quantity is unknown);
        ``attrs["threshold_s"]``, ``attrs["source"]``, ``attrs["kind"]``
        (``"intervals"`` or ``"records"``) and ``attrs["history_sl"]``.

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
        records = pool_queues(validate_records(frame, source=name), pools)
        return aggregate_records(
            records,
            interval=interval,
            threshold_s=threshold_s,
            max_gap_s=max_idle_s,
            agents_estimate=agents_estimate,
        )
    if kind == "intervals":
        table = validate_intervals(
            frame,
            threshold_s=threshold_s,
            interval=interval,
            source=name,
            on_inconsistent=on_inconsistent,
            history_sl=history_sl,
        )
        return pool_queues(table, pools)
    raise not_a_history(frame, name)

"""Targets per queue and time window: a premium line on 90/10+99/300, prime vs non-prime time.

A targets table has one rule per row:

===========  =================================================================
column       meaning
===========  =================================================================
``queue``    queue the rule applies to; empty or ``*`` = every queue
``channel``  optional: channel the rule applies to (``chat``, ``email``; see
             :mod:`staffing.prepared.channels`); empty or ``*`` = every channel
``weekday``  optional: ``Mon-Fri``, ``Sat,Sun``, ``Mon``, ``weekdays``, ``weekend``;
             empty = every day
``start``    optional time of day the window opens (``09:00``); empty = 00:00
``end``      optional time of day it closes (``17:00``, ``24:00``); empty = 24:00;
             an end before the start wraps past midnight (``22:00``-``06:00``)
``target``   the targets, in the usual syntax (``80/20+abandon<=5%``)
===========  =================================================================

A rule naming both a queue and a channel applies to that queue's rows of that channel; a
forecast without a ``channel`` column is all ``voice``. An interval belongs to a window
when its *start* falls in ``[start, end)`` on one of the
weekdays. The **first** matching row wins, so put the specific rules (prime time) above
the general ones (the rest of the day). Intervals no row matches get the default targets
(``--target``); without those, they are an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.frames import queue_names, require_columns
from staffing.queueing.targets import TargetSet
from staffing.vocabulary import parse_time_of_day, parse_weekdays

__all__ = ["RULE_COLUMNS", "assign_targets", "prepare_targets"]

#: Columns of prepared target rules.
RULE_COLUMNS: tuple[str, ...] = ("queue", "weekdays", "start_s", "end_s", "target", "channel")


def prepare_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Validate a targets table (see the module notes) into rules.

    Parameters
    ----------
    targets : DataFrame
        The table as read (:func:`staffing.io.read_targets` reads a file), or rules
        already prepared (returned as they are).

    Returns
    -------
    DataFrame
        One row per rule, in order, with columns ``queue`` (``"*"`` = every queue),
        ``weekdays`` (frozenset of 0-6, Monday = 0), ``start_s``, ``end_s`` [s after
        midnight], ``target`` (canonical text) and ``channel`` (lower case, ``"*"`` =
        every channel).

    Raises
    ------
    InputError
        Naming the file, column and rows of a rule that cannot be read.

    Examples
    --------
    >>> from staffing.data import sample_frame
    >>> prepare_targets(sample_frame("targets.csv"))[["queue", "start_s", "end_s", "target"]]
         queue  start_s    end_s             target
    0  premium      0.0  86400.0       90/10+99/300
    1    sales  32400.0  61200.0  80/20+abandon<=5%
    2    sales      0.0  86400.0  70/30+abandon<=8%
    3  service      0.0  86400.0  80/20+abandon<=5%
    """
    if tuple(targets.columns) == RULE_COLUMNS:
        return targets
    df = targets
    source = str(df.attrs.get("source", "targets"))
    require_columns(df, ["target"], source=source)
    rules = []
    queues = (
        queue_names(df["queue"]) if "queue" in df else pd.Series(np.nan, index=df.index)
    ).reset_index(drop=True)
    channels = (
        df["channel"].astype("string").str.strip().str.lower().fillna("")
        if "channel" in df
        else pd.Series("", index=df.index)
    ).reset_index(drop=True)
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2

        def fail(column: str, problem: str, line: int = line) -> InputError:
            return InputError(problem, source=source, column=column, rows=[line])

        queue = queues.iloc[i]
        queue_name = "*" if pd.isna(queue) or not queue else str(queue)
        try:
            text = str(row["target"]) if pd.notna(row["target"]) else ""
            target = str(TargetSet.of(text))
        except StaffingError as exc:
            raise fail("target", str(exc)) from None
        try:
            days = parse_weekdays(row.get("weekday"))
        except StaffingError as exc:
            raise fail("weekday", str(exc)) from None
        bounds = []
        for column, default in (("start", 0.0), ("end", 86400.0)):
            value = row.get(column)
            try:
                blank = value is None or pd.isna(value) or not str(value).strip()
                bounds.append(default if blank else parse_time_of_day(value))
            except StaffingError as exc:
                raise fail(column, str(exc)) from None
        start, end = bounds
        if start == end:
            raise fail("end", "the window is empty (start equals end)")
        channel = str(channels.iloc[i])
        rules.append((queue_name, days, start, end, target, channel or "*"))
    out = pd.DataFrame(rules, columns=list(RULE_COLUMNS))
    out.attrs["source"] = source
    return out


def _channels(forecast: pd.DataFrame) -> np.ndarray:
    """Each row's channel, as rules name it (``voice`` where none is given)."""
    if "channel" not in forecast.columns:
        return np.full(len(forecast), "voice", dtype=object)
    text = forecast["channel"].astype("string").str.strip().str.lower()
    return text.fillna("").replace("", "voice").to_numpy(dtype=object)


def assign_targets(
    forecast: pd.DataFrame, rules: pd.DataFrame | None, default: str | None
) -> pd.Series:
    """The target text of each forecast interval: the first matching rule, else ``default``.

    Parameters
    ----------
    forecast : DataFrame
        With ``interval_start``, ``queue`` and optionally ``channel`` (absent or empty:
        ``voice``).
    rules : DataFrame or None
        From :func:`prepare_targets`.
    default : str or None
        Canonical targets for intervals no rule matches.

    Returns
    -------
    Series of str
        Aligned with ``forecast``.

    Raises
    ------
    InputError
        Intervals left without a target (no rule matches and no default).
    """
    n = len(forecast)
    assigned = np.full(n, None, dtype=object)
    if rules is not None and len(rules):
        t = forecast["interval_start"]
        if isinstance(t.dtype, pd.DatetimeTZDtype):
            t = t.dt.tz_localize(None)  # wall-clock time of day
        seconds = (t - t.dt.normalize()).dt.total_seconds().to_numpy()
        weekday = t.dt.day_of_week.to_numpy()
        queue = forecast["queue"].to_numpy()
        channel = _channels(forecast)
        free = np.ones(n, dtype=bool)
        for rule in rules.to_dict("records"):
            mask = free.copy()
            if rule["queue"] != "*":
                mask &= queue == rule["queue"]
            if rule.get("channel", "*") != "*":
                mask &= channel == rule["channel"]
            if len(rule["weekdays"]) < 7:
                mask &= np.isin(weekday, sorted(rule["weekdays"]))
            start, end = rule["start_s"], rule["end_s"]
            if start < end:
                mask &= (seconds >= start) & (seconds < end)
            else:  # wraps past midnight
                mask &= (seconds >= start) | (seconds < end)
            assigned[mask] = rule["target"]
            free &= ~mask
    missing = pd.isna(assigned)
    if missing.any():
        if default is None:
            queues = ", ".join(sorted(map(str, pd.unique(forecast["queue"].to_numpy()[missing]))))
            source = str(rules.attrs.get("source", "targets")) if rules is not None else "targets"
            raise InputError(
                f"no target for {int(missing.sum())} intervals (queues {queues}): add a "
                "catch-all row to the targets table or give `targets`",
                source=source,
            )
        assigned[missing] = default
    return pd.Series(assigned, index=forecast.index, name="target", dtype=object)

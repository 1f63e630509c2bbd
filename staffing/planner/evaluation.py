"""The performance of a given staffing (a roster), flagged on escalation bands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, TargetError
from staffing.frames import bad_rows, check_column, queue_names, require_columns, to_timestamps
from staffing.planner.bands import BANDS, check_edges, escalation_band
from staffing.planner.intervals import forecast_arrays, interval_table, measures, setup
from staffing.planner.models import FteRules, QueueModel
from staffing.planner.summary import summarise
from staffing.planner.tables import BAND_COLUMNS, EVALUATION_COLUMNS, Evaluation
from staffing.queueing import evaluate, parse_targets, required_agents
from staffing.queueing.targets import AbandonRate, ServiceLevel
from staffing.vocabulary import AbandonPolicy, Period, check_period

__all__ = ["evaluate_staffing"]


def _staffing_per_interval(
    f: pd.DataFrame, staffing: pd.DataFrame | None, forecast_source: str
) -> np.ndarray:
    """Agents per forecast row: from the roster, or from the forecast's ``agents`` column."""
    if staffing is None:
        if "agents" not in f.columns:
            raise InputError(
                "no 'agents' column: add one, or give a roster of agents per interval",
                source=forecast_source,
            )
        table, source = f, forecast_source
    else:
        table = staffing.reset_index(drop=True)
        source = str(staffing.attrs.get("source", "roster"))
        require_columns(table, ["interval_start", "agents"], source=source)
    agents = pd.to_numeric(table["agents"], errors="coerce").astype(float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(agents) & (agents >= 0)
    check_column(table, "agents", ok, "negative, missing or not a number", source=source)
    if staffing is None:
        return agents.to_numpy()

    times = to_timestamps(table, "interval_start", source=source)
    f_times = f["interval_start"]
    f_aware = isinstance(f_times.dtype, pd.DatetimeTZDtype)
    if isinstance(times.dtype, pd.DatetimeTZDtype) != f_aware:
        # one file has UTC offsets, the other not: match on local wall-clock time
        if f_aware:
            f_times = f_times.dt.tz_localize(None)
        else:
            times = times.dt.tz_localize(None)
    elif f_aware:
        times = times.dt.tz_convert(f_times.dt.tz)
    keys = pd.DataFrame({"interval_start": times.astype(f_times.dtype)})
    if "queue" in table.columns:
        keys["queue"] = queue_names(table["queue"])
    elif (f["queue"] == f["queue"].iloc[0]).all():
        keys["queue"] = f["queue"].iloc[0]
    else:
        raise InputError("no 'queue' column, but the forecast has several queues", source=source)
    dupes = keys.duplicated(keep=False)
    if dupes.any():
        raise InputError(
            "duplicate intervals within a queue",
            source=source,
            column="interval_start",
            rows=bad_rows(~dupes),
        )
    keys["agents"] = agents.to_numpy()
    left = pd.DataFrame({"queue": f["queue"], "interval_start": f_times})
    merged = left.merge(keys, on=["queue", "interval_start"], how="left", validate="one_to_one")
    missing = merged["agents"].isna().to_numpy() & (f["calls"].to_numpy() > 0)
    if missing.any():
        raise InputError(
            f"no staffing in {source} for these intervals with calls",
            source=forecast_source,
            column="interval_start",
            rows=bad_rows(~missing),
        )
    return merged["agents"].fillna(0.0).to_numpy(dtype=float)


def _required(
    key: str,
    calls: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
) -> np.ndarray:
    """The fewest agents meeting the interval's targets, NaN where there are none to meet."""
    if not key:
        return np.full(calls.shape, np.nan)
    try:
        need = required_agents(
            calls,
            aht,
            parse_targets(key),
            interval_s=interval,
            patience_s=patience,
            abandon_policy=abandon_policy,
        )
    except TargetError:
        return np.full(calls.shape, np.nan)
    return np.asarray(need, dtype=float)


def _shortfall(
    key: str,
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
    abandon: np.ndarray,
) -> np.ndarray:
    """Worst shortfall below the service-level and abandon targets [percentage points]."""
    worst = np.full(calls.shape, np.nan)
    if not key:
        return worst
    for tg in parse_targets(key):
        if isinstance(tg, ServiceLevel):
            sl = evaluate(
                calls,
                aht,
                agents,
                interval_s=interval,
                threshold_s=tg.threshold_s,
                patience_s=patience,
                abandon_policy=abandon_policy,
            ).service_level
            gap = 100.0 * (tg.fraction - np.asarray(sl, dtype=float))
        elif isinstance(tg, AbandonRate):
            gap = 100.0 * (abandon - tg.fraction)
        else:  # ASA [s] and occupancy caps are not measured in points
            continue
        worst = np.fmax(worst, gap)
    return worst


def evaluate_staffing(
    forecast: pd.DataFrame,
    staffing: pd.DataFrame | None = None,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    period: Period = "week",
    threshold_s: float | None = None,
    edges: Sequence[float] = (5.0, 10.0),
) -> Evaluation:
    """Predicted performance of a given staffing, each interval flagged on escalation bands.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`plan`; with an ``agents`` column when ``staffing`` is omitted.
    staffing : DataFrame, optional
        A roster: ``interval_start``, optional ``queue``, ``agents`` (may be fractional,
        e.g. average staffed). Forecast intervals with calls must all be covered. When
        only one of the two files has UTC offsets, intervals match on local wall-clock
        time.
    targets, targets_table
        As for :func:`plan`; optional here (without targets the bands are ``n/a``).
    interval_s, model, threshold_s
        As for :func:`plan`.
    fte, period
        As for :func:`plan`: the summary also gives the FTE the staffing costs.
    edges : (float, float), default (5, 10)
        Escalation band edges [percentage points below target].

    Returns
    -------
    Evaluation
        ``.intervals`` (:data:`EVALUATION_COLUMNS`) and ``.summary``
        (:data:`EVALUATION_SUMMARY_COLUMNS`: the plan summary plus the number of
        intervals in each band).

    Notes
    -----
    ``shortfall_pts`` is the largest of ``100 (x - SL(t))`` over service-level targets
    ``x/t`` and ``100 (abandon_rate - cap)`` over abandon targets; ASA and occupancy
    targets are not counted in points. The band follows :func:`escalation_band`.
    ``required`` is what :func:`plan` would staff the interval with for the same targets
    (NaN without targets, or where they cannot be met: an abandon target on an interval
    without patience), so ``agents - required`` is the over- or under-staffing.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 100.0], "aht_s": 180.0, "agents": [14, 12]})
    >>> e = evaluate_staffing(f, targets="80/20")
    >>> e.intervals[["agents", "service_level", "band"]].round(3)
       agents  service_level       band
    0    14.0          0.888        met
    1    12.0          0.640  all hands
    """
    check_period(period)
    check_edges(edges)
    model = model or QueueModel()
    fte = fte or FteRules()
    f, patience, keys, thresholds = setup(
        forecast, targets, targets_table, interval_s, model, threshold_s, need_targets=False
    )
    source = str(f.attrs.get("source", "forecast"))
    agents = _staffing_per_interval(f, staffing, source)
    calls, _, aht, interval = forecast_arrays(f)
    values = measures(calls, aht, agents, interval, thresholds, patience, model.abandon_policy)
    shortfall = np.full(len(f), np.nan)
    required = np.full(len(f), np.nan)
    for key in pd.unique(keys):
        rows = np.flatnonzero(keys == key)
        required[rows] = _required(
            key, calls[rows], aht[rows], interval[rows], patience[rows], model.abandon_policy
        )
        shortfall[rows] = _shortfall(
            key,
            calls[rows],
            aht[rows],
            agents[rows],
            interval[rows],
            patience[rows],
            model.abandon_policy,
            values["abandon_rate"][rows],
        )
    intervals = interval_table(
        EVALUATION_COLUMNS,
        f,
        agents,
        values,
        fte,
        patience,
        keys,
        thresholds,
        required=required,
        shortfall_pts=shortfall,
        band=escalation_band(shortfall, edges),
    )
    intervals.attrs = {"source": source, "abandon_policy": model.abandon_policy}
    counted = intervals.assign(
        **{
            col: (intervals["band"] == band).astype(float)
            for col, band in zip(BAND_COLUMNS, BANDS, strict=True)
        }
    )
    summary = summarise(counted, period=period, fte=fte, extra=BAND_COLUMNS)
    for col in BAND_COLUMNS:
        summary[col] = summary[col].astype(np.int64)
    return Evaluation(intervals=intervals, summary=summary)

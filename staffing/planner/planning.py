"""Forecast -> agents per interval -> scheduled staff -> FTE, and the performance of a roster.

Notes
-----
**Requirement.** Intervals sharing a target set are solved together in one vectorised
call of :func:`staffing.required_agents` (Erlang C where patience is unknown, Erlang A
where it is given) and evaluated in one call of :func:`staffing.evaluate`.

**Shrinkage.** In-centre shrinkage ``s_in`` (breaks, coaching, meetings) takes agents off
the phones during their shift; out-of-centre shrinkage ``s_out`` (holidays, sickness,
training days) keeps them off the schedule altogether:

* ``scheduled = agents / (1 - s_in)`` per interval;
* ``fte = agent_hours / ((1 - s_in) (1 - s_out)) / (hours_per_fte * days / 7)``.

A single total shrinkage ``s`` (``shrinkage=``) is applied at the interval level:
``scheduled = agents / (1 - s)`` and ``fte = agent_hours / (1 - s) / ...``. One FTE is paid
``hours_per_fte`` hours per 7 calendar days, so a period of ``days`` calendar days (1 for a
day, 7 for a week, 28-31 for a month) is worth ``hours_per_fte * days / 7`` hours: the mean
of the daily FTE over a week is the weekly FTE.

**Aggregation.** Nothing is rounded before it is summed: ``agent_hours`` is the sum of
``agents * interval_s / 3600``; ``service_level`` is weighted by the calls in its
denominator (``sl_calls``), ``abandon_rate`` by calls offered, ``asa_s`` by calls answered
and ``occupancy`` by agent-hours, so each equals the ratio of the totals, never an average
of interval percentages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.planner.bands import BANDS, _edges, escalation_band
from staffing.planner.forecast import prepare_forecast, queue_names
from staffing.planner.windows import assign_targets, canonical_targets, read_targets
from staffing.queueing import evaluate, parse_targets, required_agents
from staffing.queueing.targets import AbandonRate, ServiceLevel

__all__ = [
    "EVALUATION_COLUMNS",
    "EVALUATION_SUMMARY_COLUMNS",
    "INTERVAL_COLUMNS",
    "PERIODS",
    "SUMMARY_COLUMNS",
    "Evaluation",
    "Plan",
    "evaluate_staffing",
    "plan",
    "summarise",
]

#: Columns of :attr:`Plan.intervals`, in order.
INTERVAL_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "workload_erlangs",
    "agents",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "scheduled",
    "interval_s",
    "patience_s",
    "threshold_s",
    "target",
    "sl_calls",
)
#: Columns of :attr:`Plan.summary`, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "calls",
    "agent_hours",
    "scheduled_hours",
    "fte",
    "peak_agents",
    "service_level",
    "abandon_rate",
    "occupancy",
    "asa_s",
    "period_days",
)
#: Columns of :attr:`Evaluation.intervals`, in order.
EVALUATION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "workload_erlangs",
    "agents",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "target",
    "shortfall_pts",
    "band",
    "scheduled",
    "interval_s",
    "patience_s",
    "threshold_s",
    "sl_calls",
)
_BAND_COLUMNS = tuple(f"intervals_{b.replace(' ', '_')}" for b in BANDS)
#: Columns of :attr:`Evaluation.summary`: the plan summary, then interval counts per band.
EVALUATION_SUMMARY_COLUMNS: tuple[str, ...] = SUMMARY_COLUMNS + _BAND_COLUMNS

PERIODS: tuple[str, ...] = ("day", "week", "month")
#: ``queue`` label of total rows in a summary.
TOTAL = "total"
_CHUNK = 262_144

Period = Literal["day", "week", "month"]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Plan:
    """A staffing plan: the requirement per interval and its summary per period.

    Attributes
    ----------
    intervals : DataFrame
        One row per forecast interval, columns :data:`INTERVAL_COLUMNS`:
        ``agents`` (int64) is the fewest agents meeting every target of the interval;
        ``service_level`` is at ``threshold_s`` (the first service-level target's
        threshold); ``scheduled`` is fractional; ``sl_calls`` the calls in the
        service-level denominator (see ``abandon_policy``).
    summary : DataFrame
        One row per period and queue, then total rows, columns :data:`SUMMARY_COLUMNS`
        (see :func:`summarise`).
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "summary": ...}``, e.g. for :func:`staffing.io.write_table`."""
        return {"intervals": self.intervals, "summary": self.summary}

    def __repr__(self) -> str:
        iv = self.intervals
        queues = iv["queue"].nunique()
        return (
            f"Plan({len(iv)} intervals, {queues} queue{'s' if queues != 1 else ''}, "
            f"{iv['interval_start'].min()} to {iv['interval_start'].max()}; "
            f"peak {int(iv['agents'].max()) if len(iv) else 0} agents)"
        )


@dataclass(frozen=True)
class Evaluation:
    """Predicted performance of a given staffing, flagged on escalation bands.

    Attributes
    ----------
    intervals : DataFrame
        Columns :data:`EVALUATION_COLUMNS`; ``shortfall_pts`` is how many percentage
        points the interval falls short of its worst-missed target (negative when all are
        met), ``band`` its escalation band (see :mod:`staffing.planner.bands`).
    summary : DataFrame
        Columns :data:`EVALUATION_SUMMARY_COLUMNS`.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "summary": ...}``."""
        return {"intervals": self.intervals, "summary": self.summary}


# --------------------------------------------------------------------------- inputs


def _shrinkage(
    in_centre: float, out_of_centre: float, shrinkage: float | None
) -> tuple[float, float]:
    """(interval-level shrinkage, total shrinkage), validated."""
    for name, value in (
        ("in-centre shrinkage", in_centre),
        ("out-of-centre shrinkage", out_of_centre),
        ("shrinkage", shrinkage),
    ):
        if value is not None and not 0.0 <= float(value) < 1.0:
            raise StaffingError(f"{name} {value!r}: must be at least 0 and below 1 (e.g. 0.30)")
    if shrinkage is not None:
        if in_centre or out_of_centre:
            raise StaffingError(
                "give either a total shrinkage or in-centre / out-of-centre shrinkage, not both"
            )
        return float(shrinkage), float(shrinkage)
    total = 1.0 - (1.0 - float(in_centre)) * (1.0 - float(out_of_centre))
    return float(in_centre), total


def _summary_terms(
    period: str,
    in_centre: float,
    out_of_centre: float,
    shrinkage: float | None,
    hours_per_fte: float,
) -> tuple[float, float]:
    """Validate the summary options; (interval-level shrinkage, total shrinkage)."""
    if period not in PERIODS:
        raise StaffingError(f"period {period!r}: use one of {', '.join(PERIODS)}")
    shrink = _shrinkage(in_centre, out_of_centre, shrinkage)
    if not (np.isfinite(hours_per_fte) and 0 < hours_per_fte <= 168):
        raise StaffingError(
            f"hours per FTE {hours_per_fte!r}: give the paid hours of one FTE per week (e.g. 37.5)"
        )
    return shrink


def _patience(
    forecast: pd.DataFrame,
    patience_s: float | None,
    calibration: Mapping[str, Any] | str | os.PathLike[str] | None,
) -> np.ndarray:
    if patience_s is not None and calibration is not None:
        raise StaffingError("give either a patience or a calibration, not both")
    if patience_s is not None:
        value = float(patience_s)
        if not (np.isnan(value) or value > 0):
            raise StaffingError(f"patience {patience_s!r} s: must be above 0 (or inf for Erlang C)")
        return np.full(len(forecast), value)
    if calibration is not None:
        from staffing.calibration import load_calibration, patience_for

        loaded = calibration if isinstance(calibration, Mapping) else load_calibration(calibration)
        return np.asarray(patience_for(loaded, forecast["queue"]), dtype=float)
    return forecast["patience_s"].to_numpy(dtype=float)


def _target_keys(forecast: pd.DataFrame, targets: Any, targets_table: Any) -> Any:
    """Canonical target text of each interval, as a categorical (few distinct values)."""
    default = canonical_targets(targets) if targets is not None else None
    if targets_table is None:
        if default is None:
            raise StaffingError("no target given: use e.g. 80/20 (or a targets table)")
        return _constant_keys(len(forecast), default)
    rules = read_targets(targets_table)
    return pd.Categorical(assign_targets(forecast, rules, default).to_numpy())


def _constant_keys(n: int, key: str) -> Any:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([key]))


def _report_threshold(key: str, threshold_s: float | None) -> float:
    """Threshold at which ``service_level`` is reported for a target set."""
    for tg in parse_targets(key):
        if isinstance(tg, ServiceLevel):
            return tg.threshold_s
    return 20.0 if threshold_s is None else float(threshold_s)


def _setup(
    forecast: pd.DataFrame,
    targets: Any,
    targets_table: Any,
    interval_s: Any,
    patience_s: float | None,
    calibration: Any,
    threshold_s: float | None,
) -> tuple[pd.DataFrame, np.ndarray, Any, np.ndarray]:
    """Validated forecast, patience, target key and reported threshold per row."""
    f = prepare_forecast(forecast, interval=interval_s)
    patience = _patience(f, patience_s, calibration)
    keys = _target_keys(f, targets, targets_table)
    thresholds = np.empty(len(f))
    for key in pd.unique(keys):
        thresholds[keys == key] = _report_threshold(key, threshold_s)
    return f, patience, keys, thresholds


def _forecast_arrays(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Calls, handle time as given, handle time to compute with, and interval length."""
    calls = f["calls"].to_numpy(dtype=float)
    aht_raw = f["aht_s"].to_numpy(dtype=float)
    aht = np.where(calls > 0, aht_raw, 1.0)  # zero calls: any handle time, no agents
    interval = f["interval_s"].to_numpy(dtype=float)
    return calls, aht_raw, aht, interval


def _chunks(index: np.ndarray) -> list[np.ndarray]:
    return [index[i : i + _CHUNK] for i in range(0, index.size, _CHUNK)] or [index]


def _measures(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    thresholds: np.ndarray,
    patience: np.ndarray,
    abandon_policy: str,
) -> dict[str, np.ndarray]:
    """Service level, ASA, abandon rate, occupancy and ``sl_calls``, one vectorised pass."""
    m = evaluate(
        calls,
        aht,
        agents,
        interval_s=interval,
        threshold_s=thresholds,
        patience_s=patience,
        abandon_policy=abandon_policy,  # type: ignore[arg-type]
    )
    sl = np.asarray(m.service_level, dtype=float)
    ab = np.asarray(m.abandon_rate, dtype=float)
    if abandon_policy == "exclude":
        sl_calls = calls * (1.0 - ab)
    elif abandon_policy == "exclude_within":
        # denominator offered - abandoned within t = answered-within / service level
        aw = np.asarray(
            evaluate(
                calls,
                aht,
                agents,
                interval_s=interval,
                threshold_s=thresholds,
                patience_s=patience,
                abandon_policy="fail",
            ).service_level,
            dtype=float,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            sl_calls = np.where(sl > 0, calls * aw / sl, calls)
    else:
        sl_calls = calls.copy()
    return {
        "service_level": sl,
        "asa_s": np.asarray(m.asa_s, dtype=float),
        "abandon_rate": ab,
        "occupancy": np.asarray(m.occupancy, dtype=float),
        "sl_calls": sl_calls,
    }


def _interval_table(
    columns: Sequence[str],
    f: pd.DataFrame,
    agents: np.ndarray,
    measures: Mapping[str, np.ndarray],
    s_in: float,
    patience: np.ndarray,
    keys: Any,
    thresholds: np.ndarray,
    **extra: Any,
) -> pd.DataFrame:
    """One row per forecast interval with ``columns``: staffing, measures and ``extra``."""
    calls, aht_raw, aht, interval = _forecast_arrays(f)
    data = {
        "interval_start": f["interval_start"],
        "queue": f["queue"],
        "calls": calls,
        "aht_s": aht_raw,
        "workload_erlangs": calls * aht / interval,
        "agents": agents,
        "service_level": measures["service_level"],
        "asa_s": measures["asa_s"],
        "abandon_rate": measures["abandon_rate"],
        "occupancy": measures["occupancy"],
        "scheduled": agents / (1.0 - s_in),
        "interval_s": interval,
        "patience_s": np.where(np.isfinite(patience), patience, np.nan),
        "threshold_s": thresholds,
        "target": pd.Series(keys, index=f.index),
        "sl_calls": measures["sl_calls"],
        **extra,
    }
    return pd.DataFrame(data, index=f.index, columns=list(columns))


# --------------------------------------------------------------------------- plan


def plan(
    forecast: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | str | os.PathLike[str] | None = None,
    interval_s: float | str | None = None,
    patience_s: float | None = None,
    calibration: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    in_centre: float = 0.0,
    out_of_centre: float = 0.0,
    shrinkage: float | None = None,
    hours_per_fte: float = 37.5,
    period: Period = "week",
    abandon_policy: str = "fail",
    threshold_s: float | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Agents per interval for a forecast, scheduled staff, and FTE per period.

    Parameters
    ----------
    forecast : DataFrame
        Long format: ``interval_start``, optional ``queue``, ``calls``, ``aht_s``,
        optional ``patience_s`` and ``interval_s`` (see :func:`read_forecast`).
    targets : str, target or sequence, optional
        Targets for every interval (``"80/20"``, ``["80/20", "abandon<=5%"]``); with a
        ``targets_table``, the default for intervals no rule matches.
    targets_table : DataFrame or path, optional
        Targets per queue and weekday/time window (see :mod:`staffing.planner.windows`).
    interval_s : float or str, optional
        Interval length [s] or ``"15min"``; inferred per queue from the timestamps when
        omitted.
    patience_s : float, optional
        Mean patience [s] for every interval (overrides a ``patience_s`` column); ``inf``
        for Erlang C.
    calibration : mapping or path, optional
        ``calibration.json`` from ``staffing calibrate`` (or its parsed content): patience
        per queue, read with :func:`staffing.calibration.patience_for` (overrides a
        ``patience_s`` column; a calibration of a single queue applies to every queue).
    in_centre, out_of_centre : float, default 0
        Shrinkage fractions in ``[0, 1)`` applied in two stages (module notes).
    shrinkage : float, optional
        One total shrinkage instead of the two stages.
    hours_per_fte : float, default 37.5
        Paid hours of one FTE per week [h].
    period : {"day", "week", "month"}, default "week"
        Summary period (weeks start on Monday).
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandons enter the service level (see :func:`staffing.evaluate`).
    threshold_s : float, optional
        Threshold [s] at which ``service_level`` is reported for target sets without a
        service-level target (default 20 s).
    progress : callable, optional
        Called with the number of intervals just solved, as the work proceeds.

    Returns
    -------
    Plan
        ``.intervals`` (:data:`INTERVAL_COLUMNS`) and ``.summary``
        (:data:`SUMMARY_COLUMNS`).

    Raises
    ------
    InputError, TargetError, StaffingError
        Bad forecast, unknown or unreachable target, shrinkage outside ``[0, 1)``.

    Examples
    --------
    Two half-hours on one queue, 80/20 with Erlang C:

    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 0.0], "aht_s": [180.0, 180.0]})
    >>> p = plan(f, "80/20", in_centre=0.2, out_of_centre=0.1)
    >>> p.intervals[["agents", "scheduled"]].to_dict("list")
    {'agents': [14, 0], 'scheduled': [17.5, 0.0]}

    14 agents for half an hour are 7 agent-hours; one week holds 37.5 paid hours per FTE:
    ``7 / (0.8 * 0.9) / 37.5 = 0.259`` FTE.

    >>> round(float(p.summary["fte"].iloc[0]), 4)
    0.2593
    """
    s_in, _ = _summary_terms(period, in_centre, out_of_centre, shrinkage, hours_per_fte)
    f, patience, keys, thresholds = _setup(
        forecast, targets, targets_table, interval_s, patience_s, calibration, threshold_s
    )
    calls, _, aht, interval = _forecast_arrays(f)

    agents = np.zeros(len(f), dtype=np.int64)
    for key in pd.unique(keys):
        rows = np.flatnonzero(keys == key)
        parsed = parse_targets(key)
        for part in _chunks(rows):
            agents[part] = required_agents(
                calls[part],
                aht[part],
                parsed,
                interval_s=interval[part],
                patience_s=patience[part],
                abandon_policy=abandon_policy,  # type: ignore[arg-type]
            )
            if progress is not None:
                progress(int(part.size))
    measures = _measures(
        calls, aht, agents.astype(float), interval, thresholds, patience, abandon_policy
    )
    intervals = _interval_table(
        INTERVAL_COLUMNS, f, agents, measures, s_in, patience, keys, thresholds
    )
    intervals.attrs = {
        "source": f.attrs.get("source", "forecast"),
        "abandon_policy": abandon_policy,
    }
    summary = summarise(
        intervals,
        period=period,
        in_centre=in_centre,
        out_of_centre=out_of_centre,
        shrinkage=shrinkage,
        hours_per_fte=hours_per_fte,
    )
    return Plan(intervals=intervals, summary=summary)


# --------------------------------------------------------------------------- summary


def _period_start(t: pd.Series, period: str) -> pd.Series:
    """Start of the day, Monday-based week or month holding each timestamp (wall clock)."""
    tz = t.dt.tz if isinstance(t.dtype, pd.DatetimeTZDtype) else None
    local = t.dt.tz_localize(None) if tz is not None else t
    days = local.to_numpy().astype("datetime64[D]")
    if period == "week":
        # 1970-01-01 was a Thursday: (days since epoch + 3) mod 7 is 0 on Mondays
        days = days - (days.astype(np.int64) + 3) % 7
    elif period == "month":
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    start = pd.Series(days.astype("datetime64[s]")).astype(local.dtype)
    if tz is not None:
        start = start.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return start


def _horizon_weeks(t: pd.Series) -> tuple[np.datetime64, np.datetime64]:
    """First Monday and the day after the last Sunday of the whole Monday-to-Sunday weeks
    holding the timestamps (wall clock)."""
    mondays = _period_start(pd.Series([t.min(), t.max()]), "week")
    local = (
        mondays.dt.tz_localize(None) if isinstance(mondays.dtype, pd.DatetimeTZDtype) else mondays
    )
    days = local.to_numpy().astype("datetime64[D]")
    return days.min(), days.max() + np.timedelta64(7, "D")


def _period_days(
    start: pd.Series, period: str, horizon: tuple[np.datetime64, np.datetime64]
) -> np.ndarray:
    """Days each period's FTE is scaled by: a day is 1, a week 7, a month its days inside
    the horizon of whole weeks (a one-week forecast summarised by month is one week of
    FTE, not a week's hours spread over the month)."""
    if period == "day":
        return np.ones(len(start))
    if period == "week":
        return np.full(len(start), 7.0)
    local = start.dt.tz_localize(None) if isinstance(start.dtype, pd.DatetimeTZDtype) else start
    first = local.to_numpy().astype("datetime64[D]")
    end = (first.astype("datetime64[M]") + 1).astype("datetime64[D]")
    lo, hi = np.maximum(first, horizon[0]), np.minimum(end, horizon[1])
    return (hi - lo).astype(np.int64).astype(float)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


_SUMMED = (
    "calls",
    "agent_hours",
    "scheduled_hours",
    "sl_num",
    "sl_calls",
    "ab_num",
    "busy_hours",
    "answered",
    "asa_num",
)


def _summary_block(sums: dict[str, np.ndarray], peak: np.ndarray) -> dict[str, np.ndarray]:
    """Summary columns from summed parts (ratios of totals)."""
    return {
        "calls": sums["calls"],
        "agent_hours": sums["agent_hours"],
        "scheduled_hours": sums["scheduled_hours"],
        "peak_agents": peak,
        "service_level": _ratio(sums["sl_num"], sums["sl_calls"]),
        "abandon_rate": _ratio(sums["ab_num"], sums["calls"]),
        "occupancy": _ratio(sums["busy_hours"], sums["agent_hours"]),
        "asa_s": _ratio(sums["asa_num"], sums["answered"]),
    }


def summarise(
    intervals: pd.DataFrame,
    *,
    period: Period = "week",
    in_centre: float = 0.0,
    out_of_centre: float = 0.0,
    shrinkage: float | None = None,
    hours_per_fte: float = 37.5,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Calls, agent-hours, FTE and volume-weighted performance per period and queue.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`Plan.intervals` (or any table with ``interval_start``, ``queue``,
        ``calls``, ``agents``, ``interval_s``, ``service_level``, ``abandon_rate``,
        ``occupancy``; ``scheduled``, ``asa_s`` and ``sl_calls`` are used when present).
    period : {"day", "week", "month"}, default "week"
        Weeks start on Monday; a month is a calendar month.
    in_centre, out_of_centre, shrinkage, hours_per_fte
        As in :func:`plan`.
    extra : sequence of str
        Further numeric columns of ``intervals`` to sum per period (appended).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS` (then ``extra``): one row per period and queue
        (periods in time order, queues by name); when there are several queues and
        several periods, a ``total`` row per period after its queues; and last one
        ``total`` row over everything with an empty (``NaT``) ``period_start``.
        ``peak_agents`` of a total row is the peak of agents summed over queues at the
        same interval start. ``period_days`` are the calendar days FTE are scaled by:
        1 a day, 7 a week, for a month its days inside the whole Monday-to-Sunday weeks
        the intervals fall in, and for the grand total those weeks' days (days without
        intervals are closed days: an FTE is paid per week whether or not the centre
        opens on Sunday).

    Notes
    -----
    ``fte = agent_hours / ((1 - in_centre) (1 - out_of_centre)) / (hours_per_fte *
    period_days / 7)``; ``service_level = sum(service_level * sl_calls) / sum(sl_calls)``;
    ``abandon_rate = sum(abandon_rate * calls) / sum(calls)``; ``occupancy = sum(occupancy
    * agent_hours) / sum(agent_hours)``; ``asa_s`` is weighted by answered calls. Ratios
    over no calls are NaN.

    Examples
    --------
    One queue, Monday and Tuesday, 30-minute intervals; 10 then 20 agents on Monday
    (``(10 + 20) * 0.5 = 15`` agent-hours), 8 on Tuesday (4 agent-hours), 25% shrinkage,
    35 paid hours per FTE per week:

    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:30",
    ...                                       "2025-03-04 09:00"]),
    ...     "queue": "sales", "calls": [100.0, 300.0, 50.0], "agents": [10, 20, 8],
    ...     "interval_s": 1800.0, "service_level": [0.9, 0.6, 1.0],
    ...     "abandon_rate": [0.0, 0.1, 0.0], "occupancy": [0.8, 0.9, 0.5]})
    >>> s = summarise(iv, period="day", shrinkage=0.25, hours_per_fte=35.0)
    >>> s[["queue", "agent_hours", "scheduled_hours", "fte", "service_level", "period_days"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       queue  agent_hours  scheduled_hours       fte  service_level  period_days
    0  sales         15.0        20.000000  4.000000       0.675000          1.0
    1  sales          4.0         5.333333  1.066667       1.000000          1.0
    2  total         19.0        25.333333  0.723810       0.711111          7.0

    Monday: ``15 / (1 - 0.25) / (35 * 1/7) = 4`` FTE. Its service level is 90% of 100
    calls and 60% of 300 calls: ``(90 + 180) / 400 = 67.5%``, not the 75% average of the
    two percentages. The total covers the whole week the forecast falls in (the other days
    are closed): ``19 / 0.75 / 35 = 0.724`` FTE, and ``(90 + 180 + 50) / 450 = 71.1%``.
    """
    s_in, s_total = _summary_terms(period, in_centre, out_of_centre, shrinkage, hours_per_fte)
    iv = intervals
    n = len(iv)
    hours = iv["interval_s"].to_numpy(dtype=float) / 3600.0
    agents = iv["agents"].to_numpy(dtype=float)
    calls = iv["calls"].to_numpy(dtype=float)
    scheduled = (
        iv["scheduled"].to_numpy(dtype=float) if "scheduled" in iv else agents / (1.0 - s_in)
    )
    sl_calls = iv["sl_calls"].to_numpy(dtype=float) if "sl_calls" in iv else calls
    ab = iv["abandon_rate"].to_numpy(dtype=float)
    answered = calls * (1.0 - ab)
    asa = iv["asa_s"].to_numpy(dtype=float) if "asa_s" in iv else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        asa_num = np.where(answered > 0, asa * answered, 0.0)
    parts = {
        "calls": calls,
        "agent_hours": agents * hours,
        "scheduled_hours": scheduled * hours,
        "sl_num": iv["service_level"].to_numpy(dtype=float) * sl_calls,
        "sl_calls": sl_calls,
        "ab_num": ab * calls,
        "busy_hours": iv["occupancy"].to_numpy(dtype=float) * agents * hours,
        "answered": answered,
        "asa_num": asa_num,
        **{name: iv[name].to_numpy(dtype=float) for name in extra},
    }

    # group codes: periods in time order, queues by name; group = period * nq + queue
    p_codes, periods = pd.factorize(_period_start(iv["interval_start"], period), sort=True)
    q_codes, queues = pd.factorize(iv["queue"].astype(str).to_numpy(), sort=True)
    n_p, n_q = len(periods), len(queues)
    group = p_codes * n_q + q_codes

    def sums(ids: np.ndarray, size: int) -> dict[str, np.ndarray]:
        return {k: np.bincount(ids, weights=v, minlength=size) for k, v in parts.items()}

    def peaks(values: np.ndarray, ids: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros(size)
        if values.size:
            top = pd.Series(values).groupby(ids).max()
            out[top.index.to_numpy()] = top.to_numpy()
        return out

    present = np.bincount(group, minlength=n_p * n_q) > 0
    by_queue = {
        k: v[present]
        for k, v in _summary_block(sums(group, n_p * n_q), peaks(agents, group, n_p * n_q)).items()
    }
    sums_q = sums(group, n_p * n_q)
    cells = np.flatnonzero(present)
    period_index = [cells // n_q]
    queue_label = [np.asarray(queues, dtype=object)[cells % n_q]]
    order_key = [(cells // n_q) * (n_q + 1) + cells % n_q]
    blocks = [{**by_queue, **{k: sums_q[k][present] for k in extra}}]

    # concurrent agents over all queues at each interval start, then the peak per period
    t_codes, t_uniques = pd.factorize(iv["interval_start"])
    concurrent = np.bincount(t_codes, weights=agents, minlength=len(t_uniques))
    period_of_t = np.zeros(len(t_uniques), dtype=np.int64)
    period_of_t[t_codes] = p_codes
    if n_q > 1 and n_p > 1:
        sums_p = sums(p_codes, n_p)
        block = _summary_block(sums_p, peaks(concurrent, period_of_t, n_p))
        blocks.append({**block, **{k: sums_p[k] for k in extra}})
        period_index.append(np.arange(n_p))
        queue_label.append(np.full(n_p, TOTAL, dtype=object))
        order_key.append(np.arange(n_p) * (n_q + 1) + n_q)
    order = np.argsort(np.concatenate(order_key), kind="stable")
    p_index = np.concatenate(period_index)[order]
    table = pd.DataFrame({k: np.concatenate([blk[k] for blk in blocks])[order] for k in blocks[0]})
    starts = pd.Series(periods).take(p_index).reset_index(drop=True)
    table.insert(0, "queue", np.concatenate(queue_label)[order])
    table.insert(0, "period_start", starts)
    horizon = _horizon_weeks(iv["interval_start"])
    days = _period_days(pd.Series(periods), period, horizon)
    table["period_days"] = days[p_index]

    grand_sums = {k: np.array([v.sum()]) for k, v in parts.items()}
    grand = pd.DataFrame(
        {
            **_summary_block(grand_sums, np.array([concurrent.max() if n else 0.0])),
            **{k: grand_sums[k] for k in extra},
        }
    )
    grand.insert(0, "queue", np.array([TOTAL], dtype=object))
    grand.insert(0, "period_start", pd.Series([pd.NaT], dtype=starts.dtype))
    grand["period_days"] = float((horizon[1] - horizon[0]).astype(np.int64))
    out = pd.concat([table, grand], ignore_index=True)
    out["fte"] = out["agent_hours"] / (1.0 - s_total) / (hours_per_fte * out["period_days"] / 7.0)
    if iv["agents"].dtype.kind in "iu":
        out["peak_agents"] = out["peak_agents"].astype(np.int64)
    if "asa_s" not in iv:
        out["asa_s"] = np.nan
    return out[[*SUMMARY_COLUMNS, *extra]]


# --------------------------------------------------------------------------- evaluate


def _staffing_per_interval(
    f: pd.DataFrame, staffing: pd.DataFrame | None, forecast_source: str
) -> np.ndarray:
    """Agents per forecast row: from the roster, or from the forecast's ``agents`` column."""
    from staffing.io import bad_rows, check_column, require_columns, to_timestamps

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


def _shortfall(
    key: str,
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    abandon_policy: str,
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
                abandon_policy=abandon_policy,  # type: ignore[arg-type]
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
    targets_table: pd.DataFrame | str | os.PathLike[str] | None = None,
    interval_s: float | str | None = None,
    patience_s: float | None = None,
    calibration: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    abandon_policy: str = "fail",
    threshold_s: float | None = None,
    edges: Sequence[float] = (5.0, 10.0),
    period: Period = "week",
    in_centre: float = 0.0,
    out_of_centre: float = 0.0,
    shrinkage: float | None = None,
    hours_per_fte: float = 37.5,
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
    interval_s, patience_s, calibration, abandon_policy, threshold_s
        As for :func:`plan`.
    edges : (float, float), default (5, 10)
        Escalation band edges [percentage points below target].
    period, in_centre, out_of_centre, shrinkage, hours_per_fte
        As for :func:`plan`: the summary also gives the FTE the staffing costs.

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
    s_in, _ = _summary_terms(period, in_centre, out_of_centre, shrinkage, hours_per_fte)
    _edges(edges)
    if targets is None and targets_table is None:
        f = prepare_forecast(forecast, interval=interval_s)
        patience = _patience(f, patience_s, calibration)
        keys = _constant_keys(len(f), "")
        thresholds = np.full(len(f), 20.0 if threshold_s is None else float(threshold_s))
    else:
        f, patience, keys, thresholds = _setup(
            forecast, targets, targets_table, interval_s, patience_s, calibration, threshold_s
        )
    source = str(f.attrs.get("source", "forecast"))
    agents = _staffing_per_interval(f, staffing, source)
    calls, _, aht, interval = _forecast_arrays(f)
    measures = _measures(calls, aht, agents, interval, thresholds, patience, abandon_policy)
    shortfall = np.full(len(f), np.nan)
    for key in pd.unique(keys):
        rows = np.flatnonzero(keys == key)
        shortfall[rows] = _shortfall(
            key,
            calls[rows],
            aht[rows],
            agents[rows],
            interval[rows],
            patience[rows],
            abandon_policy,
            measures["abandon_rate"][rows],
        )
    intervals = _interval_table(
        EVALUATION_COLUMNS,
        f,
        agents,
        measures,
        s_in,
        patience,
        keys,
        thresholds,
        shortfall_pts=shortfall,
        band=escalation_band(shortfall, edges),
    )
    intervals.attrs = {"source": source, "abandon_policy": abandon_policy}
    counted = intervals.assign(
        **{
            col: (intervals["band"] == band).astype(float)
            for col, band in zip(_BAND_COLUMNS, BANDS, strict=True)
        }
    )
    summary = summarise(
        counted,
        period=period,
        in_centre=in_centre,
        out_of_centre=out_of_centre,
        shrinkage=shrinkage,
        hours_per_fte=hours_per_fte,
        extra=_BAND_COLUMNS,
    )
    for col in _BAND_COLUMNS:
        summary[col] = summary[col].astype(np.int64)
    return Evaluation(intervals=intervals, summary=summary)

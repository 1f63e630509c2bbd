"""Deferred work: email, tickets and other contacts that may wait hours or days.

A deferred contact is not answered while the customer waits on the line: it joins a
backlog and is handled later, within a response time agreed in the SLA ("90% within
4 hours", "100% within 24 hours", P1 tickets within 1 hour). The requirement is therefore
not a queueing formula per interval but a plan over the whole horizon: work may be held
back from a peak into a trough, carried across the night and the weekend, and handled in
the idle time that voice staffing leaves.

:func:`plan_deferred` takes arrivals per interval (one class, or several priority
classes served from one backlog) and returns the least agent-hours that meet every
class's target, as a deterministic fluid flow model solved as a linear program with
:func:`scipy.optimize.linprog` (HiGHS). :func:`plan_deferred_forecast` does the same from a
long-format forecast table, and :func:`open_intervals` turns opening hours per weekday
into the per-interval ``open`` flags the model uses.

Tables have fixed columns: :data:`DEFERRED_INTERVAL_COLUMNS` (one row per interval),
:data:`DEFERRED_CLASS_COLUMNS` (one row per interval and class) and
:data:`DEFERRED_SUMMARY_COLUMNS` (one row per class and a total).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from staffing.errors import InputError, StaffingError, TargetError
from staffing.frames import local_dates, wall_clock
from staffing.queueing.targets import DeferredTarget, ServiceLevel, TargetSet
from staffing.vocabulary import (
    OpeningHours,
    format_duration,
    infer_interval_s,
    parse_duration,
    parse_rate,
)

__all__ = [
    "DEFERRED_CLASS_COLUMNS",
    "DEFERRED_INTERVAL_COLUMNS",
    "DEFERRED_SUMMARY_COLUMNS",
    "DeferredPlan",
    "DeferredTarget",
    "deferred_target",
    "open_intervals",
    "plan_deferred",
    "plan_deferred_forecast",
]

#: Columns of :attr:`DeferredPlan.intervals`, in order.
DEFERRED_INTERVAL_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "open",
    "arrivals",
    "work_hours",
    "agents",
    "capacity_hours",
    "handled",
    "handled_hours",
    "backlog",
    "oldest_age_s",
    "share_within",
    "voice_agents",
    "voice_workload_erlangs",
    "idle_hours",
    "handled_in_idle",
    "pool_agents",
    "occupancy",
)
#: Columns of :attr:`DeferredPlan.classes`, in order.
DEFERRED_CLASS_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "priority",
    "arrivals",
    "aht_s",
    "handled",
    "backlog",
    "oldest_age_s",
    "share_within",
    "target_share",
    "deadline_s",
)
#: Columns of :attr:`DeferredPlan.summary`, in order.
DEFERRED_SUMMARY_COLUMNS: tuple[str, ...] = (
    "priority",
    "arrivals",
    "backlog_start",
    "handled",
    "backlog_end",
    "share_within",
    "target_share",
    "deadline_s",
    "late_within_s",
    "max_oldest_age_s",
    "work_hours",
    "handled_hours",
)
#: ``priority`` of the only class when none is named, and of the summary's total row.
SINGLE_CLASS = "all"
TOTAL = "total"

_SAMPLES = 16  # arrival instants per interval at which the achieved share is evaluated
_TOL = 1e-9


# --------------------------------------------------------------------------- targets


TargetLike = DeferredTarget | ServiceLevel | str | tuple[Any, ...]


def deferred_target(target: TargetLike, *, late_within_s: Any = None) -> DeferredTarget:
    """A :class:`DeferredTarget` from any accepted spelling.

    Parameters
    ----------
    target : DeferredTarget, ServiceLevel, str or tuple
        A :class:`DeferredTarget`; a :class:`~staffing.queueing.targets.ServiceLevel`
        (its ``threshold_s`` is the deadline); target text that
        :func:`~staffing.queueing.parse_targets` reads as one service level
        (``"90/14400"``); or a tuple ``(share, deadline)`` or
        ``(share, deadline, late_within)`` whose share is read by
        :func:`~staffing.vocabulary.parse_rate` (``"100%"``, ``0.9``) and durations by
        :func:`~staffing.vocabulary.parse_duration` (``"4h"``, ``14400``).
    late_within_s : str or float, optional
        Overrides the target's ``late_within_s``.

    Returns
    -------
    DeferredTarget

    Examples
    --------
    >>> deferred_target(("90%", "4h"))
    DeferredTarget(share=0.9, deadline_s=14400.0, late_within_s=None)
    >>> deferred_target(("100%", "1 day")).final_s
    86400.0
    >>> from staffing.queueing import ServiceLevel
    >>> deferred_target(ServiceLevel(0.8, 7200.0), late_within_s="8h")
    DeferredTarget(share=0.8, deadline_s=7200.0, late_within_s=28800.0)
    """
    late = None
    if late_within_s is not None:
        late = parse_duration(late_within_s, what="`late_within_s`", allow_zero=False)
    if isinstance(target, DeferredTarget):
        out = target
    elif isinstance(target, ServiceLevel):
        out = DeferredTarget(target.fraction, target.threshold_s)
    elif isinstance(target, str):
        out = TargetSet.parse(target).deferred(f"deferred target {target!r}")
    elif isinstance(target, tuple) and len(target) in (2, 3):
        share = parse_rate(target[0], what="deferred target share", allow_zero=False)
        deadline = parse_duration(target[1], what="deferred target deadline", allow_zero=False)
        given = None
        if len(target) == 3 and target[2] is not None:
            given = parse_duration(target[2], what="`late_within_s`", allow_zero=False)
        out = DeferredTarget(share, deadline, given)
    else:
        raise TargetError(
            f"deferred target {target!r}: give (share, deadline), e.g. ('90%', '4h'), a "
            "ServiceLevel or a DeferredTarget"
        )
    if late is not None:
        out = DeferredTarget(out.share, out.deadline_s, late)
    return out


# --------------------------------------------------------------------------- opening hours

OpenHoursLike = OpeningHours | str | Sequence[str] | Mapping[Any, Any]


def _timestamps(interval_start: Any) -> pd.Series:
    times = pd.Series(interval_start).reset_index(drop=True)
    if not (isinstance(times.dtype, pd.DatetimeTZDtype) or times.dtype.kind == "M"):
        try:
            times = pd.Series(pd.to_datetime(times))
        except (ValueError, TypeError):
            raise InputError(
                "cannot read timestamps", source="deferred work", column="interval_start"
            ) from None
    if times.isna().any():
        raise InputError(
            "missing timestamps",
            source="deferred work",
            column="interval_start",
            rows=[int(i) + 2 for i in np.flatnonzero(times.isna().to_numpy())],
        )
    return times


def open_intervals(interval_start: Any, open_hours: OpenHoursLike) -> np.ndarray:
    """Whether each interval lies in the opening hours of its weekday.

    Parameters
    ----------
    interval_start : array-like of datetime64 or Series
        Start of each interval, naive or time-zone-aware (the local wall clock counts).
    open_hours : str, sequence of str, mapping or OpeningHours
        In the vocabulary's one grammar (:class:`~staffing.vocabulary.OpeningHours`):
        ``"08:00-18:00"`` (every day), ``"Mon-Fri 08:00-18:00; Sat 09:00-13:00"``, or a
        mapping of weekdays to hours such as ``{"Mon-Fri": "08:00-18:00", "Sat": ("09:00",
        "13:00")}`` or ``{0: (28800, 64800)}`` (Monday = 0, seconds after midnight).
        Days not named are closed; hours ending before they start run past midnight.

    Returns
    -------
    ndarray of bool
        ``True`` where the interval's start lies in an open range of its weekday (or in
        the previous day's range that runs past midnight).

    Examples
    --------
    >>> starts = pd.date_range("2024-03-08 17:00", periods=4, freq="h")  # a Friday
    >>> open_intervals(starts, {"Mon-Fri": "08:00-18:00"}).tolist()
    [True, False, False, False]
    """
    hours = OpeningHours.parse(open_hours, what="`open_hours`")
    local = wall_clock(_timestamps(interval_start))
    if hours is None:
        return np.ones(len(local), dtype=bool)
    seconds = (
        local.dt.hour.to_numpy() * 3600.0
        + local.dt.minute.to_numpy() * 60.0
        + local.dt.second.to_numpy()
    )
    return hours.is_open(local.dt.day_of_week.to_numpy(), seconds)


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class DeferredPlan:
    """A deferred-work plan: agents per interval, the backlog they leave, and the solver's report.

    Attributes
    ----------
    intervals : DataFrame
        One row per interval, columns :data:`DEFERRED_INTERVAL_COLUMNS`:
        ``agents`` the agents the deferred work needs (on top of voice when blended;
        float, or int64 with ``whole_agents``); ``capacity_hours`` the agent-hours
        available to deferred work (voice idle time up to the occupancy cap plus
        ``agents`` at that cap); ``handled``/``backlog`` items handled in the interval
        and waiting at its end; ``oldest_age_s`` the age of the oldest waiting item at
        the interval's end (0 when none waits); ``share_within`` the share of the
        interval's arrivals handled within their deadline (NaN where not yet known at the
        horizon's end); ``idle_hours`` the voice idle time up to the occupancy cap,
        ``handled_in_idle`` the items handled in it, ``pool_agents`` voice plus deferred
        agents and ``occupancy`` the pool's busy share.
    classes : DataFrame
        One row per interval and priority class, columns :data:`DEFERRED_CLASS_COLUMNS`.
    summary : DataFrame
        One row per class and a ``total`` row, columns :data:`DEFERRED_SUMMARY_COLUMNS`.
    agent_hours : float
        Sum of ``agents * interval_s / 3600`` (after rounding with ``whole_agents``).
    lp_agent_hours : float
        The linear program's optimum (fractional agents).
    status : int
        :func:`scipy.optimize.linprog` status of the last solve (0 = optimal).
    message : str
        The solver's message.
    solve_time_s : float
        Wall time of all solves [s].
    targets : dict
        :class:`DeferredTarget` per class, in priority order.
    """

    intervals: pd.DataFrame
    classes: pd.DataFrame
    summary: pd.DataFrame
    agent_hours: float
    lp_agent_hours: float
    status: int
    message: str
    solve_time_s: float
    targets: dict[str, DeferredTarget]

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "classes": ..., "summary": ...}``."""
        return {"intervals": self.intervals, "classes": self.classes, "summary": self.summary}

    def __repr__(self) -> str:
        iv = self.intervals
        peak = float(iv["agents"].max()) if len(iv) else 0.0
        return (
            f"DeferredPlan({len(iv)} intervals, {len(self.targets)} class"
            f"{'es' if len(self.targets) != 1 else ''}, {self.agent_hours:.2f} agent-hours, "
            f"peak {peak:g} agents; solved in {self.solve_time_s:.3f} s)"
        )


# --------------------------------------------------------------------------- inputs


@dataclass
class _Inputs:
    names: list[str]
    items: np.ndarray  # (P, K) arrivals [count]
    aht: np.ndarray  # (P, K) handle time [s]
    backlog: np.ndarray  # (P,) items waiting at the start
    targets: list[DeferredTarget]
    dt: float  # interval length [s]
    starts: pd.Series | None
    open: np.ndarray  # (K,) bool
    voice_agents: np.ndarray  # (K,)
    voice_load: np.ndarray  # (K,)
    rho: float  # occupancy cap
    business: bool


def _vector(value: Any, n: int | None, what: str) -> np.ndarray:
    arr = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=float)
    if arr.ndim == 0 and n is not None:
        arr = np.full(n, float(arr))
    if arr.ndim != 1:
        raise StaffingError(f"`{what}`: give one value per interval (a 1-D array)")
    if n is not None and arr.size != n:
        raise StaffingError(f"`{what}` has {arr.size} values for {n} intervals")
    return arr


def _check_nonnegative(arr: np.ndarray, what: str) -> None:
    bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        where = ", ".join(str(int(i)) for i in np.flatnonzero(bad)[:5])
        raise StaffingError(f"`{what}`: negative or missing values (intervals {where})")


def _per_class(value: Any, names: list[str], what: str) -> list[Any]:
    if isinstance(value, Mapping):
        missing = [n for n in names if n not in value]
        if missing:
            raise StaffingError(f"`{what}` names no value for class {missing[0]!r}")
        extra = [k for k in value if k not in names]
        if extra:
            raise StaffingError(f"`{what}` names class {extra[0]!r}, which has no arrivals")
        return [value[n] for n in names]
    return [value] * len(names)


def _interval_length(interval_s: Any, starts: pd.Series | None) -> float:
    if interval_s is not None:
        return parse_duration(interval_s, what="`interval_s`", allow_zero=False)
    if starts is None or len(starts) < 2:
        raise StaffingError("give `interval_s` (e.g. 15min) or at least two `interval_start`")
    t = starts
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = t.to_numpy().astype("datetime64[ns]").astype(np.int64)
    return float(infer_interval_s(ns)[0])


def _check_starts(starts: pd.Series, dt: float) -> None:
    t = starts
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = t.to_numpy().astype("datetime64[ns]").astype(np.int64)
    steps = np.diff(ns) / 1e9
    bad = np.abs(steps - dt) > 1e-6
    if bad.any():
        raise InputError(
            f"intervals must follow each other every {format_duration(dt)} without gaps "
            "(the backlog carries over between them)",
            source="deferred work",
            column="interval_start",
            rows=[int(i) + 3 for i in np.flatnonzero(bad)],
        )


def _inputs(
    arrivals: Any,
    aht_s: Any,
    target: Any,
    *,
    interval_s: Any,
    interval_start: Any,
    open: Any,
    open_hours: Any,
    business_hours: bool,
    late_within_s: Any,
    backlog: Any,
    voice_agents: Any,
    voice_workload_erlangs: Any,
    max_occupancy: Any,
) -> _Inputs:
    if isinstance(arrivals, Mapping):
        names = [str(k) for k in arrivals]
        raw = list(arrivals.values())
        if isinstance(aht_s, Mapping):
            aht_s = {str(k): v for k, v in aht_s.items()}
        if isinstance(target, Mapping):
            target = {str(k): v for k, v in target.items()}
        if isinstance(backlog, Mapping):
            backlog = {str(k): v for k, v in backlog.items()}
    else:
        names, raw = [SINGLE_CLASS], [arrivals]
        if isinstance(target, Mapping):
            raise StaffingError("one target per class needs `arrivals` as a mapping of classes")
    if not names:
        raise StaffingError("`arrivals` names no class")
    if interval_start is None and hasattr(raw[0], "index"):
        index = raw[0].index
        if isinstance(index, pd.DatetimeIndex):
            interval_start = index
    first = _vector(raw[0], None, "arrivals")
    k = first.size
    if k == 0:
        raise StaffingError("`arrivals` is empty: give at least one interval")
    items = np.vstack([_vector(r, k, "arrivals") for r in raw])
    _check_nonnegative(items, "arrivals")
    aht = np.vstack([_vector(a, k, "aht_s") for a in _per_class(aht_s, names, "aht_s")])
    bad = (items > 0) & ~(np.isfinite(aht) & (aht > 0))
    if bad.any():
        raise StaffingError("`aht_s` must be above 0 where items arrive")
    aht = np.where(np.isfinite(aht) & (aht > 0), aht, 1.0)
    if len(names) > 1 and not isinstance(backlog, Mapping) and float(backlog) != 0.0:
        raise StaffingError("with several classes give `backlog` per class, e.g. {'P1': 12}")
    back = np.array([float(b) for b in _per_class(backlog, names, "backlog")])
    _check_nonnegative(back, "backlog")
    targets = [
        deferred_target(t, late_within_s=late_within_s) for t in _per_class(target, names, "target")
    ]
    starts = None if interval_start is None else _timestamps(interval_start)
    if starts is not None and len(starts) != k:
        raise StaffingError(f"`interval_start` has {len(starts)} values for {k} intervals")
    dt = _interval_length(interval_s, starts)
    if starts is not None:
        _check_starts(starts, dt)
    if open is not None and open_hours is not None:
        raise StaffingError("give either `open` or `open_hours`, not both")
    if open is not None:
        flags = np.asarray(open.to_numpy() if hasattr(open, "to_numpy") else open)
        if flags.ndim == 0:
            flags = np.full(k, bool(flags))
        if flags.shape != (k,):
            raise StaffingError(f"`open` has {flags.size} values for {k} intervals")
        is_open = flags.astype(bool)
    elif open_hours is not None:
        if starts is None:
            raise StaffingError("opening hours need `interval_start` (the weekday and clock)")
        is_open = open_intervals(starts, open_hours)
    else:
        is_open = np.ones(k, dtype=bool)
    if (voice_agents is None) != (voice_workload_erlangs is None):
        raise StaffingError(
            "blending needs both `voice_agents` and `voice_workload_erlangs` (voice busy time)"
        )
    if voice_agents is None:
        v = np.zeros(k)
        w = np.zeros(k)
        rho = 1.0 if max_occupancy is None else parse_rate(max_occupancy, what="`max_occupancy`")
    else:
        v = _vector(voice_agents, k, "voice_agents")
        w = _vector(voice_workload_erlangs, k, "voice_workload_erlangs")
        _check_nonnegative(v, "voice_agents")
        _check_nonnegative(w, "voice_workload_erlangs")
        rho = 0.9 if max_occupancy is None else parse_rate(max_occupancy, what="`max_occupancy`")
    if rho <= 0.0:
        raise StaffingError("`max_occupancy` must be above 0%")
    return _Inputs(
        names, items, aht, back, targets, dt, starts, is_open, v, w, rho, bool(business_hours)
    )


# --------------------------------------------------------------------------- fluid curves


def _right_value(x: np.ndarray, v: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``v`` at ``sup{x <= y}`` on a nondecreasing piecewise-linear grid (0 below it)."""
    y = np.asarray(y, dtype=float)
    n = x.size
    i = np.searchsorted(x, y, side="right") - 1
    below = i < 0
    last = i >= n - 1
    j = np.clip(i, 0, n - 2)
    span = x[j + 1] - x[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(span > 0, (y - x[j]) / span, 0.0)
    value = v[j] + np.clip(frac, 0.0, 1.0) * (v[j + 1] - v[j])
    return np.where(below, 0.0, np.where(last, v[n - 1], value))


def _first_reach(bounds: np.ndarray, cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """First time a nondecreasing piecewise-linear ``cum`` (at ``bounds``) reaches ``u``."""
    i = np.searchsorted(cum, u - _TOL * max(1.0, float(cum[-1])), side="left")
    out = np.full(u.shape, np.inf)
    inside = (i >= 1) & (i < cum.size)
    j = i[inside]
    lo, hi = cum[j - 1], cum[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(hi > lo, (u[inside] - lo) / (hi - lo), 1.0)
    out[inside] = bounds[j - 1] + np.clip(frac, 0.0, 1.0) * (bounds[j] - bounds[j - 1])
    out[i == 0] = bounds[0]
    return out


@dataclass
class _Model:
    """The discretised horizon: clocks, cumulative work and the flows."""

    k: int
    dt: float
    dth: float  # interval length [h]
    bounds: np.ndarray  # (K+1,) interval boundaries [s from the start]
    clock: np.ndarray  # (K+1,) deadline clock G at the boundaries [s]
    rate: np.ndarray  # (K,) slope of G per interval (0 or 1)
    work: np.ndarray  # (P, K) arriving work [agent-hours]
    cum_work: np.ndarray  # (P, K+1) cumulative work incl. the initial backlog
    cum_items: np.ndarray  # (P, K+1)
    ext_time: np.ndarray  # (K+2,) boundaries with the start doubled (initial backlog)
    ext_clock: np.ndarray  # (K+2,)
    ext_work: np.ndarray  # (P, K+2)
    ext_items: np.ndarray  # (P, K+2)
    flow_class: list[int]
    flow_share: list[float]
    flow_deadline: list[float]
    idle: np.ndarray  # (K,) voice idle agents up to the occupancy cap
    can_add: np.ndarray  # (K,) bool: agents may be added (open)
    day: np.ndarray  # (K,) day group of each interval

    def due(self, f: int, clock_at: np.ndarray) -> np.ndarray:
        """Work of flow ``f`` due by the instants whose deadline clock reads ``clock_at``."""
        c = self.flow_class[f]
        y = clock_at - self.flow_deadline[f] + 1e-6
        return self.flow_share[f] * _right_value(self.ext_clock, self.ext_work[c], y)


def _model(inp: _Inputs) -> _Model:
    k, dt = inp.items.shape[1], inp.dt
    dth = dt / 3600.0
    bounds = dt * np.arange(k + 1, dtype=float)
    rate = inp.open.astype(float) if inp.business else np.ones(k)
    clock = np.concatenate([[0.0], np.cumsum(rate * dt)])
    work = inp.items * inp.aht / 3600.0
    b_work = inp.backlog * inp.aht[:, 0] / 3600.0
    cum_work = np.concatenate([b_work[:, None], b_work[:, None] + np.cumsum(work, axis=1)], 1)
    cum_items = np.concatenate(
        [inp.backlog[:, None], inp.backlog[:, None] + np.cumsum(inp.items, axis=1)], 1
    )
    zeros = np.zeros((inp.items.shape[0], 1))
    flow_class, flow_share, flow_deadline = [], [], []
    for c, t in enumerate(inp.targets):
        flow_class.append(c)
        flow_share.append(t.share)
        flow_deadline.append(t.deadline_s)
        if t.share < 1.0:
            flow_class.append(c)
            flow_share.append(1.0 - t.share)
            flow_deadline.append(t.final_s)
    idle = np.maximum(inp.rho * inp.voice_agents - inp.voice_load, 0.0)
    if inp.starts is not None:
        day = pd.factorize(local_dates(inp.starts))[0]
    else:
        day = (bounds[:-1] // 86400.0).astype(np.int64)
    return _Model(
        k=k,
        dt=dt,
        dth=dth,
        bounds=bounds,
        clock=clock,
        rate=rate,
        work=work,
        cum_work=cum_work,
        cum_items=cum_items,
        ext_time=np.concatenate([[0.0], bounds]),
        ext_clock=np.concatenate([[0.0], clock]),
        ext_work=np.concatenate([zeros, cum_work], 1),
        ext_items=np.concatenate([zeros, cum_items], 1),
        flow_class=flow_class,
        flow_share=flow_share,
        flow_deadline=flow_deadline,
        idle=idle,
        can_add=inp.open.copy(),
        day=np.asarray(day, dtype=np.int64),
    )


# --------------------------------------------------------------------------- feasibility


def _label(inp: _Inputs, i: int) -> str:
    """The interval's start, or its position when no timestamps are given."""
    if inp.starts is not None:
        return str(inp.starts.iloc[i])
    return f"interval {i}"


def _end_label(inp: _Inputs, i: int) -> str:
    if inp.starts is not None:
        return str(inp.starts.iloc[i] + pd.Timedelta(seconds=inp.dt))
    return f"the end of interval {i}"


def _check_feasible(m: _Model, inp: _Inputs, lower: np.ndarray) -> None:
    """Raise where work falls due before any interval with capacity can handle it."""
    serviceable = m.can_add | (m.idle > 0)
    # boundary index of the end of the last serviceable interval at or before each end
    ends = np.where(serviceable, np.arange(1, m.k + 1), 0)
    last = np.maximum.accumulate(ends)
    for f in range(len(m.flow_class)):
        c = m.flow_class[f]
        reach = m.flow_share[f] * m.cum_work[c, last]
        reach = np.where(last == 0, 0.0, reach)
        short = lower[f] > reach + 1e-7 * max(1.0, float(m.cum_work[c, -1]))
        if not short.any():
            continue
        j = int(np.flatnonzero(short)[0])
        t = inp.targets[c]
        # arrivals after the last serviceable end that fall due by the end of interval j
        first_arrival = int(last[j])
        due_clock = m.clock[j + 1] - m.flow_deadline[f] + 1e-6
        arrived = [
            i
            for i in range(first_arrival, j + 1)
            if inp.items[c, i] > 0 and m.clock[i] <= due_clock
        ]
        where = ", ".join(_label(inp, i) for i in arrived[:3])
        if len(arrived) > 3:
            where += f", ... ({len(arrived)} intervals)"
        if not arrived:
            where = "the initial backlog"
        clock = "business hours" if inp.business else "on the clock"
        name = "" if inp.names == [SINGLE_CLASS] else f"class {inp.names[c]!r}: "
        deadline = format_duration(m.flow_deadline[f])
        raise TargetError(
            f"{name}work arriving in {where} falls due ({deadline} {clock}, target {t}) by "
            f"{_end_label(inp, j)}, before any open interval can handle it; count "
            "deadlines in business hours (`business_hours=True`), give a longer deadline "
            "or `late_within_s`, or open those hours (`open` / `open_hours`)"
        )


# --------------------------------------------------------------------------- the linear program


@dataclass
class _Program:
    """Rows ``a @ [x, S] <= b`` over the intervals where work can be handled."""

    a: sparse.csr_matrix
    b: np.ndarray
    n: int  # intervals with capacity (the LP's time steps)
    nf: int  # flows
    base_rows: int  # capacity and monotonicity rows (the rest are within-interval deadlines)


def _program(
    m: _Model, rho: float, steps: np.ndarray, lower: np.ndarray, kinks: list[Any]
) -> _Program:
    """Capacity, monotonicity and within-interval deadline rows.

    Columns: ``x`` per step, then ``S`` per flow and step (flow-major). Work is handled
    only in the intervals ``steps``; between them ``S`` stays where it was.
    """
    n, nf = steps.size, len(m.flow_class)
    s0 = n
    q = np.arange(n)
    rows, cols, vals, rhs = [], [], [], []
    # (3) capacity: sum_f (S_f,q - S_f,q-1) - rho dth x_q <= dth idle_q
    rows += [q]
    cols += [q]
    vals += [np.full(n, -rho * m.dth)]
    for f in range(nf):
        rows += [q, q[1:]]
        cols += [s0 + f * n + q, s0 + f * n + q[:-1]]
        vals += [np.ones(n), -np.ones(n - 1)]
    rhs.append(m.dth * m.idle[steps])
    r0 = n
    # (2) monotone: S_f,q-1 - S_f,q <= 0
    for f in range(nf):
        r = r0 + np.arange(n - 1)
        rows += [r, r]
        cols += [s0 + f * n + q[:-1], s0 + f * n + q[1:]]
        vals += [np.ones(n - 1), -np.ones(n - 1)]
        rhs.append(np.zeros(n - 1))
        r0 += n - 1
    base = r0
    # (1) inside an interval, where the due curve bends: (1-th) S_f,q-1 + th S_f,q >= due
    for f in range(nf):
        if kinks[f] is None:
            continue
        th, due = kinks[f]
        prev = np.concatenate([[0.0], lower[f, :-1]])
        need = np.flatnonzero(due > (1.0 - th) * prev + th * lower[f] + 1e-9)
        if need.size == 0:
            continue
        r = r0 + np.arange(need.size)
        has_prev = need >= 1
        rows += [r, r[has_prev]]
        cols += [s0 + f * n + need, s0 + f * n + need[has_prev] - 1]
        vals += [np.full(need.size, -th), np.full(int(has_prev.sum()), -(1.0 - th))]
        rhs.append(-due[need])
        r0 += need.size
    a = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(r0, n + nf * n),
    )
    return _Program(a, np.concatenate(rhs), n, nf, base)


def _solve(c: np.ndarray, a: Any, b: np.ndarray, bounds: np.ndarray, what: str) -> Any:
    from scipy.optimize import linprog  # loaded when deferred work is planned

    res = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
    if res.status == 2 and what == "agent-hours":
        raise _Infeasible(what)
    if res.status != 0:
        raise StaffingError(
            f"the deferred-work linear program ({what}) stopped: {res.message} "
            f"(status {res.status}); check the inputs for extreme values"
        )
    return res


class _Infeasible(Exception):
    """The program has no solution (diagnosed by :func:`_shortfall`)."""


def _shortfall(
    m: _Model,
    inp: _Inputs,
    prog: _Program,
    steps: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    x_upper: np.ndarray,
) -> TargetError:
    """Where due work cannot be handled: the least total shortfall, as a readable error.

    Reached only when voice idle time in intervals closed to added agents is all the
    capacity before some work falls due (otherwise :func:`_check_feasible` has spoken).
    """
    n, nf = prog.n, prog.nf
    a = prog.a[: prog.base_rows]
    b = prog.b[: prog.base_rows]
    # -S_f,q - short_f,q <= -due_f,q
    rows = np.arange(nf * n)
    elastic = sparse.csr_matrix(
        (
            np.concatenate([-np.ones(nf * n), -np.ones(nf * n)]),
            (np.concatenate([rows, rows]), np.concatenate([n + rows, n + nf * n + rows])),
        ),
        shape=(nf * n, n + 2 * nf * n),
    )
    a_e = sparse.vstack([sparse.hstack([a, sparse.csr_matrix((a.shape[0], nf * n))]), elastic])
    b_e = np.concatenate([b, -lower.ravel()])
    c_e = np.concatenate([np.zeros(n + nf * n), np.ones(nf * n)])
    bounds = np.vstack(
        [
            np.column_stack([np.zeros(n), x_upper]),
            np.column_stack([np.zeros(nf * n), upper.ravel()]),
            np.column_stack([np.zeros(nf * n), np.full(nf * n, np.inf)]),
        ]
    )
    from scipy.optimize import linprog  # loaded when deferred work is planned

    res = linprog(c_e, A_ub=a_e.tocsr(), b_ub=b_e, bounds=bounds, method="highs")
    what = "intervals where no agents may be added"
    if res.status == 0:
        short = res.x[n + nf * n :].reshape(nf, n)
        hit = np.argwhere(short > 1e-7 * max(1.0, float(m.cum_work[:, -1].sum())))
        if hit.size:
            f, q = (int(v) for v in hit[np.argmin(hit[:, 1])])
            c = m.flow_class[f]
            name = "" if inp.names == [SINGLE_CLASS] else f"class {inp.names[c]!r}: "
            when = _end_label(inp, int(steps[q]))
            return TargetError(
                f"{name}the voice idle time in {what} cannot handle the work due by {when} "
                f"(target {inp.targets[c]}, short by {short[f, q]:.3g} agent-hours); open "
                "those hours (`open` / `open_hours`), count deadlines in business hours "
                "(`business_hours=True`) or give a longer deadline"
            )
    return TargetError(
        f"no staffing meets the deferred-work targets with the voice idle time in {what}; "
        "open those hours (`open` / `open_hours`) or give longer deadlines"
    )


@dataclass
class _Solution:
    agents: np.ndarray  # (K,) agents added
    handled: np.ndarray  # (F, K) cumulative work handled by each interval's end
    lp_hours: float
    status: int
    message: str
    seconds: float


def _schedule(m: _Model, inp: _Inputs, whole_agents: bool) -> _Solution:
    """Solve the three-stage program (and the whole-agent re-solve); see plan_deferred."""
    k, nf = m.k, len(m.flow_class)
    due_end = np.vstack([m.due(f, m.clock[1:]) for f in range(nf)])
    _check_feasible(m, inp, due_end)
    steps = np.flatnonzero(m.can_add | (m.idle > 0))
    n = steps.size
    if n == 0:  # nothing can be handled, and (checked above) nothing falls due
        return _Solution(np.zeros(k), np.zeros((nf, k)), 0.0, 0, "no interval is open", 0.0)
    # a step's due work is what falls due before the next step starts
    nxt = np.concatenate([steps[1:], [k]])
    lower = np.vstack([m.due(f, m.clock[nxt]) for f in range(nf)])
    upper = np.vstack([m.flow_share[f] * m.cum_work[m.flow_class[f], steps + 1] for f in range(nf)])
    lower = np.minimum(lower, upper)
    kinks: list[Any] = []
    for f in range(nf):
        r = math.fmod(m.flow_deadline[f], m.dt)
        if r <= 1e-6 or m.dt - r <= 1e-6:
            kinks.append(None)
            continue
        at = m.clock[steps] + r * m.rate[steps]
        kinks.append((r / m.dt, m.due(f, at)))
    prog = _program(m, inp.rho, steps, lower, kinks)
    nv = n + nf * n
    x_upper = np.where(m.can_add[steps], np.inf, 0.0)
    s_bounds = np.column_stack([lower.ravel(), upper.ravel()])
    bounds1 = np.vstack([np.column_stack([np.zeros(n), x_upper]), s_bounds])
    started = time.perf_counter()
    # (a) least agent-hours; without voice idle time it is the work due by the end
    if np.any(m.idle[steps] > 0):
        c1 = np.concatenate([np.full(n, m.dth), np.zeros(nf * n)])
        try:
            hours = float(_solve(c1, prog.a, prog.b, bounds1, "agent-hours").fun)
        except _Infeasible:
            raise _shortfall(m, inp, prog, steps, lower, upper, x_upper) from None
    else:
        hours = float(lower[:, -1].sum()) / (inp.rho)
    budget = hours * (1.0 + 1e-9) + 1e-9
    budget_row = sparse.csr_matrix(
        (np.full(n, m.dth), (np.zeros(n, dtype=np.int64), np.arange(n))), shape=(1, nv)
    )
    # (b) level staffing: the least sum over days of each day's peak
    day = np.unique(m.day[steps], return_inverse=True)[1]
    days = int(day.max()) + 1
    peak_rows = sparse.csr_matrix(
        (
            np.concatenate([np.ones(n), -np.ones(n)]),
            (np.tile(np.arange(n), 2), np.concatenate([np.arange(n), nv + day])),
        ),
        shape=(n, nv + days),
    )
    with_budget = sparse.vstack([prog.a, budget_row])
    no_peaks = sparse.csr_matrix((with_budget.shape[0], days))
    a2 = sparse.vstack([sparse.hstack([with_budget, no_peaks]), peak_rows]).tocsr()
    b2 = np.concatenate([prog.b, [budget], np.zeros(n)])
    c2 = np.concatenate([np.zeros(nv), np.ones(days)])
    bounds2 = np.vstack([bounds1, np.column_stack([np.zeros(days), np.full(days, np.inf)])])
    peaks = _solve(c2, a2, b2, bounds2, "level staffing").x[nv:] * (1.0 + 1e-9) + 1e-9
    # (c) handle work as early as possible, higher priorities first
    classes = len(inp.names)
    weight = np.repeat([float(classes - m.flow_class[f]) for f in range(nf)], n)
    c3 = np.concatenate([np.zeros(n), -weight / max(1.0, float(m.cum_work[:, -1].sum()))])
    a3 = sparse.vstack([prog.a, budget_row]).tocsr()
    b3 = np.concatenate([prog.b, [budget]])
    bounds3 = bounds1.copy()
    bounds3[:n, 1] = np.minimum(x_upper, peaks[day])
    res = _solve(c3, a3, b3, bounds3, "schedule")
    # up to a millionth of an agent (within the solver tolerance of 1e-7)
    x = np.ceil(np.maximum(res.x[:n], 0.0) * 1e6 - 0.1) / 1e6 + 0.0  # no -0.0
    if whole_agents:
        x = np.ceil(x - 1e-6)
        bounds4 = np.vstack([np.column_stack([x, x]), s_bounds])
        res = _solve(c3, prog.a, prog.b, bounds4, "whole agents")
    seconds = time.perf_counter() - started
    agents = np.zeros(k)
    agents[steps] = x
    # S at every interval's end: where it was at the last step
    s_steps = np.maximum.accumulate(res.x[n:].reshape(nf, n).clip(min=0.0), axis=1)
    s_steps = np.minimum(s_steps, upper)
    last = np.searchsorted(steps, np.arange(k), side="right") - 1
    handled = np.where(last >= 0, s_steps[:, np.maximum(last, 0)], 0.0)
    return _Solution(agents, handled, hours, int(res.status), str(res.message), seconds)


# --------------------------------------------------------------------------- outcome


def _outcome(m: _Model, inp: _Inputs, handled: np.ndarray) -> dict[str, np.ndarray]:
    """Items handled, backlog, oldest age and share within deadline, per class and interval."""
    p, k, nf = inp.items.shape[0], m.k, len(m.flow_class)
    served_items = np.zeros((p, k + 1))
    oldest = np.zeros((p, k))
    on_time = np.zeros((p, k))
    known = np.zeros((p, k))
    start_on = np.zeros(p)
    start_known = np.zeros(p)
    s = (np.arange(_SAMPLES) + 0.5) / _SAMPLES
    arrive = m.bounds[:-1, None] + s[None, :] * m.dt  # (K, M)
    horizon_clock = m.clock[-1]
    for f in range(nf):
        c, share = m.flow_class[f], m.flow_share[f]
        deadline = inp.targets[c].deadline_s
        cum = np.concatenate([[0.0], handled[f]])
        # items handled: first come first served within the flow
        u = cum[1:] / share
        served_items[c, 1:] += share * _right_value(m.ext_work[c], m.ext_items[c], u)
        waiting = m.cum_work[c, 1:] - u > 1e-9 * max(1.0, float(m.cum_work[c, -1]))
        since = _right_value(m.ext_work[c], m.ext_time, u)
        oldest[c] = np.maximum(oldest[c], np.where(waiting, m.bounds[1:] - since, 0.0))
        # when each sampled arrival is handled, and whether within the deadline
        pos = share * (m.cum_work[c, :-1, None] + s[None, :] * m.work[c, :, None])
        done = _first_reach(m.bounds, cum, pos.ravel()).reshape(pos.shape)
        g_arrive = np.interp(arrive, m.bounds, m.clock)
        finite = np.isfinite(done)
        g_done = np.interp(np.where(finite, done, m.bounds[-1]), m.bounds, m.clock)
        ok = finite & (g_done - g_arrive <= deadline + 1e-6 * m.dt)
        decided = finite | (g_arrive + deadline <= horizon_clock + 1e-6)
        on_time[c] += share * ok.mean(axis=1)
        known[c] += share * decided.mean(axis=1)
        if inp.backlog[c] > 0:
            pos0 = share * m.cum_work[c, 0] * s
            done0 = _first_reach(m.bounds, cum, pos0)
            fin0 = np.isfinite(done0)
            g0 = np.interp(np.where(fin0, done0, m.bounds[-1]), m.bounds, m.clock)
            start_on[c] += share * np.mean(fin0 & (g0 <= deadline + 1e-6 * m.dt))
            start_known[c] += share * np.mean(fin0 | (deadline <= horizon_clock + 1e-6))
    served_items = np.minimum(served_items, m.cum_items)
    return {
        "handled": np.diff(served_items, axis=1),
        "backlog": m.cum_items[:, 1:] - served_items[:, 1:],
        "oldest": oldest,
        "on_time": on_time,
        "known": known,
        "start_on": start_on,
        "start_known": start_known,
    }


def _share(on: Any, known: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(known) > 1e-12, np.asarray(on) / np.asarray(known), np.nan)


def _tables(
    m: _Model,
    inp: _Inputs,
    agents: np.ndarray,
    handled: np.ndarray,
    out: dict[str, np.ndarray],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    p, k = inp.items.shape
    if inp.starts is not None:
        starts = inp.starts
    else:
        starts = pd.Series(pd.to_timedelta(m.bounds[:-1], unit="s"))
    capacity = m.dth * (m.idle + inp.rho * agents)
    handled_hours = np.zeros(k)
    handled_class_hours = np.zeros((p, k))
    for f in range(len(m.flow_class)):
        inc = np.diff(np.concatenate([[0.0], handled[f]]))
        handled_hours += inc
        handled_class_hours[m.flow_class[f]] += inc
    idle_hours = m.dth * m.idle
    in_idle = np.minimum(handled_hours, idle_hours)
    items_handled = out["handled"].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        handled_in_idle = np.where(handled_hours > 0, items_handled * in_idle / handled_hours, 0.0)
        pool = inp.voice_agents + agents
        occupancy = np.where(pool > 0, (inp.voice_load + handled_hours / m.dth) / pool, np.nan)
    weights = inp.items
    on = (out["on_time"] * weights).sum(axis=0)
    known = (out["known"] * weights).sum(axis=0)
    intervals = pd.DataFrame(
        {
            "interval_start": starts,
            "open": inp.open,
            "arrivals": inp.items.sum(axis=0),
            "work_hours": m.work.sum(axis=0),
            "agents": agents,
            "capacity_hours": capacity,
            "handled": items_handled,
            "handled_hours": handled_hours,
            "backlog": out["backlog"].sum(axis=0),
            "oldest_age_s": out["oldest"].max(axis=0),
            "share_within": _share(on, known),
            "voice_agents": inp.voice_agents,
            "voice_workload_erlangs": inp.voice_load,
            "idle_hours": idle_hours,
            "handled_in_idle": handled_in_idle,
            "pool_agents": pool,
            "occupancy": occupancy,
        },
        columns=list(DEFERRED_INTERVAL_COLUMNS),
    )
    classes = pd.DataFrame(
        {
            "interval_start": np.tile(starts.to_numpy(), p),
            "priority": np.repeat(inp.names, k),
            "arrivals": inp.items.ravel(),
            "aht_s": np.where(inp.items > 0, inp.aht, np.nan).ravel(),
            "handled": out["handled"].ravel(),
            "backlog": out["backlog"].ravel(),
            "oldest_age_s": out["oldest"].ravel(),
            "share_within": _share(out["on_time"], out["known"]).ravel(),
            "target_share": np.repeat([t.share for t in inp.targets], k),
            "deadline_s": np.repeat([t.deadline_s for t in inp.targets], k),
        },
        columns=list(DEFERRED_CLASS_COLUMNS),
    )
    if inp.starts is not None:
        classes["interval_start"] = pd.concat([inp.starts] * p, ignore_index=True)
    rows: list[dict[str, Any]] = []
    for c, name in enumerate(inp.names):
        t = inp.targets[c]
        on_c = float((out["on_time"][c] * inp.items[c]).sum() + out["start_on"][c] * inp.backlog[c])
        known_c = float(
            (out["known"][c] * inp.items[c]).sum() + out["start_known"][c] * inp.backlog[c]
        )
        rows.append(
            {
                "priority": name,
                "arrivals": float(inp.items[c].sum()),
                "backlog_start": float(inp.backlog[c]),
                "handled": float(out["handled"][c].sum()),
                "backlog_end": float(out["backlog"][c, -1]),
                "share_within": float(_share(on_c, known_c)),
                "target_share": t.share,
                "deadline_s": t.deadline_s,
                "late_within_s": t.final_s,
                "max_oldest_age_s": float(out["oldest"][c].max()),
                "work_hours": float(m.work[c].sum()),
                "handled_hours": float(handled_class_hours[c].sum()),
                "_on": on_c,
                "_known": known_c,
            }
        )
    total: dict[str, Any] = {"priority": TOTAL}
    for col in ("arrivals", "backlog_start", "handled", "backlog_end", "work_hours"):
        total[col] = sum(r[col] for r in rows)
    total["handled_hours"] = sum(r["handled_hours"] for r in rows)
    total["max_oldest_age_s"] = max(float(r["max_oldest_age_s"]) for r in rows)
    total["share_within"] = float(
        _share(sum(r["_on"] for r in rows), sum(r["_known"] for r in rows))
    )
    for col in ("target_share", "deadline_s", "late_within_s"):
        total[col] = np.nan
    summary = pd.DataFrame([*rows, total], columns=list(DEFERRED_SUMMARY_COLUMNS))
    return intervals, classes, summary


# --------------------------------------------------------------------------- entry points


def plan_deferred(
    arrivals: Any,
    aht_s: Any,
    target: TargetLike | Mapping[str, TargetLike],
    *,
    interval_s: float | str | None = None,
    interval_start: Any = None,
    open: Any = None,
    open_hours: OpenHoursLike | None = None,
    business_hours: bool = False,
    late_within_s: float | str | None = None,
    backlog: float | Mapping[str, float] = 0.0,
    voice_agents: Any = None,
    voice_workload_erlangs: Any = None,
    max_occupancy: float | str | None = None,
    whole_agents: bool = False,
) -> DeferredPlan:
    r"""Least agents per interval that handle deferred work within its response-time target.

    Parameters
    ----------
    arrivals : array-like or mapping of array-like
        Items arriving per interval [count, may be fractional]; a mapping of priority
        class names to arrivals gives several classes served from one backlog, highest
        priority first (``{"P1": ..., "P2": ...}``). A Series with a DatetimeIndex gives
        ``interval_start``.
    aht_s : float, array-like, or a mapping of them per class
        Handle time per item [s].
    target : target or mapping of targets per class
        Anything :func:`deferred_target` reads: ``("90%", "4h")``, ``("100%", "24h")``,
        a :class:`~staffing.queueing.targets.ServiceLevel` or a :class:`DeferredTarget`.
    interval_s : float or str, optional
        Interval length [s] or a duration (``"15min"``); inferred from ``interval_start``.
    interval_start : array-like of datetime64, optional
        Start of each interval: consecutive, without gaps. Needed for ``open_hours``; it
        also names the intervals in the tables and groups them into days.
    open : array-like of bool, optional
        Whether agents may work in each interval (default: always open).
    open_hours : str or mapping, optional
        Opening hours per weekday, see :func:`open_intervals` (instead of ``open``).
    business_hours : bool, default False
        Count deadlines in open time only (``True``) or on the calendar clock.
    late_within_s : float or str, optional
        Response time within which every item is handled; overrides the targets'
        ``late_within_s`` (default twice the deadline).
    backlog : float or mapping, default 0
        Items waiting at the start [count], handled first come first served from the
        start of the horizon, which is where their deadline is counted from.
    voice_agents, voice_workload_erlangs : array-like, optional
        Blending: voice agents of the same pool and their voice busy time [Erlangs] per
        interval. Deferred work first fills the idle time they leave up to
        ``max_occupancy``; only the rest adds agents.
    max_occupancy : float or str, optional
        Busy share cap of the pool (default 90% when blending, else 100%); added agents
        work deferred items up to it too.
    whole_agents : bool, default False
        Round agents up to whole agents per interval (as the planner does) and report the
        backlog that whole agents leave.

    Returns
    -------
    DeferredPlan
        Tables :data:`DEFERRED_INTERVAL_COLUMNS`, :data:`DEFERRED_CLASS_COLUMNS`,
        :data:`DEFERRED_SUMMARY_COLUMNS`; agent-hours; the solver's status, message and
        time.

    Raises
    ------
    TargetError
        Work falls due before any open interval can handle it (e.g. a 100% target whose
        deadline, on the clock, ends during a night closure): the message names the
        arrival intervals and what to change.
    StaffingError
        Inputs of the wrong shape or sign.

    Notes
    -----
    **Fluid model.** The horizon is cut into :math:`K` intervals of length
    :math:`\Delta`; work is counted in agent-hours. Class :math:`c` brings
    :math:`w_{c,k} = n_{c,k} h_{c,k} / 3600` in interval :math:`k`, arriving at an even rate
    within it, plus a backlog :math:`B_c` at the start; :math:`A_c(t)` is the cumulative
    work arrived by :math:`t`. Deadlines run on a clock :math:`G`: :math:`G(t) = t` on the
    calendar, or the open time elapsed since the start in business hours. An item arriving
    at :math:`s` with response time :math:`d` is due at the first :math:`t` with
    :math:`G(t) \ge G(s) + d`.

    A target "share :math:`p_c` within :math:`d_c`, all within :math:`D_c`" splits each
    interval's arrivals into two *flows* :math:`f`: the on-time part (share
    :math:`\sigma_f = p_c`, deadline :math:`d_c`) and the late part
    (:math:`\sigma_f = 1 - p_c`, deadline :math:`D_c`, ``late_within_s``); at 100% only
    the first. The work of flow :math:`f` due by :math:`t` is
    :math:`R_f(t) = \sigma_f A_c(\sup\{s : G(s) \le G(t) - d_f\})`.

    Variables: :math:`x_k \ge 0` agents added in interval :math:`k` (:math:`x_k = 0`
    where closed); :math:`S_{f,k}` the work of flow :math:`f` handled by the end
    :math:`t_k` of interval :math:`k`, handled at an even rate within the interval.

    Constraints, for every flow and interval:

    1. :math:`R_f(t_k) \le S_{f,k} \le \sigma_f A_c(t_k)`: work due is done, and
       nothing is handled before it arrives; the lower bound is also checked at the one
       instant inside an interval where :math:`R_f` bends when :math:`d_f` is not a whole
       number of intervals, so it holds at every instant;
    2. :math:`S_{f,k} \ge S_{f,k-1}` (:math:`S_{f,-1} = 0`);
    3. :math:`\sum_f (S_{f,k} - S_{f,k-1}) \le \frac{\Delta}{3600}(i_k + \rho x_k)`
       with :math:`i_k = \max(0, \rho v_k - a_k)` the idle agents that voice leaves
       up to the occupancy cap :math:`\rho` (:math:`v_k` voice agents, :math:`a_k` voice
       workload; :math:`i_k = 0` and :math:`\rho = 1` without voice).

    Objective, lexicographic (three solves): (a) minimise agent-hours
    :math:`\sum_k x_k \Delta / 3600`; without voice idle time this is the work due
    within the horizon divided by :math:`\rho`, and is not solved; (b) holding them,
    minimise the sum over days of each day's peak :math:`\max_{k \in day} x_k` (level
    staffing: deferred work fills the troughs, Whitt 1999); (c) holding both, maximise
    :math:`\sum_f \omega_f \sum_k S_{f,k}`, i.e. handle work as early as possible,
    higher priorities first (:math:`\omega_f = P - c`). Intervals where nothing can be
    handled (closed, no voice idle time) carry no variables: the work falling due before
    the next interval with capacity must be handled by the end of the previous one.

    **Why it holds.** Within a flow the due time does not decrease with the arrival time,
    so handling the flow first come first served meets every deadline exactly when
    handled work stays above due work at all times (cumulative curves, Newell 1982). The
    flows share capacity by (3); earliest-due-first across flows realises any such
    schedule (Horn 1974). The late part is never dropped: it is due within :math:`D_c`,
    so the backlog cannot grow without bound and its oldest item is at most :math:`D_c`
    old (on the deadline clock) whenever that deadline lies within the horizon; a share
    below 100% cannot hide permanent under-capacity. Work whose deadline lies beyond the
    horizon is not required and may remain in the backlog at the end: plan one deadline
    beyond the period you schedule, or carry the backlog into the next plan.

    **Priorities.** Classes share one backlog and one capacity; each class meets its own
    target, and where deadlines leave a choice the higher class is handled first. This is
    earliest-due-first with priority deciding among work not yet pressing, the way ticket
    queues sorted by "next SLA breach" are worked; strict priority regardless of due times
    (every P1 before any P2) is not linear in the staffing and can need more capacity
    when a low class is near its deadline while a higher one has a backlog.

    **Outputs.** Handled items, the backlog and the oldest item's age follow first come
    first served within each flow; the share within the deadline is evaluated at 16
    evenly spaced arrival instants per interval. ``whole_agents`` rounds each interval up
    and re-solves (c) with those agents fixed. When infeasible, the message names the
    arrivals that fall due while nothing is open: count deadlines in business hours,
    lengthen the deadline (or ``late_within_s``), or open those hours.

    The program has :math:`n(1 + F)` variables and about :math:`n(1 + F)` rows for
    :math:`n` intervals with capacity and :math:`F` flows. A week of 15-minute intervals
    for one class solves in about 0.2-0.4 s, four classes open 55 hours a week in about
    0.5 s; four classes at shares below 100% open around the clock (5,400 variables) take
    a few seconds. ``status``, ``message`` and ``solve_time_s`` report the last solve (a
    linear program has no gap).

    References
    ----------
    .. [1] G. F. Newell, *Applications of Queueing Theory*, 2nd ed., Chapman and Hall,
       1982, ch. 2 (cumulative arrival and departure curves).
       :doi:`10.1007/978-94-009-5970-5`
    .. [2] W. A. Horn, "Some simple scheduling algorithms", *Naval Research Logistics
       Quarterly* 21(1), 177-185, 1974. :doi:`10.1002/nav.3800210113`
    .. [3] W. Whitt, "Using different response-time requirements to smooth time-varying
       demand for service", *Operations Research Letters* 24(1-2), 1-10, 1999.
       :doi:`10.1016/S0167-6377(98)00049-6`
    .. [4] S. Bhulai and G. Koole, "A queueing model for call blending in call centers",
       *IEEE Transactions on Automatic Control* 48(8), 1434-1438, 2003.
       :doi:`10.1109/TAC.2003.815038`

    Examples
    --------
    Sixty emails an hour, six minutes each, all within 4 hours on the clock, for two
    open hours before a closure: the requirement is the workload itself, 6 agents, with
    no safety margin (the model is deterministic).

    >>> import numpy as np
    >>> is_open = np.arange(24) < 8
    >>> p = plan_deferred(np.where(is_open, 15.0, 0.0), 360, ("100%", "4h"),
    ...                   interval_s="15min", open=is_open)
    >>> p.intervals["agents"].round(6).tolist()[:9]
    [6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 0.0]

    A backlog of 40 agent-hours at opening, due within 4 hours, needs 10 agents from the
    start:

    >>> p = plan_deferred(np.zeros(16), 360, ("100%", "4h"), interval_s="15min",
    ...                   backlog=400)
    >>> p.intervals["agents"].round(6).tolist()[:4], round(p.agent_hours, 6)
    ([10.0, 10.0, 10.0, 10.0], 40.0)
    >>> p.intervals["backlog"].iloc[15], p.summary["share_within"].iloc[0]
    (np.float64(0.0), np.float64(1.0))
    """
    inp = _inputs(
        arrivals,
        aht_s,
        target,
        interval_s=interval_s,
        interval_start=interval_start,
        open=open,
        open_hours=open_hours,
        business_hours=business_hours,
        late_within_s=late_within_s,
        backlog=backlog,
        voice_agents=voice_agents,
        voice_workload_erlangs=voice_workload_erlangs,
        max_occupancy=max_occupancy,
    )
    m = _model(inp)
    sol = _schedule(m, inp, whole_agents)
    out = _outcome(m, inp, sol.handled)
    intervals, classes, summary = _tables(m, inp, sol.agents, sol.handled, out)
    if whole_agents:
        intervals["agents"] = sol.agents.astype(np.int64)
    return DeferredPlan(
        intervals=intervals,
        classes=classes,
        summary=summary,
        agent_hours=float(sol.agents.sum() * m.dth),
        lp_agent_hours=sol.lp_hours,
        status=sol.status,
        message=sol.message,
        solve_time_s=sol.seconds,
        targets=dict(zip(inp.names, inp.targets, strict=True)),
    )


def plan_deferred_forecast(
    forecast: pd.DataFrame,
    targets: TargetLike | Mapping[str, TargetLike],
    **options: Any,
) -> DeferredPlan:
    """:func:`plan_deferred` from a long-format forecast of one queue.

    Parameters
    ----------
    forecast : DataFrame
        Columns ``interval_start``, ``calls`` (items arriving), ``aht_s``; optional
        ``priority`` (one row per interval and class, classes ranked in the order of
        ``targets`` when it is a mapping, else in order of appearance), ``open`` (bool),
        ``voice_agents`` and ``voice_workload_erlangs`` (blending). A class missing in an
        interval has no arrivals there.
    targets : target or mapping of targets per priority
        As ``target`` of :func:`plan_deferred`.
    **options
        Any keyword of :func:`plan_deferred` except those read from the columns.

    Returns
    -------
    DeferredPlan

    Examples
    --------
    Two ticket priorities on a desk open from 08:00 to noon, deadlines on the clock (so
    everything due before 20:00 is handled before the closure):

    >>> f = pd.DataFrame({
    ...     "interval_start": pd.date_range("2024-03-04 08:00", periods=12, freq="h").repeat(2),
    ...     "priority": ["P1", "P2"] * 12,
    ...     "calls": [2.0, 10.0] * 4 + [0.0, 0.0] * 8,
    ...     "aht_s": [900.0, 360.0] * 12,
    ...     "open": [True] * 8 + [False] * 16,
    ... })
    >>> p = plan_deferred_forecast(f, {"P1": ("100%", "1h"), "P2": ("90%", "4h")})
    >>> p.intervals["agents"].round(6).tolist()[:5]
    [1.5, 1.5, 1.5, 1.5, 0.0]
    >>> p.summary[["priority", "arrivals", "handled", "share_within"]]
      priority  arrivals  handled  share_within
    0       P1       8.0      8.0           1.0
    1       P2      40.0     40.0           1.0
    2    total      48.0     48.0           1.0
    """
    from staffing.frames import numeric_column, require_columns, to_timestamps

    source = "forecast"
    require_columns(forecast, ["interval_start", "calls", "aht_s"], source=source)
    df = forecast.copy()
    df["interval_start"] = to_timestamps(df, "interval_start", source=source)
    for col in ("calls", "aht_s"):
        df[col] = numeric_column(df, col, source=source)
    if "priority" in df.columns:
        df["priority"] = df["priority"].astype(str)
        order = list(targets) if isinstance(targets, Mapping) else list(pd.unique(df["priority"]))
    else:
        if isinstance(targets, Mapping):
            raise InputError(
                "targets per priority need a 'priority' column", source=source, column="priority"
            )
        df["priority"] = SINGLE_CLASS
        order = [SINGLE_CLASS]
    dup = df.duplicated(["interval_start", "priority"], keep=False)
    if dup.any():
        raise InputError(
            "the same interval appears twice for one priority",
            source=source,
            column="interval_start",
            rows=[int(i) + 2 for i in np.flatnonzero(dup.to_numpy())],
        )
    starts = pd.Series(pd.unique(df["interval_start"])).sort_values(ignore_index=True)
    calls = df.pivot_table(
        index="interval_start", columns="priority", values="calls", aggfunc="first"
    )
    aht = df.pivot_table(
        index="interval_start", columns="priority", values="aht_s", aggfunc="first"
    )
    calls = calls.reindex(starts).fillna(0.0)
    aht = aht.reindex(starts)
    unknown = [c for c in calls.columns if c not in order]
    if unknown:
        raise InputError(
            f"priority {unknown[0]!r} has no target (targets name {', '.join(order)})",
            source=source,
            column="priority",
        )
    names = [n for n in order if n in calls.columns]
    arrivals = {n: calls[n].to_numpy() for n in names}
    handle = {n: aht[n].to_numpy() for n in names}
    per_interval = df.drop_duplicates("interval_start").set_index("interval_start")
    per_interval = per_interval.reindex(starts)
    for col in ("open", "voice_agents", "voice_workload_erlangs"):
        if col in df.columns and col not in options:
            options[col] = per_interval[col].to_numpy()
    if names == [SINGLE_CLASS] and not isinstance(targets, Mapping):
        return plan_deferred(
            arrivals[SINGLE_CLASS], handle[SINGLE_CLASS], targets, interval_start=starts, **options
        )
    tmap = targets if isinstance(targets, Mapping) else dict.fromkeys(names, targets)
    return plan_deferred(
        arrivals,
        handle,
        {n: tmap[n] for n in names},
        interval_start=starts,
        **options,
    )

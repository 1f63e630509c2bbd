"""The day re-projected from its actuals, in the words of the rules of engagement.

At noon a team lead knows the morning: calls offered, answered within the threshold,
abandoned. :func:`intraday` turns that into what the rest of the day will bring and what
to do about it:

1. **Reforecast** the rest of the day (:func:`staffing.risk.reforecast.ratio_reforecast`:
   the morning's ratio of actual to forecast calls, shrunk; replaceable).
2. **Project** the day's service level: the actuals so far plus a simulation of the rest
   with the planned staff (the day simulator, the queue carried over; the morning is
   re-simulated with its actual calls and staff so the queue at ``now`` is as loaded as
   the morning left it, and only the rest is counted), many times over:
   ``P(day >= target)`` and the band of the projection in the **rules of engagement**
   agreed in advance: ``on target``, ``warning`` (up to 5 points below),
   ``interrupt offline work`` (5 to 10), ``all hands`` (more than 10).
3. **Act**: the extra agents per remaining interval that bring the projected day back to
   target at the least agent-hours (added where an agent-hour buys the most calls
   answered within the threshold, as few as the simulation says are enough), and the
   **latest interval** from which that is still possible: from it on, answering every
   call at once would just reach the target; after it, no staffing can.
4. With a ``period``: the period to date (earlier days' actuals and the morning), the
   probability the period meets its target given those and the plan for the rest, the
   expected credit, and whether to **tell the client now**.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts import CreditTerms, service_level_target
from staffing.contracts.credits import credit_pct, shortfall_points
from staffing.errors import InputError, StaffingError, StaffingWarning
from staffing.frames import local_dates, wall_clock
from staffing.planner.bands import check_edges, escalation_band
from staffing.prepared import PreparedForecast, QueueModel, check_simulable, measures, prepare
from staffing.queueing.targets import ServiceLevel
from staffing.risk.greedy import PrefixSearch, greedy_additions
from staffing.risk.periods import (
    FACTORS,
    SIMULATE,
    group_target,
    plan_agents,
    service_level_of,
)
from staffing.risk.reforecast import (
    DEFAULT_PRIOR_CV,
    RestOfDay,
    prior_cv_from_history,
    ratio_reforecast,
)
from staffing.risk.replicate import COUNTS, RiskDay, quantiles, simulate_risk_day, wilson_interval
from staffing.risk.volume import check_cv
from staffing.simulation.plan import queue_day_tasks
from staffing.simulation.queue_day import QueueDay, queue_day_seed
from staffing.simulation.scaleout import SimulationOptions, map_queue_days
from staffing.vocabulary import (
    check_period,
    format_percent,
    parse_rate,
    parse_time_of_day,
    period_floor,
    period_label,
)

__all__ = [
    "ACTION_COLUMNS",
    "BAND_WORDS",
    "DAY_COLUMNS",
    "INTERVAL_COLUMNS",
    "PERIOD_COLUMNS",
    "IntradayProjection",
    "IntradayWarning",
    "band_words",
    "intraday",
]

#: The rules of engagement's bands, in the words a team lead reads.
BAND_WORDS: dict[str, str] = {
    "met": "on target",
    "warning": "warning",
    "interrupt offline": "interrupt offline work",
    "all hands": "all hands",
}

#: Columns of :attr:`IntradayProjection.actions`, in order.
ACTION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "reforecast_calls",
    "agents",
    "extra_agents",
    "expected_service_level",
    "sl_p05",
    "sl_p95",
    "expected_service_level_with_extra",
    "recoverable",
)
#: Columns of :attr:`IntradayProjection.intervals`, in order.
INTERVAL_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "done",
    "calls",
    "offered",
    "reforecast_calls",
    "agents",
    "extra_agents",
    "predicted_service_level",
    "service_level",
    "sl_p05",
    "sl_p95",
    "service_level_with_extra",
    "cumulative_service_level",
)
#: Columns of :attr:`IntradayProjection.days`, in order.
DAY_COLUMNS: tuple[str, ...] = (
    "date",
    "queue",
    "target",
    "now",
    "offered_so_far",
    "service_level_so_far",
    "forecast_so_far",
    "ratio_so_far",
    "reforecast_factor",
    "calls_rest",
    "expected_service_level",
    "sl_p05",
    "sl_p50",
    "sl_p95",
    "p_meet",
    "band",
    "extra_agent_hours",
    "expected_service_level_with_extra",
    "latest_recovery",
)
#: Columns of :attr:`IntradayProjection.period`, in order (credit columns with a clause).
PERIOD_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "target",
    "offered_to_date",
    "service_level_to_date",
    "expected_service_level",
    "sl_p05",
    "sl_p95",
    "p_meet",
    "p_meet_lo",
    "p_meet_hi",
    "expected_credit",
    "expected_credit_amount",
    "p_credit",
    "tell_client",
)

Progress = Callable[[int], None]
Reforecast = Callable[[float, float, Any, float], RestOfDay]


class IntradayWarning(StaffingWarning):
    """Something about the day's actuals was assumed: named in the message."""


def band_words(shortfall_pts: Any, edges: Sequence[float] = (5.0, 10.0)) -> np.ndarray:
    """The rules of engagement's band of each shortfall below target [points].

    Examples
    --------
    >>> band_words([-1.0, 2.0, 7.0, 12.0]).tolist()
    ['on target', 'warning', 'interrupt offline work', 'all hands']
    """
    bands = escalation_band(shortfall_pts, edges)
    return np.array([BAND_WORDS.get(str(b), str(b)) for b in np.atleast_1d(bands)], dtype=object)


@dataclass(frozen=True)
class IntradayProjection:
    """The day re-projected from its actuals, and with a period the period's prospects.

    Attributes
    ----------
    actions : DataFrame
        One row per remaining interval and queue, :data:`ACTION_COLUMNS`: the plan's and
        the reforecast calls, the planned agents, the ``extra_agents`` that bring the day
        back to target, the projected service level of the interval (pooled over
        replications, planned staff) with its 5-95% range, the same with the extra
        agents, and ``recoverable``: whether changing the staffing from this interval on
        can still bring the day to target.
    days : DataFrame
        One row per queue, :data:`DAY_COLUMNS`: the day so far (offered, service level,
        forecast, the ratio and the reforecast's factor), the calls of the rest, the
        projected day (mean, percentiles, ``p_meet`` = P(day >= target)), its ``band``,
        the extra agent-hours and the projection with them, and ``latest_recovery``: the
        start of the last interval from which the day can still reach its target (NaT:
        it cannot).
    period : DataFrame or None
        With a ``period``, one row per queue, :data:`PERIOD_COLUMNS`.
    intervals : DataFrame
        Every interval of the day per queue, :data:`INTERVAL_COLUMNS`: whether it is
        ``done``, the plan's calls, the calls offered (done) or reforecast (the rest), the
        planned and extra agents, the stationary service level the plan predicted, the
        service level (actual where done, projected after), its 5-95% range, with the
        extra agents, and the day's service level from the opening to the interval's end
        (actual, then expected).
    samples : DataFrame
        ``queue, replication, within, base``: the projected day's service-level
        numerator and denominator in each replication (planned staff).
    now : Timestamp
    period_name : str or None
    elapsed_s : float
    """

    actions: pd.DataFrame
    days: pd.DataFrame
    period: pd.DataFrame | None
    intervals: pd.DataFrame
    samples: pd.DataFrame
    now: pd.Timestamp
    period_name: str | None
    warn_below: float
    elapsed_s: float

    def lines(self) -> list[str]:
        """The projection in words: per queue the day, what to do, and the period."""
        out: list[str] = []
        acts = self.actions
        day_rows: list[Any] = list(self.days.itertuples(index=False))
        for row in day_rows:
            goal = str(row.target)
            out.append(
                f"{row.queue}, {pd.Timestamp(row.date):%a %Y-%m-%d} at {self.now:%H:%M} ({goal}):"
            )
            so_far = (
                f"  so far: {row.offered_so_far:,.0f} calls, "
                f"SL {format_percent(row.service_level_so_far)}"
                if row.offered_so_far > 0
                else "  so far: no calls"
            )
            if np.isfinite(row.ratio_so_far):
                so_far += (
                    f" (forecast {row.forecast_so_far:,.0f}: ratio {row.ratio_so_far:.2f}, "
                    f"rest of day x{row.reforecast_factor:.3f})"
                )
            out.append(so_far)
            out.append(
                f"  projected day: {format_percent(row.expected_service_level)} (5-95%: "
                f"{100 * row.sl_p05:.1f}-{format_percent(row.sl_p95)}), "
                f"P(day >= {_pct(goal)}) = {format_percent(row.p_meet, 0)}: {row.band}"
            )
            mine = acts[acts["queue"] == row.queue]
            if row.extra_agent_hours > 0:
                out.append(
                    f"  to bring the day back to {goal} ({row.extra_agent_hours:,.1f} "
                    f"agent-hours, projected "
                    f"{format_percent(row.expected_service_level_with_extra)}):"
                )
                spans = _spans(mine)
                out += ["    " + ", ".join(spans[i : i + 4]) for i in range(0, len(spans), 4)]
            rest = mine.shape[0] > 0
            if not rest:
                out.append("  the day is done")
            elif pd.isna(row.latest_recovery):
                out.append(f"  no staffing can bring the day back to {goal} any more")
            else:
                out.append(
                    f"  recoverable until {pd.Timestamp(row.latest_recovery):%H:%M} "
                    f"(after that, no staffing reaches {goal})"
                )
        if self.period is not None:
            several = len(set(self.period["queue"])) > 1
            labels = period_label(
                self.period["period_start"].to_numpy().astype("datetime64[D]"),
                str(self.period_name),
            )
            period_rows: list[Any] = list(self.period.itertuples(index=False))
            for label, row in zip(labels, period_rows, strict=True):
                who = f" {row.queue}" if several else ""
                text = (
                    f"{self.period_name} {label}{who}: SL to date "
                    f"{format_percent(row.service_level_to_date)}; projected "
                    f"{format_percent(row.expected_service_level)}, "
                    f"P({self.period_name} >= {_pct(row.target)}) = {format_percent(row.p_meet, 0)}"
                )
                if "expected_credit" in self.period.columns:
                    text += f"; expected credit {row.expected_credit:.2f}% of the fee"
                out.append(text)
            for row in period_rows:
                if row.tell_client:
                    who = f" ({row.queue})" if several else ""
                    out.append(
                        f"tell the client now: P({self.period_name} meets {row.target}) = "
                        f"{format_percent(row.p_meet, 0)}{who}"
                    )
        return out

    def __repr__(self) -> str:
        d = self.days
        return (
            f"IntradayProjection({len(d)} queue(s) at {self.now:%Y-%m-%d %H:%M}; "
            + ", ".join(
                f"{q} {format_percent(s)} ({b})"
                for q, s, b in zip(d["queue"], d["expected_service_level"], d["band"], strict=True)
            )
            + ")"
        )


def _pct(target: str) -> str:
    from staffing.risk.distribution import target_percent

    return target_percent(target)


def _spans(actions: pd.DataFrame) -> list[str]:
    """``["+1 agent 12:00-14:00", "+2 agents 14:00-15:00"]``: runs of equal extra agents."""
    rows = actions[actions["extra_agents"] > 0].sort_values("interval_start")
    if rows.empty:
        return ["no extra agents"]
    step = actions["interval_start"].sort_values().diff().dropna()
    length = step[step > pd.Timedelta(0)].min() if not step.empty else pd.Timedelta(minutes=30)
    if pd.isna(length):
        length = pd.Timedelta(minutes=30)
    parts = []
    start = prev = rows["interval_start"].iloc[0]
    count = rows["extra_agents"].iloc[0]
    for t, n in zip(rows["interval_start"].iloc[1:], rows["extra_agents"].iloc[1:], strict=True):
        if n == count and t - prev == length:
            prev = t
            continue
        parts.append((start, prev + length, count))
        start = prev = t
        count = n
    parts.append((start, prev + length, count))

    def agents(n: float) -> str:
        whole = float(n).is_integer()
        text = f"{int(n)}" if whole else f"{n:.1f}"
        return f"+{text} agent{'' if n == 1 else 's'}"

    return [f"{agents(n)} {a:%H:%M}-{b:%H:%M}" for a, b, n in parts]


# --------------------------------------------------------------------------- inputs


def _now(now: Any, date: dt.date | None) -> pd.Timestamp:
    """``now`` as a wall-clock timestamp: a time of day on ``date``, or a timestamp."""
    if isinstance(now, pd.Timestamp | dt.datetime):
        return pd.Timestamp(now).tz_localize(None) if pd.Timestamp(now).tz else pd.Timestamp(now)
    if isinstance(now, dt.time):
        now = now.strftime("%H:%M:%S")
    text = str(now).strip()
    try:
        seconds = parse_time_of_day(text, what="`now`")
    except StaffingError:
        try:
            return pd.Timestamp(text)
        except (ValueError, TypeError):
            raise StaffingError(
                f"`now` {text!r}: give a time of day (12:00) or a date and time (2025-03-05 12:00)"
            ) from None
    if date is None:
        raise StaffingError(
            f"`now` {text}: with no actuals the date is unknown; give the date too "
            "(e.g. 2025-03-05 12:00)"
        )
    return pd.Timestamp(date) + pd.Timedelta(seconds=seconds)


def _history(actuals: pd.DataFrame, threshold_s: float, what: str) -> pd.DataFrame:
    """Actuals as a validated interval history counted at ``threshold_s``."""
    if actuals.attrs.get("kind") != "intervals":
        from staffing.calibration import prepare_history

        actuals = prepare_history(actuals, threshold_s=threshold_s)
    src = str(actuals.attrs.get("source", what))
    counted = actuals.attrs.get("threshold_s")
    if counted is not None and not np.isclose(float(counted), threshold_s):
        raise InputError(
            f"the actuals count calls answered within {float(counted):g} s but the target "
            f"needs {threshold_s:g} s; read them with that threshold",
            source=src,
        )
    out = actuals.copy()
    out.attrs = dict(actuals.attrs)
    out["interval_start"] = wall_clock(out["interval_start"])
    out["queue"] = out["queue"].astype(str)
    return out


def _name(rows: pd.DataFrame, limit: int = 3) -> str:
    shown = [
        f"{q} {t:%Y-%m-%d %H:%M}"
        for q, t in zip(
            rows["queue"].iloc[:limit], rows["interval_start"].iloc[:limit], strict=True
        )
    ]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return ", ".join(shown) + more


# --------------------------------------------------------------------------- the day


@dataclass
class _QueueToday:
    """One queue's day: its rows, the morning's actuals and the reforecast rest."""

    queue: str
    d: int  # queue-day in p.days
    rows: np.ndarray  # plan rows of the day, in time order
    past: np.ndarray  # bool per row: done by now
    target: ServiceLevel
    actual: dict[str, np.ndarray]  # counts per past row
    actual_aht: np.ndarray
    actual_agents: np.ndarray
    rest: RestOfDay
    prior_cv: float

    @property
    def first(self) -> int:
        return int(self.past.sum())

    def sums_past(self) -> dict[str, float]:
        return {name: float(np.nansum(self.actual[name])) for name in COUNTS}


def _task(
    day: QueueDay, q: _QueueToday, agents_rest: np.ndarray, seed: int, purpose: int
) -> RiskDay:
    """The queue-day to simulate: the morning with its actuals, the rest reforecast."""
    plan_calls = day.calls
    first = q.first
    calls = np.concatenate([q.actual["offered"], q.rest.calls]) if first else q.rest.calls
    calls = np.where(np.isfinite(calls), calls, plan_calls)
    aht = day.aht_s.copy()
    agents = day.agents.copy()
    if first:
        given = np.isfinite(q.actual_aht) & (q.actual_aht > 0)
        aht[:first] = np.where(given, q.actual_aht, aht[:first])
        staffed = np.isfinite(q.actual_agents) & (q.actual_agents >= 0)
        agents[:first] = np.where(staffed, q.actual_agents, agents[:first])
    agents[first:] = agents_rest
    day = dataclasses.replace(
        day,
        calls=np.asarray(calls, dtype=float),
        aht_s=np.where(calls > 0, aht, np.maximum(aht, 1.0)),
        agents=np.asarray(agents, dtype=float),
        day_threshold_s=q.target.threshold_s,
        volume_cv=q.rest.cv if first == 0 else 0.0,
    )
    if first == 0:
        return RiskDay(day=day)
    cv = np.concatenate([np.zeros(first), np.full(day.size - first, q.rest.cv)])
    return RiskDay(
        day=day,
        volume_cv=cv,
        factor_seed=queue_day_seed(seed, q.queue, day.date, 0, FACTORS + purpose),
        first=first,
    )


def intraday(
    plan: pd.DataFrame,
    actuals: pd.DataFrame | None,
    now: Any,
    target: Any = None,
    *,
    period: str | None = None,
    period_actuals: pd.DataFrame | None = None,
    bands: Sequence[float] = (5.0, 10.0),
    prior_cv: float | str = DEFAULT_PRIOR_CV,
    history: pd.DataFrame | None = None,
    warn_below: float | str = 0.5,
    terms: CreditTerms | None = None,
    model: QueueModel | None = None,
    interval_s: float | str | None = None,
    options: SimulationOptions | None = None,
    reforecast: Reforecast = ratio_reforecast,
    progress: Progress | None = None,
    max_rounds: int = 16,
) -> IntradayProjection:
    """Re-project today's service level from its actuals; the band, the extra staff, the period.

    Parameters
    ----------
    plan : DataFrame
        A plan's interval table (``staffing plan --out``), today included.
    actuals : DataFrame or None
        Today's interval report so far (:func:`staffing.io.read_history`, or a table with
        its columns): ``interval_start``, ``queue``, ``offered``, ``answered``,
        ``abandoned``, ``answered_within`` (at the target's threshold), optional
        ``abandoned_within``, ``aht_s`` and ``agents`` (staffed). None: nothing happened
        yet.
    now : str, time or Timestamp
        The time of the projection: ``"12:00"`` (on the actuals' date) or
        ``"2025-03-05 12:00"``. Intervals that end by ``now`` are done; the one running
        at ``now`` is projected from its start.
    target : str or ServiceLevel, optional
        The service-level target the day (and period) is judged by; default each
        queue's own from the plan (its target set of most of the day's calls).
    period : {"day", "week", "month", "quarter"}, optional
        Also judge the period containing today.
    period_actuals : DataFrame, optional
        The period's earlier days' interval report (same columns as ``actuals``).
    bands : (float, float), default (5, 10)
        Edges of the rules of engagement's bands [points below target].
    prior_cv : float or str, default 0.1
        How much a day's level strays from its forecast (coefficient of variation):
        the shrinkage of the reforecast and the uncertainty of the rest of the day and
        of later days.
    history : DataFrame, optional
        An interval history to learn ``prior_cv`` per queue from
        (:func:`staffing.risk.reforecast.prior_cv_from_history`); queues it lacks keep
        ``prior_cv``.
    warn_below : float or str, default 0.5
        Tell the client when P(period meets target) is below it.
    terms : CreditTerms, optional
        The credit clause of the period: expected credit and P(credit).
    model : QueueModel, optional
        Patience and abandon policy, as for the plan.
    interval_s : float or str, optional
        Interval length of the plan.
    options : SimulationOptions, optional
        Replications (default 1,000), seed (default 1), ``service_cv``, ``jobs``,
        ``scheduler``; its ``volume_cv`` must be 0 (the day's uncertainty is ``prior_cv``).
    reforecast : callable, default :func:`~staffing.risk.reforecast.ratio_reforecast`
        ``(forecast_so_far, offered_so_far, forecast_rest, prior_cv) -> RestOfDay``.
    progress : callable, optional
    max_rounds : int, default 16
        Rounds of simulation the search for extra staff may take.

    Returns
    -------
    IntradayProjection
        ``.actions``, ``.days``, ``.period``, ``.lines()``.

    Raises
    ------
    InputError
        Actuals of another day (or of several), rows running past ``now`` or not in the
        plan, a date without plan rows, period actuals outside the period or not before
        today.
    StaffingError
        ``now`` outside the day's opening hours, a coefficient of variation outside
        0-100%, bad options.

    Notes
    -----
    Per queue, with ``o`` and ``f`` the calls offered and forecast in the intervals done,
    the rest of the day is reforecast (the plain ratio shrunk towards 1, see
    :mod:`staffing.risk.reforecast`) and simulated ``R`` times from the day's opening:
    the done intervals with their actual calls (as Poisson means) and staff, so the queue
    at ``now`` carries the morning's load; the rest with the reforecast calls times a
    gamma factor with the reforecast's remaining ``cv`` and the planned staff. Only the
    rest is counted; the day's service level in replication ``r`` adds the actual counts
    of the morning, by the abandon policy::

        SL_r = (AW_done + AW_rest,r) / (N_done + N_rest,r)

    With nothing done yet (``now`` at the opening), this is the plan's simulated day:
    the same streams as :func:`staffing.simulation.simulate_plan` with ``volume_cv`` =
    ``prior_cv``.

    The extra staff: agents added in the greedy order of
    :func:`~staffing.risk.greedy.greedy_additions` on the reforecast calls, the fewest
    steps with which the projected mean reaches the target (common random numbers).
    The latest recovery interval ``j`` is the last with
    ``(AW_done + sum_{k<j} E[AW_k] + sum_{k>=j} E[N_k]) / (N_done + sum_k E[N_k]) >= target``:
    from ``j`` on every call answered at once (by the abandon policy's counts).

    The period: the earlier days' actuals, the morning, the rest of today with the
    planned staff and every later day of the period in the plan (simulated with a daily
    factor of CV ``prior_cv``), summed per replication.

    Examples
    --------
    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2025-03-05 09:00", periods=4, freq="30min"),
    ...     "calls": 60.0, "aht_s": 300.0, "agents": 14, "target": "80/20"})
    >>> actuals = pd.DataFrame({
    ...     "interval_start": ["2025-03-05 09:00"], "queue": "main", "offered": [75],
    ...     "answered": [75], "abandoned": [0], "answered_within": [56]})
    >>> day = intraday(plan, actuals, "09:30", options=SimulationOptions(replications=200))
    >>> for line in day.lines():
    ...     print(line)
    main, Wed 2025-03-05 at 09:30 (80/20):
      so far: 75 calls, SL 74.7% (forecast 60: ratio 1.25, rest of day x1.094)
      projected day: 71.6% (5-95%: 39.6-90.0%), P(day >= 80%) = 36%: interrupt offline work
      to bring the day back to 80/20 (2.0 agent-hours, projected 81.5%):
        +2 agents 09:30-10:00, +1 agent 10:00-11:00
      recoverable until 10:00 (after that, no staffing reaches 80/20)
    >>> day.actions["extra_agents"].tolist()
    [2, 1, 1]
    """
    clock = time.perf_counter()
    options = options or SimulationOptions(replications=1000, seed=1)
    if options.volume_cv > 0:
        raise StaffingError(
            "the day's uncertainty is `prior_cv` (the reforecast's), not `volume_cv`"
        )
    default_cv = check_cv(prior_cv, "`prior_cv`")
    edges = check_edges(bands)
    alarm = parse_rate(warn_below, what="`warn_below`")
    if period is not None:
        check_period(period)
    if period_actuals is not None and period is None:
        raise StaffingError("`period_actuals` needs a `period` (week, month)")
    check_simulable(plan, what="the intraday projection")
    p = prepare(plan, model=model, interval_s=interval_s, need_targets=False, column_targets=True)
    agents = plan_agents(p.frame)
    goal = service_level_target(target) if target is not None else None

    # today, now and the day's rows
    day_dates = np.asarray(p.days.dates).astype("datetime64[D]")
    date: dt.date | None = None
    if actuals is not None and len(actuals):
        threshold = _common_threshold(p, goal)
        actuals = _history(actuals, threshold, "actuals")
        dates = sorted(set(local_dates(actuals["interval_start"]).tolist()))
        if len(dates) > 1:
            raise InputError(
                f"the actuals are not one day's: they cover {len(dates)} dates "
                f"({dates[0]} to {dates[-1]}); give today's intervals only",
                source=str(actuals.attrs.get("source", "actuals")),
            )
        date = dates[0]
    stamp = _now(now, date)
    today = stamp.date()
    src = str((actuals.attrs if actuals is not None else {}).get("source", "actuals"))
    if date is not None and date != today:
        raise InputError(
            f"the actuals are of {date}, not of {today} (`now`): give today's actuals",
            source=src,
        )
    todays = sorted(
        (d for d in range(len(p.days)) if day_dates[d] == np.datetime64(today)),
        key=lambda d: str(p.days.queues[d]),
    )
    if not todays:
        raise InputError(f"the plan has no rows on {today}: nothing to project", source=p.source)
    starts = wall_clock(p.frame["interval_start"])
    ends = starts + pd.to_timedelta(p.interval_s, unit="s")
    rows_today = np.concatenate([p.days.rows(d) for d in todays])
    opens, closes = starts.iloc[rows_today].min(), ends.iloc[rows_today].max()
    if stamp < opens or stamp > closes:
        raise StaffingError(
            f"`now` {stamp:%H:%M} is outside the opening hours of {today} in the plan "
            f"({opens:%H:%M}-{closes:%H:%M})"
        )
    if actuals is not None and len(actuals):
        late = actuals["interval_start"] + pd.to_timedelta(actuals["interval_s"], unit="s") > stamp
        if late.any():
            raise InputError(
                f"{int(late.sum())} row(s) run past `now` {stamp:%H:%M} "
                f"({_name(actuals[late])}): give the intervals done by then only",
                source=src,
            )

    # the queues of today
    priors = prior_cv_from_history(history) if history is not None else {}
    queues: list[_QueueToday] = []
    matched = np.zeros(0 if actuals is None else len(actuals), dtype=bool)
    for d in todays:
        rows = p.days.rows(d)
        queue = str(p.days.queues[d])
        past = (ends.iloc[rows] <= stamp).to_numpy()
        judged = goal or _day_target(p, rows, queue)
        actual = {name: np.zeros(int(past.sum())) for name in COUNTS}
        aht = np.full(int(past.sum()), np.nan)
        staffed = np.full(int(past.sum()), np.nan)
        if actuals is not None and len(actuals) and past.any():
            mine = actuals["queue"].to_numpy() == queue
            index = pd.Index(actuals.loc[mine, "interval_start"])
            position = index.get_indexer(starts.iloc[rows[past]])
            where = np.flatnonzero(mine)
            found = position >= 0
            matched[where[position[found]]] = True
            missing = int((~found & (p.calls[rows[past]] > 0)).sum())
            if missing:
                warnings.warn(
                    f"no actuals for {missing} interval(s) of {queue} done by "
                    f"{stamp:%H:%M}: counted as no calls",
                    IntradayWarning,
                    stacklevel=2,
                )
            take = actuals.iloc[where[position[found]]]
            for name in COUNTS:
                values = (
                    take[name].to_numpy(dtype=float) if name in take else np.full(len(take), np.nan)
                )
                if name == "abandoned_within" and np.isnan(values).any():
                    _need_within(p.abandon_policy, src)
                    values = np.nan_to_num(values)
                actual[name][found] = values
            aht[found] = take["aht_s"].to_numpy(dtype=float)
            staffed[found] = take["agents"].to_numpy(dtype=float)
        elif past.any() and (p.calls[rows[past]] > 0).any():
            warnings.warn(
                f"no actuals for {queue} done by {stamp:%H:%M}: counted as no calls",
                IntradayWarning,
                stacklevel=2,
            )
        cv = priors.get(queue, default_cv)
        rest = reforecast(
            float(p.calls[rows[past]].sum()),
            float(actual["offered"].sum()),
            p.calls[rows[~past]],
            cv,
        )
        queues.append(_QueueToday(queue, d, rows, past, judged, actual, aht, staffed, rest, cv))
    if actuals is not None and len(actuals) and not matched.all():
        stray = actuals[~matched]
        raise InputError(
            f"{len(stray)} row(s) match no interval of the plan on {today} ({_name(stray)})",
            source=src,
        )

    # project the day with the planned staff
    built, _, _ = queue_day_tasks(p, agents, options, SIMULATE)
    seed = options.seed

    cache: dict[tuple[int, bytes], dict[str, Any]] = {}

    def run(extra: dict[int, np.ndarray]) -> dict[int, dict[str, Any]]:
        keys = {}
        todo = []
        for i, q in enumerate(queues):
            staff = agents[q.rows[~q.past]] + extra.get(i, 0.0)
            keys[i] = (i, np.asarray(staff, dtype=float).tobytes())
            if keys[i] not in cache and (~q.past).any():
                todo.append((i, _task(built[q.d], q, staff, seed, SIMULATE)))
        if todo:
            results = map_queue_days(
                simulate_risk_day,
                [t for _, t in todo],
                jobs=options.jobs,
                scheduler=options.scheduler,
                progress=progress,
                weights=[t.size for _, t in todo],
            )
            for (i, _), res in zip(todo, results, strict=True):
                cache[keys[i]] = res
        out = {}
        for i, q in enumerate(queues):
            if (~q.past).any():
                out[i] = cache[keys[i]]
            else:
                out[i] = _no_rest(options.replications, q.rows.size)
        return out

    def day_levels(i: int, res: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        past = queues[i].sums_past()
        sums = {name: res["sums"][name] + past[name] for name in COUNTS}
        num_den = _num_den(p.abandon_policy, sums)
        sl, _ = service_level_of(p.abandon_policy, sums)
        return sl, num_den[0], num_den[1]

    base = run({})
    r = options.replications

    # extra staff to bring the day back to target
    extra: dict[int, np.ndarray] = {}
    searches: dict[int, PrefixSearch] = {}
    for i, q in enumerate(queues):
        sl, _, den = day_levels(i, base[i])
        mean = float(np.nanmean(sl)) if np.isfinite(sl).any() else np.nan
        rest_rows = q.rows[~q.past]
        if not (mean < q.target.fraction) or rest_rows.size == 0:
            continue
        adds = greedy_additions(
            q.rest.calls,
            p.aht_s[rest_rows],
            agents[rest_rows],
            p.interval_s[rest_rows],
            np.full(rest_rows.size, q.target.threshold_s),
            p.patience_s[rest_rows],
        )
        searches[i] = PrefixSearch(
            adds, mean - q.target.fraction, slope=1.0 / max(float(np.nanmean(den)), 1.0)
        )
    for _ in range(int(max_rounds)):
        proposed = {i: s.propose() for i, s in searches.items()}
        live = {i: n for i, n in proposed.items() if n is not None}
        if not live:
            break
        got = run({i: searches[i].additions.added(n) for i, n in live.items()})
        for i, n in live.items():
            sl, _, _ = day_levels(i, got[i])
            x = float(np.nanmean(sl)) - queues[i].target.fraction
            searches[i].record(n, x, x >= 0)
    for i, s in searches.items():
        if not s.unreachable:
            extra[i] = s.additions.added(s.answer)
    final = run(extra)

    # tables
    action_frames, day_records, sample_frames, interval_frames = [], [], [], []
    for i, q in enumerate(queues):
        res, fin = base[i], final[i]
        sl, num, den = day_levels(i, res)
        sl_x, _, _ = day_levels(i, fin)
        qs = quantiles(sl[:, None], (0.05, 0.5, 0.95))[:, 0]
        mean = float(np.nanmean(sl)) if np.isfinite(sl).any() else np.nan
        shortfall = 100.0 * (q.target.fraction - mean)
        first = q.first
        rest_rows = q.rows[~q.past]
        latest_index = _latest_recovery(p.abandon_policy, q, res["intervals"], first)
        recoverable = np.zeros(rest_rows.size, dtype=bool)
        if latest_index is not None:
            recoverable[: latest_index - first + 1] = True
        added = extra.get(i, np.zeros(rest_rows.size))
        per = _interval_levels(p.abandon_policy, res["intervals"])[first:]
        per_x = _interval_levels(p.abandon_policy, fin["intervals"])[first:]
        action_frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts.iloc[rest_rows].to_numpy(),
                    "queue": q.queue,
                    "calls": p.calls[rest_rows],
                    "reforecast_calls": q.rest.calls,
                    "agents": _whole(agents[rest_rows]),
                    "extra_agents": _whole(added),
                    "expected_service_level": per,
                    "sl_p05": res["intervals"]["sl_p05"][first:],
                    "sl_p95": res["intervals"]["sl_p95"][first:],
                    "expected_service_level_with_extra": per_x,
                    "recoverable": recoverable,
                }
            )
        )
        past_sums = q.sums_past()
        so_far, _ = service_level_of(
            p.abandon_policy, {k: np.array([v]) for k, v in past_sums.items()}
        )
        latest = starts.iloc[q.rows[latest_index]] if latest_index is not None else pd.NaT
        hours = float(np.sum(added * p.interval_s[rest_rows]) / 3600.0)
        day_records.append(
            {
                "date": pd.Timestamp(today),
                "queue": q.queue,
                "target": str(q.target),
                "now": stamp,
                "offered_so_far": past_sums["offered"],
                "service_level_so_far": float(so_far[0]),
                "forecast_so_far": float(p.calls[q.rows[q.past]].sum()),
                "ratio_so_far": q.rest.ratio,
                "reforecast_factor": q.rest.factor,
                "calls_rest": float(q.rest.calls.sum()),
                "expected_service_level": mean,
                "sl_p05": qs[0],
                "sl_p50": qs[1],
                "sl_p95": qs[2],
                "p_meet": float(np.mean(sl >= q.target.fraction - 1e-12)),
                "band": str(band_words([shortfall], edges)[0]),
                "extra_agent_hours": hours,
                "expected_service_level_with_extra": float(np.nanmean(sl_x))
                if np.isfinite(sl_x).any()
                else np.nan,
                "latest_recovery": latest,
            }
        )
        interval_frames.append(_day_intervals(p, q, starts, agents, added, res, per, per_x))
        sample_frames.append(
            pd.DataFrame(
                {"queue": q.queue, "replication": np.arange(r), "within": num, "base": den}
            )
        )
    actions = pd.concat(action_frames, ignore_index=True)[list(ACTION_COLUMNS)]
    actions = actions.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)
    days = pd.DataFrame(day_records, columns=list(DAY_COLUMNS))
    intervals = pd.concat(interval_frames, ignore_index=True)[list(INTERVAL_COLUMNS)]
    samples = pd.concat(sample_frames, ignore_index=True)

    period_table = None
    if period is not None:
        period_table = _period(
            p,
            agents,
            queues,
            base,
            today,
            period,
            period_actuals,
            goal,
            options,
            priors,
            default_cv,
            terms,
            alarm,
            progress,
        )
    return IntradayProjection(
        actions=actions,
        days=days,
        period=period_table,
        intervals=intervals,
        samples=samples,
        now=stamp,
        period_name=period,
        warn_below=alarm,
        elapsed_s=time.perf_counter() - clock,
    )


def _day_intervals(
    p: PreparedForecast,
    q: _QueueToday,
    starts: pd.Series,
    agents: np.ndarray,
    added: np.ndarray,
    res: dict[str, Any],
    per: np.ndarray,
    per_x: np.ndarray,
) -> pd.DataFrame:
    """Every interval of one queue's day: done ones as they went, the rest projected."""
    n, first = q.rows.size, q.first
    policy = p.abandon_policy
    rows = q.rows
    predicted = measures(
        p.calls[rows],
        p.aht_s[rows],
        agents[rows],
        p.interval_s[rows],
        np.full(n, q.target.threshold_s),
        p.patience_s[rows],
        policy,
    )["service_level"]
    done_sl, _ = service_level_of(policy, q.actual)
    counts = {}
    for name in COUNTS:
        values = np.array(res["intervals"][name], dtype=float)
        values[:first] = q.actual[name]
        counts[name] = np.cumsum(values)
    cumulative, _ = service_level_of(policy, counts)
    nan = np.full(first, np.nan)
    offered = np.concatenate([q.actual["offered"], np.full(n - first, np.nan)])
    return pd.DataFrame(
        {
            "interval_start": starts.iloc[q.rows].to_numpy(),
            "queue": q.queue,
            "done": np.arange(n) < first,
            "calls": p.calls[q.rows],
            "offered": offered,
            "reforecast_calls": np.concatenate([nan, q.rest.calls]),
            "agents": _whole(agents[q.rows]),
            "extra_agents": _whole(np.concatenate([np.zeros(first), added])),
            "predicted_service_level": predicted,
            "service_level": np.concatenate([done_sl, per]),
            "sl_p05": np.concatenate([nan, res["intervals"]["sl_p05"][first:]]),
            "sl_p95": np.concatenate([nan, res["intervals"]["sl_p95"][first:]]),
            "service_level_with_extra": np.concatenate([nan, per_x]),
            "cumulative_service_level": cumulative,
        }
    )


def _whole(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v.astype(np.int64) if np.all(v == np.round(v)) else v


def _no_rest(replications: int, size: int) -> dict[str, Any]:
    zeros = np.zeros(replications)
    blank = np.full(size, np.nan)
    intervals = {name: np.zeros(size) for name in COUNTS}
    intervals.update({"sl_p05": blank, "sl_p50": blank, "sl_p95": blank})
    return {"sums": {name: zeros for name in COUNTS}, "intervals": intervals, "callers": 0}


def _num_den(policy: str, sums: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    from staffing.vocabulary import service_level_parts

    num, den = service_level_parts(
        policy,
        answered_within=sums["answered_within"],
        offered=sums["offered"],
        answered=sums["answered"],
        abandoned_within=sums["abandoned_within"],
    )
    return np.asarray(num, dtype=float), np.asarray(den, dtype=float)


def _interval_levels(policy: str, means: dict[str, np.ndarray]) -> np.ndarray:
    sl, _ = service_level_of(policy, means)
    return sl


def _need_within(policy: str, source: str) -> None:
    if policy in ("exclude_within", "count_within"):
        raise InputError(
            f"abandon policy '{policy}' needs column 'abandoned_within', which the actuals "
            "do not give",
            source=source,
        )


def _common_threshold(p: PreparedForecast, goal: ServiceLevel | None) -> float:
    """The one threshold actuals must count at: the target's, else the plan's."""
    if goal is not None:
        return goal.threshold_s
    thresholds = set()
    for key in pd.unique(p.key_text):
        levels = [lv.threshold_s for lv in (p.targets_of(str(key)).service_levels)]
        if levels:
            thresholds.add(levels[0])
    if len(thresholds) > 1:
        raise StaffingError(
            "the plan's queues are judged at different thresholds "
            f"({', '.join(f'{t:g} s' for t in sorted(thresholds))}) but an interval report "
            "counts one: give `target` and actuals counted at its threshold"
        )
    return thresholds.pop() if thresholds else 20.0


def _day_target(p: PreparedForecast, rows: np.ndarray, queue: str) -> ServiceLevel:
    return group_target(p, rows, queue)


def _latest_recovery(
    policy: str, q: _QueueToday, means: dict[str, np.ndarray], first: int
) -> int | None:
    """Position (within the day) of the last interval from which the day can recover.

    From it on, answering every call at once still brings the day's expected service level
    to target; None if no interval does.
    """
    past = q.sums_past()
    size = q.rows.size
    if first >= size:
        return None
    best = None
    for j in range(first, size):
        sums = {}
        for name in COUNTS:
            planned = means[name]
            before = float(np.sum(planned[first:j]))
            after = (
                float(np.sum(means["offered"][j:]))
                if name
                in (
                    "offered",
                    "answered",
                    "answered_within",
                )
                else 0.0
            )
            sums[name] = np.array([past[name] + before + after])
        sl, _ = service_level_of(policy, sums)
        if np.isfinite(sl[0]) and sl[0] >= q.target.fraction - 1e-12:
            best = j
    return best


def _period(
    p: PreparedForecast,
    agents: np.ndarray,
    queues: list[_QueueToday],
    today_results: dict[int, dict[str, Any]],
    today: dt.date,
    period: str,
    period_actuals: pd.DataFrame | None,
    goal: ServiceLevel | None,
    options: SimulationOptions,
    priors: dict[str, float],
    default_cv: float,
    terms: CreditTerms | None,
    alarm: float,
    progress: Progress | None,
) -> pd.DataFrame:
    """The period to date and its prospects, per queue."""
    start = period_floor(np.array([np.datetime64(today)]), period)[0]
    label = period_label(np.array([start]), period)[0]
    day_dates = np.asarray(p.days.dates).astype("datetime64[D]")
    later = [
        d
        for d in range(len(p.days))
        if day_dates[d] > np.datetime64(today)
        and period_floor(np.array([day_dates[d]]), period)[0] == start
    ]
    # the plan should reach the period's end
    period_end = start + np.timedelta64(int(_days_in(start, period)) - 1, "D")
    planned_last = max((day_dates[d] for d in range(len(p.days))), default=np.datetime64(today))
    if planned_last < period_end:
        warnings.warn(
            f"the plan ends {planned_last} but the {period} {label} runs to {period_end}: "
            "the days after the plan are left out of the period",
            IntradayWarning,
            stacklevel=3,
        )
    earlier: dict[str, dict[str, float]] = {}
    if period_actuals is not None and len(period_actuals):
        threshold = queues[0].target.threshold_s
        mtd = _history(period_actuals, threshold, "period actuals")
        src = str(mtd.attrs.get("source", "period actuals"))
        dates = local_dates(mtd["interval_start"])
        floors = period_floor(dates, period)
        outside = floors != start
        if outside.any():
            raise InputError(
                f"{int(outside.sum())} row(s) are not in the {period} {label} "
                f"({_name(mtd[outside])})",
                source=src,
            )
        late = dates >= np.datetime64(today)
        if late.any():
            raise InputError(
                f"{int(late.sum())} row(s) are of {today} or later ({_name(mtd[late])}): the "
                "period's actuals end before today, whose intervals come from the actuals",
                source=src,
            )
        planned = {str(q) for q in pd.unique(p.frame["queue"].astype(str))}
        for queue, block in mtd.groupby("queue", sort=False):
            if str(queue) not in planned:
                raise InputError(
                    f"queue '{queue}' of the period's actuals is not in the plan", source=src
                )
            sums = {}
            for name in COUNTS:
                values = block[name].to_numpy(dtype=float)
                if name == "abandoned_within" and np.isnan(values).any():
                    _need_within(p.abandon_policy, src)
                sums[name] = float(np.nansum(values))
            earlier[str(queue)] = sums
        seen = {(str(q), d) for q, d in zip(mtd["queue"], dates, strict=True)}
    else:
        seen = set()
    gaps = sorted(
        {
            str(day_dates[d])
            for d in range(len(p.days))
            if day_dates[d] < np.datetime64(today)
            and period_floor(np.array([day_dates[d]]), period)[0] == start
            and (str(p.days.queues[d]), day_dates[d]) not in seen
        }
    )
    if gaps:
        warnings.warn(
            f"no actuals for {len(gaps)} earlier day(s) of the {period} in the plan "
            f"({', '.join(gaps[:3])}{'...' if len(gaps) > 3 else ''}): left out of the "
            "period to date",
            IntradayWarning,
            stacklevel=3,
        )

    # later days of the period: the plan, simulated with the prior's daily factor
    future: dict[str, dict[str, np.ndarray]] = {}
    if later:
        built, _, _ = queue_day_tasks(p, agents, options, SIMULATE)
        tasks = []
        by_queue = {q.queue: q for q in queues}
        for d in later:
            queue = str(p.days.queues[d])
            judged = goal or (
                by_queue[queue].target
                if queue in by_queue
                else _day_target(p, p.days.rows(d), queue)
            )
            day = dataclasses.replace(
                built[d],
                day_threshold_s=judged.threshold_s,
                volume_cv=priors.get(queue, default_cv),
            )
            tasks.append(RiskDay(day=day))
        results = map_queue_days(
            simulate_risk_day,
            tasks,
            jobs=options.jobs,
            scheduler=options.scheduler,
            progress=progress,
            weights=[t.size for t in tasks],
        )
        r = options.replications
        for d, res in zip(later, results, strict=True):
            queue = str(p.days.queues[d])
            acc = future.setdefault(queue, {name: np.zeros(r) for name in COUNTS})
            for name in COUNTS:
                acc[name] += res["sums"][name]

    rows = []
    r = options.replications
    levels_all = []
    for i, q in enumerate(queues):
        before = earlier.get(q.queue, {name: 0.0 for name in COUNTS})
        done = q.sums_past()
        to_date = {name: np.array([before[name] + done[name]]) for name in COUNTS}
        sl_to_date, _ = service_level_of(p.abandon_policy, to_date)
        total = {
            name: before[name]
            + done[name]
            + today_results[i]["sums"][name]
            + future.get(q.queue, {}).get(name, np.zeros(r))
            for name in COUNTS
        }
        levels, _ = service_level_of(p.abandon_policy, total)
        met = levels >= q.target.fraction - 1e-12
        lo, hi = wilson_interval(int(met.sum()), r)
        qs = quantiles(levels[:, None], (0.05, 0.95))[:, 0]
        levels_all.append(levels)
        rows.append(
            {
                "period_start": pd.Timestamp(start),
                "queue": q.queue,
                "target": str(q.target),
                "offered_to_date": float(to_date["offered"][0]),
                "service_level_to_date": float(sl_to_date[0]),
                "expected_service_level": float(np.nanmean(levels)),
                "sl_p05": qs[0],
                "sl_p95": qs[1],
                "p_meet": float(met.mean()),
                "p_meet_lo": lo,
                "p_meet_hi": hi,
                "tell_client": bool(met.mean() < alarm),
            }
        )
    table = pd.DataFrame(rows)
    if terms is not None:
        credit_rows = []
        for q, levels in zip(queues, levels_all, strict=True):
            credit = credit_pct(
                shortfall_points(q.target.fraction, levels),
                step=terms.step,
                credit_per_step=terms.credit_per_step,
                cap=terms.cap,
            )
            expected = float(credit.mean())
            credit_rows.append(
                (
                    expected,
                    expected / 100.0 * terms.fee if terms.fee is not None else np.nan,
                    float((credit > 0).mean()),
                )
            )
        table["expected_credit"] = [c[0] for c in credit_rows]
        table["expected_credit_amount"] = [c[1] for c in credit_rows]
        table["p_credit"] = [c[2] for c in credit_rows]
    return table[[c for c in PERIOD_COLUMNS if c in table.columns]]


def _days_in(start: np.datetime64, period: str) -> int:
    from staffing.vocabulary import period_days

    return int(period_days(np.array([start]), period)[0])

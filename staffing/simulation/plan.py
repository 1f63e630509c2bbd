"""A plan simulated through the day: every queue-day continuously, with confidence intervals.

:func:`simulate_plan` takes a plan's interval table (``staffing plan --out``, an
evaluation's intervals, ``outsource --partner-plan``) and simulates each queue-day as one
continuous day, many times over (:func:`~staffing.simulation.engine.simulate_day`: the
queue carried over between intervals, calls in service finishing after staffing drops,
each day starting empty). It returns the simulated service level, ASA, abandon rate and
occupancy of every interval next to the stationary (Erlang C/A) prediction the plan was
built on, and the same for every day and queue, each with its 95% interval and the chance
of missing the target.

This is the table-level face of the simulator (pandas, no files); the queue-days are
handed to :mod:`staffing.simulation.queue_day` workers, here or elsewhere
(:mod:`staffing.simulation.scaleout`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames import check_column, numeric_column
from staffing.prepared import (
    PreparedForecast,
    QueueModel,
    check_simulable,
    prepare,
    report_thresholds,
)
from staffing.queueing.erlang import MAX_AGENTS
from staffing.simulation.queue_day import (
    SIMULATE,
    STAFF,
    QueueDay,
    queue_day_seed,
    simulate_queue_day,
    staff_queue_day,
)
from staffing.simulation.scaleout import SimulationOptions, map_queue_days

__all__ = [
    "SIMULATION_COLUMNS",
    "SIMULATION_DAY_COLUMNS",
    "SIMULATION_REDIAL_COLUMNS",
    "SimulatedPlan",
    "queue_day_tasks",
    "simulate_plan",
    "simulation_staffing",
]

#: Columns of :attr:`SimulatedPlan.intervals`, in order.
SIMULATION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "agents",
    "predicted_service_level",
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "asa_s",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
    "occupancy",
    "p_miss",
    "target",
    "threshold_s",
    "significant_miss",
)
#: Columns of :attr:`SimulatedPlan.days`, in order.
SIMULATION_DAY_COLUMNS: tuple[str, ...] = (
    "date",
    "queue",
    "calls",
    "agent_hours",
    "target",
    "predicted_service_level",
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "asa_s",
    "asa_s_lo",
    "asa_s_hi",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
    "occupancy",
    "p_day_miss",
    "intervals",
    "intervals_below_target",
)

#: Columns both tables gain, after their own, for a plan made with redials: the plan's
#: fresh calls, the simulated redials (means) and customers who gave up for good per fresh
#: call with its interval.
SIMULATION_REDIAL_COLUMNS: tuple[str, ...] = (
    "fresh_calls",
    "redial_calls",
    "customer_abandon_rate",
    "customer_abandon_rate_lo",
    "customer_abandon_rate_hi",
)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class SimulatedPlan:
    """A plan simulated queue-day by queue-day.

    Attributes
    ----------
    intervals : DataFrame
        One row per interval of the plan, in its order, columns
        :data:`SIMULATION_COLUMNS`: the plan's ``calls`` and ``agents``; the stationary
        ``predicted_service_level`` (Erlang C/A for the interval alone, as the plan was
        built); the simulated ``service_level`` (at ``threshold_s``) with its 95% interval
        ``_lo``/``_hi``, ``asa_s``, ``abandon_rate`` with its interval and ``occupancy``;
        ``p_miss``, the share of simulated days in which that interval on its own misses
        a target of ``target`` (NaN without targets); ``significant_miss``, True where a
        measure's interval lies wholly on the wrong side of its target. For a plan made
        with redials, ``calls`` are the plan's attempts and
        :data:`SIMULATION_REDIAL_COLUMNS` follow.
    days : DataFrame
        One row per queue-day, columns :data:`SIMULATION_DAY_COLUMNS`: the day's calls and
        agent-hours, the target it is judged by (the target set of most of its calls), the
        predicted and simulated service level, ASA and abandon rate over all its calls with
        their intervals, occupancy, ``p_day_miss`` (the share of simulated days whose
        whole-day figure misses the target), the day's intervals with calls and those
        significantly below target.
    options : SimulationOptions
        How it was simulated.
    callers : int
        Callers simulated in all.
    elapsed_s : float
        Wall time [s].
    """

    intervals: pd.DataFrame
    days: pd.DataFrame
    options: SimulationOptions
    callers: int
    elapsed_s: float

    @property
    def intervals_with_calls(self) -> int:
        """Intervals with forecast calls."""
        return int((self.intervals["calls"] > 0).sum())

    @property
    def significant_misses(self) -> int:
        """Intervals with calls whose confidence interval lies wholly below a target."""
        iv = self.intervals
        return int((iv["significant_miss"] & (iv["calls"] > 0)).sum())

    @property
    def agent_hours(self) -> float:
        """Agent-hours of the plan over every day simulated."""
        return float(self.days["agent_hours"].sum())

    def worst(self) -> pd.Series:
        """The interval with calls with the lowest simulated service level."""
        iv = self.intervals[self.intervals["calls"] > 0]
        return iv.iloc[int(np.argmin(iv["service_level"].to_numpy(dtype=float)))]

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"intervals": ..., "days": ...}``."""
        return {"intervals": self.intervals, "days": self.days}

    def __repr__(self) -> str:
        return (
            f"SimulatedPlan({len(self.days)} queue-days, {len(self.intervals)} intervals, "
            f"{self.options.replications} replications; {self.significant_misses} of "
            f"{self.intervals_with_calls} intervals with calls significantly below target)"
        )


def _agents(f: pd.DataFrame) -> np.ndarray:
    source = str(f.attrs.get("source", "plan"))
    if "agents" not in f.columns:
        raise InputError(
            "no 'agents' column: give a plan's interval table (staffing plan --out) or a "
            "forecast with a roster",
            source=source,
        )
    agents = numeric_column(f, "agents", source=source)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(agents) & (agents >= 0)
    check_column(f, "agents", ok, "negative, missing or not a number", source=source)
    check_column(f, "agents", agents <= MAX_AGENTS, f"above {MAX_AGENTS:,.0f}", source=source)
    return agents.to_numpy(dtype=float)


def _day_targets(p: PreparedForecast) -> list[str]:
    """The target set of most of each queue-day's calls (ties: the earliest)."""
    qd = p.days
    ordered = pd.DataFrame({"day": qd.day, "key": p.key_text[qd.order], "calls": p.calls[qd.order]})
    sums = ordered.groupby(["day", "key"], sort=False)["calls"].sum()
    best = sums.groupby(level="day", sort=True).idxmax()
    return [key for _, key in best.to_numpy()]


def queue_day_tasks(
    p: PreparedForecast,
    agents: np.ndarray,
    options: SimulationOptions,
    purpose: int = SIMULATE,
) -> tuple[list[QueueDay], list[str], np.ndarray]:
    """Cut a prepared forecast with its staffing into :class:`QueueDay` tasks.

    Returns the tasks (in queue-day order, :attr:`PreparedForecast.days`), each day's
    target and each day's threshold.
    """
    qd = p.days
    curves = p.patience_curves
    day_targets = _day_targets(p)
    day_thresholds = report_thresholds(pd.Categorical(day_targets), None)
    # the day's threshold: its target's, else the threshold most of its rows report
    stamps = p.frame["interval_start"]
    minutes = stamps.dt.hour.to_numpy() * 60 + stamps.dt.minute.to_numpy()
    dates = np.datetime_as_string(qd.dates, unit="D")
    staff = np.asarray(agents, dtype=float)
    tasks = []
    aht = p.aht_filled_s if p.has_redials else p.aht_s
    for d in range(len(qd)):
        rows = qd.rows(d)
        queue, date = str(qd.queues[d]), str(dates[d])
        if not day_targets[d]:
            day_thresholds[d] = float(pd.Series(p.thresholds_s[rows]).mode().iloc[0])
        starts = tuple(int(x) for x in qd.stretch_starts(d))
        curve = curves.get(queue)
        tasks.append(
            QueueDay(
                queue=queue,
                date=date,
                calls=p.calls[rows],
                aht_s=aht[rows],
                interval_s=p.interval_s[rows],
                agents=staff[rows],
                patience_s=None if curve is not None else p.patience_s[rows],
                patience_curve=curve,
                targets=tuple(p.key_text[rows]),
                threshold_s=p.thresholds_s[rows],
                day_target=day_targets[d],
                day_threshold_s=float(day_thresholds[d]),
                stretches=starts,
                seeds=tuple(
                    queue_day_seed(options.seed, queue, date, i, purpose)
                    for i in range(len(starts) - 1)
                ),
                **_redials_of(p, rows, queue),
                labels=tuple(f"{m // 60:02d}:{m % 60:02d}" for m in minutes[rows]),
                replications=options.replications,
                service_cv=options.service_cv,
                volume_cv=options.volume_cv,
                abandon_policy=p.abandon_policy,
                confidence=options.confidence,
            )
        )
    return tasks, day_targets, day_thresholds


def _redials_of(p: PreparedForecast, rows: np.ndarray, queue: str) -> dict[str, Any]:
    """A queue-day's redial settings (nothing without redials)."""
    if not p.has_redials:
        return {}
    delay = p.redial_delays.get(queue)
    if delay is None:
        return {}
    return {
        "redial": np.nan_to_num(p.redial_share[rows]),
        "reconnect": p.reconnect_share[rows],
        "redial_delay": delay,
    }


def simulation_staffing(
    p: PreparedForecast,
    start: np.ndarray,
    options: SimulationOptions,
    progress: Progress | None = None,
) -> np.ndarray:
    """Simulation-based staffing of every queue-day of a prepared forecast.

    Each queue-day is staffed interval by interval from ``start`` (the modified offered
    load plan) with :func:`~staffing.simulation.staffing.simulation_agents`, on the
    search's own random streams.

    Returns
    -------
    ndarray of int64
        Agents per row of the forecast.
    """
    tasks, _, _ = queue_day_tasks(p, start, options, purpose=STAFF)
    results = map_queue_days(
        staff_queue_day,
        tasks,
        jobs=options.jobs,
        scheduler=options.scheduler,
        progress=progress,
        weights=[t.size for t in tasks],
    )
    agents = np.zeros(len(p), dtype=np.int64)
    for d, chosen in enumerate(results):
        agents[p.days.rows(d)] = chosen
    return agents


def simulate_plan(
    intervals: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    threshold_s: float | None = None,
    options: SimulationOptions | None = None,
    progress: Progress | None = None,
) -> SimulatedPlan:
    """Simulate a plan's intervals through the day, queue-day by queue-day.

    Parameters
    ----------
    intervals : DataFrame
        A plan's interval table: ``interval_start``, optional ``queue``, ``calls``,
        ``aht_s``, ``agents`` (may be fractional, e.g. average staffed), optional
        ``patience_s``, ``interval_s``, ``target`` and ``threshold_s`` (as ``staffing plan
        --out`` writes them). A plan made with redials (its ``fresh_calls``, ``redial``,
        ``reconnect`` and ``redial_delay_s`` columns) is simulated with its callers
        calling again: the fresh calls arrive, and every abandon (and answer) may come
        back (:mod:`staffing.simulation.engine`). Of a mixed-channel plan, the voice
        queues alone and the one voice queue of a pool (its ``agents`` are its own).
    targets : str, target or sequence, optional
        Targets of every interval, instead of the table's ``target`` column; with a
        ``targets_table``, the default for intervals no rule matches. Without any, the
        measures are estimated but nothing can be missed.
    targets_table : DataFrame, optional
        Targets per queue and weekday/time window (:func:`staffing.prepared.prepare_targets`).
    interval_s : float or str, optional
        Interval length; default the ``interval_s`` column, else inferred per queue.
    model : QueueModel, optional
        Patience by the planner's one rule (calibration, the table's ``patience_s``, the
        model's ``patience_s``; none: nobody abandons), and the abandon policy. Where the
        calibration holds a Kaplan-Meier curve for a queue, patience is drawn from that
        curve (:func:`staffing.prepared.patience_curves`); elsewhere it is exponential
        with the mean.
    threshold_s : float, optional
        Threshold [s] of the reported service level for target sets without a
        service-level target (default: the table's ``threshold_s``, else 20 s).
    options : SimulationOptions, optional
        Replications (1,000), seed (0), ``volume_cv``, ``service_cv``, confidence, and
        where to run (``jobs``, ``scheduler``).
    progress : callable, optional
        Called with the number of intervals of each queue-day as it is done.

    Returns
    -------
    SimulatedPlan
        ``.intervals`` (:data:`SIMULATION_COLUMNS`) and ``.days``
        (:data:`SIMULATION_DAY_COLUMNS`), ``.significant_misses``.

    Raises
    ------
    InputError
        Bad table (missing or negative ``agents``, the forecast checks); rows of a
        mixed-channel plan that are chat, deferred work or the voice classes of a
        priority pool (:func:`staffing.prepared.channels.check_simulable`), before any
        simulation.
    StaffingError
        Bad options; an unreachable Dask scheduler.

    Notes
    -----
    The model, in words (:mod:`staffing.simulation.engine`): each queue-day is one
    continuous discrete-event simulation, first come first served; Poisson arrivals at
    each interval's forecast rate (times a daily gamma factor with ``volume_cv``); handle
    times exponential or lognormal (``service_cv``) with the mean of the interval the call
    arrives in; patience exponential with the interval's mean or drawn from the queue's
    Kaplan-Meier curve; the queue carried over between intervals; staffing changes at
    interval boundaries and a call in service is finished (no pre-emption); each day
    starts empty, and after closing the last staffing stays until the queue is empty; a
    call counts in the interval it arrives in. A gap in a queue's day (the line closed)
    ends one open stretch and starts the next empty. Fractional agents are the floor or
    the ceiling in each replication, with the fraction as the chance of the ceiling.

    Each queue-day draws from its own streams
    (:func:`~staffing.simulation.queue_day.queue_day_seed`): the same seed gives the same numbers
    whatever else the table holds, in whichever order or place the queue-days are simulated
    (``jobs``, ``scheduler``), and the same arrivals, handle times and patience to every plan of the
    same forecast (common random numbers between plans compared).

    Every measure is pooled over replications with a delta-method interval
    (:func:`~staffing.simulation.estimates.interval_estimates`).

    Examples
    --------
    Staffing falls from 14 to 11 agents while the calls stay at 60 per half-hour. The
    day starts empty, so the first half-hour does better than its stationary prediction;
    the second is below 80% whichever way it is computed:

    >>> plan = pd.DataFrame({"interval_start": ["2025-03-05 09:00", "2025-03-05 09:30"],
    ...                      "calls": [60.0, 60.0], "aht_s": 300.0, "agents": [14, 11],
    ...                      "target": "80/20"})
    >>> sim = simulate_plan(plan, options=SimulationOptions(replications=200))
    >>> sim.intervals[["agents", "predicted_service_level", "service_level",
    ...                "significant_miss"]].round(2)
       agents  predicted_service_level  service_level  significant_miss
    0      14                     0.87           0.95             False
    1      11                     0.36           0.49              True
    >>> sim.significant_misses, round(float(sim.days["p_day_miss"].iloc[0]), 2)
    (1, 0.61)
    """
    clock = time.perf_counter()
    check_simulable(intervals)
    options = options or SimulationOptions()
    attempts = None
    if "fresh_calls" in intervals.columns:  # a plan made with redials: fresh calls arrive
        source = str(intervals.attrs.get("source", "plan"))
        attempts = numeric_column(intervals, "calls", source=source).to_numpy(dtype=float)
        fresh = intervals["fresh_calls"]
        intervals = intervals.assign(calls=fresh)
        intervals.attrs = {"source": source}
    p = prepare(
        intervals,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        threshold_s=threshold_s,
        need_targets=False,
        column_targets=True,
    )
    agents = _agents(p.frame)
    tasks, day_targets, day_thresholds = queue_day_tasks(p, agents, options, SIMULATE)
    results = map_queue_days(
        simulate_queue_day,
        tasks,
        jobs=options.jobs,
        scheduler=options.scheduler,
        progress=progress,
        weights=[t.size for t in tasks],
    )
    qd = p.days
    n = len(p)
    sim: dict[str, np.ndarray] = {}
    for task_rows, res in zip((qd.rows(d) for d in range(len(qd))), results, strict=True):
        for name, values in res["intervals"].items():
            if name not in sim:
                sim[name] = np.zeros(n, dtype=values.dtype)
            sim[name][task_rows] = values
    offered = p.calls if attempts is None else attempts
    predicted = p.measures(agents, calls=offered, aht_s=p.aht_filled_s)
    f = p.frame
    table = pd.DataFrame(
        {
            "interval_start": f["interval_start"],
            "queue": f["queue"],
            "calls": offered,
            "agents": agents.astype(np.int64) if np.all(agents == np.round(agents)) else agents,
            "predicted_service_level": predicted["service_level"],
            **{name: sim[name] for name in SIMULATION_COLUMNS[5:14]},
            "target": p.key_text,
            "threshold_s": p.thresholds_s,
            "significant_miss": sim["significant_miss"].astype(bool),
        },
        columns=list(SIMULATION_COLUMNS),
    )
    again = "customer_abandon_rate" in sim
    if again:
        table["fresh_calls"] = p.calls
        for name in SIMULATION_REDIAL_COLUMNS[1:]:
            table[name] = sim[name]
    table.attrs = {"source": f.attrs.get("source", "plan"), "abandon_policy": p.abandon_policy}
    days = _days_table(p, agents, day_targets, day_thresholds, offered)
    for name in SIMULATION_DAY_COLUMNS[6:17]:
        days[name] = [res["day"][name] for res in results]
    busy = table["calls"] > 0
    below = (table["significant_miss"] & busy).to_numpy()
    days["intervals"] = [int(busy.to_numpy()[qd.rows(d)].sum()) for d in range(len(qd))]
    days["intervals_below_target"] = [int(below[qd.rows(d)].sum()) for d in range(len(qd))]
    if again:
        for name in SIMULATION_REDIAL_COLUMNS[1:]:
            days[name] = [res["day"][name] for res in results]
    more = list(SIMULATION_REDIAL_COLUMNS) if again else []
    days = days[[*SIMULATION_DAY_COLUMNS, *more]]
    return SimulatedPlan(
        intervals=table,
        days=days,
        options=options,
        callers=int(sum(res["callers"] for res in results)),
        elapsed_s=time.perf_counter() - clock,
    )


def _days_table(
    p: PreparedForecast,
    agents: np.ndarray,
    day_targets: list[str],
    day_thresholds: np.ndarray,
    calls: np.ndarray,
) -> pd.DataFrame:
    """Calls, agent-hours, target and the predicted service level of each queue-day."""
    qd = p.days
    interval = p.interval_s
    day_of_row = np.empty(len(p), dtype=np.intp)
    day_of_row[qd.order] = qd.day
    at_day = p.measures(agents, day_thresholds[day_of_row], calls=calls, aht_s=p.aht_filled_s)
    size = len(qd)
    weight = at_day["sl_calls"]
    sl_num = np.bincount(day_of_row, at_day["service_level"] * weight, minlength=size)
    sl_den = np.bincount(day_of_row, weight, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = np.where(sl_den > 0, sl_num / sl_den, np.nan)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(qd.dates),
            "queue": qd.queues.astype(str),
            "calls": np.bincount(day_of_row, calls, minlength=size),
            "fresh_calls": np.bincount(day_of_row, p.calls, minlength=size),
            "agent_hours": np.bincount(day_of_row, agents * interval / 3600.0, minlength=size),
            "target": day_targets,
            "predicted_service_level": predicted,
        }
    )

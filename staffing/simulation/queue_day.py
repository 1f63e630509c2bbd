"""One queue-day, the unit of work of table-level simulation and simulation-based staffing.

A :class:`QueueDay` holds what a worker needs (numpy arrays and a few settings, no
tables) and the two things done with it are module-level functions, so they can run in
another process or on a Dask worker: :func:`simulate_queue_day` (the estimates of a
planned queue-day) and :func:`staff_queue_day` (the simulation-based staffing of it).

A queue-day is one queue's intervals on one local date. Where the line closes in between
(a gap with no intervals), each open stretch is simulated as its own day: it starts
empty, and at its close its last staffing stays until every waiting call is answered or
has abandoned (:func:`~staffing.simulation.engine.simulate_day`). Replication ``r`` of
every stretch is part of replication ``r`` of the queue-day.

Random streams: every stretch draws from
``SeedSequence(seed, spawn_key=(purpose, date, queue, stretch))``
(:func:`queue_day_seed`), so its numbers depend on the seed and on which queue-day it is,
never on the order of the work, on what else is simulated with it or on where it runs.
Simulation (``purpose`` 0) and the staffing search (``purpose`` 1) draw from different
streams, so a plan staffed by simulation is judged on days its search never saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.queueing.redial import RedialDelay
from staffing.queueing.targets import TargetSet
from staffing.simulation.engine import SimulatedDay, simulate_day
from staffing.simulation.estimates import day_estimates, interval_estimates
from staffing.simulation.staffing import simulation_agents
from staffing.vocabulary import AbandonPolicy

__all__ = [
    "SIMULATE",
    "STAFF",
    "QueueDay",
    "queue_day_seed",
    "simulate_queue_day",
    "staff_queue_day",
]

#: ``purpose`` of the streams that simulate a plan.
SIMULATE = 0
#: ``purpose`` of the streams of the simulation-based staffing search.
STAFF = 1

#: Measures returned per interval by :func:`simulate_queue_day`.
INTERVAL_MEASURES: tuple[str, ...] = (
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "asa_s",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
    "occupancy",
    "p_miss",
    "significant_miss",
)
#: Measures returned for the whole day by :func:`simulate_queue_day`.
DAY_MEASURES: tuple[str, ...] = (
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
)
#: Measures returned besides, per interval and for the day, when callers call again.
REDIAL_MEASURES: tuple[str, ...] = (
    "fresh_calls",
    "redial_calls",
    "customer_abandon_rate",
    "customer_abandon_rate_lo",
    "customer_abandon_rate_hi",
)


def queue_day_seed(
    seed: int, queue: str, date: str, stretch: int = 0, purpose: int = SIMULATE
) -> np.random.SeedSequence:
    """The random stream of one open stretch of a queue-day.

    Parameters
    ----------
    seed : int
        The user's seed.
    queue : str
        Queue name.
    date : str
        Local date, ``"YYYY-MM-DD"``.
    stretch : int, default 0
        Open stretch of the day (0 unless the line closes in between).
    purpose : int, default 0
        :data:`SIMULATE` or :data:`STAFF`.

    Examples
    --------
    >>> s = queue_day_seed(0, "sales", "2025-03-05")
    >>> s.spawn_key[:2]
    (0, 739315)
    >>> s.spawn_key == queue_day_seed(0, "sales", "2025-03-05").spawn_key
    True
    """
    day = dt.date.fromisoformat(date).toordinal()
    name = int.from_bytes(hashlib.sha256(str(queue).encode("utf-8")).digest()[:8], "big")
    return np.random.SeedSequence(int(seed), spawn_key=(int(purpose), day, name, int(stretch)))


@dataclass(frozen=True)
class QueueDay:
    """One queue's intervals on one local date, in time order, ready for a worker.

    Attributes
    ----------
    queue, date : str
        Which queue-day (the date as ``"YYYY-MM-DD"``).
    calls, aht_s, interval_s : ndarray
        Forecast calls [count], handle time [s] and interval length [s] per interval.
    agents : ndarray
        The staffing to simulate, or the plan the staffing search starts from [count].
    patience_s : ndarray or None
        Mean exponential patience per interval [s] (``inf``: nobody abandons); ``None``
        when ``patience_curve`` is given.
    patience_curve : (times_s, survival) or None
        The queue's patience survival curve (Kaplan-Meier), for every interval.
    targets : tuple of str
        Canonical target text per interval (``""``: none).
    threshold_s : ndarray
        Threshold of the reported service level per interval [s].
    day_target : str
        Target set the day as a whole is judged by (``""``: none).
    day_threshold_s : float
        Threshold of the day's reported service level [s].
    stretches : tuple of int
        Where each open stretch starts (``0`` first), then the number of intervals.
    seeds : tuple of SeedSequence
        One per stretch (:func:`queue_day_seed`).
    labels : tuple of str
        Clock time of each interval, for messages.
    replications : int
        Simulated days.
    service_cv : float or None
        Handle-time coefficient of variation (lognormal), ``None``: exponential.
    volume_cv : float
        Coefficient of variation of the daily gamma factor on calls.
    abandon_policy : str
        How abandoned calls enter the service level.
    confidence : float
        Level of the confidence intervals.
    redial, reconnect : ndarray or None
        Shares of abandoned and answered attempts of each interval whose caller calls
        again; ``calls`` are then fresh calls.
    redial_delay : RedialDelay or None
        When they call again.
    """

    queue: str
    date: str
    calls: np.ndarray
    aht_s: np.ndarray
    interval_s: np.ndarray
    agents: np.ndarray
    patience_s: np.ndarray | None
    patience_curve: tuple[np.ndarray, np.ndarray] | None
    targets: tuple[str, ...]
    threshold_s: np.ndarray
    day_target: str
    day_threshold_s: float
    stretches: tuple[int, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    labels: tuple[str, ...]
    replications: int = 1000
    service_cv: float | None = None
    volume_cv: float = 0.0
    abandon_policy: AbandonPolicy = "fail"
    confidence: float = 0.95
    redial: np.ndarray | None = None
    reconnect: np.ndarray | None = None
    redial_delay: RedialDelay | None = None

    @property
    def size(self) -> int:
        """Number of intervals of the day."""
        return int(self.calls.size)

    def thresholds(self) -> tuple[float, ...]:
        """Every threshold to count: the reported ones and every service-level target's."""
        found = [float(x) for x in self.threshold_s]
        found.append(float(self.day_threshold_s))
        for key in dict.fromkeys((*self.targets, self.day_target)):
            found += TargetSet.parse(key).thresholds
        return tuple(sorted(set(found)))

    def where(self) -> str:
        """The queue-day in words, for messages (``queue 'sales' on 2025-03-05``)."""
        return f"queue '{self.queue}' on {self.date}"

    def with_agents(self, agents: Any) -> QueueDay:
        """The same queue-day with other agents per interval."""
        return replace(self, agents=np.asarray(agents, dtype=float))


def _stretches(day: QueueDay) -> list[slice]:
    edges = day.stretches
    return [slice(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _simulate(day: QueueDay) -> SimulatedDay:
    """The whole queue-day simulated, stretch after stretch, as one :class:`SimulatedDay`."""
    thresholds = day.thresholds()
    parts = []
    for part, seed in zip(_stretches(day), day.seeds, strict=True):
        parts.append(
            simulate_day(
                day.calls[part],
                day.aht_s[part],
                day.agents[part],
                interval_s=day.interval_s[part],
                threshold_s=thresholds,
                patience_s=None if day.patience_s is None else day.patience_s[part],
                patience_curve=day.patience_curve,
                service_cv=day.service_cv,
                volume_cv=day.volume_cv,
                replications=day.replications,
                seed=seed,
                redial=None if day.redial is None else day.redial[part],
                reconnect=None if day.reconnect is None else day.reconnect[part],
                redial_delay=day.redial_delay,
            )
        )
    return SimulatedDay.joined(parts)


def simulate_queue_day(day: QueueDay) -> dict[str, Any]:
    """Simulate a planned queue-day: estimates per interval and for the day.

    Parameters
    ----------
    day : QueueDay
        The queue-day with its staffing in ``agents``.

    Returns
    -------
    dict
        ``"intervals"``: arrays of length ``K`` for each of :data:`INTERVAL_MEASURES`
        (each interval against its own targets, service level at its own threshold);
        ``"day"``: floats for each of :data:`DAY_MEASURES` (against ``day_target``);
        ``"callers"``: callers simulated.

    Examples
    --------
    >>> day = QueueDay(
    ...     queue="sales", date="2025-03-05", calls=np.array([60.0, 60.0]),
    ...     aht_s=np.array([300.0, 300.0]), interval_s=np.array([1800.0, 1800.0]),
    ...     agents=np.array([14.0, 8.0]), patience_s=None, patience_curve=None,
    ...     targets=("80/20", "80/20"), threshold_s=np.array([20.0, 20.0]),
    ...     day_target="80/20", day_threshold_s=20.0, stretches=(0, 2),
    ...     seeds=(queue_day_seed(0, "sales", "2025-03-05"),), labels=("09:00", "09:30"),
    ...     replications=200)
    >>> out = simulate_queue_day(day)
    >>> out["intervals"]["significant_miss"].tolist(), out["day"]["p_day_miss"] > 0.5
    ([False, True], True)
    """
    sim = _simulate(day)
    est = interval_estimates(
        sim,
        interval_targets=list(day.targets),
        threshold_s=day.threshold_s,
        abandon_policy=day.abandon_policy,
        confidence=day.confidence,
    )
    whole = day_estimates(
        sim,
        day.day_target or None,
        threshold_s=day.day_threshold_s,
        abandon_policy=day.abandon_policy,
        confidence=day.confidence,
    )
    more = REDIAL_MEASURES if sim.lost is not None else ()
    return {
        "intervals": {name: est[name] for name in (*INTERVAL_MEASURES, *more)},
        "day": {name: whole[name] for name in (*DAY_MEASURES, *more)},
        "callers": sim.callers,
    }


def staff_queue_day(day: QueueDay) -> np.ndarray:
    """Simulation-based staffing of a queue-day, stretch by stretch, from ``day.agents``.

    Each open stretch is staffed by
    :func:`~staffing.simulation.staffing.simulation_agents` with each interval's own
    targets, starting from ``day.agents`` (the MOL plan), with the stretch's stream of
    ``day.seeds``.

    Returns
    -------
    ndarray of int64
        Agents per interval.

    Raises
    ------
    TargetError
        No staffing meets an interval's targets in simulation; the message names the
        queue-day and the interval.
    """
    if day.redial_delay is not None:
        raise StaffingError(
            "simulation-based staffing does not follow redials: plan them with sipp and "
            "simulate the plan"
        )
    out = np.zeros(day.size, dtype=np.int64)
    for part, seed in zip(_stretches(day), day.seeds, strict=True):
        targets: Sequence[str] = day.targets[part]
        try:
            res = simulation_agents(
                day.calls[part],
                day.aht_s[part],
                None,
                interval_targets=list(targets),
                interval_s=day.interval_s[part],
                patience_s=None if day.patience_s is None else day.patience_s[part],
                patience_curve=day.patience_curve,
                service_cv=day.service_cv,
                volume_cv=day.volume_cv,
                abandon_policy=day.abandon_policy,
                replications=day.replications,
                seed=seed,
                start_agents=day.agents[part],
            )
        except TargetError as exc:
            raise TargetError(f"{day.where()}, open from {day.labels[part][0]}: {exc}") from None
        out[part] = res.agents
    return out

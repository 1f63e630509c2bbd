"""Staffing methods for a time-varying day: modified offered load and simulation-based.

Both work on one queue-day's arrays (numpy only) and return whole agents per interval.

* :func:`mol_agents` staffs each interval with Erlang C or Erlang A on its modified offered
  load (:func:`staffing.queueing.offered_load.offered_load`) in place of the stationary
  workload ``calls * aht_s / interval_s``; each day's opening interval keeps its stationary
  (SIPP) staffing, since the offered load there reflects an empty start that a real opening
  rarely has.
* :func:`simulation_agents` is the iterative, chronological simulation-based method of
  Feldman, Mandelbaum, Massey and Whitt (2008): starting from the MOL plan, each interval in
  turn gets the fewest agents with which the simulated interval meets every target, earlier
  intervals held at their chosen staffing, with common random numbers for every candidate.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.queueing.offered_load import offered_load
from staffing.queueing.solver import required_agents_erlang
from staffing.queueing.targets import Measures, TargetSet, TargetsLike
from staffing.simulation.engine import (
    AgentState,
    Callers,
    DayModel,
    SeedLike,
    SimulatedDay,
    Tally,
    advance,
    curve_mean_s,
    draw_callers,
    make_day,
    replication_seeds,
    simulate_day,
    tally_intervals,
)
from staffing.simulation.estimates import (
    interval_estimates,
    service_level_sums,
    share_of,
    target_text,
)
from staffing.vocabulary import AbandonPolicy, check_abandon_policy

__all__ = ["SimulationStaffing", "mol_agents", "simulation_agents"]

_WINDOW = 5  # candidate staffings simulated together for one interval


def _array(value: Any, name: str) -> np.ndarray:
    arr = np.asarray(getattr(value, "to_numpy", lambda: value)(), dtype=float)
    if arr.ndim > 1:
        raise StaffingError(f"give `{name}` as a number or a 1-d sequence (one per interval)")
    return arr


def mol_agents(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike,
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
    service_cv: float | None = None,
    abandon_policy: AbandonPolicy = "fail",
    day: Any = None,
) -> np.ndarray:
    """Agents per interval from the modified offered load (MOL), SIPP at each opening.

    Parameters
    ----------
    calls : 1-d array or Series
        Calls offered per interval [count], consecutive intervals in time order.
    aht_s : float or 1-d array
        Average handle time of calls arriving in each interval [s].
    targets : str, target object or sequence of them
        ``"80/20"``, ``["80/20", "abandon<=5%"]``...
    interval_s : float or 1-d array, default 1800
        Interval length [s].
    patience_s : float, 1-d array or None
        Mean patience [s] (Erlang A); ``None``/``inf``/``NaN``: Erlang C.
    service_cv : float or None
        Service-time coefficient of variation for the offered load (``None``:
        exponential; a number: lognormal).
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        Service-level convention.
    day : 1-d array, optional
        A label per interval; the system starts empty at each new label (default: one day).

    Returns
    -------
    ndarray of int64
        Agents per interval.

    Notes
    -----
    Interval ``k`` gets ``required_agents`` with the workload ``m_k``, the interval mean of
    the offered load (Jennings et al. 1996; Green, Kolesar and Whitt 2007), i.e. with
    ``calls_k`` replaced by ``m_k * interval_s_k / aht_s_k``. In the first interval of each
    day the stationary workload is used instead (stationary independent period-by-period
    staffing): the offered load there assumes an empty system and would under-staff an
    opening with calls already waiting. Intervals without calls after a busy one can need
    agents: calls in service carry over.

    References
    ----------
    .. [1] O. B. Jennings, A. Mandelbaum, W. A. Massey and W. Whitt, "Server staffing to
       meet time-varying demand", Management Science 42(10), 1996, 1383-1394.
       doi:10.1287/mnsc.42.10.1383
    .. [2] L. V. Green, P. J. Kolesar and W. Whitt, "Coping with time-varying demand when
       setting staffing requirements for a service system", Production and Operations
       Management 16(1), 2007, 13-39. doi:10.1111/j.1937-5956.2007.tb00164.x

    Examples
    --------
    After the peak, MOL keeps more agents than the stationary calculation (10-minute
    calls in half-hour intervals):

    >>> calls = [100, 300, 100, 100]
    >>> mol_agents(calls, 600, "80/20").tolist()
    [40, 87, 61, 41]
    >>> from staffing import required_agents
    >>> required_agents(calls, 600, "80/20").tolist()
    [40, 110, 40, 40]
    """
    check_abandon_policy(abandon_policy)
    c = _array(calls, "calls")
    if c.ndim != 1:
        raise StaffingError("give `calls` as a 1-d sequence of consecutive intervals")
    h = np.broadcast_to(_array(aht_s, "aht_s"), c.shape)
    iv = np.broadcast_to(_array(interval_s, "interval_s"), c.shape)
    load = np.asarray(offered_load(c, h, interval_s=iv, service_cv=service_cv, day=day))
    opening = np.zeros(c.shape, dtype=bool)
    if c.size:
        opening[0] = True
        if day is not None:
            labels = np.asarray(getattr(day, "to_numpy", lambda: day)())
            opening[1:] = labels[1:] != labels[:-1]
    effective = np.where(opening, c, load * iv / h)
    p = None if patience_s is None else np.broadcast_to(_array(patience_s, "patience_s"), c.shape)
    return np.asarray(
        required_agents_erlang(
            effective, h, targets, interval_s=iv, patience_s=p, abandon_policy=abandon_policy
        ),
        dtype=np.int64,
    ).reshape(c.shape)


@dataclass(frozen=True)
class SimulationStaffing:
    """The result of :func:`simulation_agents`.

    Attributes
    ----------
    agents : ndarray of int64
        Agents per interval found by the simulation-based method.
    start_agents : ndarray of int64
        The plan the search started from (MOL unless given).
    estimates : dict of str to ndarray
        :func:`~staffing.simulation.estimates.interval_estimates` of ``agents`` simulated with
        the same seed (service level, ASA, abandon rate, occupancy with intervals,
        ``p_miss``, ``significant_miss``).
    simulation : SimulatedDay
        That simulation.
    met : ndarray of bool
        Whether each interval's simulated point estimates meet every target.
    candidates : int
        Candidate staffings simulated (interval by interval, several at a time).
    elapsed_s : float
        Wall time of the search and the final simulation [s].
    """

    agents: np.ndarray
    start_agents: np.ndarray
    estimates: dict[str, np.ndarray]
    simulation: SimulatedDay
    met: np.ndarray
    candidates: int
    elapsed_s: float


#: Target sets and the intervals (a boolean mask over the day) each applies to.
_Groups = list[tuple[TargetSet, np.ndarray]]


def _target_groups(
    targets: TargetsLike | None, interval_targets: Sequence[TargetsLike | None] | None, k: int
) -> _Groups:
    """The day's targets as groups of intervals sharing a target set."""
    if interval_targets is None:
        if targets is None:
            raise StaffingError("give `targets` (or `interval_targets`, one set per interval)")
        return [(TargetSet.of(targets), np.ones(k, dtype=bool))]
    if targets is not None:
        raise StaffingError("give either `targets` or `interval_targets`, not both")
    keys = [target_text(t) for t in interval_targets]
    if len(keys) != k:
        raise StaffingError(f"`interval_targets` has {len(keys)} entries for {k} intervals")
    labels = np.array(keys, dtype=object)
    return [(TargetSet.parse(key), labels == key) for key in dict.fromkeys(keys)]


def _met(
    tally: Tally,
    offered: np.ndarray,
    staffed_s: np.ndarray,
    groups: _Groups,
    thresholds: tuple[float, ...],
    abandon_policy: str,
) -> np.ndarray:
    """Tell whether each interval's pooled point estimate meets every target of its set.

    Inputs summed over replications, ``(K, W)``; ``offered`` ``(K, 1)``.
    """
    ok = np.ones(tally.answered.shape, dtype=bool)
    for targets, rows in groups:
        part = _met_all(tally, offered, staffed_s, targets, thresholds, abandon_policy)
        ok[rows] = part[rows]
    return ok


def _met_all(
    tally: Tally,
    offered: np.ndarray,
    staffed_s: np.ndarray,
    targets: TargetSet,
    thresholds: tuple[float, ...],
    abandon_policy: str,
) -> np.ndarray:
    """Tell whether the pooled point estimates of every interval meet all ``targets``."""

    def level(t: float) -> np.ndarray:
        i = thresholds.index(t)
        y, x = service_level_sums(
            tally.answered_within[i],
            tally.abandoned_within[i],
            offered,
            tally.answered,
            abandon_policy,
        )
        return share_of(y, x, 1.0)

    measures = Measures(
        level,
        asa_s=lambda: share_of(tally.wait_answered_s, tally.answered, 0.0),
        abandon_rate=lambda: share_of(tally.abandoned, offered, 0.0),
        occupancy=lambda: share_of(tally.busy_s, staffed_s, 0.0),
    )
    return np.broadcast_to(targets.met_by(measures), tally.answered.shape)


class _Search:
    """The chronological search: callers drawn once, state checkpointed at boundaries."""

    def __init__(
        self,
        day: DayModel,
        callers: Callers,
        plan: np.ndarray,
        targets: _Groups,
        abandon_policy: str,
    ) -> None:
        self.day, self.callers = day, callers
        self.plan = plan.astype(np.int64).copy()
        self.targets, self.policy = targets, abandon_policy
        self.size = day.size
        self.reps = callers.arrival.shape[0]
        self.state = AgentState.empty(max(1, int(plan.max())), self.reps)
        self.committed = Tally.zeros(self.size, len(day.thresholds_s), self.reps)
        self.offered = callers.offered.sum(axis=1, keepdims=True).astype(float)  # (K, 1)
        self.candidates = 0
        # Intervals that met every target as of the last interval set (kept meeting them).
        self.met_before = np.zeros(self.size, dtype=bool)

    def _staff(self, k: int, values: np.ndarray) -> np.ndarray:
        """Staffing ``(K + 1, R * W)``: the plan, with interval ``k`` set to each value."""
        w = values.size
        base = np.append(self.plan, max(int(self.plan[-1]), 1))
        staff = np.repeat(base[:, None], self.reps * w, axis=1)
        staff[k] = np.repeat(values, self.reps)
        if k == self.size - 1:
            staff[k + 1] = np.maximum(staff[k], 1)
        return staff

    def evaluate(self, k: int, values: np.ndarray) -> np.ndarray:
        """Judge each candidate staffing of interval ``k``; ``(K, W)`` flags.

        Does interval ``k`` meet every target, and which intervals ``<= k`` meet theirs?
        """
        callers, r, w = self.callers, self.reps, values.size
        staff = self._staff(k, values)
        state = self.state.widened(int(staff.max())).tiled(w)
        replica = np.tile(np.arange(r), w)
        base = state.pointer.copy()
        stop = np.tile(callers.before[k + 1], w)
        steps = max(int((stop - base).max()), 1)
        starts = np.full((r * w, steps), np.nan)
        advance(callers, replica, state, staff, self.day.bounds, stop, starts=starts, base=base)
        width = callers.arrival.shape[1]
        pos = np.minimum(base[:, None] + np.arange(steps)[None, :], width - 1)
        flat = replica[:, None] * width + pos
        edges = np.clip(callers.before[:, replica] - base[None, :], 0, (stop - base)[None, :])
        part = tally_intervals(
            self.day,
            callers.arrival.ravel()[flat],
            callers.patience.ravel()[flat],
            callers.service.ravel()[flat],
            starts,
            edges,
        )
        total = self.committed.tiled(w).add(part)
        pooled = Tally(
            *(
                getattr(total, f).reshape(*getattr(total, f).shape[:-1], w, r).sum(axis=-1)
                for f in total.__dataclass_fields__
            )
        )
        staffed = (staff[:-1, ::r] * self.day.interval_s[:, None]) * r  # (K, W)
        self.candidates += w
        return _met(pooled, self.offered, staffed, self.targets, self.day.thresholds_s, self.policy)

    def commit(self, k: int, value: int) -> None:
        """Fix interval ``k`` and move the checkpoint to the start of interval ``k + 1``."""
        self.plan[k] = value
        if k == self.size - 1:
            return
        callers = self.callers
        staff = self._staff(k, np.array([value]))
        self.state = self.state.widened(int(staff.max()))
        base = self.state.pointer.copy()
        stop = callers.before[-1]
        steps = max(int((callers.before[k + 1] - base).max()), 1)
        # Callers placed now start before b_{k+1}; all of them arrived before it.
        starts = np.full((self.reps, steps), np.nan)
        advance(
            callers,
            np.arange(self.reps),
            self.state,
            staff,
            self.day.bounds,
            stop,
            until_s=float(self.day.bounds[k + 1]),
            starts=starts,
            base=base,
        )
        width = callers.arrival.shape[1]
        pos = np.minimum(base[:, None] + np.arange(steps)[None, :], width - 1)
        flat = np.arange(self.reps)[:, None] * width + pos
        placed = self.state.pointer
        edges = np.clip(callers.before - base[None, :], 0, (placed - base)[None, :])
        self.committed = self.committed.add(
            tally_intervals(
                self.day,
                callers.arrival.ravel()[flat],
                callers.patience.ravel()[flat],
                callers.service.ravel()[flat],
                starts,
                edges,
            )
        )


def simulation_agents(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike | None,
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
    patience_curve: tuple[Any, Any] | None = None,
    service_cv: float | None = None,
    volume_cv: float = 0.0,
    abandon_policy: AbandonPolicy = "fail",
    replications: int = 500,
    seed: SeedLike = 0,
    start_agents: Any = None,
    interval_targets: Sequence[TargetsLike | None] | None = None,
) -> SimulationStaffing:
    """Simulation-based staffing, interval by interval through the day.

    Parameters
    ----------
    calls, aht_s, interval_s, patience_s, patience_curve, service_cv, volume_cv
        The queue-day, as in :func:`~staffing.simulation.engine.simulate_day`.
    targets : str, target object, sequence of them, or None
        Every target each interval must meet: service levels x/t, ``asa<=``,
        ``abandon<=`` and ``occupancy<=``; ``None`` with ``interval_targets``.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        Service-level convention.
    replications : int, default 500
        Simulated days; every candidate sees the same ones (common random numbers).
    seed : int, SeedSequence or None, default 0
        Seed of the random streams.
    start_agents : 1-d array, optional
        Plan to start from and to hold the later intervals at while an interval is set;
        default :func:`mol_agents` (with the curve's mean patience for a curve).
    interval_targets : sequence, optional
        One target set per interval instead of ``targets`` (``None`` or ``""``: no target
        there), as a targets table sets them by time of day.

    Returns
    -------
    SimulationStaffing
        The agents, the simulated measures of the final plan, and the search's effort.

    Notes
    -----
    The iterative simulation-based method of Feldman, Mandelbaum, Massey and Whitt (2008),
    run chronologically. Interval ``k`` is set after intervals ``0 .. k-1``: every caller
    whose virtual start falls before ``b_k`` is already placed (its start does not depend
    on ``n_k`` or later staffing), so the search simulates only from that checkpoint, for
    several candidate values of ``n_k`` at once (later intervals at their starting plan),
    through the last caller arriving in interval ``k``. A candidate is acceptable when the
    pooled simulated measures of interval ``k`` meet every target *and* every earlier
    interval that met its targets still does (calls waiting at ``b_k`` belong to earlier
    intervals). ``n_k`` is the fewest acceptable agents from which every larger candidate
    simulated is acceptable too. The replications' callers are held in memory: about
    28 bytes per caller and replication.

    When no number of agents meets a target (the search passes ten times the starting
    plan's peak plus 50), a :class:`~staffing.errors.TargetError` says which interval;
    relax the target or check the forecast.

    References
    ----------
    .. [1] Z. Feldman, A. Mandelbaum, W. A. Massey and W. Whitt, "Staffing of time-varying
       queues to achieve time-stable performance", Management Science 54(2), 2008,
       324-338. doi:10.1287/mnsc.1070.0821

    Examples
    --------
    >>> res = simulation_agents([100, 300, 100], 600, "80/20", replications=100, seed=1)
    >>> res.agents.tolist(), res.start_agents.tolist()
    ([32, 96, 75], [40, 87, 61])
    >>> bool(res.met.all())
    True
    """
    clock = time.perf_counter()
    check_abandon_policy(abandon_policy)
    size = int(np.size(_array(calls, "calls")))
    groups = _target_groups(targets, interval_targets, size)
    found = (t for tg, _ in groups for t in tg.thresholds)
    thresholds = tuple(dict.fromkeys(found)) or (20.0,)
    day = make_day(
        calls, aht_s, interval_s, thresholds, patience_s, patience_curve, service_cv, volume_cv
    )
    if int(replications) != replications or replications < 2:
        raise StaffingError(f"`replications` must be a whole number >= 2 (got {replications!r})")
    if start_agents is None:
        mean_patience = day.patience_s
        if day.curve is not None:
            mean_patience = np.full(day.size, curve_mean_s(patience_curve))
        plan = np.zeros(day.size, dtype=np.int64)
        for group_targets, rows in groups:
            if group_targets:
                plan[rows] = mol_agents(
                    day.calls,
                    day.aht_s,
                    group_targets,
                    interval_s=day.interval_s,
                    patience_s=mean_patience,
                    service_cv=service_cv,
                    abandon_policy=abandon_policy,
                )[rows]
    else:
        plan = np.round(_array(start_agents, "start_agents")).astype(np.int64)
        if plan.shape != (day.size,) or np.any(plan < 0):
            raise StaffingError("`start_agents` must give a whole number >= 0 per interval")
    start = plan.copy()
    callers = draw_callers(day, replication_seeds(seed, int(replications)))
    search = _Search(day, callers, plan, groups, abandon_policy)
    ceiling = 10 * int(max(plan.max(), 1)) + 50
    for k in range(day.size):
        low = max(int(plan[k]) - _WINDOW // 2, 0)
        while True:
            values = np.arange(low, low + _WINDOW)
            met = search.evaluate(k, values)
            ok = met[k] & np.all(met[:k] | ~search.met_before[:k, None], axis=0)
            if ok.all() and low > 0:
                low = max(low - (_WINDOW - 1), 0)
                continue
            if not ok[-1]:
                if values[-1] >= ceiling:
                    text = next(str(tg) for tg, rows in groups if rows[k])
                    raise TargetError(
                        f"targets {text}: interval {k} meets them with no staffing up to "
                        f"{ceiling} agents in simulation"
                    )
                low = int(values[-1])
                continue
            # The fewest agents from which every larger candidate is acceptable.
            bad = np.flatnonzero(~ok)
            chosen = int(values[bad[-1] + 1]) if bad.size else int(values[0])
            break
        index = int(np.flatnonzero(values == chosen)[0])
        search.met_before = met[:, index].copy()
        search.commit(k, chosen)
    agents = search.plan.copy()
    sim = simulate_day(
        day.calls,
        day.aht_s,
        agents,
        interval_s=day.interval_s,
        threshold_s=thresholds,
        patience_s=day.patience_s,
        patience_curve=patience_curve,
        service_cv=service_cv,
        volume_cv=volume_cv,
        replications=int(replications),
        seed=seed,
    )
    per_interval = [""] * day.size
    for group_targets, rows in groups:
        for i in np.flatnonzero(rows):
            per_interval[i] = str(group_targets)
    estimates = interval_estimates(
        sim, interval_targets=per_interval, abandon_policy=abandon_policy
    )
    pooled = Tally(
        answered=sim.answered.sum(axis=0)[:, None].astype(float),
        answered_within=sim.answered_within.sum(axis=0).T[:, :, None].astype(float),
        abandoned=sim.abandoned.sum(axis=0)[:, None].astype(float),
        abandoned_within=sim.abandoned_within.sum(axis=0).T[:, :, None].astype(float),
        wait_answered_s=sim.wait_answered_s.sum(axis=0)[:, None],
        wait_abandoned_s=sim.wait_abandoned_s.sum(axis=0)[:, None],
        busy_s=sim.busy_s.sum(axis=0)[:, None],
    )
    staffed = (sim.agents * sim.interval_s[None, :]).sum(axis=0)[:, None]
    offered = sim.offered.sum(axis=0)[:, None].astype(float)
    met_final = _met(pooled, offered, staffed, groups, thresholds, abandon_policy)[:, 0]
    return SimulationStaffing(
        agents=agents,
        start_agents=start,
        estimates=estimates,
        simulation=sim,
        met=met_final,
        candidates=search.candidates,
        elapsed_s=time.perf_counter() - clock,
    )

"""Voice queues staffed by a method: stationary, modified offered load, or simulation.

Three staffing methods (``method``) for queues whose callers wait on the line, first come
first served (Erlang C where patience is unknown, Erlang A where it is given):

* ``"sipp"``: the stationary independent period-by-period method every Erlang calculator
  uses: each interval staffed as if it stood alone in steady state.
* ``"mol"``: the modified offered load. The workload of each interval is the interval
  mean of the offered load, the mean number of calls in service in the infinite-server
  system fed by the forecast (:func:`staffing.queueing.offered_load.offered_load`), so
  the calls of a peak still in service after it count where they are served. Each
  queue-day's opening (and each reopening after a closed gap) keeps SIPP: the system
  starts empty there.
* ``"simulation"``: chronological simulation-based staffing (the iterative method of
  Feldman, Mandelbaum, Massey and Whitt 2008): from the MOL plan, each interval in turn
  gets the fewest agents with which its simulated calls meet every target of the
  interval, common random numbers throughout
  (:func:`staffing.simulation.simulation_staffing`).

Intervals sharing a target set are solved together in one vectorised call of
:func:`staffing.required_agents`, in chunks so that memory stays flat; with
``patience_model="km"``, each queue with a Kaplan-Meier curve in its own call (M/M/n+G).
Callers who call again are followed through the day by :mod:`staffing.planner.redials`
(``sipp`` only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from staffing.errors import StaffingError
from staffing.prepared import PreparedForecast, QueueDays, row_chunks
from staffing.queueing import required_agents
from staffing.queueing.offered_load import offered_load
from staffing.simulation.plan import simulation_staffing
from staffing.simulation.scaleout import SimulationOptions

__all__ = ["METHODS", "Method", "Progress", "check_method", "immediate_agents", "solve_rows"]

#: Called with the number of intervals just solved.
Progress = Callable[[int], None]
#: Staffing methods of :func:`plan`.
Method = Literal["sipp", "mol", "simulation"]
METHODS: tuple[str, ...] = ("sipp", "mol", "simulation")


def check_method(method: str) -> None:
    """Refuse a staffing method other than ``sipp``, ``mol`` or ``simulation``.

    Raises
    ------
    StaffingError
        Naming the methods there are.
    """
    if method not in METHODS:
        raise StaffingError(f"`method` {method!r}: use one of {', '.join(METHODS)}")


def solve_rows(
    p: PreparedForecast,
    calls: np.ndarray,
    progress: Progress | None = None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """The fewest agents per row for ``calls``.

    ``calls`` are the workload's calls; per target set and patience curve; only ``rows``
    (positions) when given, the others 0.
    """
    agents = np.zeros(calls.size, dtype=np.int64)
    for targets, group in p.target_groups(rows):
        for curve, same in p.patience_groups(group):
            for part in row_chunks(same):
                agents[part] = required_agents(
                    calls[part],
                    p.aht_s[part],
                    targets,
                    interval_s=p.interval_s[part],
                    patience_s=p.patience_s[part] if curve is None else None,
                    abandon_policy=p.abandon_policy,
                    patience_curve=curve,
                )
                if progress is not None:
                    progress(int(part.size))
    return agents


_solve = solve_rows


def _mol_calls(
    days: QueueDays,
    calls: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    service_cv: float | None,
) -> np.ndarray:
    """Calls per row whose stationary workload is the interval's modified offered load.

    ``m_k interval_s_k / aht_s_k`` with ``m_k`` the interval mean of the offered load of
    the row's open stretch (started empty); the forecast's calls at each opening, and no
    calls where none are forecast (no target to meet there).
    """
    o = days.order
    load = np.empty(calls.size)
    load[o] = offered_load(
        calls[o], aht[o], interval_s=interval[o], service_cv=service_cv, day=days.stretch
    )
    effective = np.where(days.opening, calls, load * interval / aht)
    return np.where(calls > 0, effective, 0.0)


def immediate_agents(
    p: PreparedForecast,
    method: str,
    simulation: SimulationOptions | None,
    progress: Progress | None,
) -> np.ndarray:
    """Agents per row of a prepared voice forecast by ``method`` (int64, one per row)."""
    service_cv = simulation.service_cv if simulation is not None else None
    solve_progress = progress if method != "simulation" else None
    if method == "sipp":
        return _solve(p, p.calls, progress)
    effective = _mol_calls(p.days, p.calls, p.aht_s, p.interval_s, service_cv)
    agents = _solve(p, effective, solve_progress)
    if method == "simulation":
        agents = simulation_staffing(p, agents, simulation or SimulationOptions(), progress)
    return agents

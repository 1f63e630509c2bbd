"""A plan set up for judging periods: queue-periods, their targets, replicated queue-days.

:class:`PeriodModel` is what :func:`~staffing.risk.period_risk`,
:func:`~staffing.risk.staff_to_probability` and :func:`~staffing.risk.intraday` share: a
prepared plan (:func:`staffing.prepared.prepare`), its staffing, the queue-periods
(one queue over one calendar period: the unit a contract judges) with the
service-level target each is judged by, and the replicated queue-days
(:mod:`staffing.risk.replicate`), simulated here or elsewhere
(:func:`staffing.simulation.scaleout.map_queue_days`) and kept by their staffing, so a
search that changes one day re-simulates that day only.

The period's service level is computed as the contract computes it
(:func:`staffing.contracts.period_service_level`): each count summed over the period's
calls before dividing, the abandons by the policy (:func:`staffing.vocabulary.service_level_parts`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts import service_level_target
from staffing.errors import InputError
from staffing.frames import check_column, numeric_column
from staffing.prepared import PreparedForecast
from staffing.queueing.erlang import MAX_AGENTS
from staffing.queueing.targets import ServiceLevel, TargetSet
from staffing.risk.replicate import COUNTS, RiskDay, simulate_risk_day
from staffing.simulation.plan import queue_day_tasks
from staffing.simulation.queue_day import queue_day_seed
from staffing.simulation.scaleout import SimulationOptions, map_queue_days
from staffing.vocabulary import period_floor, service_level_parts

__all__ = [
    "FACTORS",
    "SIMULATE",
    "VERIFY",
    "PeriodModel",
    "group_target",
    "plan_agents",
    "service_level_of",
]

#: ``purpose`` of the streams that judge a plan (the streams ``staffing simulate`` uses).
SIMULATE = 0
#: ``purpose`` of the fresh streams that verify a staffing found by search.
VERIFY = 2
#: Added to a purpose: the streams of the forecast-error factors of :class:`RiskDay`.
FACTORS = 16

Progress = Callable[[int], None]


def plan_agents(frame: pd.DataFrame) -> np.ndarray:
    """The plan's ``agents`` column, checked.

    Present, finite, at least 0 and at most :data:`~staffing.queueing.erlang.MAX_AGENTS`.
    """
    source = str(frame.attrs.get("source", "plan"))
    if "agents" not in frame.columns:
        raise InputError(
            "no 'agents' column: give a plan's interval table (staffing plan --out) or a "
            "forecast with a roster",
            source=source,
        )
    agents = numeric_column(frame, "agents", source=source)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(agents) & (agents >= 0)
    check_column(frame, "agents", ok, "negative, missing or not a number", source=source)
    too_many = f"above {MAX_AGENTS:,.0f}, the supported range"
    check_column(frame, "agents", agents.to_numpy() <= MAX_AGENTS, too_many, source=source)
    return agents.to_numpy(dtype=float)


def service_level_of(policy: str, sums: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(service level, denominator)`` of summed counts under the abandon policy.

    The service level is NaN where the denominator is 0.
    """
    num, den = service_level_parts(
        policy,
        answered_within=sums["answered_within"],
        offered=sums["offered"],
        answered=sums["answered"],
        abandoned_within=sums["abandoned_within"],
    )
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(den > 0, num / den, np.nan)
    return np.clip(sl, 0.0, 1.0), den


def group_target(p: PreparedForecast, rows: np.ndarray, queue: str) -> ServiceLevel:
    """The service-level target of the target set of most of ``rows``' calls.

    The first service-level target of the most-called set that has one.
    """
    keys = p.key_text[rows]
    weights = pd.Series(p.calls[rows]).groupby(keys).sum()
    weights = weights[weights.index != ""]
    if weights.empty:
        raise InputError(
            f"queue '{queue}' has no target in the plan: give `target` (e.g. 80/20)",
            source=p.source,
        )
    for key in weights.sort_values(ascending=False, kind="stable").index:
        levels = TargetSet.parse(str(key)).service_levels
        if levels:
            return levels[0]
    raise InputError(
        f"queue '{queue}' has no service-level target in the plan (its targets: "
        f"{', '.join(map(str, weights.index))}): give `target` (e.g. 80/20)",
        source=p.source,
    )


class PeriodModel:
    """A prepared plan, its staffing and queue-periods, ready to be replicated.

    Parameters
    ----------
    p : PreparedForecast
        The plan read back (``prepare(plan, column_targets=True, need_targets=False)``).
    agents : ndarray
        Its staffing per row [agents].
    period : {"day", "week", "month", "quarter"}
        The contract's period.
    target : str or ServiceLevel, optional
        The one service-level target every queue is judged by; default each
        queue-period's own (the plan's target set of most of its calls).
    options : SimulationOptions
        Replications, seed, handle-time distribution, the per-day ``volume_cv`` (when
        ``volume_cv`` below is not given) and where to run.
    volume_cv : ndarray, optional
        Coefficient of variation of each row's rate (:mod:`staffing.risk.volume`).
    aht_cv : float, default 0
        Coefficient of variation of a per-day factor on handle times.

    Attributes
    ----------
    groups : DataFrame
        One row per queue-period: ``period_start``, ``queue``, ``target`` (text),
        ``fraction``, ``threshold_s``, ``days`` (queue-days with rows).
    day_group : ndarray
        The group of each queue-day (:attr:`PreparedForecast.days` order).
    """

    def __init__(
        self,
        p: PreparedForecast,
        agents: np.ndarray,
        period: str,
        options: SimulationOptions,
        *,
        target: Any = None,
        volume_cv: np.ndarray | None = None,
        aht_cv: float = 0.0,
    ) -> None:
        self.p = p
        self.agents = np.asarray(agents, dtype=float)
        self.period = period
        self.options = options
        self.volume_cv = volume_cv
        self.aht_cv = float(aht_cv)
        qd = p.days
        self.day_rows = [qd.rows(d) for d in range(len(qd))]
        frame = pd.DataFrame(
            {
                "period_start": pd.to_datetime(period_floor(qd.dates, period)),
                "queue": qd.queues.astype(str),
            }
        )
        self.day_group = frame.groupby(["period_start", "queue"], sort=True).ngroup().to_numpy()
        firsts = frame.groupby(["period_start", "queue"], sort=True).size().index
        goal = service_level_target(target) if target is not None else None
        rows = []
        for g, (start, queue) in enumerate(firsts.to_list()):
            days = np.flatnonzero(self.day_group == g)
            group_rows = np.concatenate([self.day_rows[d] for d in days])
            sl = goal if goal is not None else group_target(p, group_rows, str(queue))
            rows.append(
                {
                    "period_start": pd.Timestamp(start),
                    "queue": str(queue),
                    "target": str(sl),
                    "fraction": sl.fraction,
                    "threshold_s": sl.threshold_s,
                    "days": int(days.size),
                }
            )
        self.groups = pd.DataFrame(rows)
        self._cache: dict[tuple[int, int, bytes], dict[str, Any]] = {}

    # -- rows and days --------------------------------------------------------------------

    @property
    def replications(self) -> int:
        """Replications of every queue-day."""
        return self.options.replications

    @property
    def policy(self) -> str:
        """The abandon policy the periods are judged by."""
        return self.p.abandon_policy

    def group_days(self, g: int) -> np.ndarray:
        """Queue-days of period group ``g``."""
        return np.flatnonzero(self.day_group == g)

    def group_rows(self, g: int) -> np.ndarray:
        """Plan rows of period group ``g``."""
        return np.concatenate([self.day_rows[d] for d in self.group_days(g)])

    def row_group(self) -> np.ndarray:
        """The group of each row of the plan."""
        out = np.empty(len(self.p), dtype=np.intp)
        for d, rows in enumerate(self.day_rows):
            out[rows] = self.day_group[d]
        return out

    # -- simulation -----------------------------------------------------------------------

    def tasks(
        self, agents: np.ndarray, purpose: int, days: Sequence[int] | None = None
    ) -> list[RiskDay]:
        """The queue-days ``days`` (default all) as :class:`RiskDay` tasks."""
        wanted = range(len(self.day_rows)) if days is None else days
        engine_cv = 0.0 if self.volume_cv is not None else self.options.volume_cv
        options = dataclasses.replace(self.options, volume_cv=engine_cv)
        built, _, _ = queue_day_tasks(self.p, agents, options, purpose)
        out = []
        for d in wanted:
            day = built[d]
            group = self.groups.iloc[int(self.day_group[d])]
            day = dataclasses.replace(day, day_threshold_s=float(group["threshold_s"]))
            cv = None if self.volume_cv is None else self.volume_cv[self.day_rows[d]]
            needs_seed = cv is not None or self.aht_cv > 0
            out.append(
                RiskDay(
                    day=day,
                    volume_cv=cv,
                    aht_cv=self.aht_cv,
                    factor_seed=queue_day_seed(
                        self.options.seed, day.queue, day.date, 0, FACTORS + purpose
                    )
                    if needs_seed
                    else None,
                )
            )
        return out

    def run(
        self,
        agents: np.ndarray,
        purpose: int = SIMULATE,
        days: Sequence[int] | None = None,
        progress: Progress | None = None,
    ) -> dict[int, dict[str, Any]]:
        """Replicate queue-days (default all) with ``agents``; results by queue-day.

        Results are kept by the queue-day's staffing and purpose: a day asked for again
        with the same staffing is not simulated again.
        """
        wanted = list(range(len(self.day_rows)) if days is None else days)
        staff = np.asarray(agents, dtype=float)
        keys = {d: (purpose, d, staff[self.day_rows[d]].tobytes()) for d in wanted}
        todo = [d for d in wanted if keys[d] not in self._cache]
        # the longest days first, so that no worker is left alone with a long day at the end
        todo.sort(key=lambda d: -float(self.p.calls[self.day_rows[d]].sum()))
        if todo:
            tasks = self.tasks(staff, purpose, todo)
            results = map_queue_days(
                simulate_risk_day,
                tasks,
                jobs=self.options.jobs,
                scheduler=self.options.scheduler,
                progress=progress,
                weights=[t.size for t in tasks],
            )
            for d, res in zip(todo, results, strict=True):
                self._cache[keys[d]] = res
        elif progress is not None:
            progress(sum(self.day_rows[d].size for d in wanted))
        return {d: self._cache[keys[d]] for d in wanted}

    # -- judging --------------------------------------------------------------------------

    def group_sums(
        self, results: dict[int, dict[str, Any]], groups: Sequence[int] | None = None
    ) -> dict[int, dict[str, np.ndarray]]:
        """Per group, each count summed over its queue-days per replication ``(R,)``."""
        wanted = range(len(self.groups)) if groups is None else groups
        out = {}
        for g in wanted:
            sums = {name: np.zeros(self.replications) for name in COUNTS}
            for d in self.group_days(g):
                for name in COUNTS:
                    sums[name] += results[int(d)]["sums"][name]
            out[int(g)] = sums
        return out

    def service_levels(self, sums: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Service level per replication and its denominator, under the plan's policy."""
        return service_level_of(self.policy, sums)

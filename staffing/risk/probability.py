"""Staffing to a probability: the fewest added agent-hours that make every period likely enough.

:func:`staff_to_probability` lifts the probability that each queue's period meets its
target (``p_meet`` of :func:`~staffing.risk.period_risk`) to a level such as 90%, adding
agents where one more agent-hour buys the most expected calls answered within the
threshold (:func:`~staffing.risk.greedy.greedy_additions`), as few as the simulation
says are enough (:class:`~staffing.risk.greedy.PrefixSearch`), and then judges the result
on fresh random streams the search never saw, with the probability's confidence
interval. For comparison it also judges the same agent-hours spread evenly over the
period's intervals.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts import CreditTerms
from staffing.errors import StaffingError
from staffing.prepared import QueueModel
from staffing.risk.distribution import (
    PeriodRisk,
    build_model,
    describe_model,
    interval_table,
    judge,
    target_percent,
)
from staffing.risk.greedy import Additions, PrefixSearch, greedy_additions
from staffing.risk.periods import SIMULATE, VERIFY, PeriodModel
from staffing.simulation.scaleout import SimulationOptions
from staffing.vocabulary import format_percent, parse_rate, period_label

__all__ = ["STAFF_TO_COLUMNS", "StaffedToProbability", "staff_to_probability"]

#: Columns of :attr:`StaffedToProbability.summary`, in order.
STAFF_TO_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "target",
    "p_meet_before",
    "added_agent_hours",
    "p_meet_search",
    "p_meet",
    "p_meet_lo",
    "p_meet_hi",
    "reached",
    "even_p_meet",
    "even_p_meet_lo",
    "even_p_meet_hi",
    "search_rounds",
)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class StaffedToProbability:
    """A plan staffed up to a probability of meeting every period's target.

    Attributes
    ----------
    plan : DataFrame
        The plan with the added staff: ``agents`` raised, an ``added_agents`` column after
        it, and the stationary measures (``service_level``, ``asa_s``, ``abandon_rate``,
        ``occupancy``) and ``scheduled`` (same in-centre shrinkage) of the new staffing
        where the plan has those columns.
    summary : DataFrame
        One row per queue and period, columns :data:`STAFF_TO_COLUMNS`: ``p_meet`` before,
        the agent-hours added, ``p_meet`` on the search's streams, ``p_meet`` on fresh
        streams with its 95% interval, whether that reaches the level, the same for the
        same agent-hours spread evenly over the period's intervals with calls, and the
        search's rounds of simulation.
    before, after, even : PeriodRisk
        The plan as it was (the search's streams), as staffed and spread evenly (fresh
        streams).
    probability : float
        The level asked for.
    elapsed_s : float
    """

    plan: pd.DataFrame
    summary: pd.DataFrame
    before: PeriodRisk
    after: PeriodRisk
    even: PeriodRisk
    probability: float
    elapsed_s: float

    @property
    def added_agent_hours(self) -> float:
        """Agent-hours added in all."""
        return float(self.summary["added_agent_hours"].sum())

    def lines(self) -> list[str]:
        """One line per queue and period, as the command prints them."""
        s = self.summary
        several = len(set(s["queue"])) > 1
        period = self.before.period
        labels = period_label(s["period_start"].to_numpy().astype("datetime64[D]"), period)
        out = []
        rows: list[Any] = list(s.itertuples(index=False))
        for label, row in zip(labels, rows, strict=True):
            who = f" {row.queue}" if several else ""
            goal = target_percent(row.target)
            if row.added_agent_hours <= 0:
                out.append(
                    f"{period} {label}{who}: P(SL >= {goal}) already "
                    f"{format_percent(row.p_meet_before, 0)}: nothing added (fresh seeds: "
                    f"{format_percent(row.p_meet, 1)})"
                )
                continue
            out.append(
                f"{period} {label}{who}: +{row.added_agent_hours:,.1f} agent-hours lift "
                f"P(SL >= {goal}) from {format_percent(row.p_meet_before, 0)} to "
                f"{format_percent(row.p_meet, 1)} on fresh seeds (95%: "
                f"{format_percent(row.p_meet_lo, 1)}-{format_percent(row.p_meet_hi, 1)}); "
                f"the same hours spread evenly: {format_percent(row.even_p_meet, 1)}"
            )
        return out

    def __repr__(self) -> str:
        return (
            f"StaffedToProbability({format_percent(self.probability, 0)}: "
            f"+{self.added_agent_hours:,.1f} agent-hours over {len(self.summary)} "
            f"queue-periods)"
        )


def _check_probability(probability: Any) -> float:
    if isinstance(probability, bool):
        raise StaffingError(f"`probability` {probability!r}: give a share such as 90%")
    if isinstance(probability, int | float) and not math.isfinite(float(probability)):
        raise StaffingError(f"`probability` {probability!r} must lie between 0% and 100%")
    return parse_rate(probability, what="`probability`", allow_zero=False, allow_one=False)


def _order_statistic(levels: np.ndarray, fraction: float, probability: float) -> tuple[float, bool]:
    """``x``: the service level that ``probability`` of the replications reach, minus the target.

    ``ok``: whether ``p_meet >= probability`` (then and only then ``x >= 0``).
    """
    r = levels.size
    need = math.ceil(probability * r - 1e-9)
    ordered = np.sort(np.where(np.isfinite(levels), levels, -np.inf))
    x = float(ordered[r - need] - fraction) if need > 0 else np.inf
    met = int(np.count_nonzero(levels >= fraction - 1e-12))
    return x, met >= need


def _additions(m: PeriodModel, g: int, agents: np.ndarray) -> Additions:
    rows = m.group_rows(g)
    rows = rows[m.p.calls[rows] > 0]
    p = m.p
    threshold = float(m.groups.iloc[g]["threshold_s"])
    return greedy_additions(
        p.calls[rows],
        p.aht_s[rows],
        agents[rows],
        p.interval_s[rows],
        np.full(rows.size, threshold),
        p.patience_s[rows],
        rows=rows,
    )


def staffed_plan(p_frame: pd.DataFrame, m: PeriodModel, agents: np.ndarray) -> pd.DataFrame:
    """The plan's table with ``agents`` replaced, ``added_agents`` and measures updated."""
    table = p_frame.copy()
    base = m.agents
    added = agents - base
    whole = np.all(agents == np.round(agents))
    new = agents.astype(np.int64) if whole else agents
    if "agents" in table.columns:
        position = int(list(table.columns).index("agents"))
        table["agents"] = new
    else:  # pragma: no cover - a plan always has agents
        position = len(table.columns) - 1
        table["agents"] = new
    extra = added.astype(np.int64) if np.all(added == np.round(added)) else added
    table.insert(int(position) + 1, "added_agents", extra)
    measured = m.p.measures(agents)
    for name in ("service_level", "asa_s", "abandon_rate", "occupancy"):
        if name in table.columns:
            table[name] = measured[name]
    if "scheduled" in table.columns:
        sched = pd.to_numeric(table["scheduled"], errors="coerce").to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(base > 0, sched / base, 1.0)
        ratio = np.where(np.isfinite(ratio) & (ratio >= 1.0), ratio, 1.0)
        med = float(np.median(ratio[base > 0])) if np.any(base > 0) else 1.0
        ratio = np.where(base > 0, ratio, med)
        table["scheduled"] = sched + added * ratio
    return table


def staff_to_probability(
    plan: pd.DataFrame,
    probability: float | str,
    target: Any = None,
    *,
    period: str = "week",
    forecast: pd.DataFrame | None = None,
    coverage: float = 0.8,
    aht_cv: float | str = 0.0,
    terms: CreditTerms | None = None,
    model: QueueModel | None = None,
    interval_s: float | str | None = None,
    options: SimulationOptions | None = None,
    progress: Progress | None = None,
    max_rounds: int = 24,
) -> StaffedToProbability:
    """The fewest added agent-hours that lift every period's ``p_meet`` to ``probability``.

    Parameters
    ----------
    plan : DataFrame
        A plan's interval table, as for :func:`~staffing.risk.period_risk`.
    probability : float or str
        The level, strictly between 0 and 1 (``0.9``, ``"90%"``).
    target, period, forecast, coverage, aht_cv, terms, model, interval_s, options
        As for :func:`~staffing.risk.period_risk` (``terms`` prices the periods of
        :attr:`StaffedToProbability.before`, ``after`` and ``even``).
    progress : callable, optional
        Called with the intervals of each queue-day simulated.
    max_rounds : int, default 24
        Rounds of simulation the search may take.

    Returns
    -------
    StaffedToProbability
        ``.plan`` (with ``added_agents``), ``.summary`` (:data:`STAFF_TO_COLUMNS`),
        ``.before``, ``.after``, ``.even``, ``.lines()``.

    Raises
    ------
    StaffingError
        ``probability`` of 0, 100% or outside; the errors of
        :func:`~staffing.risk.period_risk`.

    Notes
    -----
    Each queue's period is staffed on its own (its queue-days are the only ones its
    agents change):

    1. the plan is judged on the streams of :func:`~staffing.risk.period_risk` (same
       seed: the same replications);
    2. where ``p_meet`` is below the level, agents are added in the greedy order of
       :func:`~staffing.risk.greedy.greedy_additions` (expected calls answered within the
       threshold bought per agent-hour, Erlang C/A with the plan's patience, bundles
       allowed);
    3. the fewest steps of that order with which ``p_meet >= probability`` on the same
       streams (common random numbers) are found by :class:`~staffing.risk.greedy.PrefixSearch`:
       its measure is the service level reached by ``probability`` of the replications
       (the order statistic), less the target, which is at least 0 exactly when
       ``p_meet`` reaches the level;
    4. the staffing found is simulated on fresh streams (``purpose`` 2 of
       :func:`staffing.simulation.queue_day.queue_day_seed`), which gives ``p_meet``
       free of the search's selection, with a Wilson interval; the same agent-hours
       spread evenly over the period's intervals with calls (fractional agents, as the
       simulator rounds them at random) are judged on the same fresh streams.

    "Fewest" is along the greedy order: the search finds its shortest sufficient
    prefix, not the optimum of the integer program of Robbins and Harrison (2010).

    References
    ----------
    Robbins, T. R., and Harrison, T. P. (2010). A stochastic programming model for
    scheduling call centers with global Service Level Agreements. *European Journal of
    Operational Research*, 207(3), 1608-1619. doi:10.1016/j.ejor.2010.06.013

    Examples
    --------
    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2025-03-03 09:00", periods=4, freq="30min"),
    ...     "calls": 60.0, "aht_s": 300.0, "agents": [12, 13, 13, 12], "target": "80/20"})
    >>> s = staff_to_probability(plan, "90%", period="day",
    ...                          options=SimulationOptions(replications=200))
    >>> s.summary[["p_meet_before", "added_agent_hours", "reached"]]
       p_meet_before  added_agent_hours  reached
    0          0.465                4.0     True
    >>> s.plan["added_agents"].tolist()
    [3, 2, 1, 2]
    """
    clock = time.perf_counter()
    level = _check_probability(probability)
    if int(max_rounds) != max_rounds or max_rounds < 1:
        raise StaffingError(f"`max_rounds` must be a whole number >= 1 (got {max_rounds!r})")
    m = build_model(
        plan,
        target,
        period=period,
        forecast=forecast,
        coverage=coverage,
        aht_cv=aht_cv,
        model=model,
        interval_s=interval_s,
        options=options,
        what="staffing to a probability",
    )
    base = m.agents.copy()
    results = m.run(base, SIMULATE, progress=progress)
    before_table, before_samples = judge(m, results, base, terms)
    sums = m.group_sums(results)

    searches: dict[int, PrefixSearch] = {}
    for g in range(len(m.groups)):
        fraction = float(m.groups.iloc[g]["fraction"])
        levels, den = m.service_levels(sums[g])
        x0, ok = _order_statistic(levels, fraction, level)
        if ok:
            continue
        adds = _additions(m, g, base)
        mean_den = float(np.nanmean(den)) if np.any(den > 0) else 1.0
        searches[g] = PrefixSearch(adds, x0, slope=1.0 / max(mean_den, 1.0))

    def staffing(steps: dict[int, int]) -> np.ndarray:
        staff = base.copy()
        for g, n in steps.items():
            adds = searches[g].additions
            staff[adds.rows] += adds.added(n)
        return staff

    for _ in range(int(max_rounds)):
        proposals = {g: s.propose() for g, s in searches.items()}
        live = {g: n for g, n in proposals.items() if n is not None}
        if not live:
            break
        staff = staffing(live)
        days = sorted({int(d) for g in live for d in m.group_days(g)})
        got = m.run(staff, SIMULATE, days=days, progress=progress)
        group_sums = m.group_sums(got, list(live))
        for g, n in live.items():
            levels, _ = m.service_levels(group_sums[g])
            x, ok = _order_statistic(levels, float(m.groups.iloc[g]["fraction"]), level)
            searches[g].record(n, x, ok)

    answer = {g: s.answer for g, s in searches.items()}
    final = staffing(answer)
    added_hours = np.zeros(len(m.groups))
    search_p = before_table.set_index(["period_start", "queue"])["p_meet"]
    p_search = np.array(
        [search_p.get((row.period_start, row.queue), np.nan) for row in m.groups.itertuples()]
    )
    for g, n in answer.items():
        adds = searches[g].additions
        added_hours[g] = float(adds.agent_hours[n])
        if n > 0:
            got = m.run(final, SIMULATE, days=[int(d) for d in m.group_days(g)])
            levels, _ = m.service_levels(m.group_sums(got, [g])[g])
            p_search[g] = float(np.mean(levels >= float(m.groups.iloc[g]["fraction"]) - 1e-12))

    # the same hours spread evenly over each period's intervals with calls
    even = base.copy()
    p = m.p
    for g in range(len(m.groups)):
        if added_hours[g] <= 0:
            continue
        rows = m.group_rows(g)
        rows = rows[p.calls[rows] > 0]
        hours = p.interval_s[rows] / 3600.0
        even[rows] += added_hours[g] / float(hours.sum())

    verified = m.run(final, VERIFY, progress=progress)
    after_table, after_samples = judge(m, verified, final, terms)
    even_results = m.run(even, VERIFY, progress=progress)
    even_table, even_samples = judge(m, even_results, even, terms)

    def per_group(table: pd.DataFrame, column: str) -> np.ndarray:
        t = table.set_index(["period_start", "queue"])[column]
        return np.array([t.get((r.period_start, r.queue), np.nan) for r in m.groups.itertuples()])

    summary = pd.DataFrame(
        {
            "period_start": m.groups["period_start"],
            "queue": m.groups["queue"],
            "target": m.groups["target"],
            "p_meet_before": per_group(before_table, "p_meet"),
            "added_agent_hours": added_hours,
            "p_meet_search": p_search,
            "p_meet": per_group(after_table, "p_meet"),
            "p_meet_lo": per_group(after_table, "p_meet_lo"),
            "p_meet_hi": per_group(after_table, "p_meet_hi"),
            "reached": per_group(after_table, "p_meet_hi") >= level - 1e-12,
            "even_p_meet": per_group(even_table, "p_meet"),
            "even_p_meet_lo": per_group(even_table, "p_meet_lo"),
            "even_p_meet_hi": per_group(even_table, "p_meet_hi"),
            "search_rounds": [
                searches[g].rounds if g in searches else 0 for g in range(len(m.groups))
            ],
        },
        columns=list(STAFF_TO_COLUMNS),
    )
    summary.attrs["unreachable"] = [
        (str(m.groups.iloc[g]["queue"]), m.groups.iloc[g]["period_start"])
        for g, s in searches.items()
        if s.unreachable
    ]
    text = describe_model(m, coverage)

    def risk(
        table: pd.DataFrame, samples: pd.DataFrame, res: dict, staff: np.ndarray
    ) -> PeriodRisk:
        return PeriodRisk(
            periods=table,
            intervals=interval_table(m, res, staff),
            replications=samples,
            model_text=text,
            options=m.options,
            callers=int(sum(r["callers"] for r in res.values())),
            elapsed_s=0.0,
            period=m.period,
        )

    return StaffedToProbability(
        plan=staffed_plan(_source_table(plan, m), m, final),
        summary=summary,
        before=risk(before_table, before_samples, results, base),
        after=risk(after_table, after_samples, verified, final),
        even=risk(even_table, even_samples, even_results, even),
        probability=level,
        elapsed_s=time.perf_counter() - clock,
    )


def _source_table(plan: pd.DataFrame, m: PeriodModel) -> pd.DataFrame:
    """The plan as given, in its own column order, with the validated timestamps."""
    table = plan.reset_index(drop=True).copy()
    table["interval_start"] = m.p.frame["interval_start"].to_numpy()
    return table

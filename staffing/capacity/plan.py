"""Capacity over months: the hiring plan, the spreadsheet's beside it, and their risks.

:func:`capacity_plan` takes the productive FTE a centre needs each week and the people it
has, and answers how many to hire and when, given that a class is recruited for weeks,
trained for weeks producing nothing, ramps up slowly and loses members early, while
tenured staff keep leaving. It solves the hiring model of :mod:`staffing.capacity.model`
(HiGHS), lays the spreadsheet's hire-to-gap roll-forward
(:mod:`staffing.capacity.rollforward`) beside it, judges both with the same cohort model
(:mod:`staffing.capacity.cohorts`), and, on request, simulates attrition at random
(:mod:`staffing.capacity.simulate`), re-plans to a service level (every week covered with
a given probability) and turns what stays uncovered into FTE to commit to a partner
(:func:`staffing.contracts.fte_commitment`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.capacity.cohorts import CapacityRules, ClassMatrices, class_matrices
from staffing.capacity.model import SolverReport, solve_hiring
from staffing.capacity.requirement import prepare_requirement
from staffing.capacity.rollforward import hire_to_gap
from staffing.capacity.simulate import SimulatedWeeks, simulate_weeks
from staffing.contracts.commitment import fte_commitment
from staffing.errors import StaffingError, StaffingWarning
from staffing.vocabulary import Period, check_period, parse_rate, parse_weeks

__all__ = [
    "CLASS_COLUMNS",
    "PLANS",
    "SIMULATION_COLUMNS",
    "SOLVER_COLUMNS",
    "TOTAL_COLUMNS",
    "WEEK_COLUMNS",
    "CapacityPlan",
    "CapacityWarning",
    "capacity_plan",
]

#: ``plan`` labels, in order: the optimised plan and the spreadsheet's.
PLANS: tuple[str, ...] = ("optimised", "hire-to-gap")
_PHASE = (
    "decided",
    "starting",
    "tenured",
    "classroom",
    "ramping",
    "productive",
    "paid",
    "shortage",
    "surplus",
)
#: Columns of :attr:`CapacityPlan.weeks`, in order; a simulated plan adds ``p_short`` and
#: ``productive_p10`` (of the optimised plan).
WEEK_COLUMNS: tuple[str, ...] = (
    "week",
    "queue",
    "requirement",
    "reachable",
    *_PHASE,
    *(f"gap_{name}" for name in _PHASE),
)
#: Columns of :attr:`CapacityPlan.classes`, in order.
CLASS_COLUMNS: tuple[str, ...] = (
    "queue",
    "plan",
    "decided",
    "starts",
    "ramp_from",
    "tenured_from",
    "size",
    "survivors_end",
)
#: Columns of :attr:`CapacityPlan.totals`, in order.
TOTAL_COLUMNS: tuple[str, ...] = (
    "queue",
    "plan",
    "classes",
    "hires",
    "requirement_fte_weeks",
    "productive_fte_weeks",
    "paid_fte_weeks",
    "shortage_fte_weeks",
    "surplus_fte_weeks",
    "weeks_short",
    "cost",
    "p_short_max",
)
#: Columns of :attr:`CapacityPlan.simulation`, in order.
SIMULATION_COLUMNS: tuple[str, ...] = (
    "week",
    "queue",
    "plan",
    "requirement",
    "productive",
    "productive_mean",
    "productive_se",
    "productive_p10",
    "paid_mean",
    "p_short",
    "p_short_se",
)
#: Columns of :attr:`CapacityPlan.solver`, in order.
SOLVER_COLUMNS: tuple[str, ...] = (
    "queue",
    "status",
    "objective",
    "bound",
    "gap",
    "time_s",
    "rounds",
    "variables",
    "integer_variables",
    "constraints",
    "message",
)


_SERVICE_GAP = 0.01


class CapacityWarning(StaffingWarning):
    """Weeks no class can reach are short, or a service level was not reached."""


@dataclass(frozen=True)
class CapacityPlan:
    """A hiring plan and the spreadsheet's, week by week, with totals and risks.

    Attributes
    ----------
    weeks : DataFrame
        Columns :data:`WEEK_COLUMNS`, one row per week and queue. ``reachable``: some
        class can produce in the week (after lead and classroom). For the optimised plan:
        ``decided`` (people in the class decided that week), ``starting`` (in the class
        starting the classroom), ``tenured`` (starting staff and classes past their ramp),
        ``classroom``, ``ramping`` (expected survivors of the classes in each phase),
        ``productive`` (tenured-equivalent FTE), ``paid`` (``tenured + classroom +
        ramping``), ``shortage`` and ``surplus`` against ``requirement``; the same for
        hire-to-gap with a ``gap_`` prefix. With a simulation, ``p_short`` (probability the
        optimised plan's productive FTE fall below the requirement) and ``productive_p10``
        (their 10th percentile).
    classes : DataFrame
        Columns :data:`CLASS_COLUMNS`: one row per class of either plan, with the weeks it
        is decided, starts the classroom, starts the ramp and becomes tenured, its size
        and its expected survivors at the horizon's end.
    totals : DataFrame
        Columns :data:`TOTAL_COLUMNS`: per queue and plan, FTE-weeks summed over the
        horizon, weeks short, the objective's ``cost`` (paid FTE-weeks plus the shortage
        and surplus costs; with an infinite shortage cost, paid FTE-weeks and surplus
        cost only) and, with a simulation, the worst week's ``p_short``.
    solver : DataFrame
        Columns :data:`SOLVER_COLUMNS`: HiGHS's status, objective, bound, gap and time per
        queue (the last solve), and the solves made (``rounds``: more than one when
        re-planned to a service level).
    simulation : DataFrame or None
        Columns :data:`SIMULATION_COLUMNS`: both plans simulated with the same seed.
    commitment : DataFrame or None
        :data:`staffing.contracts.FTE_COMMITMENT_COLUMNS`: FTE to commit to a partner per
        period for the optimised plan (``fte_service`` from the simulated low quantile).
    rules : CapacityRules
    service : float or None
        The service level planned to.
    reports : dict
        Queue -> :class:`~staffing.capacity.model.SolverReport`.
    """

    weeks: pd.DataFrame
    classes: pd.DataFrame
    totals: pd.DataFrame
    solver: pd.DataFrame
    simulation: pd.DataFrame | None
    commitment: pd.DataFrame | None
    rules: CapacityRules
    service: float | None
    reports: dict[str, SolverReport]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (one sheet each in an ``.xlsx``); ``weeks`` with a total row."""
        out = {
            "weeks": self.table(),
            "totals": self.totals,
            "classes": self.classes,
            "solver": self.solver,
        }
        if self.simulation is not None:
            out["simulation"] = self.simulation
        if self.commitment is not None:
            out["commitment"] = self.commitment
        return out

    def table(self) -> pd.DataFrame:
        """:attr:`weeks` with a total row after each queue's weeks.

        The total row sums FTE-weeks over the horizon, its ``week`` left empty (as a plan
        summary's horizon total).
        """
        frames = []
        for queue, one in self.weeks.groupby("queue", sort=False):
            sums = one.drop(columns=["week", "queue", "reachable"]).sum(numeric_only=True)
            for name in ("p_short", "productive_p10"):
                if name in sums:
                    sums[name] = np.nan
            frames += [one, pd.DataFrame([{"queue": queue, **sums}])]
        out = pd.concat(frames, ignore_index=True)
        return out[list(self.weeks.columns)]

    def totals_of(self, queue: str | None = None) -> pd.DataFrame:
        """Both plans' totals for one queue (default the first), indexed by plan."""
        name = queue if queue is not None else str(self.totals["queue"].iloc[0])
        return self.totals[self.totals["queue"] == name].set_index("plan")

    def __repr__(self) -> str:
        t = self.totals_of()
        o, g = t.loc["optimised"], t.loc["hire-to-gap"]
        return (
            f"CapacityPlan({len(self.weeks['week'].unique())} weeks, "
            f"{self.weeks['queue'].nunique()} queue(s): optimised {o['hires']:.0f} hires, "
            f"{o['paid_fte_weeks']:,.0f} paid and {o['shortage_fte_weeks']:,.1f} short "
            f"FTE-weeks; hire-to-gap {g['hires']:.0f} hires, {g['paid_fte_weeks']:,.0f} paid "
            f"and {g['shortage_fte_weeks']:,.1f} short)"
        )


# ------------------------------------------------------------------------- one queue


@dataclass(frozen=True)
class _Trajectory:
    classes: np.ndarray
    columns: dict[str, np.ndarray]


def _trajectory(
    x: np.ndarray, m: ClassMatrices, rules: CapacityRules, D: np.ndarray
) -> _Trajectory:
    """Week-by-week columns of a plan with class sizes ``x`` (expected survivors)."""
    H = D.size
    productive = m.tenured + m.productive @ x
    paid = m.tenured + m.paid @ x
    phases = m.phases(x, rules)
    decided = np.zeros(H, dtype=np.int64)
    decided[m.decided] = x
    starting = np.zeros(H, dtype=np.int64)
    starts = m.decided + rules.hire_lead_weeks
    starting[starts[starts < H]] = x[starts < H]
    columns = {
        "decided": decided,
        "starting": starting,
        "tenured": m.tenured + phases["graduated"],
        "classroom": phases["classroom"],
        "ramping": phases["ramping"],
        "productive": productive,
        "paid": paid,
        "shortage": np.maximum(D - productive, 0.0),
        "surplus": np.maximum(productive - D, 0.0),
    }
    return _Trajectory(x, columns)


def _cost(columns: Mapping[str, np.ndarray], rules: CapacityRules) -> float:
    cost = float(columns["paid"].sum()) + rules.surplus_cost * float(columns["surplus"].sum())
    if math.isfinite(rules.shortage_cost):
        cost += rules.shortage_cost * float(columns["shortage"].sum())
    return cost


def _plan_to_service(
    D: np.ndarray,
    N0: float,
    rules: CapacityRules,
    m: ClassMatrices,
    service: float,
    simulations: int,
    seed: np.random.SeedSequence,
    solve: Any,
) -> tuple[Any, int, SimulatedWeeks]:
    """Re-plan until every reachable week is covered with probability ``service``.

    Each round simulates the plan (the same seed every round: common random numbers),
    and for each reachable week still short too often raises its floor to the plan's
    productive FTE plus what the ``1 - service`` quantile lacks, at least a quarter FTE,
    then solves again; floors only rise, so the rounds end (at most 25). Each round is
    solved to a gap of at least 1%: the floors carry the simulation's noise (the
    quantile of 1,000 replications moves by about an FTE), which a closer gap would not
    remove, and proving a closer gap under many floors can take HiGHS minutes.
    """
    floor = np.full(D.size, np.nan)
    solution = solve(None)
    for rounds in range(1, 26):
        sim = simulate_weeks(solution.classes, N0, rules, m, simulations=simulations, seed=seed)
        bad = m.reachable & (sim.p_short(D) > 1.0 - service + 1e-12)
        if not bad.any():
            return solution, rounds, sim
        planned = m.tenured + m.productive @ solution.classes
        lack = np.maximum(D - sim.quantile(1.0 - service), 0.25)
        floor = np.where(bad, np.fmax(floor, planned + lack), floor)
        solution = solve(floor)
    weeks = np.flatnonzero(bad)
    warnings.warn(
        f"{weeks.size} weeks stay short more often than 1 - `service` after 25 re-plans "
        f"(first week {weeks[0] + 1}); give more `simulations` or a lower `service`",
        CapacityWarning,
        stacklevel=4,
    )
    return solution, 25, sim


def _week_labels(weeks: pd.Series, dated: bool, k: np.ndarray) -> Any:
    """Labels of week offsets ``k`` from the first week (dates or week numbers)."""
    first = weeks.iloc[0]
    if dated:
        return pd.Timestamp(first) + pd.to_timedelta(7 * np.asarray(k), unit="D")
    return int(first) + np.asarray(k, dtype=np.int64)


def _simulation_rows(
    sim: SimulatedWeeks, D: np.ndarray, productive: np.ndarray
) -> dict[str, np.ndarray]:
    n = sim.productive.shape[0]
    p = sim.p_short(D)
    return {
        "requirement": D,
        "productive": productive,
        "productive_mean": sim.productive.mean(axis=0),
        "productive_se": sim.productive.std(axis=0, ddof=1) / math.sqrt(n)
        if n > 1
        else np.full(D.size, np.nan),
        "productive_p10": sim.quantile(0.1),
        "paid_mean": sim.paid.mean(axis=0),
        "p_short": p,
        "p_short_se": np.sqrt(p * (1.0 - p) / n),
    }


# ------------------------------------------------------------------------- the plan


def _headcounts(
    headcount: float | Mapping[str, float], queues: list[str], by_queue: bool
) -> dict[str, float]:
    if isinstance(headcount, Mapping):
        given = {str(k): v for k, v in headcount.items()}
        if not by_queue:
            raise StaffingError(
                "a `headcount` per queue is for queues planned apart (`by_queue`); give one "
                "headcount for the queues together"
            )
        missing = [q for q in queues if q not in given]
        if missing:
            raise StaffingError(
                f"no `headcount` for queue '{missing[0]}' (given for {', '.join(sorted(given))})"
            )
        values = {q: given[q] for q in queues}
    else:
        if by_queue and len(queues) > 1:
            raise StaffingError(
                f"`by_queue` plans {len(queues)} queues apart: give a `headcount` for each "
                f"({', '.join(queues)})"
            )
        values = {q: headcount for q in queues}
    out = {}
    for q, v in values.items():
        ok = isinstance(v, int | float | np.number) and not isinstance(v, bool)
        if not ok or not math.isfinite(float(v)) or float(v) < 0:
            raise StaffingError(f"`headcount` {v!r} for queue '{q}': give the FTE on staff, >= 0")
        out[q] = float(v)
    return out


def capacity_plan(
    requirement: pd.DataFrame,
    headcount: float | Mapping[str, float],
    rules: CapacityRules | None = None,
    *,
    horizon_weeks: int | str | None = None,
    by_queue: bool = False,
    simulations: int = 0,
    seed: int | None = None,
    service: float | str | None = None,
    commit: Period | None = None,
    time_limit_s: float = 60.0,
    gap: float = 1e-4,
) -> CapacityPlan:
    """Plan hiring over months: classes, training, learning curve and attrition.

    Parameters
    ----------
    requirement : DataFrame
        Productive FTE needed per week: ``week, queue?, fte`` or a plan's summary by week
        (:func:`staffing.capacity.prepare_requirement`).
    headcount : float or mapping
        Tenured FTE on staff at the start of the first week; queue -> FTE with
        ``by_queue``.
    rules : CapacityRules, optional
        Attrition, lead, classroom, ramp, early attrition, class sizes and costs (default
        :class:`CapacityRules()`).
    horizon_weeks : int or str, optional
        Weeks to plan (``26`` or ``"26w"``), from the requirement's first; default all of
        its weeks. Must exceed lead + classroom.
    by_queue : bool, default False
        Plan each queue apart (each its own classes); else the queues' FTE are summed.
    simulations : int, default 0
        Replications of random attrition (:mod:`staffing.capacity.simulate`) for
        ``p_short`` and the 10th percentile of productive FTE; 1000 when ``service`` is
        given without it.
    seed : int, optional
        Seed of the simulation.
    service : float or str, optional
        Re-plan so that every week a class can reach has productive FTE at or above the
        requirement with at least this probability (``"90%"``); each round is solved to a
        gap of at least 1% (see the Notes).
    commit : {"week", "month", "quarter"}, optional
        Add :attr:`CapacityPlan.commitment`: FTE to commit to a partner per period (weeks
        given as dates).
    time_limit_s, gap : float
        HiGHS's time limit per solve [s] and relative gap (see
        :func:`staffing.capacity.solve_hiring`).

    Returns
    -------
    CapacityPlan

    Raises
    ------
    StaffingError
        A bad requirement (:func:`prepare_requirement`), a horizon longer than the
        requirement or not longer than lead + classroom, a bad headcount, or a service
        level no hiring within the rules reaches (the message names the week and the
        remedies).

    Notes
    -----
    The cohort model is in :mod:`staffing.capacity.cohorts`, the hiring model (variables,
    constraints, objective, what to do when infeasible) in :mod:`staffing.capacity.model`,
    the spreadsheet's roll-forward in :mod:`staffing.capacity.rollforward`. Weeks before
    lead + classroom are beyond any class's reach: their shortage, if any, is the same
    for every plan and is said in a :class:`CapacityWarning`.

    **Service level.** Random attrition spreads productive FTE around the plan's. To
    cover every week with probability ``p``, the plan is simulated, and each week whose
    ``1 - p`` quantile falls below the requirement gets a floor, the plan's productive
    FTE plus the shortfall of that quantile, in the cover rows of the model; the rounds
    repeat with the same seed until every week a class can reach is covered often enough.
    Sizing against simulated outcomes rather than the mean is what Robbins & Harrison
    (2011) do for the staffing of a new outsourced project.

    The plan ends with the horizon: classes that would only pay off after it are not
    hired, so plan a few months beyond the period to be decided and act on its first
    weeks (a rolling horizon).

    References
    ----------
    .. [1] N. Gans and Y.-P. Zhou, "Managing learning and turnover in employee staffing",
       Operations Research 50(6), 991-1006, 2002. :doi:`10.1287/opre.50.6.991.343`
    .. [2] T. R. Robbins and T. P. Harrison, "New project staffing for outsourced call
       centers with global service level agreements", Service Science 3(1), 41-66,
       2011. :doi:`10.1287/serv.3.1.41`

    Examples
    --------
    Twelve weeks, a requirement rising from 100 to 110 FTE, a class hired any week with
    one week of lead, two in the classroom, four of ramp from 50%:

    >>> req = pd.DataFrame({"week": range(1, 13), "fte": [100.0] * 6 + [110.0] * 6})
    >>> rules = CapacityRules(attrition_per_year="30%", hire_lead_weeks=1,
    ...                       classroom_weeks=2, ramp_weeks=4, ramp_start=0.5,
    ...                       early_attrition="10%")
    >>> p = capacity_plan(req, 104, rules)
    >>> p.totals[["plan", "hires", "paid_fte_weeks", "shortage_fte_weeks"]].round(1)
              plan  hires  paid_fte_weeks  shortage_fte_weeks
    0    optimised     15          1324.1                 3.0
    1  hire-to-gap     14          1299.5                17.8
    """
    rules = rules or CapacityRules()
    table = prepare_requirement(requirement, by_queue=by_queue)
    dated = bool(table.attrs.get("dated", False))
    queues = list(pd.unique(table["queue"]))
    counts = _headcounts(headcount, queues, by_queue)
    available = int((table["queue"] == queues[0]).sum())
    H = available if horizon_weeks is None else parse_weeks(horizon_weeks, what="`horizon_weeks`")
    if available < H:
        raise StaffingError(
            f"the horizon of {H} weeks is longer than the requirement's {available} weeks"
        )
    reach = rules.hire_lead_weeks + rules.classroom_weeks
    if reach >= H:
        raise StaffingError(
            f"a horizon of {H} weeks is not longer than `hire_lead_weeks` + "
            f"`classroom_weeks` ({reach} weeks): no class would produce within it"
        )
    level = (
        None
        if service is None
        else parse_rate(service, what="`service`", allow_zero=False, allow_one=False)
    )
    n_sims = int(simulations)
    if n_sims < 0:
        raise StaffingError(f"`simulations` {simulations!r}: give 0 or more replications")
    if level is not None and n_sims == 0:
        n_sims = 1000
    if commit is not None:
        check_period(commit, ("week", "month", "quarter"))
        if not dated:
            raise StaffingError(
                f"`commit` by {commit} needs the requirement's weeks as dates (each week's "
                "first day), not week numbers"
            )
    streams = np.random.SeedSequence(seed).spawn(len(queues))

    week_frames, class_rows, total_rows, solver_rows, sim_frames = [], [], [], [], []
    reports: dict[str, SolverReport] = {}
    for queue, stream in zip(queues, streams, strict=True):
        one = table[table["queue"] == queue].iloc[:H]
        D = one["fte"].to_numpy(dtype=float)
        N0 = counts[queue]
        m = class_matrices(H, N0, rules)
        names = [_name(w, dated) for w in one["week"]]
        if len(queues) > 1:
            names = [f"{n} of queue '{queue}'" for n in names]

        def solve(
            floor: np.ndarray | None,
            D: np.ndarray = D,
            N0: float = N0,
            m: ClassMatrices = m,
            names: list[str] = names,
        ) -> Any:
            # to a service level: at least a 1% gap (the floors carry simulation noise)
            wanted = gap if level is None else max(gap, _SERVICE_GAP)
            return solve_hiring(
                D,
                N0,
                rules,
                floor=floor,
                time_limit_s=time_limit_s,
                gap=wanted,
                matrices=m,
                week_names=names,
            )

        sim = None
        rounds = 1
        if level is not None:
            solution, rounds, sim = _plan_to_service(D, N0, rules, m, level, n_sims, stream, solve)
        else:
            solution = solve(None)
        reports[queue] = solution.report
        best = _trajectory(solution.classes, m, rules, D)
        sheet = _trajectory(hire_to_gap(D, N0, rules), m, rules, D)
        _warn_unreachable(queue, one["week"], dated, m, best.columns["shortage"], reach)

        frame = pd.DataFrame(
            {
                "week": one["week"].to_numpy(),
                "queue": queue,
                "requirement": D,
                "reachable": m.reachable,
            }
        )
        for name in _PHASE:
            frame[name] = best.columns[name]
        for name in _PHASE:
            frame[f"gap_{name}"] = sheet.columns[name]
        p_max = {}
        if n_sims:
            sims = {
                "optimised": sim
                if sim is not None
                else simulate_weeks(best.classes, N0, rules, m, simulations=n_sims, seed=stream),
                "hire-to-gap": simulate_weeks(
                    sheet.classes, N0, rules, m, simulations=n_sims, seed=stream
                ),
            }
            for plan_name, traj in zip(PLANS, (best, sheet), strict=True):
                rows = _simulation_rows(sims[plan_name], D, traj.columns["productive"])
                sf = pd.DataFrame(
                    {"week": one["week"].to_numpy(), "queue": queue, "plan": plan_name, **rows}
                )
                sim_frames.append(sf)
                p_max[plan_name] = float(np.max(rows["p_short"]))
                if plan_name == "optimised":
                    frame["p_short"] = rows["p_short"]
                    frame["productive_p10"] = rows["productive_p10"]
        week_frames.append(frame)
        for plan_name, traj in zip(PLANS, (best, sheet), strict=True):
            class_rows.append(
                _classes(traj.classes, m, rules, one["week"], dated, queue, plan_name)
            )
            c = traj.columns
            total_rows.append(
                {
                    "queue": queue,
                    "plan": plan_name,
                    "classes": int((traj.classes > 0).sum()),
                    "hires": int(traj.classes.sum()),
                    "requirement_fte_weeks": float(D.sum()),
                    "productive_fte_weeks": float(c["productive"].sum()),
                    "paid_fte_weeks": float(c["paid"].sum()),
                    "shortage_fte_weeks": float(c["shortage"].sum()),
                    "surplus_fte_weeks": float(c["surplus"].sum()),
                    "weeks_short": int((c["shortage"] > 1e-9).sum()),
                    "cost": _cost(c, rules),
                    "p_short_max": p_max.get(plan_name, np.nan),
                }
            )
        r = solution.report
        solver_rows.append(
            {
                "queue": queue,
                "status": r.status,
                "objective": r.objective,
                "bound": r.bound,
                "gap": r.gap,
                "time_s": r.time_s,
                "rounds": rounds,
                "variables": r.variables,
                "integer_variables": r.integer_variables,
                "constraints": r.constraints,
                "message": r.message,
            }
        )

    weeks = pd.concat(week_frames, ignore_index=True)
    simulation = (
        pd.concat(sim_frames, ignore_index=True)[list(SIMULATION_COLUMNS)] if sim_frames else None
    )
    commitment = None
    if commit is not None:
        given = weeks[["week", "queue", "requirement"]].assign(in_house=weeks["productive"])
        if "productive_p10" in weeks.columns:
            given["in_house_low"] = weeks["productive_p10"]
        commitment = fte_commitment(given, commit)
    return CapacityPlan(
        weeks=weeks,
        classes=pd.concat(class_rows, ignore_index=True)[list(CLASS_COLUMNS)],
        totals=pd.DataFrame(total_rows, columns=list(TOTAL_COLUMNS)),
        solver=pd.DataFrame(solver_rows, columns=list(SOLVER_COLUMNS)),
        simulation=simulation,
        commitment=commitment,
        rules=rules,
        service=level,
        reports=reports,
    )


def _classes(
    x: np.ndarray,
    m: ClassMatrices,
    rules: CapacityRules,
    weeks: pd.Series,
    dated: bool,
    queue: str,
    plan: str,
) -> pd.DataFrame:
    hired = np.flatnonzero(x > 0)
    h = m.decided[hired]
    start = h + rules.hire_lead_weeks
    end = m.tenured.size - 1
    return pd.DataFrame(
        {
            "queue": queue,
            "plan": plan,
            "decided": _week_labels(weeks, dated, h),
            "starts": _week_labels(weeks, dated, start),
            "ramp_from": _week_labels(weeks, dated, start + rules.classroom_weeks),
            "tenured_from": _week_labels(weeks, dated, start + rules.early_weeks),
            "size": x[hired].astype(np.int64),
            "survivors_end": x[hired] * rules.survival(end - start),
        }
    )


def _name(week: Any, dated: bool) -> str:
    return f"the week of {pd.Timestamp(week).date()}" if dated else f"week {week}"


def _warn_unreachable(
    queue: str,
    weeks: pd.Series,
    dated: bool,
    m: ClassMatrices,
    shortage: np.ndarray,
    reach: int,
) -> None:
    out = ~m.reachable & (shortage > 1e-9)
    if not out.any():
        return
    idx = np.flatnonzero(out)
    labels = [str(pd.Timestamp(w).date()) if dated else f"week {w}" for w in weeks.iloc[idx]]
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    count = f"{idx.size} weeks" if idx.size > 1 else "1 week"
    warnings.warn(
        f"queue '{queue}': {count} ({span}) before any class can produce "
        f"(lead + classroom, {reach} weeks) and are {shortage[idx].sum():,.1f} FTE-weeks "
        "short whatever is hired: start from more headcount or commit them to a partner",
        CapacityWarning,
        stacklevel=3,
    )

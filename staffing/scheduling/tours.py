"""Weekly tours by an implicit (aggregated) model, solved from its relaxation within one deadline.

A *tour* is one person's week: a shift family, the days worked and a start time on each
of them. Enumerating tours explicitly (one variable per family, days-off pattern and start
time of every day) gives hundreds of millions of columns; the implicit model keeps the
shifts of each day as in the daily model and adds, per *tour type*, the head count and
the few rows that make the daily shifts add up to whole weeks.

Tour types
----------
A tour type ``t`` is a family ``f(t)``, a number of days worked ``n_t`` and whether the
type has the weekend off (Saturday and Sunday off every week). A family without weekly
hours works ``7 - days_off`` days; a family with weekly paid hours ``[min_h, max_h]``
(a *contract*) has one type for every ``n`` with ``min_h <= n * paid_f <= max_h``.
``C_t`` are the days no one of the type works (days the family has no shift; Saturday
and Sunday for a weekend type).

Variables
---------
* ``x_j`` integer: shifts started at candidate ``j`` (family, day, start), and the break
  variables ``y`` of :mod:`staffing.scheduling.model` (Bechtold and Jacobs 1990).
* ``H_t`` integer: people on tour type ``t``.
* ``z_{t,d}`` integer: people of type ``t`` working day ``d`` (only when the family has
  several types; with one type, ``z_{t,d} = sum_{j in f, day d} x_j``).
* consecutive days off: ``w_{t,P}`` integer, people of type ``t`` with days off ``P``, for
  every run ``P`` of ``7 - n_t`` consecutive days containing ``C_t``.

Constraints
-----------
* Coverage (and the ``soft``/``service`` rows) exactly as in the daily model.
* Shifts are worked by people: ``sum_{j in f, day d} x_j <= sum_t z_{t,d}``.
* Any days off (aggregated, Jacobs and Brusco 1996): ``z_{t,d} <= H_t`` for every day and
  ``sum_d z_{t,d} <= n_t H_t``. This is exact: whole numbers ``z_d <= H`` with
  ``sum_d z_d <= n H`` always split into ``H`` weeks of ``n`` days (pad the days short of
  ``H`` with extra shifts until ``sum_d z_d = n H``; list the days off, day ``d``
  ``H - z_d`` times, in day order and give person ``i`` items ``i, i + H, ...``).
* Consecutive days off (the forward/backward form of Bechtold and Jacobs 1990 for days,
  as generalised by Rekik, Cordeau and Soumis 2004, reduces for weekly runs to one row
  per day): ``z_{t,d} <= sum_{P not containing d} w_{t,P}`` and ``sum_P w_{t,P} = H_t``.
* Head limits: ``min_f <= sum_{t of f} H_t <= max_f``; contracts:
  ``sum_{t of contract c} H_t <= max_c``.
* Weekends in a rotation of ``W`` weeks with at least ``k`` weekends off each: for each
  family and ``n``, ``W * H_{weekend} >= k * (H_{weekend} + H_{other})``: the weekend
  lines are then at least ``k / W`` of the lines, and a rotation (:func:`rotation`) gives
  every person at least ``k`` of them in the ``W`` weeks.

Objective
---------
``minimise sum_t n_t * paid_cost_{f(t)} * H_t`` (plus the ``soft`` shortfall costs): a
week's cost is fixed by its head counts.

Solving
-------
HiGHS proves the bound easily (the relaxation is tight) but its own heuristics rarely find a
good whole schedule in this model, so :func:`solve_implicit_tours` builds one in steps, each
from the best schedule so far, every HiGHS call given a share of the time left before one
deadline:

1. The linear relaxation: the bound (rounded up to the step of the per-head costs) and the
   guide.
2. Rounding without a solver (:mod:`staffing.scheduling.rounding`): the relaxation's starts
   rounded along each family's day, breaks placed where the surplus is largest, short slots
   repaired by the shift covering most of them per unit of cost, idle people dropped.
3. Each day by HiGHS with the other days fixed, the break variables continuous (a far
   easier program; with the shifts fixed a small integer program over the breaks alone
   makes them whole, at the same cost where it can), each family kept to the relaxation's
   people per day; passes with the families' head counts given the other days
   (``h_f >= s_f``, ``n_f h_f >= others_f + s_f``) in each day's model, except the second,
   priced by paid hours alone.
4. Moves valued at the cost of whole tours (:class:`staffing.scheduling.rounding.Search`):
   starts moved, families changed, people dropped, breaks moved, and a family's people moved
   to families with room until it needs a head less; until no move lowers the cost, for at
   most 80% of the time left. Steps 3 and 4 are repeated with closer gaps.
5. HiGHS on the whole model (breaks continuous: still a relaxation, so its bound holds)
   from the best schedule, with the time left.

The best schedule is kept throughout: under load a step gets less done, never a worse
schedule. The heads of a schedule are the fewest whole weeks over its shifts (the tour
rows with the shifts and breaks fixed), and days short of a whole week are padded with
shifts where the requirement is largest.

References
----------
.. [1] L. W. Jacobs and M. J. Brusco, "Overlapping start-time bands in implicit tour
   scheduling", Management Science 42(9), 1247-1259, 1996.
   :doi:`10.1287/mnsc.42.9.1247`
.. [2] M. J. Brusco and L. W. Jacobs, "Optimal models for meal-break and start-time
   flexibility in continuous tour scheduling", Management Science 46(12), 1630-1641,
   2000. :doi:`10.1287/mnsc.46.12.1630.12035`
.. [3] M. Rekik, J.-F. Cordeau and F. Soumis, "Using Benders decomposition to implicitly
   model tour scheduling", Annals of Operations Research 128, 111-133, 2004.
   :doi:`10.1023/B:ANOR.0000019101.29692.2a`
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from staffing.errors import StaffingError
from staffing.scheduling.highs import HighsResult, solve_highs
from staffing.scheduling.model import (
    NO_TIME,
    BreakChain,
    Candidates,
    Infeasible,
    ModelBuilder,
    ModelSolution,
    Service,
    SolverReport,
    assign_breaks,
    break_chains,
    cost_unit,
    coverage_matrix,
    objective_rows,
    relative_gap,
    round_up,
    solve_model,
    split_days_off,
    tour_patterns,
)
from staffing.scheduling.rounding import FamilyHeads, Layout, Roster, Search, round_shifts
from staffing.scheduling.shifts import ShiftFamily, format_weekdays

#: Weight of the shifts' own cost in the objective, next to the people's: it steers the
#: search towards schedules without idle shifts and never changes which heads are cheapest.
_GUIDE = 1e-4
#: Most of the time left given to the moves after a pass of day programs (they end
#: sooner when no move lowers the cost).
_MOVES_SHARE = 0.8
__all__ = ["Deadline", "TourType", "rotation", "solve_implicit_tours", "tour_types"]


class Deadline:
    """One deadline shared by every step of a solve.

    Examples
    --------
    >>> d = Deadline(10.0)
    >>> 9.0 < d.left() <= 10.0, d.share(4) <= 2.5
    (True, True)
    """

    def __init__(self, seconds: float, start: float | None = None) -> None:
        self.start = time.perf_counter() if start is None else start
        self.end = self.start + float(seconds)

    def left(self) -> float:
        """Seconds left (0 when passed)."""
        return max(self.end - time.perf_counter(), 0.0)

    def share(self, parts: float) -> float:
        """An equal share of the time left among ``parts`` steps [s]."""
        return self.left() / max(parts, 1.0)

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.start


@dataclass(frozen=True)
class TourType:
    """People of one family working ``days`` days a week, weekends off or not.

    Attributes
    ----------
    family : int
        Index of the shift family.
    days : int
        Days worked a week.
    weekend_off : bool
        Saturday and Sunday off every week (a weekend line of a rotation).
    closed : frozenset of int
        Days of the horizon no one of this type works.
    patterns : tuple of tuple of int
        With consecutive days off, the days-off runs allowed; empty otherwise.
    """

    family: int
    days: int
    weekend_off: bool
    closed: frozenset[int]
    patterns: tuple[tuple[int, ...], ...] = ()


def tour_types(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    *,
    days_off: int,
    consecutive: bool,
    cyclic: bool,
    weekday0: int,
    weeks: int = 1,
    weekends_off: int = 0,
) -> list[TourType]:
    """The tour types of each family (module notes), checked for rules no week can meet.

    Parameters
    ----------
    families : sequence of ShiftFamily
    candidates : Candidates
        Shifts that may be started (a family has no shift on a day without candidates).
    days_off : int
        Days off a week of a family without weekly hours; with weekly hours, the fewest.
    consecutive, cyclic : bool
        Days off in one run; Sunday and Monday adjacent.
    weekday0 : int
        Weekday of the horizon's first day (Monday = 0).
    weeks, weekends_off : int
        A rotation of ``weeks`` weeks with at least ``weekends_off`` weekends off each.

    Returns
    -------
    list of TourType

    Raises
    ------
    StaffingError
        A family that no week fits, naming the family, its row and the rule: weekly hours
        its shifts cannot make, days off its days leave no room for, weekends off on a
        family that works only weekends.

    Examples
    --------
    >>> from staffing.scheduling.shifts import ShiftFamily
    >>> f = ShiftFamily("day", (28800.0,), 28800.0)
    >>> c = Candidates(np.zeros(7, int), np.arange(7), np.arange(7) * 96 + 32)
    >>> [(t.days, t.weekend_off) for t in tour_types([f], c, days_off=2,
    ...     consecutive=False, cyclic=False, weekday0=0, weeks=4, weekends_off=2)]
    [(5, False), (5, True)]
    """
    out: list[TourType] = []
    weekend = frozenset({(5 - weekday0) % 7, (6 - weekday0) % 7})
    for f, family in enumerate(families):
        worked = set(np.unique(candidates.day[candidates.family == f]).tolist())
        closed = frozenset(range(7)) - frozenset(worked)
        if family.min_week_h is None and family.max_week_h is None:
            counts = [7 - days_off]
        else:
            lo = 0.0 if family.min_week_h is None else family.min_week_h
            hi = math.inf if family.max_week_h is None else family.max_week_h
            counts = [
                n for n in range(1, 8 - days_off) if lo - 1e-9 <= n * family.paid_hours <= hi + 1e-9
            ]
            if not counts:
                raise StaffingError(
                    f"shift family {family.name!r}{_row(family)}: weekly paid hours "
                    f"{_hours_range(family)} cannot be made of its {family.paid_hours:g}-hour "
                    f"shifts on at most {7 - days_off} days a week (`--days-off` {days_off})"
                )
        mine: list[TourType] = []
        for n in counts:
            kinds = [False, True] if 0 < weekends_off < weeks else [weekends_off >= weeks > 0]
            if weekends_off == 0:
                kinds = [False]
            for we in kinds:
                off = closed | weekend if we else closed
                if 7 - n < len(off):
                    continue
                patterns: tuple[tuple[int, ...], ...] = ()
                if consecutive and 7 - n > 1:
                    patterns = tuple(p for p in tour_patterns(7 - n, True, cyclic) if off <= set(p))
                    if not patterns:
                        continue
                mine.append(TourType(f, n, we, frozenset(off), patterns))
        if weekends_off and not any(t.weekend_off for t in mine) and (worked - weekend):
            rule = (
                f"{7 - min(counts)} consecutive days off do not include a whole weekend"
                if consecutive
                else "its days leave no weekend off"
            )
            if family.min_heads > 0:
                raise StaffingError(
                    f"shift family {family.name!r}{_row(family)}: `--weekends-off` "
                    f"{weekends_off} cannot hold: {rule}"
                )
        if not mine and family.min_heads > 0:
            raise StaffingError(
                f"shift family {family.name!r}{_row(family)} has `min` {family.min_heads} "
                f"but no week of {counts[-1]} working days fits its days"
                + (" and the weekends off" if weekends_off else "")
            )
        out.extend(mine)
    if not out:
        raise StaffingError(
            "no shift family can make a week: "
            + ("the weekends off (`--weekends-off`) leave " if weekends_off else "")
            + f"too few working days for {7 - days_off} days a week"
        )
    return out


def _workable(t: TourType) -> set[int]:
    """Days someone of type ``t`` may work: not closed, and outside some days-off run.

    Examples
    --------
    >>> sorted(_workable(TourType(0, 5, False, frozenset({6}), ((5, 6),))))
    [0, 1, 2, 3, 4]
    """
    days = set(range(7)) - t.closed
    if t.patterns:
        days &= set().union(*[set(range(7)) - set(p) for p in t.patterns])
    return days


def _row(family: ShiftFamily) -> str:
    return "" if family.row is None else f" (row {family.row})"


def _hours_range(family: ShiftFamily) -> str:
    lo = "" if family.min_week_h is None else f"{family.min_week_h:g}"
    hi = "" if family.max_week_h is None else f"{family.max_week_h:g}"
    return f"{lo}-{hi} h"


@dataclass
class _TourModel:
    """The implicit tour model in coordinate form, with the indices of its parts."""

    c: np.ndarray
    integrality: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    A: object
    row_lower: np.ndarray
    row_upper: np.ndarray
    x: np.ndarray
    chains: list[BreakChain]
    heads: np.ndarray  # one per type
    z: dict[tuple[int, int], int]  # (type, day) -> variable (several types only)
    w: dict[int, np.ndarray]  # type -> pattern variables
    day_vars: list[np.ndarray]  # variables of each day (x, y, z)
    coverage: object
    links: np.ndarray  # the tour rows (heads, days worked, weekends, contracts)


def _build(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    types: Sequence[TourType],
    *,
    slot_s: int,
    horizon_slots: int,
    cyclic: bool,
    lower: np.ndarray | None,
    soft: tuple[np.ndarray, float, float] | None,
    service: Service | None,
    contracts: dict[str, int],
    weeks: int,
    weekends_off: int,
) -> _TourModel:
    T = horizon_slots
    b = ModelBuilder()
    fam_len = np.array([round(f.length_s / slot_s) for f in families], dtype=np.int64)
    upper = np.full(len(candidates), np.inf)
    open_days = {
        f: set().union(*[_workable(t) for t in types if t.family == f])
        for f in range(len(families))
    }
    for f in range(len(families)):
        shut = ~np.isin(candidates.day, sorted(open_days[f])) & (candidates.family == f)
        upper[shut] = 0.0
    fam_cost = np.array([f.cost_per_shift for f in families])
    x = b.variables(
        len(candidates), cost=_GUIDE * fam_cost[candidates.family], upper=upper, integer=True
    )
    chains = break_chains(families, candidates, slot_s, b)
    coverage = coverage_matrix(
        families, candidates, chains, fam_len, slot_s, T, cyclic, b.n_vars, x
    )
    objective_rows(b, coverage, lower, soft, service)
    first_link = b.n_rows
    heads = b.variables(
        len(types),
        cost=np.array([t.days * families[t.family].cost_per_shift for t in types]),
        integer=True,
    )
    z: dict[tuple[int, int], int] = {}
    w: dict[int, np.ndarray] = {}
    by_family: dict[int, list[int]] = {}
    for i, t in enumerate(types):
        by_family.setdefault(t.family, []).append(i)
    day_extra: list[list[int]] = [[] for _ in range(7)]
    for f, mine in by_family.items():
        members = np.flatnonzero(candidates.family == f)
        single = len(mine) == 1
        for i in mine:
            t = types[i]
            days = [d for d in range(7) if d not in t.closed]
            if single:
                people = None
            else:
                people = b.variables(len(days), integer=True)
                for d, v in zip(days, people, strict=True):
                    z[(i, d)] = int(v)
                    day_extra[d].append(int(v))
            if t.patterns:
                wp = b.variables(len(t.patterns), integer=True)
                w[i] = wp
                row = b.constraints(1, 0.0, 0.0)
                b.entries(np.full(wp.size, row[0]), wp, 1.0)
                b.entries(row, heads[i : i + 1], -1.0)
                rows = b.constraints(len(days), -np.inf, 0.0)
                for k, p in enumerate(t.patterns):
                    work = [r for r, d in enumerate(days) if d not in p]
                    b.entries(rows[work], np.full(len(work), wp[k]), -1.0)
            else:
                rows = b.constraints(len(days), -np.inf, 0.0)
                b.entries(rows, np.full(len(days), heads[i]), -1.0)
                total = b.constraints(1, -np.inf, 0.0)
                b.entries(total, heads[i : i + 1], -float(t.days))
            # the people working each day: this type's own (z), or the family's shifts
            if people is not None:
                b.entries(rows, people, 1.0)
                if not t.patterns:
                    b.entries(np.full(people.size, total[0]), people, 1.0)
            else:
                on_day = {d: r for d, r in zip(days, rows, strict=True)}
                keep = np.isin(candidates.day[members], days)
                picked = members[keep]
                b.entries(
                    np.array([on_day[int(d)] for d in candidates.day[picked]], dtype=np.int64),
                    x[picked],
                    1.0,
                )
                if not t.patterns:
                    b.entries(np.full(picked.size, total[0]), x[picked], 1.0)
        if not single:  # shifts of the family on day d <= people of its types working d
            rows = b.constraints(7, -np.inf, 0.0)
            b.entries(rows[candidates.day[members]], x[members], 1.0)
            for i in mine:
                for d in range(7):
                    if (i, d) in z:
                        b.entries(rows[d : d + 1], np.array([z[(i, d)]]), -1.0)
        family = families[f]
        if family.min_heads > 0 or family.max_heads is not None:
            hi = np.inf if family.max_heads is None else float(family.max_heads)
            row = b.constraints(1, float(family.min_heads), hi)
            b.entries(np.full(len(mine), row[0]), heads[mine], 1.0)
    for name, most in contracts.items():
        mine = [i for i, t in enumerate(types) if families[t.family].contract == name]
        if mine:
            row = b.constraints(1, -np.inf, float(most))
            b.entries(np.full(len(mine), row[0]), heads[mine], 1.0)
    if weekends_off and weeks > weekends_off:
        groups: dict[tuple[int, int], list[int]] = {}
        for i, t in enumerate(types):
            groups.setdefault((t.family, t.days), []).append(i)
        for mine in groups.values():
            row = b.constraints(1, 0.0, np.inf)
            for i in mine:
                value = weeks - weekends_off if types[i].weekend_off else -weekends_off
                b.entries(row, heads[i : i + 1], float(value))
    # variables of each day, for relax-and-fix
    day_of_var = np.full(b.n_vars, -1, dtype=np.int64)
    day_of_var[x] = candidates.day
    for ch in chains:
        day_of_var[ch.y] = candidates.day[ch.members[0]]
    for (_, d), v in z.items():
        day_of_var[v] = d
    day_vars = [np.flatnonzero(day_of_var == d) for d in range(7)]
    return _TourModel(
        **b.program(),
        x=x,
        chains=chains,
        heads=heads,
        z=z,
        w=w,
        day_vars=day_vars,
        links=np.arange(first_link, b.n_rows),
        coverage=coverage,
    )


def _milp(
    m: _TourModel,
    integer: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    time_limit_s: float,
    gap: float,
    cost: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float, int]:
    """(solution, dual bound, HiGHS status) of the model with these integers and bounds."""
    res = milp(
        m.c if cost is None else cost,
        integrality=integer,
        bounds=Bounds(lower, upper),
        constraints=LinearConstraint(m.A, m.row_lower, m.row_upper),
        options={"time_limit": max(float(time_limit_s), 0.05), "mip_rel_gap": gap, "disp": False},
    )
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(dual) if dual is not None and np.isfinite(dual) else -np.inf
    x = None if res.x is None else np.asarray(res.x, dtype=float)
    return x, bound, int(res.status)


def solve_implicit_tours(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    types: Sequence[TourType],
    *,
    slot_s: int,
    horizon_slots: int,
    cyclic: bool,
    lower: np.ndarray | None,
    weight: np.ndarray,
    soft: tuple[np.ndarray, float, float] | None = None,
    service: Service | None = None,
    contracts: dict[str, int] | None = None,
    weeks: int = 1,
    weekends_off: int = 0,
    deadline: Deadline | None = None,
    gap: float = 0.01,
) -> tuple[ModelSolution, list[tuple[int, tuple[int, ...]]]]:
    """Solve the implicit tour model (module notes) within one deadline.

    Parameters
    ----------
    families, candidates, slot_s, horizon_slots, cyclic, lower, soft, service
        As for :func:`staffing.scheduling.model.solve_model`.
    types : sequence of TourType
        From :func:`tour_types`.
    weight : ndarray
        Per slot, how much an extra agent is worth: a shift padding a week goes where
        the sum over its span is largest.
    contracts : dict, optional
        Most people per contract name.
    weeks, weekends_off : int
        The rotation's weeks and the fewest weekends off per person.
    deadline : Deadline, optional
        When every step must have ended (default: 60 s from now).
    gap : float
        Relative gap sought.

    Returns
    -------
    (ModelSolution, lines)
        ``lines`` holds one ``(type, days off)`` per person-week of the week solved.

    Raises
    ------
    Infeasible
        The relaxation has no solution.
    StaffingError
        No whole schedule found before the deadline.
    """
    clock = deadline or Deadline(60.0)
    m = _build(
        families,
        candidates,
        types,
        slot_s=slot_s,
        horizon_slots=horizon_slots,
        cyclic=cyclic,
        lower=lower,
        soft=soft,
        service=service,
        contracts=contracts or {},
        weeks=weeks,
        weekends_off=weekends_off,
    )
    n = m.c.size
    true_c = m.c.copy()
    true_c[m.x] = 0.0
    # 1. the linear relaxation: the bound, and the guide of everything after
    lp = _highs(m, None, m.lower, m.upper, clock, clock.share(3.0))
    if lp.status == "infeasible":
        raise Infeasible("the tour model is infeasible")
    if lp.x is None:
        raise StaffingError(NO_TIME)
    relaxed = lp.x
    per_head = np.array([t.days * families[t.family].cost_per_shift for t in types])
    unit = cost_unit(per_head) if soft is None else None
    bound = round_up(float(true_c @ relaxed), unit)
    paid = np.array([f.cost_per_shift for f in families])
    caps = _day_caps(types, relaxed[m.heads], len(families))
    week_days = np.array(
        [max([t.days for t in types if t.family == f], default=7) for f in range(len(families))],
        dtype=float,
    )
    week = (week_days * paid, week_days)
    price = 0.02 * paid[candidates.family]
    # 2. a whole schedule without a solver: the relaxation rounded and repaired
    layout = Layout.of(
        families,
        candidates,
        slot_s=slot_s,
        horizon_slots=horizon_slots,
        cyclic=cyclic,
        allowed=m.upper[m.x] > 0,
    )
    need = _need(m, relaxed, lower, soft, service)
    heads = [
        FamilyHeads(f, [t for t in types if t.family == i], weeks, weekends_off)
        for i, f in enumerate(families)
    ]
    people = _rounded(layout, relaxed[m.x], need)
    if soft is None:
        people = _improve(layout, need, heads, people, clock, min(0.03, 1.0 / clock.left()))
    best = _complete(m, candidates, people, clock)
    best_value = np.inf if best is None else float(true_c @ best)
    best_people = people
    # 3. each day by HiGHS from the best schedule (breaks continuous, then made whole),
    #    then moves that lower the cost of whole tours; again with a closer gap
    passes = (
        (gap / 2, 0.12, True),
        (gap / 2, 0.7, False),
        (gap / 4, 0.75, True),
        (gap / 10, 0.6, True),
    )
    for day_gap, share, weekly in passes:
        if best is not None and relative_gap(best_value, bound) <= gap:
            break
        if clock.left() < 1.0:
            break
        people = _by_day(
            families,
            candidates,
            layout,
            best_people,
            need,
            soft,
            slot_s=slot_s,
            horizon_slots=horizon_slots,
            cyclic=cyclic,
            clock=clock,
            gap=day_gap,
            share=share,
            price=price if soft is None and weekly else paid[candidates.family],
            caps=caps if weekly else None,
            week=week if soft is None and weekly else None,
        )
        # the moves turn the day programs' shifts into whole tours (after the paid-hours
        # pass they drop the people short of whole weeks); they stop when none lowers the cost
        if soft is None and relative_gap(_tour_cost(heads, candidates, people), bound) > gap:
            people = _improve(layout, need, heads, people, clock, _MOVES_SHARE)
        trial = _complete(m, candidates, people, clock)
        if trial is not None and float(true_c @ trial) < best_value - 1e-9:
            best, best_value, best_people = trial, float(true_c @ trial), people
    # 4. HiGHS on the whole model (breaks continuous: a relaxation, so its bound holds)
    #    from the best schedule, with the time left: a closer bound, perhaps a better
    #    schedule (its breaks then made whole)
    if best is not None and relative_gap(best_value, bound) > gap and clock.left() > 2.0:
        shifts_only = m.integrality.copy()
        for ch in m.chains:
            shifts_only[ch.y] = 0
        whole = _highs(m, shifts_only, m.lower, m.upper, clock, clock.left() - 0.5, gap, best)
        if np.isfinite(whole.bound):
            bound = max(bound, round_up(whole.bound - _guide_part(m, whole), unit))
        if whole.x is not None and float(true_c @ whole.x) < best_value - 1e-6:
            lo, hi = m.lower.copy(), m.upper.copy()
            lo[m.x] = hi[m.x] = np.round(whole.x[m.x])
            res = _highs(m, m.integrality, lo, hi, clock, clock.left(), 1e-6)
            if res.x is not None and float(true_c @ res.x) < best_value - 1e-6:
                best, best_value = _integral(m, res.x), float(true_c @ res.x)
    if best is None:
        raise StaffingError(NO_TIME)
    reached = relative_gap(best_value, bound)
    solution = _solution(families, candidates, types, m, best, weight, slot_s, cyclic, soft)
    report = SolverReport(
        status="optimal" if reached <= gap + 1e-12 else "time limit",
        message=f"implicit tours: bound {bound:g}",
        objective=best_value,
        bound=bound,
        gap=reached,
        proven_optimal=reached <= 1e-9,
        time_s=clock.elapsed(),
        variables=int(n),
        integer_variables=int(m.integrality.sum()),
        constraints=int(m.row_lower.size),
        nonzeros=int(m.A.nnz),  # type: ignore[attr-defined]
    )
    return dataclasses.replace(solution[0], report=report), solution[1]


def _highs(
    m: _TourModel,
    integrality: np.ndarray | None,
    lower: np.ndarray,
    upper: np.ndarray,
    clock: Deadline,
    seconds: float,
    gap: float = 1e-4,
    start: np.ndarray | None = None,
    cost: np.ndarray | None = None,
) -> HighsResult:
    """HiGHS on the tour model with these bounds.

    For at most ``seconds`` and never past the deadline.
    """
    seconds = max(min(seconds, clock.left()), 0.05)
    return solve_highs(
        m.c if cost is None else cost,
        m.A,
        m.row_lower,
        m.row_upper,
        lower,
        upper,
        integrality,
        time_limit_s=seconds,
        gap=gap,
        start=start,
        deadline=min(time.perf_counter() + seconds, clock.end),
    )


def _guide_part(m: _TourModel, result: HighsResult) -> float:
    """The guide cost of the shifts in a HiGHS result (not a cost of the schedule)."""
    if result.x is None:
        return 0.0
    return float(m.c[m.x] @ result.x[m.x])


def _integral(m: _TourModel, x: np.ndarray) -> np.ndarray:
    out = np.asarray(x, dtype=float).copy()
    whole = m.integrality.astype(bool)
    out[whole] = np.round(out[whole])
    return out


def _day_caps(types: Sequence[TourType], heads: np.ndarray, n_families: int) -> np.ndarray:
    """Most shifts of each family on one day: its people in the relaxation, rounded up.

    Examples
    --------
    >>> t = [TourType(0, 5, False, frozenset()), TourType(0, 5, True, frozenset({5, 6}))]
    >>> _day_caps(t, np.array([2.2, 1.5]), 2).tolist()
    [4.0, 0.0]
    """
    out = np.zeros(n_families)
    np.add.at(out, [t.family for t in types], heads)
    return np.maximum(np.ceil(out - 1e-6), 0.0)


def _need(
    m: _TourModel,
    relaxed: np.ndarray,
    lower: np.ndarray | None,
    soft: tuple[np.ndarray, float, float] | None,
    service: Service | None,
) -> np.ndarray:
    """Agents a whole schedule is to have on the phones per slot.

    ``lower`` for ``cover``; for ``service`` and ``soft``, also the relaxation's on-phone
    agents rounded up (``service``: a schedule covering them meets every service row the
    relaxation meets, the service level being increasing in the agents).
    """
    cov: Any = m.coverage
    on = np.asarray(cov @ relaxed[: cov.shape[1]], dtype=np.float64)
    rounded = np.ceil(on - 1e-6)
    if soft is not None:
        return np.maximum(rounded, 0.0)
    base = np.zeros_like(on) if lower is None else np.ceil(lower - 1e-9)
    if service is not None:
        return np.maximum(base, rounded)
    return base


def _rounded(layout: Layout, relaxed_x: np.ndarray, need: np.ndarray) -> Roster:
    """The relaxation's shifts rounded along each family's day.

    Cumulative sums are rounded, so the whole starts follow the fractional ones; then the
    shifts are repaired and pruned.
    """
    counts = np.zeros(relaxed_x.size, dtype=np.int64)
    order = np.lexsort((layout.start, layout.day, layout.family))
    key = layout.family[order] * 10_000 + layout.day[order]
    for cut in np.split(np.arange(order.size), np.flatnonzero(np.diff(key)) + 1):
        sel = order[cut]
        cum = np.floor(np.cumsum(relaxed_x[sel]) + 0.5 + 1e-9)
        counts[sel] = np.diff(np.r_[0.0, cum]).astype(np.int64)
    counts[~layout.allowed] = 0
    return round_shifts(layout, counts, need)


def _improve(
    layout: Layout,
    need: np.ndarray,
    heads: Sequence[FamilyHeads],
    people: Roster,
    clock: Deadline,
    share: float,
) -> Roster:
    """``people`` improved by moves.

    Moves of :meth:`Search.descend`, valued at the cost of whole tours, for at most
    ``share`` of the time left.
    """
    search = Search(layout, need, heads, 7)
    for j, b in zip(people.who, people.breaks, strict=True):
        search.add(int(j), b)
    search.fill()
    end = time.perf_counter() + clock.left() * share
    search.descend(end)
    order = sorted(range(len(heads)), key=lambda f: -heads[f].per_head.max(initial=0.0))
    dropped = True
    while dropped and time.perf_counter() < end:
        dropped = False
        for f in order:
            while search.drop_head(f, end):
                dropped = True
        if dropped:
            search.descend(end)
    return search.roster()


def _tour_cost(heads: Sequence[FamilyHeads], candidates: Candidates, people: Roster) -> float:
    """The cost of whole tours over the shifts of ``people``, family by family."""
    S = np.zeros((len(heads), 7), dtype=np.int64)
    who = np.asarray(people.who, dtype=np.int64)
    np.add.at(S, (candidates.family[who], candidates.day[who]), 1)
    return float(sum(h.cost(S[f]) for f, h in enumerate(heads)))


def _complete(
    m: _TourModel, candidates: Candidates, people: Roster, clock: Deadline
) -> np.ndarray | None:
    """The tour model's variables for these people.

    Shifts and breaks fixed, the heads (and the rest) by HiGHS; None when no heads fit them
    (head limits).
    """
    fixed_x, fixed_y = _shift_values(m, people)
    lo, hi = m.lower.copy(), m.upper.copy()
    lo[m.x] = hi[m.x] = fixed_x
    ys = np.concatenate([ch.y for ch in m.chains]) if m.chains else np.zeros(0, np.int64)
    lo[ys] = hi[ys] = fixed_y[ys]
    res = _highs(m, m.integrality, lo, hi, clock, max(clock.share(4.0), 0.5), 1e-6)
    if res.x is None:
        return None
    return _integral(m, res.x)


def _shift_values(m: _TourModel, people: Roster) -> tuple[np.ndarray, np.ndarray]:
    """Shifts per candidate, and break counts on the model's break variables.

    For ``people``; the break counts are a vector of the model's size.
    """
    x = np.bincount(np.asarray(people.who, dtype=np.int64), minlength=m.x.size).astype(float)
    y = np.zeros(m.c.size)
    where = {}
    for ch in m.chains:
        for j in ch.members:
            where[(int(j), ch.k)] = ch
    for j, starts in zip(people.who, people.breaks, strict=True):
        for k, s in enumerate(starts):
            ch = where[(int(j), k)]
            y[ch.y[int(s) - ch.first]] += 1.0
    return x, y


@dataclass
class _Part:
    """One day's shift model (the daily model of :mod:`staffing.scheduling.model`)."""

    c: np.ndarray
    integrality: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    A: Any
    row_lower: np.ndarray
    row_upper: np.ndarray
    x: np.ndarray
    chains: list[BreakChain]
    candidates: Candidates
    members: np.ndarray  # the part's candidates in the whole list


def _day_part(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    members: np.ndarray,
    *,
    slot_s: int,
    horizon_slots: int,
    cyclic: bool,
    lower: np.ndarray | None,
    soft: tuple[np.ndarray, float, float] | None,
    price: np.ndarray,
    week: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> _Part:
    """The daily model of the candidates ``members``.

    The candidates of one day, a shift of candidate ``j`` costing ``price[j]``, each
    family's shifts at most its ``max_heads``.

    With ``week = (per_head, days, others_sum, others_max)`` the family's people ``h_f``
    (integer, ``per_head[f]`` each) are in the model too, given the shifts of the other
    days: ``h_f >= others_max[f]``, ``h_f >= s_f`` and ``days[f] h_f >= others_sum[f] +
    s_f`` for the family's shifts ``s_f`` of this day (the tour rows of one type with any
    days off).
    """
    part = Candidates(
        candidates.family[members], candidates.day[members], candidates.start[members]
    )
    b = ModelBuilder()
    fam_len = np.array([round(f.length_s / slot_s) for f in families], dtype=np.int64)
    x = b.variables(len(part), cost=price[members], integer=True)
    for f, family in enumerate(families):
        mine = np.flatnonzero(part.family == f)
        if family.max_heads is not None and mine.size:
            row = b.constraints(1, -np.inf, float(family.max_heads))
            b.entries(np.full(mine.size, row[0]), x[mine], 1.0)
    chains = break_chains(families, part, slot_s, b)
    coverage = coverage_matrix(
        families, part, chains, fam_len, slot_s, horizon_slots, cyclic, b.n_vars, x
    )
    objective_rows(b, coverage, lower, soft, None)
    if week is not None:
        per_head, days, others_sum, others_max = week
        fams = np.unique(part.family)
        lo = np.array([max(others_max[f], families[f].min_heads) for f in fams], dtype=float)
        h = b.variables(fams.size, cost=per_head[fams], lower=lo, integer=True)
        for i, f in enumerate(fams):
            mine = np.flatnonzero(part.family == f)
            row = b.constraints(2, -np.inf, np.array([0.0, -float(others_sum[f])]))
            b.entries(np.repeat(row, mine.size), np.tile(x[mine], 2), 1.0)
            b.entries(row, np.array([h[i], h[i]]), np.array([-1.0, -float(days[f])]))
    return _Part(
        **b.program(),
        x=x,
        chains=chains,
        candidates=part,
        members=members,
    )


def _by_day(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    layout: Layout,
    people: Roster,
    need: np.ndarray,
    soft: tuple[np.ndarray, float, float] | None,
    *,
    slot_s: int,
    horizon_slots: int,
    cyclic: bool,
    clock: Deadline,
    gap: float,
    share: float,
    price: np.ndarray,
    caps: np.ndarray | None,
    week: tuple[np.ndarray, np.ndarray] | None = None,
) -> Roster:
    """Each day's shifts re-solved by HiGHS with the other days fixed, from ``people``.

    Kept for a day where HiGHS finds nothing better.

    A day's model is the daily model of :mod:`staffing.scheduling.model` with the break
    variables continuous: HiGHS solves it far faster, and with the shifts then fixed a
    second, small integer program over the breaks alone makes them whole (it almost
    always can at the same cost; where it cannot, the day keeps its old schedule). Days
    are taken busiest first, each with its share of ``share`` of the time left. A shift of
    candidate ``j`` costs ``price[j]``; with ``caps`` a family has at most ``caps[f]``
    shifts a day (the relaxation's people rounded up). With ``week = (per_head, days)``
    each day's model holds the families' people too, given the other days
    (:func:`_day_part`): the day is then solved for the cost of whole weeks, ``price``
    only breaking ties.
    """
    plain = [
        dataclasses.replace(f, min_heads=0, max_heads=None if caps is None else int(caps[i]))
        for i, f in enumerate(families)
    ]
    who = list(people.who)
    brk = list(people.breaks)
    per_day = np.zeros(7)
    np.add.at(per_day, candidates.day[np.asarray(who, dtype=np.int64)], 1.0)
    days = [int(d) for d in np.argsort(-per_day, kind="stable")]
    total = max(clock.left() * share, 0.0)
    budget_end = time.perf_counter() + total
    for step, d in enumerate(days):
        members = np.flatnonzero((candidates.day == d) & layout.allowed)
        left = budget_end - time.perf_counter()
        seconds = min(left / (len(days) - step), clock.left())
        if members.size == 0 or seconds < 0.2:
            continue
        mine = [p for p, j in enumerate(who) if candidates.day[j] == d]
        others = [p for p, j in enumerate(who) if candidates.day[j] != d]
        on_other = _on(layout, [who[p] for p in others], [brk[p] for p in others])
        reach = np.asarray(layout.span[:, members].sum(axis=1)).ravel() > 0
        d_lower = d_soft = None
        if soft is None:
            d_lower = np.where(reach, np.maximum(need - on_other, 0.0), 0.0)
        else:
            required, under, over = soft
            d_soft = (np.where(reach, required - on_other, 0.0), under, over)
        part = _day_part(
            plain,
            candidates,
            members,
            slot_s=slot_s,
            horizon_slots=horizon_slots,
            cyclic=cyclic,
            lower=d_lower,
            soft=d_soft,
            price=price,
            week=None if week is None else _week_of(week, candidates, who, d),
        )
        old = float(price[[who[p] for p in mine]].sum()) if mine else 0.0
        if week is not None:
            old += _heads_cost(week, candidates, who)
        shifts_only = part.integrality.copy()
        for ch in part.chains:
            shifts_only[ch.y] = 0
        end = min(time.perf_counter() + seconds, clock.end)
        res = solve_highs(
            part.c,
            part.A,
            part.row_lower,
            part.row_upper,
            part.lower,
            part.upper,
            shifts_only,
            time_limit_s=seconds,
            gap=gap,
            deadline=end,
            start=(
                _part_start(part, [who[p] for p in mine], [brk[p] for p in mine])
                if week is not None and mine
                else None
            ),
        )
        if res.x is None or (soft is None and res.objective > old - 1e-9 and mine):
            continue
        lo, hi = part.lower.copy(), part.upper.copy()
        lo[part.x] = hi[part.x] = np.round(res.x[part.x])
        whole = solve_highs(
            part.c,
            part.A,
            part.row_lower,
            part.row_upper,
            lo,
            hi,
            part.integrality,
            time_limit_s=max(min(1.0, clock.left()), 0.05),
            gap=1e-6,
            deadline=clock.end,
        )
        if whole.x is None:
            continue
        if soft is not None and d_soft is not None and mine:
            mine_on = _on(layout, [who[p] for p in mine], [brk[p] for p in mine])
            required_d, under, over = d_soft
            before = old + under * float(
                np.maximum(required_d - mine_on, 0.0)[required_d > 0].sum()
            )
            before += over * float(np.maximum(mine_on - required_d, 0.0)[reach].sum())
            if whole.objective > before - 1e-9:
                continue
        counts = np.round(whole.x[part.x]).astype(np.int64)
        placed = assign_breaks(plain, part.candidates, part.chains, counts, whole.x)
        new_who, new_brk = [], []
        for jp, rows in placed.items():
            for r in rows:
                new_who.append(int(members[jp]))
                new_brk.append(np.asarray(r, dtype=np.int64))
        who = [who[p] for p in others] + new_who
        brk = [brk[p] for p in others] + new_brk
    return Roster(who, brk, _on(layout, who, brk))


def _week_of(
    week: tuple[np.ndarray, np.ndarray], candidates: Candidates, who: Sequence[int], day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(per_head, days, others_sum, others_max)`` for :func:`_day_part` on ``day``."""
    per_head, days = week
    S = np.zeros((per_head.size, 7))
    np.add.at(S, (candidates.family[list(who)], candidates.day[list(who)]), 1.0)
    S[:, day] = 0.0
    return per_head, days, S.sum(axis=1), S.max(axis=1)


def _heads_cost(
    week: tuple[np.ndarray, np.ndarray], candidates: Candidates, who: Sequence[int]
) -> float:
    """``sum_f per_head_f max(max_d S_fd, ceil(sum_d S_fd / days_f))`` for people ``who``."""
    per_head, days = week
    S = np.zeros((per_head.size, 7))
    np.add.at(S, (candidates.family[list(who)], candidates.day[list(who)]), 1.0)
    heads = np.maximum(S.max(axis=1), np.ceil(S.sum(axis=1) / days - 1e-9))
    return float(per_head @ heads)


def _on(layout: Layout, who: Sequence[int], breaks: Sequence[np.ndarray]) -> np.ndarray:
    """Agents on the phones per slot for people on ``who`` with ``breaks``."""
    on = np.zeros(layout.horizon)
    for j, starts in zip(who, breaks, strict=True):
        on[layout.shift_slots(j)] += 1.0
        for k, s in enumerate(starts):
            dur = int(layout.windows[int(layout.family[j])][k, 2])
            on[layout.slots(int(s), dur)] -= 1.0
    return on


def _part_start(
    part: _Part, who: Sequence[int], breaks: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The day part's shifts and breaks for these people (a partial start for HiGHS)."""
    index = {int(j): i for i, j in enumerate(part.members)}
    x = np.zeros(part.x.size)
    y = np.zeros(part.c.size)
    where = {}
    for ch in part.chains:
        for jp in ch.members:
            where[(int(jp), ch.k)] = ch
    for j, starts in zip(who, breaks, strict=True):
        jp = index[int(j)]
        x[jp] += 1.0
        for k, s in enumerate(starts):
            ch = where[(jp, k)]
            y[ch.y[int(s) - ch.first]] += 1.0
    ys = np.concatenate([ch.y for ch in part.chains]) if part.chains else np.zeros(0, np.int64)
    cols = np.r_[part.x, ys].astype(np.int64)
    values = np.r_[x, y[ys]]
    return cols, values


def _solution(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    types: Sequence[TourType],
    m: _TourModel,
    sol: np.ndarray,
    weight: np.ndarray,
    slot_s: int,
    cyclic: bool,
    soft: tuple[np.ndarray, float, float] | None,
) -> tuple[ModelSolution, list[tuple[int, tuple[int, ...]]]]:
    """Shifts, breaks, padded weeks and the lines (one per person-week)."""
    counts = np.round(sol[m.x]).astype(np.int64)
    breaks = assign_breaks(families, candidates, m.chains, counts, sol)
    cov: Any = m.coverage
    on = np.asarray(cov @ sol[: cov.shape[1]], dtype=np.float64)
    heads = np.round(sol[m.heads]).astype(np.int64)
    lines: list[tuple[int, tuple[int, ...]]] = []
    T = weight.size
    for f, family in enumerate(families):
        mine = [i for i, t in enumerate(types) if t.family == f]
        if not mine:
            continue
        members = np.flatnonzero(candidates.family == f)
        shifts = np.bincount(candidates.day[members], weights=counts[members], minlength=7)
        shifts = np.round(shifts).astype(np.int64)
        # person-days of each type per day, then whole weeks per type
        worked = np.zeros(7, dtype=np.int64)
        for i in mine:
            t = types[i]
            if len(mine) == 1:
                per_day = shifts.copy()
            else:
                per_day = np.array(
                    [round(float(sol[m.z[(i, d)]])) if (i, d) in m.z else 0 for d in range(7)],
                    dtype=np.int64,
                )
            if t.patterns:
                w = np.round(sol[m.w[i]]).astype(np.int64)
                for p, k in zip(t.patterns, w, strict=True):
                    lines.extend([(i, p)] * int(k))
                full = np.array(
                    [
                        sum(int(k) for p, k in zip(t.patterns, w, strict=True) if d not in p)
                        for d in range(7)
                    ],
                    dtype=np.int64,
                )
            else:
                full = _pad(per_day, int(heads[i]), t.days, t.closed)
                split = split_days_off(full, int(heads[i]), 7 - t.days, t.closed)
                for p, k in sorted(split.items()):
                    lines.extend([(i, p)] * k)
            worked += full
        extra = worked - shifts
        if np.any(extra < 0):
            raise RuntimeError("the tour heads do not cover the family's shifts")
        length = round(family.length_s / slot_s)
        for d in np.flatnonzero(extra > 0):
            today = members[candidates.day[members] == d]
            span = candidates.start[today][:, None] + np.arange(length)[None, :]
            span = span % T if cyclic else np.minimum(span, T - 1)
            j = int(today[np.argmax(weight[span].sum(axis=1))])
            row = np.array(
                [[candidates.start[j] + round(b.earliest_s / slot_s) for b in family.breaks]],
                dtype=np.int64,
            ).reshape(1, len(family.breaks))
            k = int(extra[d])
            breaks[j] = np.vstack(
                [breaks.get(j, np.zeros((0, row.shape[1]), np.int64))] + [row] * k
            )
            counts[j] += k
            shift_slots = candidates.start[j] + np.arange(length)
            shift_slots = shift_slots % T if cyclic else shift_slots[shift_slots < T]
            np.add.at(on, shift_slots, float(k))
            for brk, s in zip(family.breaks, row[0], strict=True):
                slots = s + np.arange(round(brk.duration_s / slot_s))
                slots = slots % T if cyclic else slots[slots < T]
                np.add.at(on, slots, -float(k))
    patterns: dict[int, dict[tuple[int, ...], int]] = {}
    people: dict[int, int] = {}
    for i, p in lines:
        f = types[i].family
        patterns.setdefault(f, {})
        patterns[f][p] = patterns[f].get(p, 0) + 1
        people[f] = people.get(f, 0) + 1
    daily = np.zeros((len(families), 7))
    np.add.at(daily, (candidates.family, candidates.day), counts)
    dummy = SolverReport("optimal", "", 0.0, 0.0, 0.0, True, 0.0, 0, 0, 0, 0)
    return ModelSolution(counts, breaks, patterns, people, daily, on, dummy), lines


def _pad(per_day: np.ndarray, heads: int, days: int, closed: frozenset[int]) -> np.ndarray:
    """Person-days per day raised.

    To ``days * heads`` in all, days off filled first where most people are off, each day
    at most ``heads``.

    Examples
    --------
    >>> _pad(np.array([3, 3, 2, 2, 2, 0, 0]), 3, 5, frozenset()).tolist()
    [3, 3, 2, 2, 2, 2, 1]
    """
    out = per_day.copy()
    short = days * heads - int(out.sum())
    while short > 0:
        room = [d for d in range(7) if d not in closed and out[d] < heads]
        if not room:
            raise RuntimeError("a tour type has more shifts than its people can work")
        d = max(room, key=lambda e: (heads - out[e], -e))
        out[d] += 1
        short -= 1
    return out


def rotation(
    lines: Sequence[tuple[int, tuple[int, ...]]],
    types: Sequence[TourType],
    weeks: int,
    weekend: frozenset[int],
) -> list[list[int]]:
    """People's weeks in a rotation of ``weeks`` weeks.

    For each person, the index of the line they work in each week.

    Each week every line is worked by exactly one person. People rotate in groups of the
    same tour family and days worked, of a size dividing ``weeks`` (so the rota repeats
    every ``weeks`` weeks): 4, 2 or 1 people for a 4-week rotation. The weekend lines
    (Saturday and Sunday off) are dealt to the groups in turn, the group whose people have
    the fewest weekends off first, so that weekends off are shared as evenly as the lines
    allow; in a group of ``m`` people each gets ``weeks / m`` times the group's weekend
    lines.

    Parameters
    ----------
    lines : sequence of (type, days off)
    types : sequence of TourType
    weeks : int
    weekend : frozenset of int
        Days of the horizon that are Saturday and Sunday.

    Returns
    -------
    list of list of int
        ``rota[p][k]`` is the line person ``p`` works in week ``k``.

    Examples
    --------
    Four lines, two with the weekend off, four weeks: each person has two weekends off.

    >>> t = [TourType(0, 5, False, frozenset())]
    >>> lines = [(0, (5, 6)), (0, (0, 1)), (0, (5, 6)), (0, (2, 3))]
    >>> rota = rotation(lines, t, 4, frozenset({5, 6}))
    >>> [sum({5, 6} <= set(lines[i][1]) for i in r) for r in rota]
    [2, 2, 2, 2]
    """
    if weeks == 1:
        return [[i] for i in range(len(lines))]
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (t, _) in enumerate(lines):
        key = (types[t].family, types[t].days)
        groups.setdefault(key, []).append(i)
    sizes = [s for s in range(weeks, 0, -1) if weeks % s == 0]
    rota: list[list[int]] = []
    for members in groups.values():
        off = [i for i in members if weekend <= set(lines[i][1])]
        on = [i for i in members if i not in off]
        count = len(members)
        cut: list[int] = []
        for s in sizes:
            while count >= s:
                cut.append(s)
                count -= s
        # deal the weekend lines: each group in turn to the one with the fewest per person
        dealt: list[list[int]] = [[] for _ in cut]
        for i in off:
            room = [g for g in range(len(cut)) if len(dealt[g]) < cut[g]]
            g = min(room, key=lambda g: (len(dealt[g]) * weeks / cut[g], -cut[g]))
            dealt[g].append(i)
        rest = iter(on)
        for g, s in enumerate(cut):
            group = dealt[g] + [next(rest) for _ in range(s - len(dealt[g]))]
            group = _spread(group, off)
            for p in range(s):
                rota.append([group[(p + k) % s] for k in range(weeks)])
    return rota


def _spread(group: list[int], off: list[int]) -> list[int]:
    """The group's lines ordered so that weekend lines alternate with the others."""
    a = [i for i in group if i in off]
    b = [i for i in group if i not in off]
    out: list[int] = []
    while a or b:
        if a:
            out.append(a.pop(0))
        if b:
            out.append(b.pop(0))
    return out


def describe_days(pattern: tuple[int, ...], weekday0: int) -> str:
    """Working weekdays of a days-off pattern (days of the horizon) as text.

    Examples
    --------
    >>> describe_days((5, 6), 0)
    'Mon-Fri'
    """
    return format_weekdays((weekday0 + d) % 7 for d in range(7) if d not in pattern)


def binding_rules(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    required: np.ndarray,
    *,
    slot_s: int,
    cyclic: bool,
    days_off: int | None,
    consecutive: bool,
    weekday0: int,
    weeks: int = 1,
    weekends_off: int = 0,
    deadline: Deadline | None = None,
) -> list[str]:
    """The rules whose relaxation lowers the least shortfall (agent-slots) of a week.

    The shortfall is that of the linear relaxation with a dominant price on every
    agent-slot short; a rule binds when dropping it alone lowers that shortfall. The
    rules tried: each family's ``max``, each contract's ``contract_max``, the weekends
    off, consecutive days off.

    Returns
    -------
    list of str
        The rules as they are written in the shift-family table or on the command line.
    """
    clock = deadline or Deadline(30.0)
    contracts = {f.contract: f.contract_max for f in families if f.contract_max is not None}
    heaviest = max(f.cost_per_shift for f in families)

    def shortfall(fams: Sequence[ShiftFamily], cons: bool, wo: int, ctr: dict) -> float:
        soft = (required, 1e3 * heaviest, 0.0)
        if days_off is None:
            sol = solve_model(
                fams,
                candidates,
                slot_s=slot_s,
                horizon_slots=required.size,
                cyclic=cyclic,
                lower=None,
                soft=soft,
                integer=False,
                time_limit_s=max(clock.left(), 0.5),
            )
            on = sol.on_phones
        else:
            types = tour_types(
                fams,
                candidates,
                days_off=days_off,
                consecutive=cons,
                cyclic=cyclic,
                weekday0=weekday0,
                weeks=weeks,
                weekends_off=wo,
            )
            m = _build(
                fams,
                candidates,
                types,
                slot_s=slot_s,
                horizon_slots=required.size,
                cyclic=cyclic,
                lower=None,
                soft=soft,
                service=None,
                contracts=ctr,
                weeks=weeks,
                weekends_off=wo,
            )
            x, _, _ = _milp(
                m, np.zeros(m.c.size, np.uint8), m.lower, m.upper, max(clock.left(), 0.5), 0.0
            )
            if x is None:
                return math.inf
            on = np.asarray(m.coverage @ x[: m.coverage.shape[1]])  # type: ignore[attr-defined]
        return float(np.maximum(required - on, 0.0).sum())

    base = shortfall(families, consecutive, weekends_off, dict(contracts))
    if base <= 1e-6:
        return []
    found: list[str] = []
    trials: list[tuple[str, Sequence[ShiftFamily], bool, int, dict]] = []
    for i, f in enumerate(families):
        if f.max_heads is not None:
            relaxed = list(families)
            relaxed[i] = dataclasses.replace(f, max_heads=None)
            trials.append(
                (
                    f"`max` {f.max_heads} of shift family {f.name!r}{_row(f)}",
                    relaxed,
                    consecutive,
                    weekends_off,
                    dict(contracts),
                )
            )
    for name, most in contracts.items():
        rest = {k: v for k, v in contracts.items() if k != name}
        trials.append(
            (
                f"`contract_max` {most} of contract {name!r}",
                families,
                consecutive,
                weekends_off,
                rest,
            )
        )
    if days_off is not None and weekends_off:
        trials.append(
            (
                f"{weekends_off} weekends off in {weeks} weeks (`weekends_off`)",
                families,
                consecutive,
                0,
                dict(contracts),
            )
        )
    if days_off is not None and consecutive:
        trials.append(("consecutive days off", families, False, weekends_off, dict(contracts)))
    for text, fams, cons, wo, ctr in trials:
        if clock.left() <= 0.5:
            break
        try:
            if shortfall(fams, cons, wo, ctr) < base - 1e-6:
                found.append(text)
        except StaffingError:
            continue
    return found

"""The shift-scheduling integer program, solved with HiGHS through :func:`scipy.optimize.milp`.

Time runs in slots of ``slot_s`` seconds (the largest step on which every interval, start
time, length and break window lies), ``T`` of them over the horizon.

Variables
---------
* ``x_j >= 0`` integer: shifts started at candidate ``j`` (a family, a day and a start
  time; set covering after Dantzig 1954).
* ``y_{f,k,c,tau} >= 0`` integer: breaks ``k`` of family ``f`` starting at slot ``tau``,
  shared by a *chain* ``c`` of the family's shifts whose windows for break ``k`` overlap
  (so a window's breaks belong to no other chain). Breaks get variables per break window
  rather than per shift-and-placement combination (Aykin 1996); shared by a chain,
  as in Bechtold and Jacobs (1990), they number about the chain's starts plus the
  window's width.
* with weekly tours, ``w_{f,P} >= 0``: people working family ``f`` with the days off
  ``P``, and ``H_f``, integer: the people on family ``f``. ``w`` is integer for
  consecutive days off; for any days off it may be continuous, because integer shifts per
  day ``S_d <= H`` with ``sum_d S_d = (7 - days off) H`` always split into ``H`` whole
  weeks (a day off taken by ``H - S_d`` people; list them in day order and give person
  ``i`` items ``i, i + H, ...``).
* with ``soft``, ``u_t, o_t >= 0``: agents short of and above the requirement in slot ``t``.
* with ``service``, ``n_i`` (agents on the phones in interval ``i``) and ``s_i`` (its
  modelled service level).

Constraints
-----------
* Coverage: ``on_t = sum_j a_{tj} x_j - sum b_{t,tau} y_tau`` agents on the phones in slot
  ``t``, with ``a_{tj} = 1`` when shift ``j`` spans ``t`` and ``b_{t,tau} = 1`` when a
  break starting at ``tau`` spans ``t`` (slots past the end wrap to the start with
  ``cyclic``, else fall outside the horizon). ``cover``: ``on_t >= ceil(r_t)``;
  ``soft``: ``on_t + u_t >= r_t`` and ``on_t - o_t <= r_t``; ``service``: ``on_t >=``
  the interval's floor (:mod:`staffing.scheduling.service`).
* Breaks, for each chain of shifts ``1..n`` in start order with windows ``[e_i, l_i]``
  (both rising with ``i``): ``sum_i x_i = sum_tau y_tau``; forward,
  ``sum_{m <= i} x_m <= y[.., l_i]`` (shifts ``1..i`` need breaks starting no later
  than ``l_i``); backward, ``sum_{m >= i} x_m <= y[e_i, ..]``. With windows moving
  forward together these are Hall's condition for giving every shift its own break
  inside its window (Bechtold and Jacobs 1990), so after solving, pairing shifts and
  breaks in time order gives every person their break. Chains of more than 48 starts
  (starts around the clock) write them cumulatively with continuous surplus variables,
  ``p_i = p_{i-1} + y(l_{i-1}, l_i] - x_i >= 0``, ``p_n = 0`` (and ``q_i`` backwards),
  so that each row holds a few entries.
* Heads: ``min_f <= sum_{j in f, day d} x_j <= max_f`` per day; with tours
  ``sum_{j in f, day d} x_j = sum_{P not containing d} w_{f,P}``,
  ``sum_P w_{f,P} = H_f`` and ``min_f <= H_f <= max_f`` (implicit tours, after Jacobs and
  Brusco 1996: the days off are chosen per family, the start times per day).
* ``service``: ``n_i <= mean_{t in i} on_t``; ``s_i <= SL_i(m) + slope_{i,m} (n_i - m)``
  for each chord; ``sum_{i in period} calls_i s_i >= target * sum_{i in period} calls_i``
  (Koole and van der Sluis 2003).

Objective
---------
``minimise sum_j paid_hours_j * cost_j * x_j`` plus, with ``soft``,
``under_cost * sum_t u_t + over_cost * sum_t o_t`` (both per agent-interval).

Solving
-------
See :func:`_solve` (linear relaxation for the bound, then HiGHS on each independent block,
e.g. each day of a daily schedule); weekly tours are solved by
:mod:`staffing.scheduling.tours`. When the model
is infeasible, :func:`staffing.scheduling.schedule` says which intervals cannot be
covered and by how much, and points to the ``soft`` objective, which always has a
solution.

References
----------
.. [1] G. B. Dantzig, "A comment on Edie's 'Traffic delays at toll booths'",
   Operations Research 2(3), 339-341, 1954. :doi:`10.1287/opre.2.3.339`
.. [2] T. Aykin, "Optimal shift scheduling with multiple break windows", Management
   Science 42(4), 591-602, 1996. :doi:`10.1287/mnsc.42.4.591`
.. [3] S. E. Bechtold and L. W. Jacobs, "Implicit modeling of flexible break assignments
   in optimal shift scheduling", Management Science 36(11), 1339-1351, 1990.
   :doi:`10.1287/mnsc.36.11.1339`
.. [4] L. W. Jacobs and M. J. Brusco, "Overlapping start-time bands in implicit tour
   scheduling", Management Science 42(9), 1247-1259, 1996.
   :doi:`10.1287/mnsc.42.9.1247`
.. [5] G. Koole and E. van der Sluis, "Optimal shift scheduling with a global service
   level constraint", IIE Transactions 35(11), 1049-1055, 2003.
   :doi:`10.1080/07408170304394`
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from staffing.errors import StaffingError
from staffing.scheduling.service import ServiceCurves
from staffing.scheduling.shifts import ShiftFamily

__all__ = [
    "NO_TIME",
    "BreakChain",
    "Candidates",
    "Infeasible",
    "ModelBuilder",
    "ModelSolution",
    "SolverReport",
    "assign_breaks",
    "break_chains",
    "cost_unit",
    "coverage_matrix",
    "objective_rows",
    "relative_gap",
    "round_up",
    "solve_model",
    "split_days_off",
    "tour_patterns",
]

_DAY_S = 86400
#: ``service``: (curves, slots per interval, target per period, period of each interval).
Service = tuple[ServiceCurves, int, "float | np.ndarray", np.ndarray]
#: The start of the message when no whole schedule was found in time (the caller adds the
#: limit it was given).
NO_TIME = "no schedule found within the time limit"
_DENSE_CHAIN = 48  # chains up to this many starts get the direct forward/backward rows


@dataclass(frozen=True)
class Candidates:
    """Shifts that may be started: one entry per family, day and start time.

    Attributes
    ----------
    family : ndarray of int
        Index of the family.
    day : ndarray of int
        Day of the horizon the shift starts on.
    start : ndarray of int
        Start slot, counted from the horizon's first midnight.
    """

    family: np.ndarray
    day: np.ndarray
    start: np.ndarray

    def __len__(self) -> int:
        return int(self.family.size)


@dataclass(frozen=True)
class SolverReport:
    """What the solver reached.

    Attributes
    ----------
    status : str
        ``"optimal"``: within the requested gap of the bound; ``"time limit"``: the best
        schedule found when time ran out; ``"gap not reached"``: every part solved but the
        schedule is further from the bound than the requested gap (the bound may be weak).
    message : str
        HiGHS's own words, or the bound reached.
    objective : float
        Objective of the schedule (paid hours or cost, plus shortfall costs with ``soft``).
    bound : float
        Best lower bound proven on the objective: no schedule costs less.
    gap : float
        ``(objective - bound) / objective``, the relative gap reached.
    proven_optimal : bool
        Whether the schedule reaches the bound: no schedule is cheaper.
    time_s : float
        Wall time of the solve [s].
    variables, integer_variables, constraints, nonzeros : int
        Size of the model.
    """

    status: str
    message: str
    objective: float
    bound: float
    gap: float
    proven_optimal: bool
    time_s: float
    variables: int
    integer_variables: int
    constraints: int
    nonzeros: int


@dataclass(frozen=True)
class ModelSolution:
    """Shifts and break times of a solved model.

    Attributes
    ----------
    counts : ndarray of int
        Shifts started per candidate.
    breaks : dict
        ``breaks[j]`` is an integer array of shape ``(counts[j], K)``: the start slot of
        each of the ``K`` breaks of every person on candidate ``j`` (sorted by the first).
    patterns : dict
        With tours, ``patterns[f]`` maps each days-off pattern (a tuple of days off) to its
        head count.
    people : dict
        With tours, the people on each family's weeks.
    daily : ndarray
        Shifts of each family (row) on each day (column), unrounded (fractional when the
        shifts were relaxed).
    on_phones : ndarray
        Agents on the phones per slot of the horizon, as the model counts them.
    report : SolverReport
    """

    counts: np.ndarray
    breaks: dict[int, np.ndarray]
    patterns: dict[int, dict[tuple[int, ...], int]]
    people: dict[int, int]
    daily: np.ndarray
    on_phones: np.ndarray
    report: SolverReport


@dataclass
class ModelBuilder:
    """Accumulates variables and constraint rows in coordinate form."""

    cost: list[np.ndarray] = field(default_factory=list)
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    integer: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    vals: list[np.ndarray] = field(default_factory=list)
    row_lower: list[np.ndarray] = field(default_factory=list)
    row_upper: list[np.ndarray] = field(default_factory=list)
    n_vars: int = 0
    n_rows: int = 0

    def variables(
        self,
        count: int,
        *,
        cost: float | np.ndarray = 0.0,
        lower: float | np.ndarray = 0.0,
        upper: float | np.ndarray = np.inf,
        integer: bool = False,
    ) -> np.ndarray:
        """Add ``count`` variables with their cost and bounds; return their indices."""
        index = np.arange(self.n_vars, self.n_vars + count)
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).copy())
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self.integer.append(np.full(count, 1 if integer else 0, dtype=np.uint8))
        self.n_vars += count
        return index

    def constraints(
        self, count: int, lower: float | np.ndarray, upper: float | np.ndarray
    ) -> np.ndarray:
        """Add ``count`` rows with bounds ``lower <= row <= upper``; return their indices."""
        index = np.arange(self.n_rows, self.n_rows + count)
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self.n_rows += count
        return index

    def entries(self, rows: np.ndarray, cols: np.ndarray, vals: float | np.ndarray) -> None:
        """Add coefficients ``vals`` at ``(rows, cols)`` (repeats are summed)."""
        rows = np.asarray(rows, dtype=np.int64)
        self.rows.append(rows)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), rows.shape).copy())

    def program(self) -> dict[str, Any]:
        """The program's arrays by name, as the solvers take them.

        ``c``, ``integrality``, ``lower``, ``upper``, ``A`` (:meth:`matrix`), ``row_lower``
        and ``row_upper``.
        """
        return {
            "c": np.concatenate(self.cost),
            "integrality": np.concatenate(self.integer),
            "lower": np.concatenate(self.lower),
            "upper": np.concatenate(self.upper),
            "A": self.matrix(),
            "row_lower": np.concatenate(self.row_lower),
            "row_upper": np.concatenate(self.row_upper),
        }

    def matrix(self) -> sparse.csr_array:
        """The constraint matrix, rows by variables."""
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        return sparse.coo_array((vals, (rows, cols)), shape=(self.n_rows, self.n_vars)).tocsr()


def tour_patterns(days_off: int, consecutive: bool, cyclic: bool) -> list[tuple[int, ...]]:
    """Days-off patterns of a 7-day week (days counted from the horizon's first day).

    Examples
    --------
    >>> len(tour_patterns(2, False, False)), tour_patterns(2, True, False)[:2]
    (21, [(0, 1), (1, 2)])
    >>> tour_patterns(2, True, True)[-1]  # the week repeats: the last and first day
    (0, 6)
    """
    if not 0 <= days_off < 7:
        raise StaffingError(f"`days_off` {days_off}: give 0 to 6 days off a week")
    if not consecutive or days_off <= 1:
        return list(itertools.combinations(range(7), days_off))
    last = 7 if cyclic else 8 - days_off
    return [tuple(sorted((s + i) % 7 for i in range(days_off))) for s in range(last)]


def _spans(
    starts: np.ndarray, length: np.ndarray, horizon: int, cyclic: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(owner position, slot) for each slot covered by ``[start, start + length)``."""
    owner = np.repeat(np.arange(starts.size), length)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(length) - length, length)
    slot = np.repeat(starts, length) + offset
    if cyclic:
        return owner, slot % horizon
    keep = slot < horizon
    return owner[keep], slot[keep]


@dataclass
class BreakChain:
    """Shifts of one family sharing the variables of one break's window."""

    family: int
    k: int
    members: np.ndarray  # candidate indices, by start
    earliest: int  # window offsets [slots]
    latest: int
    first: int  # slot of the first break variable
    y: np.ndarray  # break variable indices, one per slot from ``first``


def solve_model(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    *,
    slot_s: int,
    horizon_slots: int,
    cyclic: bool,
    lower: np.ndarray | None,
    soft: tuple[np.ndarray, float, float] | None = None,
    service: Service | None = None,
    tours: tuple[int, bool] | None = None,
    integer: bool = True,
    time_limit_s: float = 60.0,
    gap: float = 0.01,
) -> ModelSolution:
    """Build the model in the module notes and solve it.

    Parameters
    ----------
    families : sequence of ShiftFamily
    candidates : Candidates
    slot_s : int
        Slot length [s].
    horizon_slots : int
        Slots in the horizon ``T``.
    cyclic : bool
        Whether slots past the end wrap to the start.
    lower : ndarray or None
        Fewest agents on the phones per slot (``cover``, and the floor of ``service``).
    soft : (requirement per slot, under cost, over cost), optional
        Costs per agent and slot.
    service : (curves, slots per interval, target, period of each curve interval), optional
        The target is a fraction, or one per period (in the order of the sorted periods).
    tours : (days off, consecutive), optional
        Weekly tours on a 7-day horizon.
    integer : bool, default True
        False solves the linear relaxation only.
    time_limit_s, gap : float
        HiGHS's time limit [s] and relative gap.

    Returns
    -------
    ModelSolution

    Raises
    ------
    StaffingError
        No schedule found within the time limit; :class:`Infeasible` when the model has
        no solution (the caller says why).
    """
    T = horizon_slots
    b = ModelBuilder()
    fam_len = np.array([round(f.length_s / slot_s) for f in families], dtype=np.int64)
    fam_cost = np.array([f.cost_per_shift for f in families])
    fam_max = np.array([np.inf if f.max_heads is None else f.max_heads for f in families])
    x = b.variables(
        len(candidates),
        cost=fam_cost[candidates.family],
        upper=fam_max[candidates.family],
        integer=True,
    )
    chains = break_chains(families, candidates, slot_s, b)
    coverage = coverage_matrix(
        families, candidates, chains, fam_len, slot_s, T, cyclic, b.n_vars, x
    )
    patterns = (
        _tour_rows(families, candidates, tours[0], tours[1], cyclic, b, x)
        if tours is not None
        else _head_rows(families, candidates, b, x)
    )

    objective_rows(b, coverage, lower, soft, service)

    program = b.program()
    A, c, integrality = program["A"], program["c"], program["integrality"]
    if not integer:
        integrality[:] = 0
    sol, report = _solve(
        c,
        integrality,
        program["lower"],
        program["upper"],
        LinearConstraint(A, program["row_lower"], program["row_upper"]),
        time_limit_s,
        gap,
    )
    counts = np.round(sol[x]).astype(np.int64)
    people = {
        f: round(float(sol[t.heads[0]] if t.heads is not None else sol[t.w].sum()))
        for f, t in patterns.items()
    }
    daily = np.zeros((len(families), T * slot_s // _DAY_S))
    np.add.at(daily, (candidates.family, candidates.day), sol[x])
    on_phones = coverage @ sol[: coverage.shape[1]]
    if not integer:
        return ModelSolution(counts, {}, {}, people, daily, on_phones, report)
    breaks = assign_breaks(families, candidates, chains, counts, sol)
    heads: dict[int, dict[tuple[int, ...], int]] = {}
    for f, tour in patterns.items():
        if tour.heads is None:
            heads[f] = {
                p: int(sol[v]) for p, v in zip(tour.patterns, tour.w, strict=True) if sol[v] > 0
            }
        else:
            per_day = np.bincount(
                candidates.day[candidates.family == f],
                weights=counts[candidates.family == f],
                minlength=7,
            )
            heads[f] = split_days_off(
                np.round(per_day).astype(np.int64), people[f], tour.days_off, tour.closed
            )
    return ModelSolution(counts, breaks, heads, people, daily, on_phones, report)


def objective_rows(
    b: ModelBuilder,
    coverage: sparse.csr_array,
    lower: np.ndarray | None,
    soft: tuple[np.ndarray, float, float] | None,
    service: Service | None,
) -> None:
    """Coverage rows of the objective.

    ``cover``: ``on_t >= lower_t``; ``soft``: shortfall and surplus variables priced per
    slot; ``service``: see the module notes.
    """

    def coverage_rows(
        slots: np.ndarray, lo: np.ndarray | float, hi: np.ndarray | float
    ) -> np.ndarray:
        rows = b.constraints(slots.size, lo, hi)
        block = coverage[slots].tocoo()
        b.entries(rows[block.row], block.col, block.data)
        return rows

    if lower is not None:
        need = np.flatnonzero(lower > 0)
        coverage_rows(need, lower[need], np.inf)
    if soft is not None:
        required, under_cost, over_cost = soft
        need = np.flatnonzero(required > 0)
        b.entries(
            coverage_rows(need, required[need], np.inf),
            b.variables(need.size, cost=under_cost),
            1.0,
        )
        if over_cost > 0:
            spanned = np.flatnonzero(np.diff(coverage.indptr) > 0)
            b.entries(
                coverage_rows(spanned, -np.inf, required[spanned]),
                b.variables(spanned.size, cost=over_cost),
                -1.0,
            )
    if service is not None:
        _service_rows(service, coverage, b)


class Infeasible(StaffingError):
    """The model has no solution (the caller explains why)."""


def _highs(
    problem: _Problem,
    integrality: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    time_limit_s: float,
    gap: float,
) -> Any:
    """One call of HiGHS's branch and cut (or its simplex when nothing is integer)."""
    return milp(
        problem.c,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=LinearConstraint(problem.A, problem.row_lower, problem.row_upper),
        options={
            "time_limit": max(float(time_limit_s), 0.5),
            "mip_rel_gap": float(gap),
            "disp": False,
        },
    )


@dataclass(frozen=True)
class _Problem:
    """``min c x`` subject to ``row_lower <= A x <= row_upper``, bounds and integrality."""

    c: np.ndarray
    integrality: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    A: sparse.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray

    def part(self, cols: np.ndarray, rows: np.ndarray) -> _Problem:
        """The sub-problem on ``cols`` and ``rows`` (rows touching no other column)."""
        A = sparse.csr_array(self.A[rows][:, cols])
        return _Problem(
            self.c[cols],
            self.integrality[cols],
            self.lower[cols],
            self.upper[cols],
            A,
            self.row_lower[rows],
            self.row_upper[rows],
        )


def _solve(
    c: np.ndarray,
    integrality: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rows: LinearConstraint,
    time_limit_s: float,
    gap: float,
) -> tuple[np.ndarray, SolverReport]:
    """Solve the model to ``gap`` within ``time_limit_s`` (strategy in the notes).

    Notes
    -----
    1. The linear relaxation is solved first: its optimum is a lower bound on the cost
       of every schedule, and it proves infeasibility.
    2. The constraint matrix falls apart into independent blocks (for a daily schedule,
       usually one per day); HiGHS solves each on its own, with a share of the time left
       in proportion to its size. A block whose relaxation is already integral needs no
       branching.
    3. The gap is reported against the best bound proven: the relaxation's, or HiGHS's
       for a block solved whole, rounded up to the step of the cost when every cost
       sits on integer variables in whole multiples of one unit.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    problem = _Problem(
        c,
        integrality,
        lower,
        upper,
        sparse.csr_array(rows.A),
        np.asarray(rows.lb, dtype=float),
        np.asarray(rows.ub, dtype=float),
    )
    relaxed = _highs(problem, np.zeros_like(integrality), lower, upper, time_limit_s, gap)
    if relaxed.status == 2:
        raise Infeasible(f"the schedule model is infeasible ({relaxed.message})")
    if relaxed.x is None:
        raise StaffingError(
            f"the relaxation was not solved within {time_limit_s:g} s; give more "
            "`time_limit_s` or a coarser `start_step`"
        )
    solution = np.asarray(relaxed.x, dtype=float).copy()
    bound = 0.0
    ran_out = False
    blocks = _blocks(problem.A)
    remaining = float(sum(cols.size for cols, _ in blocks))
    for cols, block_rows in blocks:
        sub = problem.part(cols, block_rows)
        share = (deadline - time.perf_counter()) * cols.size / remaining
        remaining -= cols.size
        values, block_bound, out = _solve_block(sub, solution[cols], share, gap)
        solution[cols] = values
        bound += block_bound
        ran_out |= out
    objective = float(c @ solution)
    bound = _round_bound(c, integrality, bound)
    reached = relative_gap(objective, bound)
    ok = reached <= gap + 1e-12
    status = "optimal" if ok else ("time limit" if ran_out else "gap not reached")
    report = SolverReport(
        status=status,
        message=str(relaxed.message) if status == "optimal" else f"best bound {bound:g}",
        objective=objective,
        bound=bound,
        gap=reached,
        proven_optimal=reached <= 1e-9,
        time_s=time.perf_counter() - t0,
        variables=int(c.size),
        integer_variables=int(integrality.sum()),
        constraints=int(problem.A.shape[0]),
        nonzeros=int(problem.A.nnz),
    )
    return solution, report


def _blocks(A: sparse.csr_array) -> list[tuple[np.ndarray, np.ndarray]]:
    """Columns and rows of the connected blocks of ``A`` (a column without rows alone)."""
    m, n = A.shape
    pattern = sparse.csr_array((np.ones(A.nnz), A.indices, A.indptr), shape=(m, n))
    graph = sparse.block_array([[None, pattern], [pattern.T, None]], format="csr")
    count, labels = connected_components(graph, directed=False)
    row_label, col_label = labels[:m], labels[m:]
    col_order = np.argsort(col_label, kind="stable")
    row_order = np.argsort(row_label, kind="stable")
    col_cut = np.searchsorted(col_label[col_order], np.arange(count + 1))
    row_cut = np.searchsorted(row_label[row_order], np.arange(count + 1))
    out = [
        (col_order[col_cut[i] : col_cut[i + 1]], row_order[row_cut[i] : row_cut[i + 1]])
        for i in range(count)
    ]
    return [(cols, rows) for cols, rows in out if cols.size]


def _solve_block(
    sub: _Problem, relaxed: np.ndarray, time_limit_s: float, gap: float
) -> tuple[np.ndarray, float, bool]:
    """(solution, lower bound, whether time ran out) of one block."""
    lp_bound = float(sub.c @ relaxed)
    if sub.A.shape[0] == 0:  # a variable in no constraint: at its cheaper bound
        return (
            np.where(sub.c >= 0, sub.lower, sub.upper),
            float(sub.c @ np.where(sub.c >= 0, sub.lower, sub.upper)),
            False,
        )
    integer = sub.integrality.astype(bool)
    if not integer.any() or np.all(np.abs(relaxed[integer] - np.round(relaxed[integer])) < 1e-9):
        # integral up to rounding (2.9999999999999964): made whole, as HiGHS's answers are
        return _integral(sub, relaxed), lp_bound, False
    whole = _highs(sub, sub.integrality, sub.lower, sub.upper, time_limit_s, gap)
    if whole.status == 2:
        raise Infeasible(f"the schedule model is infeasible ({whole.message})")
    if whole.x is None:
        raise StaffingError(NO_TIME)
    bound = lp_bound
    dual = getattr(whole, "mip_dual_bound", None)
    if dual is not None and np.isfinite(dual):
        bound = max(bound, float(dual))
    return _integral(sub, whole.x), bound, whole.status == 1


def _integral(sub: _Problem, x: np.ndarray) -> np.ndarray:
    out = np.asarray(x, dtype=float).copy()
    integer = sub.integrality.astype(bool)
    out[integer] = np.round(out[integer])
    return out


def cost_unit(values: np.ndarray) -> float | None:
    """Largest step of which every value is a whole multiple.

    ``None`` if there is none with a denominator up to 3600.

    Examples
    --------
    >>> cost_unit(np.array([7.0, 8.0, 8.5])), cost_unit(np.array([35.0, 40.0, 42.5]))
    (0.5, 2.5)
    """
    unit: Fraction | None = None
    for value in np.unique(np.abs(values[values != 0])):
        f = Fraction(float(value)).limit_denominator(3600)
        if abs(float(f) - value) > 1e-9 * max(1.0, value):
            return None
        if unit is None:
            unit = f
        else:
            unit = Fraction(
                math.gcd(unit.numerator * f.denominator, f.numerator * unit.denominator),
                unit.denominator * f.denominator,
            )
    return None if unit is None else float(unit)


def round_up(bound: float, unit: float | None) -> float:
    """``bound`` rounded up to a whole number of ``unit`` (unchanged without one)."""
    if unit is None or not np.isfinite(bound):
        return bound
    return math.ceil(bound / unit - 1e-6) * unit


def _round_bound(c: np.ndarray, integrality: np.ndarray, bound: float) -> float:
    """``bound`` rounded up to the cost's step.

    When every cost on integer variables is a multiple of one unit (paid hours in half
    hours, say); else ``bound`` itself.
    """
    costly = c != 0
    if not costly.any() or np.any(costly & (integrality == 0)):
        return bound
    return round_up(bound, cost_unit(c))


def relative_gap(objective: float, bound: float) -> float:
    """Relative gap ``(objective - bound) / |objective|`` (0 when both are 0)."""
    if not np.isfinite(bound):
        return np.inf
    if objective == 0:
        return 0.0 if bound >= -1e-9 else np.inf
    return max(objective - bound, 0.0) / abs(objective)


def coverage_matrix(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    chains: list[BreakChain],
    fam_len: np.ndarray,
    slot_s: int,
    T: int,
    cyclic: bool,
    n_vars: int,
    x: np.ndarray,
) -> sparse.csr_array:
    """``on_t`` as a ``T x n_vars`` matrix: +1 per shift spanning ``t``, -1 per break."""
    owner, slot = _spans(candidates.start, fam_len[candidates.family], T, cyclic)
    rows, cols, vals = [slot], [x[owner]], [np.ones(slot.size)]
    for ch in chains:
        duration = round(families[ch.family].breaks[ch.k].duration_s / slot_s)
        starts = ch.first + np.arange(ch.y.size)
        owner, slot = _spans(starts, np.full(starts.size, duration), T, cyclic)
        rows.append(slot)
        cols.append(ch.y[owner])
        vals.append(-np.ones(slot.size))
    return sparse.coo_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(T, n_vars)
    ).tocsr()


def break_chains(
    families: Sequence[ShiftFamily], candidates: Candidates, slot_s: int, b: ModelBuilder
) -> list[BreakChain]:
    """Break variables and forward/backward rows of every chain (module notes)."""
    chains: list[BreakChain] = []
    for f, family in enumerate(families):
        members = np.flatnonzero(candidates.family == f)
        if members.size == 0:
            continue
        members = members[np.argsort(candidates.start[members], kind="stable")]
        a = candidates.start[members]
        for k, brk in enumerate(family.breaks):
            e, l_ = round(brk.earliest_s / slot_s), round(brk.latest_s / slot_s)
            # a new chain where a window starts after the previous one has ended
            cut = np.flatnonzero(a[1:] + e > a[:-1] + l_) + 1
            for part in np.split(np.arange(members.size), cut):
                chains.append(_chain(f, k, members[part], a[part], e, l_, b))
    return chains


def _chain(
    f: int, k: int, members: np.ndarray, a: np.ndarray, e: int, l_: int, b: ModelBuilder
) -> BreakChain:
    first, last = int(a[0] + e), int(a[-1] + l_)
    y = b.variables(last - first + 1, integer=True)
    n = members.size
    hi = a + l_ - first  # last break slot shift i may use
    lo = a + e - first  # first break slot shift i may use
    if n <= _DENSE_CHAIN:
        # sum_i x_i = sum y; forward (Bechtold and Jacobs 1990): shifts 1..i need breaks
        # starting no later than l_i; backward: shifts i..n need breaks from e_i on
        row = b.constraints(1, 0.0, 0.0)
        _window_entries(b, row, y, np.array([0]), np.array([y.size - 1]))
        b.entries(np.full(n, row[0]), members, 1.0)
        if n > 1:
            rows = b.constraints(n - 1, -np.inf, 0.0)
            _window_entries(b, rows, y, np.zeros(n - 1, dtype=np.int64), hi[:-1])
            i, m = np.tril_indices(n - 1)
            b.entries(rows[i], members[m], 1.0)
            rows = b.constraints(n - 1, -np.inf, 0.0)
            _window_entries(b, rows, y, lo[1:], np.full(n - 1, y.size - 1))
            i, m = np.triu_indices(n - 1)
            b.entries(rows[i], members[1:][m], 1.0)
        return BreakChain(f, k, members, e, l_, first, y)
    # long chains, cumulatively: p_i = p_{i-1} + y(l_{i-1}, l_i] - x_i >= 0, p_n = 0
    p = b.variables(n, upper=np.r_[np.full(n - 1, np.inf), 0.0])  # p_n = 0: every break used
    rows = b.constraints(n, 0.0, 0.0)
    _window_entries(b, rows, y, np.r_[0, hi[:-1] + 1], hi)
    b.entries(rows, p, 1.0)
    b.entries(rows[1:], p[:-1], -1.0)
    b.entries(rows, members, 1.0)
    # backward: q_i = q_{i+1} + y[e_i, e_{i+1}) - x_i
    q = b.variables(n)
    rows = b.constraints(n, 0.0, 0.0)
    _window_entries(b, rows, y, lo, np.r_[lo[1:] - 1, y.size - 1])
    b.entries(rows, q, 1.0)
    b.entries(rows[:-1], q[1:], -1.0)
    b.entries(rows, members, 1.0)
    return BreakChain(f, k, members, e, l_, first, y)


def _window_entries(
    b: ModelBuilder, rows: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> None:
    """``-1`` for ``y[lo_i..hi_i]`` in row ``i`` (none where ``hi_i < lo_i``)."""
    width = np.maximum(hi - lo + 1, 0)
    owner = np.repeat(np.arange(rows.size), width)
    pos = np.repeat(lo, width) + np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    b.entries(rows[owner], y[pos], -1.0)


def _head_rows(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    b: ModelBuilder,
    x: np.ndarray,
) -> dict[int, _Tours]:
    """``min <= shifts of the family on a day <= max``, for each day it works."""
    for f, family in enumerate(families):
        members = np.flatnonzero(candidates.family == f)
        days = np.unique(candidates.day[members])
        on_day = np.searchsorted(days, candidates.day[members])
        if family.min_heads > 0 or family.max_heads is not None:
            upper = np.inf if family.max_heads is None else family.max_heads
            rows = b.constraints(days.size, family.min_heads, upper)
            b.entries(rows[on_day], x[members], 1.0)
    return {}


@dataclass(frozen=True)
class _Tours:
    """Tour variables of one family: its patterns, their variables, its head count."""

    patterns: list[tuple[int, ...]]
    w: np.ndarray
    heads: np.ndarray | None  # the integer head count when ``w`` is continuous
    days_off: int
    closed: frozenset[int]  # days the family cannot work


def _tour_rows(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    days_off: int,
    consecutive: bool,
    cyclic: bool,
    b: ModelBuilder,
    x: np.ndarray,
) -> dict[int, _Tours]:
    """Pattern variables and the rows linking them to the daily shifts of each family.

    With any days off (not consecutive), integer shifts per day ``H_d <= P`` with
    ``sum_d H_d = (7 - days_off) P`` always split into ``P`` whole weeks (see
    :func:`split_days_off`), so the pattern variables may be continuous and only the
    head count ``P`` integer: the same schedules, a much easier integer program.
    """
    out: dict[int, _Tours] = {}
    every = tour_patterns(days_off, consecutive, cyclic)
    exact = consecutive and days_off > 1
    for f, family in enumerate(families):
        members = np.flatnonzero(candidates.family == f)
        worked = set(np.unique(candidates.day[members]).tolist())
        patterns = [p for p in every if set(range(7)) - set(p) <= worked]
        if not patterns and family.min_heads > 0:
            raise StaffingError(
                f"family {family.name!r} has `min` {family.min_heads} but no week of "
                f"{7 - days_off} working days fits its days and start times"
            )
        w = b.variables(len(patterns), integer=exact)
        # shifts of the family on day d = people whose pattern works day d
        rows = b.constraints(7, 0.0, 0.0)
        b.entries(rows[candidates.day[members]], x[members], 1.0)
        for i, p in enumerate(patterns):
            work = np.array([d for d in range(7) if d not in p], dtype=np.int64)
            b.entries(rows[work], np.full(work.size, w[i]), -1.0)
        upper = np.inf if family.max_heads is None else float(family.max_heads)
        heads = None
        if patterns and not exact:
            heads = b.variables(1, lower=family.min_heads, upper=upper, integer=True)
            row = b.constraints(1, 0.0, 0.0)
            b.entries(np.full(len(patterns), row[0]), w, 1.0)
            b.entries(row, heads, -1.0)
        elif patterns and (family.min_heads > 0 or family.max_heads is not None):
            row = b.constraints(1, family.min_heads, upper)
            b.entries(np.full(len(patterns), row[0]), w, 1.0)
        closed = frozenset(range(7)) - frozenset(worked)
        out[f] = _Tours(patterns, w, heads, days_off, closed)
    return out


def split_days_off(
    shifts: np.ndarray, heads: int, days_off: int, closed: frozenset[int]
) -> dict[tuple[int, ...], int]:
    """Whole weeks for ``heads`` people working ``shifts[d]`` shifts on day ``d``.

    Every day the family cannot work is a day off for all; the other days off, each
    day ``d`` taken by ``heads - shifts[d]`` people, are listed in day order and person
    ``i`` takes items ``i, i + heads, i + 2 heads, ...``: as no day appears more than
    ``heads`` times, a person never gets the same day twice.

    Examples
    --------
    Three people, five shifts each: days off Wed, Thu, Fri once, Sat twice, Sun once.

    >>> split_days_off(np.array([3, 3, 2, 2, 2, 1, 2]), 3, 2, frozenset())
    {(2, 5): 1, (3, 5): 1, (4, 6): 1}
    """
    rest = days_off - len(closed)
    items = np.repeat(
        [d for d in range(7) if d not in closed],
        [heads - int(shifts[d]) for d in range(7) if d not in closed],
    )
    out: dict[tuple[int, ...], int] = {}
    for i in range(heads):
        key = tuple(sorted({*closed, *(int(items[i + m * heads]) for m in range(rest))}))
        out[key] = out.get(key, 0) + 1
    return out


def _service_rows(
    service: Service,
    coverage: sparse.csr_array,
    b: ModelBuilder,
) -> None:
    """``n_i <= mean on_t``; ``s_i`` under every chord; calls-weighted level per period."""
    curves, per_interval, target, period = service
    m = curves.slots.size
    n = b.variables(m, lower=curves.floor.astype(float))
    s = b.variables(m, upper=curves.top)
    slots = (curves.slots[:, None] * per_interval + np.arange(per_interval)[None, :]).ravel()
    block = coverage[slots].tocoo()
    rows = b.constraints(m, -np.inf, 0.0)
    b.entries(rows, n, 1.0)
    b.entries(rows[block.row // per_interval], block.col, -block.data / per_interval)
    seg = curves.segment
    rows = b.constraints(seg.size, -np.inf, curves.value - curves.slope * curves.at)
    b.entries(rows, s[seg], 1.0)
    b.entries(rows, n[seg], -curves.slope)
    periods, pos = np.unique(period, return_inverse=True)
    total = np.zeros(periods.size)
    np.add.at(total, pos, curves.weights)
    rows = b.constraints(periods.size, target * total, np.inf)
    b.entries(rows[pos], s, curves.weights)


def assign_breaks(
    families: Sequence[ShiftFamily],
    candidates: Candidates,
    chains: list[BreakChain],
    counts: np.ndarray,
    sol: np.ndarray,
) -> dict[int, np.ndarray]:
    """Give every person their breaks: a chain's shifts and breaks paired in time order.

    Windows of a chain move forward with the start, so pairing the ``i``-th earliest
    person with the ``i``-th earliest break gives each a break inside their window
    whenever the forward and backward constraints hold; this is checked.
    """
    breaks = {
        int(j): np.zeros((counts[j], len(families[candidates.family[j]].breaks)), dtype=np.int64)
        for j in np.flatnonzero(counts > 0)
    }
    for ch in chains:
        x = counts[ch.members]
        people = np.repeat(ch.members, x)
        times = np.repeat(ch.first + np.arange(ch.y.size), np.round(sol[ch.y]).astype(np.int64))
        start = candidates.start[people]
        if times.size != people.size or np.any(
            (times < start + ch.earliest) | (times > start + ch.latest)
        ):
            raise RuntimeError("a break could not be placed inside its window")
        rank = np.arange(people.size) - np.repeat(np.cumsum(x) - x, x)
        for j in np.unique(people):
            mine = people == j
            breaks[int(j)][rank[mine], ch.k] = times[mine]
    return breaks

"""The hiring plan as a mixed-integer program, solved by HiGHS through :func:`scipy.optimize.milp`.

Weeks ``t = 0 .. H-1``; requirement ``D_t`` (productive FTE); the cohort model of
:mod:`staffing.capacity.cohorts` gives productive FTE ``T_t + sum_h A[t, h] x_h`` and paid
FTE ``T_t + sum_h B[t, h] x_h``.

Variables
---------
* ``x_h`` integer in ``0 .. class_max``: people in the class decided in week ``h``,
  ``h = 0 .. H-1-L`` (a class decided later would start after the horizon).
* ``u_t >= 0``, ``v_t >= 0``: productive FTE short of and above the requirement in week
  ``t``.
* with ``class_every = k > 1``, ``y_h`` binary: a class is decided in week ``h``.

Constraints
-----------
* Balance, each week: ``T_t + sum_h A[t, h] x_h + u_t - v_t = D_t``.
* Classes: ``x_h <= class_max`` and, with ``k > 1``, ``x_h <= class_max y_h`` and
  ``sum_{h = w .. w+k-1} y_h <= 1`` for every window start ``w`` (at most one class in any
  ``k`` consecutive weeks).
* Cover (shortage cost ``inf``, or a service level): ``sum_h A[t, h] x_h >= F_t - T_t``
  for every week ``t`` some class can reach, with the floor ``F_t = D_t`` (or ``D_t``
  plus a buffer for a service level, :func:`staffing.capacity.capacity_plan`). Weeks no
  class can reach (before ``L + C`` weeks) are left to the balance row.

Objective
---------
``minimise sum_t (T_t + sum_h B[t, h] x_h) + shortage_cost sum_t u_t + surplus_cost
sum_t v_t``: paid FTE-weeks plus the price of the weeks short (and over). With
``objective="hires"``, ``minimise sum_h x_h`` under the cover rows: the fewest hires that
cover every reachable week (:func:`fewest_hires`).

When the model is infeasible
----------------------------
Only the cover rows can make it so: a week needs more productive FTE than classes of at
most ``class_max`` can bring by then. :func:`solve_hiring` raises a
:class:`~staffing.errors.StaffingError` naming the first such week, what it needs and the
most it can have; the remedies are a larger ``class_max``, a shorter lead or classroom,
a lower service level (or a finite shortage cost, which is always feasible), or the
difference committed to a partner.

References
----------
.. [1] N. Gans and Y.-P. Zhou, "Managing learning and turnover in employee staffing",
   Operations Research 50(6), 991-1006, 2002. :doi:`10.1287/opre.50.6.991.343`
.. [2] T. R. Robbins and T. P. Harrison, "New project staffing for outsourced call
   centers with global service level agreements", Service Science 3(1), 41-66, 2011.
   :doi:`10.1287/serv.3.1.41`
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from staffing.capacity.cohorts import CapacityRules, ClassMatrices, class_matrices
from staffing.errors import StaffingError

__all__ = ["HiringSolution", "SolverReport", "fewest_hires", "solve_hiring"]

_STATUS = {0: "optimal", 1: "time limit", 2: "infeasible", 3: "unbounded", 4: "failed"}


@dataclass(frozen=True)
class SolverReport:
    """What HiGHS reached.

    Attributes
    ----------
    status : str
        ``"optimal"`` (within the gap asked) or ``"time limit"`` (the best plan found when
        time ran out).
    message : str
        HiGHS's own words.
    objective : float
        The plan's objective (paid FTE-weeks plus shortage and surplus costs; hires with
        ``objective="hires"``).
    bound : float
        Best lower bound proven: no plan does better.
    gap : float
        ``(objective - bound) / |objective|``.
    time_s : float
        Wall time of the solve [s].
    variables, integer_variables, constraints : int
        Size of the model.
    """

    status: str
    message: str
    objective: float
    bound: float
    gap: float
    time_s: float
    variables: int
    integer_variables: int
    constraints: int


@dataclass(frozen=True)
class HiringSolution:
    """Class sizes of a solved model.

    Attributes
    ----------
    classes : ndarray of int
        People in the class decided in each week ``matrices.decided``.
    matrices : ClassMatrices
    report : SolverReport
    """

    classes: np.ndarray
    matrices: ClassMatrices
    report: SolverReport


def _gap(objective: float, bound: float) -> float:
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.nan
    if objective == bound:
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1e-12)


def solve_hiring(
    requirement: np.ndarray,
    headcount: float,
    rules: CapacityRules,
    *,
    floor: np.ndarray | None = None,
    objective: Literal["cost", "hires"] = "cost",
    time_limit_s: float = 60.0,
    gap: float = 1e-4,
    matrices: ClassMatrices | None = None,
    week_names: Sequence[str] | None = None,
) -> HiringSolution:
    """Solve the hiring model of the module notes.

    Parameters
    ----------
    requirement : ndarray
        ``D_t``, productive FTE needed each week.
    headcount : float
        ``N0``, tenured FTE at the start of week 0.
    rules : CapacityRules
    floor : ndarray, optional
        ``F_t``: productive FTE each reachable week must have (NaN: no floor). A shortage
        cost of ``inf`` (or ``objective="hires"``) floors every reachable week at ``D_t``.
    objective : {"cost", "hires"}, default "cost"
        Paid FTE-weeks plus shortage and surplus costs, or the fewest hires.
    time_limit_s, gap : float
        HiGHS's time limit [s] and relative gap (default 0.01%: on a year of some 11,000
        paid FTE-weeks, about one FTE-week).
    matrices : ClassMatrices, optional
        The cohort model, when already built.
    week_names : sequence of str, optional
        How messages name the weeks (default ``week 1``, ``week 2``, ...).

    Returns
    -------
    HiringSolution

    Raises
    ------
    StaffingError
        The floors cannot be met (see the module notes), or HiGHS found no plan in time.

    Examples
    --------
    No lead, no training, no attrition, starting from nobody: the plan hires up to the
    requirement's running maximum.

    >>> rules = CapacityRules(attrition_per_year=0, hire_lead_weeks=0, classroom_weeks=0,
    ...                       ramp_weeks=0, early_attrition=0, shortage_cost=float("inf"))
    >>> solve_hiring(np.array([3.0, 5.0, 4.0, 6.0]), 0, rules).classes.tolist()
    [3, 2, 0, 1]
    """
    D = np.asarray(requirement, dtype=float)
    H = D.size
    m = matrices or class_matrices(H, headcount, rules)
    A, B, T = m.productive, m.paid, m.tenured
    n = m.decided.size
    k = rules.class_every_weeks
    windows = k > 1 and n > 1
    n_y = n if windows else 0
    # columns: x (n), u (H), v (H), y (n_y)
    n_var = n + 2 * H + n_y
    hard = math.isinf(rules.shortage_cost) or objective == "hires"
    F = np.full(H, np.nan) if floor is None else np.asarray(floor, dtype=float).copy()
    if hard:
        F = np.where(np.isnan(F), D, np.maximum(F, D))
    F = np.where(m.reachable, F, np.nan)

    c = np.zeros(n_var)
    if objective == "hires":
        c[:n] = 1.0
    else:
        c[:n] = B.sum(axis=0)
        c[n : n + H] = 0.0 if math.isinf(rules.shortage_cost) else rules.shortage_cost
        c[n + H : n + 2 * H] = rules.surplus_cost
    blocks = [
        sparse.hstack(
            [
                sparse.csr_array(A),
                sparse.eye_array(H),
                -sparse.eye_array(H),
                sparse.csr_array((H, n_y)),
            ],
        ),
    ]
    lo = [D - T]
    hi = [D - T]
    covered = np.flatnonzero(~np.isnan(F))
    if covered.size:
        blocks.append(
            sparse.hstack(
                [sparse.csr_array(A[covered]), sparse.csr_array((covered.size, 2 * H + n_y))]
            )
        )
        lo.append(F[covered] - T[covered])
        hi.append(np.full(covered.size, np.inf))
    if windows:
        link = sparse.hstack(
            [
                sparse.eye_array(n),
                sparse.csr_array((n, 2 * H)),
                -rules.class_max * sparse.eye_array(n),
            ]
        )
        starts = np.arange(n)
        rows = np.repeat(starts, k)
        cols = rows + np.tile(np.arange(k), n)
        keep = cols < n
        window = sparse.csr_array((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(n, n))
        blocks += [link, sparse.hstack([sparse.csr_array((n, n + 2 * H)), window])]
        lo += [np.full(n, -np.inf), np.full(n, -np.inf)]
        hi += [np.zeros(n), np.ones(n)]
    matrix = sparse.csr_array(sparse.vstack(blocks))
    lower = np.zeros(n_var)
    upper = np.full(n_var, np.inf)
    upper[:n] = rules.class_max
    if n_y:
        upper[n + 2 * H :] = 1.0
    integrality = np.zeros(n_var)
    integrality[:n] = 1
    integrality[n + 2 * H :] = 1
    t0 = time.perf_counter()
    res = milp(
        c,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=LinearConstraint(matrix, np.concatenate(lo), np.concatenate(hi)),
        options={
            "time_limit": max(float(time_limit_s), 0.1),
            "mip_rel_gap": float(gap),
            "disp": False,
        },
    )
    elapsed = time.perf_counter() - t0
    if res.status == 2:
        raise StaffingError(_infeasible_message(D, F, m, rules, week_names))
    if res.x is None:
        raise StaffingError(
            f"no hiring plan found within {time_limit_s:g} s ({res.message}); give more "
            "`time_limit_s` or a larger `gap`"
        )
    x = np.rint(res.x[:n]).astype(np.int64)
    constant = 0.0 if objective == "hires" else float(T.sum())
    value = float(c[:n] @ x) if objective == "hires" else float(res.fun) + constant
    bound = float(getattr(res, "mip_dual_bound", np.nan)) + constant
    report = SolverReport(
        status=_STATUS.get(int(res.status), "failed"),
        message=str(res.message),
        objective=value,
        bound=bound,
        gap=_gap(value, bound),
        time_s=elapsed,
        variables=n_var,
        integer_variables=int(integrality.sum()),
        constraints=int(matrix.shape[0]),
    )
    return HiringSolution(x, m, report)


def _infeasible_message(
    D: np.ndarray,
    F: np.ndarray,
    m: ClassMatrices,
    rules: CapacityRules,
    week_names: Sequence[str] | None,
) -> str:
    """The first week whose floor even the largest classes every allowed week miss."""
    most = m.tenured + m.productive.sum(axis=1) * rules.class_max
    short = np.flatnonzero(~np.isnan(F) & (most + 1e-9 < F))
    every = (
        "every week"
        if rules.class_every_weeks == 1
        else f"one every {rules.class_every_weeks} weeks"
    )
    remedy = (
        "raise `class_max`, shorten `hire_lead_weeks` or `classroom_weeks`, lower the "
        "`service` level or give a finite `shortage_cost`, or commit the difference to a "
        "partner"
    )
    if short.size:
        t = int(short[0])
        week = week_names[t] if week_names is not None else f"week {t + 1}"
        return (
            f"no hiring plan covers {week}: it needs {F[t]:,.1f} productive FTE, and "
            f"classes of {rules.class_max} {every} reach at most {most[t]:,.1f} by then; " + remedy
        )
    return (
        f"no hiring plan covers every week: classes of at most {rules.class_max}, {every}, "
        f"cannot meet the floors together; {remedy}"
    )


def fewest_hires(
    requirement: np.ndarray,
    headcount: float,
    rules: CapacityRules,
    *,
    time_limit_s: float = 60.0,
) -> int:
    """The fewest people to hire so that every week a class can reach is covered.

    Parameters
    ----------
    requirement : ndarray
        Productive FTE needed each week.
    headcount : float
        Tenured FTE at the start.
    rules : CapacityRules
        Its shortage and surplus costs play no part.
    time_limit_s : float, default 60
        HiGHS's time limit [s].

    Returns
    -------
    int

    Raises
    ------
    StaffingError
        When no classes within the rules cover every reachable week.

    Notes
    -----
    The cover rows of the module notes with ``minimise sum_h x_h``, solved to optimality
    (gap 0). More attrition never needs fewer hires: a plan covering the requirement
    under more attrition covers it under less (every class and the starting staff keep
    at least as many people), so the fewest hires can only grow with attrition.

    Examples
    --------
    >>> rules = CapacityRules(attrition_per_year="10%/week", hire_lead_weeks=0,
    ...                       classroom_weeks=0, ramp_weeks=0, early_attrition=0)
    >>> fewest_hires(np.array([10.0, 10.0, 10.0]), 10, rules)  # 9 then 9 of 10 by week 2: 1 + 1
    2
    """
    solution = solve_hiring(
        requirement, headcount, rules, objective="hires", time_limit_s=time_limit_s, gap=0.0
    )
    return int(solution.classes.sum())

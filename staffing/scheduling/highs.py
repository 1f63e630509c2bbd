"""HiGHS through its own Python API (``highspy``).

A linear or integer program solved with a time limit, optionally from a starting solution.

:func:`scipy.optimize.milp` runs the same solver but takes no starting solution; the tour
model needs one (:mod:`staffing.scheduling.tours`), so it talks to HiGHS directly here.

References
----------
.. [1] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   Mathematical Programming Computation 10, 119-142, 2018.
   :doi:`10.1007/s12532-017-0130-5`
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["HighsResult", "solve_highs"]

_BANNER_SHOWN = False


def _new_highs() -> Any:
    """A silent ``highspy.Highs`` (its one-time banner on file descriptor 1 sent away)."""
    global _BANNER_SHOWN
    import highspy

    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError, AttributeError):
            saved = None
        if saved is None:
            h = highspy.Highs()
        else:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
            finally:
                _flush_c()
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h


def _flush_c() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to ask (Windows)
        pass


@dataclass(frozen=True)
class HighsResult:
    """What one HiGHS call gave back.

    Attributes
    ----------
    x : ndarray or None
        The best solution found (None when there is none).
    objective : float
        Its objective (``inf`` without one).
    bound : float
        The best lower bound proven (``-inf`` when none).
    status : str
        ``"optimal"``, ``"infeasible"``, ``"time limit"``, or HiGHS's own word.
    row_dual : ndarray or None
        With a linear program solved to optimality, the rows' dual values (reduced costs
        are ``c - A.T @ row_dual``).
    """

    x: np.ndarray | None
    objective: float
    bound: float
    status: str
    row_dual: np.ndarray | None = None


def solve_highs(
    c: np.ndarray,
    A: sparse.csr_array | sparse.csc_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    integrality: np.ndarray | None,
    *,
    time_limit_s: float,
    gap: float = 1e-4,
    start: np.ndarray | tuple[np.ndarray, np.ndarray] | None = None,
    deadline: float | None = None,
) -> HighsResult:
    """Solve ``min c x`` with HiGHS.

    Subject to ``row_lower <= A x <= row_upper``, ``lower <= x <= upper`` and ``x_j``
    whole where ``integrality[j]`` (none: the linear program).

    Parameters
    ----------
    c, A, row_lower, row_upper, lower, upper : array
        The program.
    integrality : ndarray or None
        1 for integer variables; None or all zero solves the linear program.
    time_limit_s : float
        HiGHS's time limit [s].
    gap : float
        Relative gap at which branch and bound stops.
    start : ndarray or (columns, values), optional
        A feasible solution to start branch and bound from (HiGHS's ``setSolution``): every
        column's value, or the values of some columns (HiGHS completes the rest).
    deadline : float, optional
        ``time.perf_counter()`` at which the solve is interrupted, whatever HiGHS is doing
        (its own time limit is checked less often in some of its steps).

    Returns
    -------
    HighsResult

    Examples
    --------
    >>> from scipy import sparse
    >>> r = solve_highs(np.array([1.0, 1.0]), sparse.csr_array([[1.0, 2.0]]),
    ...                 np.array([3.0]), np.array([np.inf]), np.zeros(2),
    ...                 np.full(2, np.inf), np.array([1, 1]), time_limit_s=5.0)
    >>> r.status, r.objective
    ('optimal', 2.0)
    """
    import highspy

    h = _new_highs()
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.05))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    csc = sparse.csc_array(A)
    lp = highspy.HighsLp()
    lp.num_col_ = int(csc.shape[1])
    lp.num_row_ = int(csc.shape[0])
    lp.col_cost_ = np.asarray(c, dtype=np.float64)
    lp.col_lower_ = np.asarray(lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    mip = integrality is not None and bool(np.any(integrality))
    if mip:
        assert integrality is not None
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v > 0 else highspy.HighsVarType.kContinuous
            for v in np.asarray(integrality)
        ]
    h.passModel(lp)
    if mip and isinstance(start, tuple):
        cols, values = start
        h.setSolution(
            len(cols),
            np.asarray(cols, dtype=np.int32),
            np.asarray(values, dtype=np.float64),
        )
    elif mip and start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=np.float64)
        sol.value_valid = True
        h.setSolution(sol)
    if deadline is not None:

        def stop(event: Any) -> None:
            if time.perf_counter() > deadline:
                event.interrupt()

        h.cbSimplexInterrupt += stop
        h.cbIpmInterrupt += stop
        h.cbMipInterrupt += stop
    h.run()
    model_status = h.getModelStatus()
    word = h.modelStatusToString(model_status)
    status = {
        "Optimal": "optimal",
        "Infeasible": "infeasible",
        "Time limit reached": "time limit",
        "Interrupted by user": "time limit",
    }.get(word, word)
    info = h.getInfo()
    has = info.primal_solution_status >= 2 if mip else word == "Optimal"
    solution = h.getSolution()
    x = np.asarray(solution.col_value, dtype=np.float64) if has else None
    dual = (
        np.asarray(solution.row_dual, dtype=np.float64)
        if not mip and word == "Optimal" and solution.dual_valid
        else None
    )
    objective = float(info.objective_function_value) if has else np.inf
    if mip:
        bound = float(info.mip_dual_bound)
        if not np.isfinite(bound):
            bound = -np.inf
    else:
        bound = objective if word == "Optimal" else -np.inf
    return HighsResult(x, objective, bound, status, dual)

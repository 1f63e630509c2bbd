"""The spreadsheet's hiring plan: hire the gap, as if new hires were productive at once.

The roll-forward most capacity spreadsheets do, week by week from the first week a class
can land in (``L + C``, lead and classroom): the projected headcount is the starting
staff and the classes already hired, each leaving at the tenured weekly rate ``a`` from
the week it "lands"; a class is hired for the week it would leave the classroom, sized
to the gap between the requirement and that projection, rounded up to whole people, at
most ``class_max``. The projection counts a new hire as a full tenured FTE from the first
ramp week and ignores early attrition: that is its error, and why it under-staffs the
weeks after each hiring wave. With ``class_every = k``, classes are decided every ``k``
weeks from week 0 and each is sized to the largest gap of the ``k`` weeks it lands for.

The plan is judged by the same cohort model as the optimised one
(:mod:`staffing.capacity.cohorts`): what the classes it hires really produce.
"""

from __future__ import annotations

import math

import numpy as np

from staffing.capacity.cohorts import CapacityRules, weekly_survival

__all__ = ["hire_to_gap"]


def hire_to_gap(requirement: np.ndarray, headcount: float, rules: CapacityRules) -> np.ndarray:
    """Class sizes of the hire-to-gap roll-forward (see the module notes).

    Parameters
    ----------
    requirement : ndarray
        Productive FTE needed each week.
    headcount : float
        Tenured FTE at the start of week 0.
    rules : CapacityRules

    Returns
    -------
    ndarray of int
        People in the class decided in each week ``0 .. H-1-L``.

    Examples
    --------
    One week of lead, one in the classroom: the class decided in week 0 lands in week 2
    and is sized to that week's gap, 12 - 10 (nobody leaves here).

    >>> rules = CapacityRules(attrition_per_year=0, hire_lead_weeks=1, classroom_weeks=1,
    ...                       ramp_weeks=2, early_attrition="20%")
    >>> hire_to_gap(np.array([10.0, 10.0, 12.0, 12.0, 13.0]), 10, rules).tolist()
    [2, 0, 1, 0]
    """
    D = np.asarray(requirement, dtype=float)
    H = D.size
    L, C, k = rules.hire_lead_weeks, rules.classroom_weeks, rules.class_every_weeks
    n = max(H - L, 0)
    x = np.zeros(n, dtype=np.int64)
    s = weekly_survival(rules.attrition_per_year)
    weeks = np.arange(H)
    projected = float(headcount) * s**weeks  # what the spreadsheet believes it has
    for h in range(0, n, k):
        land = h + L + C
        if land >= H:
            break
        span = slice(land, min(land + k, H))
        gap = float(np.max(D[span] - projected[span]))
        size = min(rules.class_max, max(0, math.ceil(gap - 1e-9)))
        if size:
            x[h] = size
            later = weeks[land:]
            projected[land:] += size * s ** (later - land)
    return x

"""Escalation bands: how far below target an interval is, in the words planners use.

==========================  =====================  ==========================================
shortfall [points]          band                   what the floor does
==========================  =====================  ==========================================
<= 0                        ``met``                nothing
(0, 5]                      ``warning``            watch the queue
(5, 10]                     ``interrupt offline``  pull agents from coaching, training, email
> 10                        ``all hands``          everyone who can take calls takes calls
==========================  =====================  ==========================================

The edges (5 and 10 points by default) are configurable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from staffing.errors import StaffingError

__all__ = ["BANDS", "check_edges", "escalation_band"]

#: Band labels from best to worst.
BANDS: tuple[str, ...] = ("met", "warning", "interrupt offline", "all hands")


def escalation_band(shortfall_pts: Any, edges: Sequence[float] = (5.0, 10.0)) -> np.ndarray:
    """Escalation band of each interval from its shortfall below target.

    Parameters
    ----------
    shortfall_pts : float, array-like or Series
        Target minus predicted value, in percentage points (``80 - 74.5 = 5.5``);
        zero or negative means the target is met.
    edges : (float, float), default (5.0, 10.0)
        Upper edges of the ``warning`` and ``interrupt offline`` bands [points].

    Returns
    -------
    ndarray of str
        Same shape as ``shortfall_pts``: ``"met"``, ``"warning"``,
        ``"interrupt offline"`` or ``"all hands"``; ``"n/a"`` where the shortfall is NaN.

    Raises
    ------
    StaffingError
        Edges that are not two increasing positive numbers.

    Notes
    -----
    Band ``k`` holds shortfalls ``s`` with ``edge[k-1] < s <= edge[k]`` (edge[-1] = 0);
    an interval exactly 5 points short is still a ``warning``.

    Examples
    --------
    >>> escalation_band([-2.0, 0.0, 3.0, 5.0, 7.5, 12.0]).tolist()
    ['met', 'met', 'warning', 'warning', 'interrupt offline', 'all hands']
    >>> escalation_band([4.0, 4.5], edges=(2, 4)).tolist()
    ['interrupt offline', 'all hands']
    """
    low, high = check_edges(edges)
    s = np.asarray(getattr(shortfall_pts, "to_numpy", lambda: shortfall_pts)(), dtype=float)
    conditions = [s <= 0.0, s <= low, s <= high, s > high]
    return np.select(conditions, list(BANDS), default="n/a")


def check_edges(edges: Sequence[float]) -> tuple[float, float]:
    """Validate the two escalation-band edges [percentage points below target].

    Parameters
    ----------
    edges : sequence of two floats
        Where ``warning`` ends and ``interrupt offline`` ends (default ``(5, 10)``).

    Returns
    -------
    tuple of float
        The edges as floats.

    Raises
    ------
    StaffingError
        Unless they are two increasing positive finite numbers.

    Examples
    --------
    >>> check_edges([5, 10])
    (5.0, 10.0)
    """
    values = [float(e) for e in edges]
    if len(values) != 2 or not 0.0 < values[0] < values[1] or not np.isfinite(values[1]):
        raise StaffingError(
            f"band edges {tuple(edges)}: give two increasing positive numbers of points, e.g. 5,10"
        )
    return values[0], values[1]

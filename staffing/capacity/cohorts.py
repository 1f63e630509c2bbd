"""Hiring classes through their first months, and the rules they follow.

A class of ``x`` people decided in week ``h`` starts the classroom in week ``c = h + L``
(``L`` weeks of recruiting lead, unpaid). Counting ``k = t - c`` weeks from its start:

* **who is there**: ``sigma_k`` of the class. Of each class a share ``e`` (early
  attrition) leaves evenly, geometrically, over the ``C`` classroom and ``R`` ramp weeks,
  ``sigma_k = q^k`` with ``q = (1 - e)^(1 / (C + R))`` for ``k <= C + R``; afterwards the
  survivors leave like tenured staff, ``sigma_k = (1 - e) s^(k - C - R)``, where
  ``s = 1 - a`` and ``a = 1 - (1 - annual)^(1/52)`` is the weekly attrition. With no
  classroom and no ramp the early leavers are gone before the first week,
  ``sigma_k = (1 - e) s^k``.
* **what they produce**: ``eta_k`` of a tenured FTE: 0 in the classroom (``k < C``), a
  linearly rising share ``r0 + (1 - r0) (k - C) / R`` in the ramp weeks
  (``C <= k < C + R``, from the ramp start ``r0`` towards 100%), 1 afterwards.

Paid FTE are ``sigma_k`` per person hired from the classroom on; productive FTE
``sigma_k eta_k``. The tenured headcount at the start, ``N0``, is ``N0 s^t`` in week ``t``.
Everything is linear in the class sizes, so a plan's productive and paid FTE are
``T + A x`` and ``T + B x`` with ``A[t, h] = sigma_{t-h-L} eta_{t-h-L}`` and
``B[t, h] = sigma_{t-h-L}`` (zero before the class starts): :func:`class_matrices`.

Learning curves and turnover averaged this way are those of Gans & Zhou (2002), whose
linear-programming hiring plan comes within 1% of the optimal policy in most cases.

References
----------
.. [1] N. Gans and Y.-P. Zhou, "Managing learning and turnover in employee staffing",
   Operations Research 50(6), 991-1006, 2002. :doi:`10.1287/opre.50.6.991.343`
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.errors import StaffingError
from staffing.vocabulary import format_percent, parse_period_rate, parse_rate, parse_weeks

__all__ = ["CapacityRules", "ClassMatrices", "class_matrices", "weekly_survival"]


def weekly_survival(attrition_per_year: float) -> float:
    """Share of staff still there a week later: ``(1 - annual)^(1/52)``.

    Examples
    --------
    >>> round(weekly_survival(0.34), 6)
    0.992041
    """
    return float(math.exp(math.log1p(-attrition_per_year) / 52.0))


@dataclass(frozen=True)
class CapacityRules:
    """How classes are hired and trained, and what a week short costs.

    Parameters
    ----------
    attrition_per_year : float or str, default 0.34
        Share of tenured staff leaving in a year, ``[0, 1)``: ``0.34``, ``"34%"``, or a
        share of another period (``"3%/month"``, ``"0.8%/week"``) carried to a year by
        compounding (:func:`staffing.vocabulary.parse_period_rate`).
    hire_lead_weeks : int or str, default 5
        Weeks from deciding a class to its first classroom day (``5`` or ``"5w"``).
    classroom_weeks : int or str, default 4
        Weeks in the classroom: paid, producing nothing.
    ramp_weeks : int or str, default 12
        Weeks of rising productivity after the classroom.
    ramp_start : float or str, default 0.53
        Share of a tenured FTE produced in the first ramp week, ``[0, 1]``.
    early_attrition : float or str, default 0.20
        Share of a class that leaves during classroom and ramp, ``[0, 1)``.
    class_max : int, default 40
        Largest class [people].
    class_every_weeks : int or str, default 1
        At most one class starts in any this many consecutive weeks.
    shortage_cost : float, default 3
        Cost of one productive FTE short for a week, in paid FTE-weeks; ``inf`` requires
        every week a class can reach to be covered.
    surplus_cost : float, default 0
        Cost of one productive FTE above the requirement for a week, on top of its pay.

    Notes
    -----
    The cohort arithmetic is in the module notes; the hiring model in
    :mod:`staffing.capacity.model`.

    Examples
    --------
    >>> rules = CapacityRules(attrition_per_year="34%", hire_lead_weeks="5w")
    >>> round(rules.weekly_attrition, 5), rules.hire_lead_weeks
    (0.00796, 5)
    >>> rules.efficiency(np.arange(3, 7)).round(3).tolist()  # classroom 4w, ramp 12w
    [0.0, 0.53, 0.569, 0.608]
    """

    attrition_per_year: float = 0.34
    hire_lead_weeks: int = 5
    classroom_weeks: int = 4
    ramp_weeks: int = 12
    ramp_start: float = 0.53
    early_attrition: float = 0.20
    class_max: int = 40
    class_every_weeks: int = 1
    shortage_cost: float = 3.0
    surplus_cost: float = 0.0

    def __post_init__(self) -> None:
        annual = parse_period_rate(
            self.attrition_per_year,
            per="year",
            what="`attrition_per_year`",
            default_period="year",
        )
        set_ = object.__setattr__
        set_(self, "attrition_per_year", annual)
        for name in ("hire_lead_weeks", "classroom_weeks", "ramp_weeks"):
            set_(self, name, parse_weeks(getattr(self, name), what=f"`{name}`"))
        set_(
            self,
            "class_every_weeks",
            parse_weeks(self.class_every_weeks, what="`class_every_weeks`", allow_zero=False),
        )
        set_(self, "ramp_start", parse_rate(self.ramp_start, what="`ramp_start`"))
        set_(
            self,
            "early_attrition",
            parse_rate(self.early_attrition, what="`early_attrition`", allow_one=False),
        )
        size = self.class_max
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 0:
            raise StaffingError(f"`class_max` {size!r}: give the largest class, 0 or more people")
        set_(self, "class_max", int(size))
        for name in ("shortage_cost", "surplus_cost"):
            value = getattr(self, name)
            ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
            if not ok or math.isnan(float(value)) or float(value) < 0:
                raise StaffingError(f"`{name}` {value!r}: give a cost of 0 or more")
            set_(self, name, float(value))
        if math.isinf(self.surplus_cost):
            raise StaffingError("`surplus_cost` must be finite")

    # ------------------------------------------------------------------ the cohort curves

    @property
    def weekly_attrition(self) -> float:
        """``a = 1 - (1 - annual)^(1/52)``: share of tenured staff leaving each week."""
        return 1.0 - weekly_survival(self.attrition_per_year)

    @property
    def early_weeks(self) -> int:
        """``C + R``: weeks over which a class's early leavers go."""
        return self.classroom_weeks + self.ramp_weeks

    @property
    def early_survival(self) -> float:
        """``q``: share of a class still there a week later, in classroom and ramp."""
        if self.early_weeks == 0:
            return 1.0
        return float(math.exp(math.log1p(-self.early_attrition) / self.early_weeks))

    def survival(self, k: Any) -> np.ndarray:
        """``sigma_k``: share of a class present ``k`` weeks after its start (0 before)."""
        k = np.asarray(k, dtype=float)
        m = self.early_weeks
        s = weekly_survival(self.attrition_per_year)
        with np.errstate(invalid="ignore", over="ignore"):
            early = self.early_survival ** np.clip(k, 0, m)
            later = (1.0 - self.early_attrition) * s ** np.maximum(k - m, 0)
        out = np.where(k <= m, early, later) if m else later
        return np.where(k >= 0, out, 0.0)

    def efficiency(self, k: Any) -> np.ndarray:
        """``eta_k``: share of a tenured FTE a class member produces ``k`` weeks in.

        Counted from the class's start: 0 in the classroom and before, the ramp, then 1.
        """
        k = np.asarray(k, dtype=float)
        c, r = self.classroom_weeks, self.ramp_weeks
        ramp = self.ramp_start + (1.0 - self.ramp_start) * (k - c) / max(r, 1)
        out = np.where(k >= c + r, 1.0, np.where(k >= c, ramp, 0.0))
        return np.where(k >= 0, out, 0.0)

    def describe(self) -> str:
        """The rules in one sentence, for reports."""
        every = (
            "a class any week"
            if self.class_every_weeks == 1
            else f"at most one class every {self.class_every_weeks} weeks"
        )
        short = (
            "every week a class can reach covered"
            if math.isinf(self.shortage_cost)
            else f"a week short costs {self.shortage_cost:g} paid FTE-weeks per FTE"
        )
        extra = f", a week over {self.surplus_cost:g} more" if self.surplus_cost else ""
        return (
            f"attrition {format_percent(self.attrition_per_year)} a year "
            f"({format_percent(self.weekly_attrition, 2)} a week); {self.hire_lead_weeks}w "
            f"recruiting lead, {self.classroom_weeks}w classroom, {self.ramp_weeks}w ramp "
            f"from {format_percent(self.ramp_start, 0)}; "
            f"{format_percent(self.early_attrition, 0)} of a class leaves in classroom and "
            f"ramp; classes of 0-{self.class_max}, {every}; {short}{extra}"
        )


@dataclass(frozen=True)
class ClassMatrices:
    """A horizon's linear cohort model: productive ``T + A x``, paid ``T + B x``.

    Attributes
    ----------
    tenured : ndarray, shape (H,)
        ``T_t = N0 s^t``: the starting headcount still there in week ``t``.
    productive : ndarray, shape (H, n)
        ``A[t, j]``: productive FTE in week ``t`` per person of a class decided in week
        ``decided[j]``.
    paid : ndarray, shape (H, n)
        ``B[t, j]``: paid FTE (the same per person, before the efficiency).
    decided : ndarray of int, shape (n,)
        The weeks a class may be decided: ``0 .. H - 1 - L`` (later ones start after the
        horizon).
    reachable : ndarray of bool, shape (H,)
        Weeks some class produces in.
    """

    tenured: np.ndarray
    productive: np.ndarray
    paid: np.ndarray
    decided: np.ndarray
    reachable: np.ndarray

    def phases(self, x: np.ndarray, rules: CapacityRules) -> dict[str, np.ndarray]:
        """Headcount by phase per week for class sizes ``x``.

        Graduated classes (past the ramp), classroom and ramp, each the expected survivors.
        """
        H = self.tenured.size
        k = np.arange(H)[:, None] - (self.decided[None, :] + rules.hire_lead_weeks)
        c, m = rules.classroom_weeks, rules.early_weeks
        here = self.paid * x[None, :]
        return {
            "graduated": (here * (k >= m)).sum(axis=1),
            "classroom": (here * ((k >= 0) & (k < c))).sum(axis=1),
            "ramping": (here * ((k >= c) & (k < m))).sum(axis=1),
        }


def class_matrices(weeks: int, headcount: float, rules: CapacityRules) -> ClassMatrices:
    """The linear cohort model of ``weeks`` weeks (see the module notes).

    Examples
    --------
    >>> rules = CapacityRules(attrition_per_year=0, hire_lead_weeks=1, classroom_weeks=1,
    ...                       ramp_weeks=2, ramp_start=0.5, early_attrition=0)
    >>> m = class_matrices(5, 10, rules)
    >>> m.productive[:, 0].tolist(), m.paid[:, 0].tolist()
    ([0.0, 0.0, 0.5, 0.75, 1.0], [0.0, 1.0, 1.0, 1.0, 1.0])
    """
    H = int(weeks)
    decided = np.arange(max(H - rules.hire_lead_weeks, 0))
    k = np.arange(H)[:, None] - (decided[None, :] + rules.hire_lead_weeks)
    paid = rules.survival(k)
    productive = paid * rules.efficiency(k)
    tenured = float(headcount) * weekly_survival(rules.attrition_per_year) ** np.arange(H)
    reachable = (productive > 0).any(axis=1) if decided.size else np.zeros(H, dtype=bool)
    return ClassMatrices(tenured, productive, paid, decided, reachable)

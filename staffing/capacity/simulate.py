"""Attrition drawn at random: how often a hiring plan leaves a week short.

The cohort model (:mod:`staffing.capacity.cohorts`) counts expected survivors. Here each
person leaves or stays at random, independently, week by week:

* the starting staff: ``N_{t+1} ~ Binomial(N_t, s)`` with the weekly survival
  ``s = (1 - annual)^(1/52)`` (a fractional FTE left over, ``N0 - floor(N0)``, is one more
  person of that size);
* each class: all ``x`` start the classroom; in each of the ``C + R`` classroom and ramp
  weeks each member stays with probability ``q = (1 - e)^(1/(C+R))`` (early attrition),
  afterwards with ``s``; with no classroom and no ramp, ``Binomial(x, 1 - e)`` start.

Productive FTE in week ``t`` = starting staff + each class's members x its efficiency
``eta_k``; paid FTE = starting staff + members. The expectations are exactly the
deterministic plan's, so the simulated means are checked against it by z-scores in the
tests.

The draws are vectorised over replications; the starting staff and the classes draw
from two streams spawned from one seed, so two plans simulated with one seed share
their starting staff's path (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffing.capacity.cohorts import CapacityRules, ClassMatrices, weekly_survival

__all__ = ["SimulatedWeeks", "simulate_weeks"]


@dataclass(frozen=True)
class SimulatedWeeks:
    """Productive and paid FTE of every replication and week.

    Attributes
    ----------
    productive, paid : ndarray, shape (n, H)
    """

    productive: np.ndarray
    paid: np.ndarray

    def p_short(self, requirement: np.ndarray) -> np.ndarray:
        """Share of replications with productive FTE below the requirement, per week."""
        return (self.productive < np.asarray(requirement)[None, :] - 1e-9).mean(axis=0)

    def quantile(self, q: float) -> np.ndarray:
        """Productive FTE at quantile ``q`` per week (``0.1``: the 10th percentile)."""
        return np.quantile(self.productive, q, axis=0, method="inverted_cdf")


def simulate_weeks(
    classes: np.ndarray,
    headcount: float,
    rules: CapacityRules,
    matrices: ClassMatrices,
    *,
    simulations: int,
    seed: int | np.random.SeedSequence | None = None,
) -> SimulatedWeeks:
    """Simulate a hiring plan ``simulations`` times (model in the module notes).

    Parameters
    ----------
    classes : ndarray of int
        People in the class decided in each week ``matrices.decided``.
    headcount : float
        Tenured FTE at the start of week 0.
    rules : CapacityRules
    matrices : ClassMatrices
        The plan's cohort model (:func:`staffing.capacity.cohorts.class_matrices`).
    simulations : int
        Replications.
    seed : int or SeedSequence, optional
        Seed of :func:`numpy.random.default_rng`'s streams.

    Returns
    -------
    SimulatedWeeks

    Examples
    --------
    >>> from staffing.capacity.cohorts import class_matrices
    >>> rules = CapacityRules(attrition_per_year="1%/week")
    >>> m = class_matrices(3, 100, rules)
    >>> sim = simulate_weeks(np.zeros(0, int), 100, rules, m, simulations=2000, seed=1)
    >>> bool(abs(sim.productive[:, 2].mean() - 100 * 0.99**2) < 0.2)
    True
    """
    H = matrices.tenured.size
    n = int(simulations)
    base = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    staff_seed, class_seed = base.spawn(2)
    staff_rng = np.random.default_rng(staff_seed)
    class_rng = np.random.default_rng(class_seed)
    s = weekly_survival(rules.attrition_per_year)
    whole = int(np.floor(headcount + 1e-9))
    part = float(headcount) - whole
    staff = np.full(n, whole, dtype=np.int64)
    extra = np.full(n, part > 1e-12)
    tenured = np.empty((n, H))
    for t in range(H):
        if t:
            staff = staff_rng.binomial(staff, s)
            extra &= staff_rng.random(n) < s
        tenured[:, t] = staff + part * extra

    sizes = np.asarray(classes, dtype=np.int64)
    hired = np.flatnonzero(sizes > 0)
    starts = matrices.decided[hired] + rules.hire_lead_weeks
    productive = tenured.copy()
    paid = tenured.copy()
    if hired.size:
        members = np.zeros((n, hired.size), dtype=np.int64)
        m, q = rules.early_weeks, rules.early_survival
        for t in range(H):
            k = t - starts
            new = k == 0
            if new.any():
                size = np.broadcast_to(sizes[hired][new], (n, int(new.sum())))
                if m == 0:
                    size = class_rng.binomial(size, 1.0 - rules.early_attrition)
                members[:, new] = size
            active = k >= 0
            eta = rules.efficiency(k)
            productive[:, t] += members @ eta
            paid[:, t] += members.sum(axis=1)
            if t + 1 < H and active.any():
                stay = np.where(k < m, q, s)[active]
                members[:, active] = class_rng.binomial(members[:, active], stay)
    return SimulatedWeeks(productive, paid)

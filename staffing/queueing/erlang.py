"""Erlang B and Erlang C (M/M/n and M/M/n/n): blocking, waiting and its consequences.

Notes
-----
Every function takes scalars, ndarrays or pandas Series, broadcasts them, and gives back the
same kind (a Series keeps its index). Workload ``a = calls * aht_s / interval_s`` is in
Erlangs; ``n`` is the number of agents (servers), which may be fractional.

Supported range
---------------
The queueing core (Erlang B and C here, Erlang A, :func:`~staffing.evaluate` and
:func:`~staffing.required_agents`) answers for

* workloads up to :data:`MAX_WORKLOAD_ERLANGS` (1,000,000 Erlangs),
* agents up to :data:`MAX_AGENTS` (100,000,000),
* with a patience (Erlang A) and a workload above :data:`PATIENCE_CHECK_ERLANGS` (10,000
  Erlangs), up to :data:`MAX_CALLS_PER_PATIENCE` (1e9) calls arriving during one mean
  patience (``workload_erlangs * patience_s / aht_s``; below 10,000 Erlangs any patience
  is answered, checked up to 1e13);

anything past one of these is refused with a :class:`~staffing.errors.StaffingError`
naming it, in bounded time, by one vectorised comparison per argument.

Evidence. Up to 5,000 Erlangs and 10,000 agents values are exact to 1e-9 relative (the
numerical contract). At 10^5 and 10^6 Erlangs, Erlang C and Erlang A (patience 120 s to
10^6 s, service-level and abandon targets) were compared with 50-digit references from the
birth-death chain (``tests/reference.py``): service levels and abandon rates agree to about
1e-12, and the solver's answers are the minimal staffing; one interval at 10^6 Erlangs is
solved in under a second (Erlang A; Erlang C in a millisecond). Past the limits the
special functions lose their accuracy or their speed: at 10^7 Erlangs an Erlang A
requirement takes one to two seconds and was 5% too high (patience 10^6 s, abandon target);
Erlang A measures turn NaN, or requirements wrong, from 3e10 calls per mean patience at
300,000 Erlangs and above, 1e11 at 100,000 and 5e11 at 50,000, while none failed up to
2e13 at 20,000 Erlangs and below (the limit of 1e9 is thirty times below the first
failure; 5.6e9 at 10^6 Erlangs still matched the reference); from about 10^15 Erlangs
``n - a`` is lost to rounding, and at 10^19 the agent count no longer fits an integer.

References
----------
.. [1] A. K. Erlang, "Solution of some problems in the theory of probabilities of
   significance in automatic telephone exchanges", 1917.
.. [2] G. Koole, "Call Center Optimization", MG books, 2013, ch. 5 (the service-level and
   ASA formulas used by workforce-management tools).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.special import log_erlang_b

__all__ = [
    "MAX_AGENTS",
    "MAX_CALLS_PER_PATIENCE",
    "MAX_WORKLOAD_ERLANGS",
    "PATIENCE_CHECK_ERLANGS",
    "check_range",
    "erlang_b",
    "erlang_c",
]

#: Largest workload the queueing core answers for [Erlang] (module notes).
MAX_WORKLOAD_ERLANGS = 1_000_000.0
#: Most agents the queueing core evaluates [count] (module notes).
MAX_AGENTS = 100_000_000.0
#: Most calls arriving during one mean patience, ``workload * patience_s / aht_s``,
#: for which Erlang A is evaluated above :data:`PATIENCE_CHECK_ERLANGS` (module notes).
MAX_CALLS_PER_PATIENCE = 1e9
#: Workload [Erlang] above which :data:`MAX_CALLS_PER_PATIENCE` applies.
PATIENCE_CHECK_ERLANGS = 10_000.0


def _beyond(name: str, values: np.ndarray, limit: float, unit: str, what: str) -> None:
    """Raise naming the largest value and the positions of every value above ``limit``."""
    from staffing.errors import StaffingError

    wrong = np.flatnonzero(values.reshape(-1) > limit)
    top = float(values.reshape(-1)[wrong].max())
    shown = f"{name} {top:.3g}{unit} is"
    if not np.isfinite(top):
        shown = f"{name} is too large to represent,"
    where = ""
    if values.size > 1:
        head = ", ".join(str(int(i)) for i in wrong[:5])
        more = f", ... (+{wrong.size - 5} more)" if wrong.size > 5 else ""
        where = f"; {wrong.size} of {values.size} intervals, at index {head}{more}"
    raise StaffingError(
        f"{shown} beyond the supported range ({what} at most {limit:,.0f}{unit}{where})"
    )


def check_range(
    workload_erlangs: np.ndarray,
    agents: np.ndarray | None = None,
    calls_per_patience: np.ndarray | None = None,
) -> None:
    """Refuse anything past the supported range (module notes), naming it.

    One comparison of each array's largest value with its limit; NaN is not checked here
    (the callers refuse it first). ``calls_per_patience`` is ``workload * patience_s /
    aht_s`` where Erlang A applies to a workload above :data:`PATIENCE_CHECK_ERLANGS`
    (NaN elsewhere).

    Raises
    ------
    StaffingError
        ``"workload 5.6e+16 Erlangs is beyond the supported range (workload at most
        1,000,000 Erlangs; 1 of 3 intervals, at index 2)"``; index counts from 0 in the
        arrays given (the readers refuse such rows first, naming the file's rows).
    """
    a = np.asarray(workload_erlangs, dtype=float)
    if a.size and np.fmax.reduce(a, axis=None) > MAX_WORKLOAD_ERLANGS:
        _beyond("workload", a, MAX_WORKLOAD_ERLANGS, " Erlangs", "workload")
    if agents is not None:
        n = np.asarray(agents, dtype=float)
        if n.size and np.fmax.reduce(n, axis=None) > MAX_AGENTS:
            _beyond("agents", n, MAX_AGENTS, "", "agents")
    if calls_per_patience is not None:
        y = np.asarray(calls_per_patience, dtype=float)
        if y.size and np.fmax.reduce(y, axis=None) > MAX_CALLS_PER_PATIENCE:  # NaN ignored
            _beyond(
                "workload x patience_s / aht_s",
                np.where(np.isnan(y), 0.0, y),
                MAX_CALLS_PER_PATIENCE,
                "",
                "above 10,000 Erlangs, calls arriving during one mean patience",
            )


def _check_load(a: np.ndarray, n: np.ndarray) -> None:
    from staffing.errors import StaffingError

    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise StaffingError("workload_erlangs must be finite and >= 0")
    if np.any(np.isnan(n)) or np.any(n < 0):
        raise StaffingError("agents must be >= 0")
    check_range(a, n)


def erlang_b(workload_erlangs: Any, agents: Any) -> Any:
    """Blocking probability of a loss system with ``agents`` servers (Erlang B).

    Parameters
    ----------
    workload_erlangs : float, ndarray or Series
        Offered load [Erlang].
    agents : float, ndarray or Series
        Servers [count]; fractional values use the incomplete-gamma extension.

    Returns
    -------
    float, ndarray or Series
        ``B(n, a) = (a^n / n!) / sum_{k<=n} a^k / k!``.

    Notes
    -----
    Computed as a Poisson term over a Poisson distribution function (Loader's saddle-point
    form and the regularised incomplete gamma), never with factorials; exact to a few ulps
    for thousands of servers.

    Examples
    --------
    >>> round(erlang_b(10.0, 14), 6)
    0.056819
    """
    (a, n), template = broadcast(workload_erlangs, agents)
    _check_load(a, n)
    return wrap(np.exp(log_erlang_b(n, a)), template)


def erlang_c_wait_probability(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Erlang C ``P(wait)`` on broadcast float arrays; 1 where ``n <= a``."""
    stable = n > a
    b = np.exp(log_erlang_b(np.where(stable, n, 1.0), np.where(stable, a, 0.0)))
    # C = n B / (n - a (1 - B)); Koole (2013), eq. 5.3
    with np.errstate(invalid="ignore", divide="ignore"):
        c = n * b / (n - a + a * b)
    return np.where(stable, c, 1.0)


def erlang_c(workload_erlangs: Any, agents: Any) -> Any:
    """Probability that a call waits in an M/M/n queue (Erlang C).

    Parameters
    ----------
    workload_erlangs : float, ndarray or Series
        Offered load ``calls * aht_s / interval_s`` [Erlang].
    agents : float, ndarray or Series
        Agents on the phones [count].

    Returns
    -------
    float, ndarray or Series
        ``P(wait)``; exactly 1 wherever ``agents <= workload_erlangs`` (the queue is
        unstable, every caller waits).

    Notes
    -----
    ``C(n, a) = n B(n, a) / (n - a + a B(n, a))`` with ``B`` the Erlang B blocking
    probability, which avoids the cancellation of the textbook sum.

    Examples
    --------
    100 calls in 30 minutes at 180 s handle time is 10 Erlangs; with 14 agents:

    >>> round(erlang_c(10.0, 14), 7)
    0.1741319
    """
    (a, n), template = broadcast(workload_erlangs, agents)
    _check_load(a, n)
    return wrap(erlang_c_wait_probability(n, a), template)

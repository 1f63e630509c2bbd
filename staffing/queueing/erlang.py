"""Erlang B and Erlang C (M/M/n and M/M/n/n): blocking, waiting and its consequences.

Notes
-----
Every function takes scalars, ndarrays or pandas Series, broadcasts them, and gives back the
same kind (a Series keeps its index). Workload ``a = calls * aht_s / interval_s`` is in
Erlangs; ``n`` is the number of agents (servers), which may be fractional.

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

__all__ = ["erlang_b", "erlang_c"]


def _check_load(a: np.ndarray, n: np.ndarray) -> None:
    from staffing.errors import StaffingError

    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise StaffingError("workload_erlangs must be finite and >= 0")
    if np.any(np.isnan(n)) or np.any(n < 0):
        raise StaffingError("agents must be >= 0")


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

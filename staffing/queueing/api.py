"""The core's two entry points: :func:`evaluate` and :func:`required_agents`.

Each takes every caller model the core knows and hands the work to the module that owns
it: Erlang C, or Erlang A with exponential patience (:mod:`staffing.queueing.performance`,
:mod:`staffing.queueing.solver`); a patience curve (M/M/n+G), callers who call back, or a
``customer_abandon<=`` target (:mod:`staffing.queueing.redial`, which builds on the
other two). Both are :mod:`staffing.queueing`'s (and :mod:`staffing`'s) public names.
"""

from __future__ import annotations

from typing import Any

from staffing.queueing.performance import AbandonPolicy, Metrics, evaluate_erlang
from staffing.queueing.redial import evaluate_redial, required_agents_redial
from staffing.queueing.solver import required_agents_erlang
from staffing.queueing.targets import TargetSet, TargetsLike

__all__ = ["evaluate", "required_agents"]


def evaluate(
    calls: Any,
    aht_s: Any,
    agents: Any,
    *,
    interval_s: Any = 1800,
    threshold_s: Any = 20,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
    patience_curve: Any = None,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: Any = None,
) -> Metrics:
    """Predicted performance of ``agents`` for an interval's calls (Erlang C, A or M/M/n+G).

    Parameters
    ----------
    calls : float, ndarray or Series
        Calls offered in the interval [count].
    aht_s : float, ndarray or Series
        Average handle time [s].
    agents : float, ndarray or Series
        Agents on the phones [count]; fractional values are allowed.
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    threshold_s : float, ndarray or Series, default 20
        Service-level threshold [s].
    patience_s : float, ndarray, Series or None
        Mean customer patience [s]; ``None``, ``inf`` or ``NaN`` means Erlang C.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls enter the service level (:mod:`staffing.queueing.performance`).
    patience_curve : (times_s, survival) or PatienceCurve, optional
        A patience survival curve (a calibration's Kaplan-Meier curve) instead of
        ``patience_s``: the M/M/n+G queue (:mod:`staffing.queueing.general_patience`).
    redial : float, ndarray or Series, optional
        Share of abandoned attempts that call again, in ``[0, 1)``. ``calls`` are then
        *fresh* calls, and the measures are those of the attempts offered at the fixed
        point ``x = calls + redial x P(x) + reconnect x (1 - P(x))``
        (:mod:`staffing.queueing.redial`).
    reconnect : float, ndarray or Series, optional
        Share of answered attempts that call again, in ``[0, 1)``.
    redial_delay_s : float, ndarray or Series, optional
        Mean delay before a redial or reconnect [s], exponential. With an exponential
        patience the measures are then those of the exact retrial chain
        (:mod:`staffing.queueing.retrial`): callers who call back within minutes come back
        into the busy spell they hung up in, and more of them abandon than the fixed
        point says. Without it, the fixed point: the limit of callers who call back long
        after. The chain is one sparse solve per row (0.01 s at 200 fresh calls an hour,
        up to about 1 s at 5,000), not a vectorised formula. A case past the chain's size
        (400,000 states: some 20,000 fresh calls an hour) keeps the fixed point, with a
        warning.

    Returns
    -------
    Metrics
        Each field the broadcast shape of the inputs (a Series when a Series came in);
        with ``redial`` or ``reconnect``, ``offered_attempts`` and
        ``customer_abandon_rate`` too (every other measure is per attempt).

    Raises
    ------
    StaffingError
        Inputs out of range, or past the supported range (:mod:`staffing.queueing.erlang`):
        a workload above 1,000,000 Erlangs, more than 100,000,000 agents, or with a
        patience and a workload above 10,000 Erlangs more than 1e9 calls arriving during
        one mean patience.

    Notes
    -----
    Zero calls give ``p_wait = 0``, ``service_level = 1``, ``asa_s = 0``,
    ``abandon_rate = 0`` and ``occupancy = 0``. Erlang C with ``agents <= workload`` gives
    ``p_wait = 1``, ``service_level = 0``, ``asa_s = inf``, ``occupancy = 1``.

    Examples
    --------
    >>> m = evaluate(100, 180, 14, interval_s=1800, threshold_s=20)
    >>> round(m.p_wait, 7), round(m.service_level, 5), round(m.asa_s, 3)
    (0.1741319, 0.88835, 7.836)

    Half of the callers who hang up call again: 100 fresh calls are 106 attempts.

    >>> m = evaluate(100, 180, 11, patience_s=120, redial=0.5)
    >>> round(m.offered_attempts, 1), round(m.abandon_rate, 4), round(m.customer_abandon_rate, 4)
    (106.2, 0.1167, 0.0619)

    If they call back after 10 minutes on average, they come back into the same busy
    spell more often than the fixed point allows:

    >>> m = evaluate(100, 180, 11, patience_s=120, redial=0.5, redial_delay_s=600)
    >>> round(m.offered_attempts, 1), round(m.abandon_rate, 4), round(m.customer_abandon_rate, 4)
    (106.5, 0.1214, 0.0646)
    """
    if any(v is not None for v in (patience_curve, redial, reconnect, redial_delay_s)):
        return evaluate_redial(
            calls,
            aht_s,
            agents,
            interval_s=interval_s,
            threshold_s=threshold_s,
            patience_s=patience_s,
            patience_curve=patience_curve,
            redial=redial,
            reconnect=reconnect,
            redial_delay_s=redial_delay_s,
            abandon_policy=abandon_policy,
        )
    return evaluate_erlang(
        calls,
        aht_s,
        agents,
        interval_s=interval_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
        abandon_policy=abandon_policy,
    )


def required_agents(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike,
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
    patience_curve: Any = None,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: Any = None,
) -> Any:
    """The fewest agents meeting every target at once, per interval.

    Parameters
    ----------
    calls : float, ndarray or Series
        Calls offered per interval [count]; may be fractional (a forecast).
    aht_s : float, ndarray or Series
        Average handle time [s].
    targets : str, target object, TargetSet, or a sequence of them
        ``"80/20"``, ``"90/10+99/300"``, ``["80/20", "abandon<=5%"]``, ``Asa(30)``...
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    patience_s : float, ndarray, Series or None
        Mean customer patience [s]; ``None``/``inf``/``NaN`` means Erlang C.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        Service-level convention (see :func:`staffing.evaluate`).
    patience_curve : (times_s, survival) or PatienceCurve, optional
        A patience survival curve instead of ``patience_s`` (M/M/n+G).
    redial, reconnect : float, ndarray or Series, optional
        Shares of abandoned and answered attempts that call again, in ``[0, 1)``:
        ``calls`` are fresh calls and every staffing is judged at its own fixed point
        (:mod:`staffing.queueing.redial`). A ``customer_abandon<=`` target needs
        ``redial``.
    redial_delay_s : float, ndarray or Series, optional
        Mean delay before a redial [s], exponential: with an exponential patience each
        staffing is judged by the exact retrial chain (as in :func:`evaluate`).

    Returns
    -------
    int, ndarray of int64, or Series of int64
        Agents required; 0 where there are no calls. Under ``"fail"`` every measure
        improves with each agent; the other policies credit abandons and may dip as agents
        are added, so the answer is the fewest agents from which every target holds for
        every larger staffing too.

    Raises
    ------
    TargetError
        A ``ValueError`` naming a target no staffing can meet.
    StaffingError
        Inputs out of range, or past the supported range: a workload above
        :data:`~staffing.queueing.erlang.MAX_WORKLOAD_ERLANGS` (1,000,000 Erlangs) or, with
        a patience and above 10,000 Erlangs, more than
        :data:`~staffing.queueing.erlang.MAX_CALLS_PER_PATIENCE` (1e9) calls arriving
        during one mean patience.

    Examples
    --------
    >>> required_agents(100, 180, "80/20", interval_s=1800)
    14
    >>> required_agents(100, 180, ["80/20", "asa<=5"], interval_s=1800)
    15

    Four in ten callers who abandon call again:

    >>> required_agents(1000, 180, "80/20", patience_s=120), required_agents(
    ...     1000, 180, "80/20", patience_s=120, redial=0.4)
    (96, 99)
    """
    extra = (patience_curve, redial, reconnect, redial_delay_s)
    if any(v is not None for v in extra) or TargetSet.of(targets).customer_abandon_cap:
        return required_agents_redial(
            calls,
            aht_s,
            targets,
            interval_s=interval_s,
            patience_s=patience_s,
            patience_curve=patience_curve,
            redial=redial,
            reconnect=reconnect,
            redial_delay_s=redial_delay_s,
            abandon_policy=abandon_policy,
        )
    return required_agents_erlang(
        calls,
        aht_s,
        targets,
        interval_s=interval_s,
        patience_s=patience_s,
        abandon_policy=abandon_policy,
    )

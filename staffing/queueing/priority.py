"""Priority classes on one pool: M/M/n with non-preemptive priority, exact per class.

Calls of classes 1, 2, ..., K (class 1 first) are answered by the same ``n`` agents. A free
agent takes the longest-waiting call of the best class waiting; a call in service is never
interrupted (non-preemptive priority). Arrivals are Poisson, class ``i`` at rate
``lambda_i``; handle times are exponential with one mean ``aht_s`` for every class; nobody
abandons.

Notes
-----
With ``nu = n mu`` (``mu = 1/aht_s``), ``sigma_k = lambda_1 + ... + lambda_k`` and
``r_k = sigma_k / nu``:

* **P(wait)**. The number of calls in the pool does not depend on the order in which they
  are answered, so a call of any class waits with the Erlang C probability ``C`` of the
  pooled workload (PASTA).
* **Calls ahead.** While all agents are busy they finish calls at the constant rate
  ``nu``, so the waits are those of one M/M/1 priority server of rate ``nu`` (the
  reduction of Kella and Yechiali [1]_; Davis [3]_ gives the distribution in another
  form). Cutting the state space between ``j`` and ``j + 1`` calls of classes ``1..k``
  waiting (crossed upwards only by such an arrival, downwards only by an answer) gives
  ``P(all busy, j waiting of classes <= k) = C (1 - r_k) r_k^j``: geometric.
* **Wait of a class-k call** that finds ``j`` such calls ahead: each answer removes one,
  while calls of better classes (rate ``sigma_{k-1}``) keep jumping ahead, so it waits
  ``j + 1`` busy periods of an M/M/1 queue with arrival rate ``sigma_{k-1}`` and service
  rate ``nu``. Its Laplace transform, ``(1 - r_k) G(s) / (1 - r_k G(s))`` with ``G`` the
  busy-period transform, inverts along the branch cut of ``G`` on
  ``[-(sqrt(nu) + sqrt(sigma_{k-1}))^2, -(sqrt(nu) - sqrt(sigma_{k-1}))^2]`` and a pole at
  ``s* = -(nu - sigma_k) lambda_k / sigma_k`` (present when ``sigma_k^2 > nu
  sigma_{k-1}``). In units of ``1/nu`` (``q = r_{k-1}``, ``r = r_k``, ``T = nu t``):

      P(W_k > t | wait) = [r^2 > q] e^(s* T) (r^2 - q) / (r (r - q))
          + (2 (1 - r) q / pi) int_0^pi e^(-X T) sin^2(u) / (X D) du

  with ``X = (1 - sqrt(q))^2 + 4 sqrt(q) sin^2(u/2)``,
  ``D = (sqrt(q) - r)^2 + 4 sqrt(q) r sin^2(u/2)`` and ``s* = -(1 - r)(r - q)/r``. For class
  1 (``q = 0``) only the pole remains: ``exp(-(nu - lambda_1) t)``, and with one class that
  is Erlang C. The integrand is bounded and smooth; all its features sit near ``u = 0``
  at scales ``1/sqrt(T)`` and ``|sqrt(q) - r|``, so it is integrated on panels halving
  towards 0 (``pi 2^-j``, 34 panels of 12 Gauss-Legendre nodes), to about 1e-14 (checked
  against the transient solution of the truncated chain and against Cobham's mean).
* **ASA** is the mean wait (Cobham [2]_): ``C nu / ((nu - sigma_{k-1})(nu - sigma_k))``.

Class ``k`` has a steady state whenever ``sigma_k < nu``, even where worse classes do not
(then every agent is always busy, ``C = 1``); where ``sigma_k >= nu`` its service level is
0 and its ASA infinite.

**A class without calls** in an interval has no calls to serve there. Its measures
(:func:`evaluate_priority`) are still those a call of the class would get if one arrived
(as every measure here is: what an arriving call sees), but it imposes no constraint on
the pool (:func:`required_priority_agents`): neither its service-level and ASA targets
nor an occupancy cap given with them bind in that interval, so a pool whose other
classes have no calls needs exactly what its one busy class needs alone.

Where handle times differ by class, or callers abandon, these formulas do not hold: the
functions here refuse such pools in one line (simulate them instead).

References
----------
.. [1] O. Kella and U. Yechiali, "Waiting times in the non-preemptive priority M/M/c
   queue", Stochastic Models 1(2), 1985, 257-262. doi:10.1080/15326348508807013
.. [2] A. Cobham, "Priority assignment in waiting line problems", Journal of the
   Operations Research Society of America 2(1), 1954, 70-76. doi:10.1287/opre.2.1.70
.. [3] R. H. Davis, "Waiting-time distribution of a multi-server, priority queuing
   system", Operations Research 14(1), 1966, 133-136. doi:10.1287/opre.14.1.133
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.erlang import erlang_c_wait_probability
from staffing.queueing.performance import Metrics, check_inputs
from staffing.queueing.solver import required_agents_erlang
from staffing.queueing.targets import AbandonRate, Measures, TargetSet, TargetsLike

__all__ = ["evaluate_priority", "required_priority_agents"]

_CHUNK = 4096
_NEGLIGIBLE = 1e-14  # below this share of the agents' capacity, classes 1..k bring nothing


def _theta_grid() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on panels halving towards 0.

    Panels ``[pi 2^-(j+1), pi 2^-j]`` and a last panel ``[0, pi 2^-33]``.
    """
    x, w = np.polynomial.legendre.leggauss(12)
    edges = np.pi * 2.0 ** -np.arange(34.0)
    lows = np.append(edges[1:], 0.0)
    half = 0.5 * (edges - lows)
    mid = 0.5 * (edges + lows)
    nodes = (mid[:, None] + half[:, None] * x[None, :]).reshape(-1)
    weights = (half[:, None] * w[None, :]).reshape(-1)
    return nodes, weights


_U, _W = _theta_grid()
_SIN2 = np.sin(_U) ** 2
_HALF2 = np.sin(0.5 * _U) ** 2


def wait_tail(r_prev: np.ndarray, r_k: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """``P(W_k > t | wait)`` in units of ``1/nu`` (module notes).

    For ``0 <= r_prev <= r_k < 1`` and ``big_t = nu t >= 0`` (broadcast 1-d arrays).

    Where the classes up to ``k`` bring almost nothing (``r_k < 1e-14``) the wait is one
    answer away, ``exp(-(1 - r_k) T)``, to within ``r_k``: the exact form would divide
    vanishing quantities there.
    """
    out = np.empty(r_k.shape)
    first = (r_prev <= 0.0) | (r_k < _NEGLIGIBLE)
    out[first] = np.exp(-(1.0 - r_k[first]) * big_t[first])
    rest = np.flatnonzero(~first)
    for start in range(0, rest.size, _CHUNK):
        idx = rest[start : start + _CHUNK]
        q, r, tt = r_prev[idx], r_k[idx], big_t[idx]
        sq = np.sqrt(q)
        # the pole at s* = -(1 - r)(r - q)/r, on the principal sheet when r > sqrt(q); its
        # residue (2r - q - 1 - s*)/(r - q) simplifies to (r^2 - q) / (r (r - q))
        s_star = -(1.0 - r) * (r - q) / r
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = (r - sq) * (r + sq) / (r * (r - q))
        pole = np.where(r > sq, coef * np.exp(s_star * tt), 0.0)
        # the branch cut, u in (0, pi): e^{-X T} sin^2 u / (X D)
        x0 = (1.0 - sq) ** 2
        x = x0[:, None] + 4.0 * sq[:, None] * _HALF2[None, :]
        d = (sq - r)[:, None] ** 2 + 4.0 * (sq * r)[:, None] * _HALF2[None, :]
        g = np.exp(-4.0 * (sq * tt)[:, None] * _HALF2[None, :]) * _SIN2[None, :] / (x * d)
        cut = (2.0 / np.pi) * (1.0 - r) * q * np.exp(-x0 * tt) * (g @ _W)
        out[idx] = pole + cut
    return np.clip(out, 0.0, 1.0)


def _per_class(value: Any, k: int, name: str) -> list[Any]:
    """A list or tuple gives one value per class; anything else is shared by all."""
    if isinstance(value, list | tuple):
        if len(value) != k:
            raise StaffingError(f"`{name}` has {len(value)} values for {k} priority classes")
        return list(value)
    return [value] * k


def _prepare(
    calls: Sequence[Any],
    aht_s: Any,
    interval_s: Any,
    patience_s: Any,
    extra: Sequence[Any] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray], Any]:
    """Broadcast per-class inputs: calls (K, m), one aht (m,), interval (m,), extras."""
    if isinstance(calls, str) or not isinstance(calls, Sequence) or len(calls) == 0:
        raise StaffingError("`calls` must be a list with one entry per priority class")
    k = len(calls)
    ahts = _per_class(aht_s, k, "aht_s")
    patiences = _per_class(patience_s, k, "patience_s")
    arrays, template = broadcast(*calls, *ahts, interval_s, *patiences, *extra)
    c = np.stack(arrays[:k])
    h = np.stack(arrays[k : 2 * k])
    iv = arrays[2 * k]
    pats = arrays[2 * k + 1 : 3 * k + 1]
    rest = arrays[3 * k + 1 :]
    for i in range(k):
        check_inputs(c[i], h[i], iv, pats[i])
    for p in pats:
        if p is not None and np.any(np.isfinite(p)):
            raise StaffingError(
                "priority classes with callers who abandon (`patience_s`) are not supported "
                "by the closed form; simulate the pool instead"
            )
    # one handle time for the pool: where a class has calls, its aht must be the pool's
    has = c > 0
    first = np.argmax(has, axis=0)
    pool_h = np.take_along_axis(h, first[None], axis=0)[0]
    differ = has & ~np.isclose(h, pool_h[None], rtol=1e-9, atol=0.0)
    if np.any(differ):
        raise StaffingError(
            "priority classes with different `aht_s` are not supported by the closed form "
            "(it needs one exponential handle time for the pool); simulate the pool instead"
        )
    return c, pool_h, iv, rest, template


def _class_measures(
    loads: np.ndarray, n: np.ndarray, aht_s: np.ndarray, thresholds: list[list[np.ndarray]]
) -> tuple[np.ndarray, list[np.ndarray], list[list[np.ndarray]], np.ndarray]:
    """``p_wait``, ASA per class, service levels per class and threshold, occupancy.

    ``loads`` is (K, m) in Erlangs (``calls * aht / interval``); ``n`` agents (m,);
    ``thresholds[i]`` the list of thresholds [s] for class ``i``.
    """
    a = loads.sum(axis=0)
    busy = a > 0
    cum = np.cumsum(loads, axis=0)  # A_k = sigma_k aht: Erlangs of classes 1..k
    prev = cum - loads
    p_wait = np.where(busy, erlang_c_wait_probability(n, a), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(busy, np.minimum(a / n, 1.0), 0.0)
    asas: list[np.ndarray] = []
    sls: list[list[np.ndarray]] = []
    for i in range(loads.shape[0]):
        stable = busy & (n > cum[i])
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.where(stable, (n - cum[i]) / aht_s, 1.0)  # (nu - sigma_k) [1/s]
            # Cobham: E[W_k] = C nu / ((nu - sigma_{k-1})(nu - sigma_k))
            asa = p_wait / gap * (n / (n - prev[i]))
        asas.append(np.where(stable, asa, np.where(busy, np.inf, 0.0)))
        nu = np.where(stable, n / aht_s, 1.0)
        r_prev = np.where(stable, prev[i] / np.where(stable, n, 1.0), 0.0)
        r_k = np.where(stable, cum[i] / np.where(stable, n, 1.0), 0.0)
        per_t = []
        for t in thresholds[i]:
            sl = np.ones(n.shape)
            s = np.flatnonzero(stable)
            if s.size:
                first = r_prev[s] <= 0.0
                # class 1 (or nothing better offered): Erlang C's own expression
                tail = np.where(first, np.exp(-gap[s] * t[s]), 0.0)
                later = ~first
                if np.any(later):
                    sub = s[later]
                    tail[later] = wait_tail(r_prev[sub], r_k[sub], nu[sub] * t[sub])
                sl[s] = 1.0 - p_wait[s] * tail
            sl[busy & ~stable] = 0.0
            per_t.append(sl)
        sls.append(per_t)
    return p_wait, asas, sls, occupancy


def evaluate_priority(
    calls: Sequence[Any],
    aht_s: Any,
    agents: Any,
    *,
    interval_s: Any = 1800,
    threshold_s: Any = 20,
    patience_s: Any = None,
) -> tuple[Metrics, ...]:
    """Per-class performance of one pool answering several priority classes.

    Parameters
    ----------
    calls : list of (float, ndarray or Series)
        Calls offered in the interval [count], one entry per class, best class first.
    aht_s : float, ndarray, Series, or a list of them per class
        Average handle time [s]; one value for the pool (per-class values must agree).
    agents : float, ndarray or Series
        Agents of the pool [count].
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    threshold_s : float, ndarray, Series, or a list of them per class, default 20
        Service-level threshold [s].
    patience_s : None
        Callers who abandon are not supported (a finite value raises).

    Returns
    -------
    tuple of Metrics
        One per class: ``p_wait`` (the pool's, the same for every class),
        ``service_level`` within that class's threshold, ``asa_s``, ``abandon_rate`` (0)
        and ``occupancy`` (the pool's). A class without calls in an interval gets what a
        call of that class would get if one arrived (module notes).

    Raises
    ------
    StaffingError
        Where handle times differ by class or a patience is given: the closed form does
        not hold there.

    Notes
    -----
    The model and formulas are in the module notes. With one class every measure is
    :func:`staffing.evaluate`'s Erlang C.

    Examples
    --------
    Premium (40 calls) before general (160 calls) in 30 minutes, 4 minutes each, 32
    agents:

    >>> premium, general = evaluate_priority([40, 160], 240, 32, threshold_s=[10, 20])
    >>> round(premium.service_level, 4), round(general.service_level, 4)
    (0.9222, 0.8407)
    >>> round(premium.asa_s, 2), round(general.asa_s, 2)
    (2.13, 12.76)
    """
    k = len(calls) if isinstance(calls, list | tuple) else 0
    thresholds = _per_class(threshold_s, k, "threshold_s") if k else []
    c, h, iv, rest, template = _prepare(calls, aht_s, interval_s, patience_s, [agents, *thresholds])
    n, ts = rest[0], rest[1:]
    check_inputs(c[0], h, iv, None, agents=n, thresholds_s=ts)
    shape = n.shape
    loads = (c * h / iv).reshape(k, -1)
    p_wait, asas, sls, occ = _class_measures(
        loads, n.reshape(-1), h.reshape(-1), [[t.reshape(-1)] for t in ts]
    )

    def give(x: np.ndarray) -> Any:
        return wrap(x.reshape(shape), template)

    zero = np.zeros(shape)
    return tuple(
        Metrics(
            p_wait=give(p_wait),
            service_level=give(sls[i][0]),
            asa_s=give(asas[i]),
            abandon_rate=give(zero),
            occupancy=give(occ),
        )
        for i in range(k)
    )


def _met(
    loads: np.ndarray, n: np.ndarray, aht_s: np.ndarray, targets: list[TargetSet]
) -> np.ndarray:
    """Tell whether ``n`` agents meet the targets of every class with calls.

    A class without calls in an interval has nothing to serve there: its targets
    (occupancy cap included) do not bind (module notes).
    """
    thresholds = [[np.full(n.shape, t) for t in tg.thresholds] for tg in targets]
    _, asas, sls, occ = _class_measures(loads, n, aht_s, thresholds)
    ok = n > loads.sum(axis=0)  # a stable pool
    for i, tg in enumerate(targets):
        idle = loads[i] <= 0.0  # no calls of class i: nothing to hold it to
        measures = Measures(
            dict(zip(tg.thresholds, sls[i], strict=True)), asa_s=asas[i], occupancy=occ
        )  # abandon-rate targets are refused earlier
        ok &= idle | tg.met_by(measures)
    return ok


def _first_guess(
    loads: np.ndarray,
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_s: np.ndarray,
    targets: list[TargetSet],
) -> np.ndarray:
    """The pooled first-come first-served requirement for the classes with calls.

    The most any of their targets asks of the pooled calls.
    """
    pooled = calls.sum(axis=0)
    live = loads > 0.0
    if live.all():
        every = TargetSet.parse(targets)
        guess = required_agents_erlang(pooled, aht_s, every, interval_s=interval_s)
        return np.asarray(guess, dtype=float).reshape(-1)
    out = np.zeros(pooled.shape)
    for i, tg in enumerate(targets):
        rows = np.flatnonzero(live[i])
        if rows.size and tg:
            need = required_agents_erlang(
                pooled[rows], aht_s[rows], tg, interval_s=interval_s[rows]
            )
            out[rows] = np.fmax(out[rows], np.asarray(need, dtype=float).reshape(-1))
    return out


def _solve(
    loads: np.ndarray,
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_s: np.ndarray,
    targets: list[TargetSet],
) -> np.ndarray:
    a = loads.sum(axis=0)
    answer = np.zeros(a.shape)
    busy = np.flatnonzero(a > 0)
    if busy.size == 0:
        return answer
    loads, a, h = loads[:, busy], a[busy], aht_s[busy]
    # first probe: the pooled first-come first-served requirement for every target of the
    # classes with calls at once
    probe = _first_guess(loads, calls[:, busy], h, interval_s[busy], targets)
    lo = np.floor(a)  # most agents known to miss: a stable pool needs more than the load
    hi = np.full(a.shape, np.nan)
    probe = np.maximum(probe, lo + 1.0)
    step = np.ones(a.shape)
    idx = np.arange(a.size)
    ceiling = 20.0 * a + 100.0 * np.sqrt(a) + 1000.0
    tries = 0
    while idx.size:
        if np.any(probe > ceiling[idx]):
            raise TargetError("priority targets: no staffing found within reach")
        ok = _met(loads[:, idx], probe, h[idx], targets)
        hi[idx[ok]] = np.fmin(hi[idx[ok]], probe[ok])
        lo[idx[~ok]] = np.fmax(lo[idx[~ok]], probe[~ok])
        step[idx[np.isnan(hi[idx])]] *= 2.0
        idx = idx[np.isnan(hi[idx]) | (hi[idx] - lo[idx] > 1.0)]
        low, high = lo[idx], hi[idx]
        # after a first probe that met, try one fewer (usually the answer), then bisect
        below = high - 1.0 if tries == 0 else np.floor(0.5 * (low + high))
        probe = np.where(np.isnan(high), low + step[idx], np.maximum(below, low + 1.0))
        tries += 1
    answer[busy] = hi
    return answer


def required_priority_agents(
    calls: Sequence[Any],
    aht_s: Any,
    targets: Sequence[TargetsLike],
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
) -> Any:
    """The fewest agents of a pool meeting every priority class's targets at once.

    Parameters
    ----------
    calls : list of (float, ndarray or Series)
        Calls offered per interval [count], one entry per class, best class first.
    aht_s : float, ndarray, Series, or a list of them per class
        Average handle time [s]; one value for the pool (per-class values must agree).
    targets : list of (str, target object, or a sequence of them)
        One entry per class: ``["90/10+99/300", "80/20"]``. Service levels and ASA are
        the class's own; an occupancy cap applies to the pool.
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    patience_s : None
        Callers who abandon are not supported (a finite value raises).

    Returns
    -------
    int, ndarray of int64, or Series of int64
        Agents of the pool; 0 where no class has calls.

    Raises
    ------
    StaffingError
        Where handle times differ by class or a patience is given (the closed form does
        not hold), or for an abandon-rate target (nobody abandons in this model).

    Notes
    -----
    Every class's measures improve with each agent, so the answer is the first stable
    staffing (more agents than the pooled workload) where every target holds. The
    search starts at the pooled first-come first-served requirement for all targets,
    tries one fewer, and otherwise gallops and bisects: the answer meets every target
    and one agent fewer misses one.

    A class without calls in an interval imposes no constraint there (module notes):
    its targets, an occupancy cap among them, are left out of that interval, so a pool
    whose only busy class is ``k`` needs exactly what ``k``'s calls need alone
    (:func:`staffing.required_agents`, Erlang C).

    Examples
    --------
    The premium line's 90/10 + 99/300 and the general line's 80/20 from one pool:

    >>> required_priority_agents([40, 160], 240, ["90/10+99/300", "80/20"])
    32

    Staffed apart, the two lines would need 9 + 26 = 35 agents. In an interval without
    premium calls the premium targets do not bind:

    >>> required_priority_agents([0, 42.3], 240, ["90/10+99/300", "80/20"])
    9
    """
    if isinstance(calls, list | tuple) and len(targets) != len(calls):
        raise StaffingError(
            f"`targets` has {len(targets)} entries for {len(calls)} priority classes"
        )
    parsed = [TargetSet.of(t) for t in targets]
    for tg in parsed:
        if tg.abandon_cap is not None:
            raise TargetError(
                f"target {AbandonRate(tg.abandon_cap)}: nobody abandons in the priority-class "
                "model (it has no patience); drop the abandon-rate target"
            )
    c, h, iv, _, template = _prepare(calls, aht_s, interval_s, patience_s)
    shape = h.shape
    k = c.shape[0]
    c2 = c.reshape(k, -1)
    h1, iv1 = h.reshape(-1), iv.reshape(-1)
    loads = c2 * h1 / iv1
    answer = np.empty(h1.shape)
    for start in range(0, h1.size, 65536):
        block = slice(start, start + 65536)
        answer[block] = _solve(loads[:, block], c2[:, block], h1[block], iv1[block], parsed)
    return wrap(answer.reshape(shape), template, integer=True)

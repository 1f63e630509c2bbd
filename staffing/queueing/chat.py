"""Chat with concurrency: agents who hold several chats at once.

An agent holds up to ``concurrency`` chats. The more it holds, the slower each one goes: the
*efficiency table* gives the total throughput of an agent holding ``j`` chats relative to
one chat (``efficiency[j-1]``; practitioner figures 1, 1.7, 2.5, 2.9, 3.5 for j = 1..5 by
default). ``aht_s`` is the handle time of a chat that an agent handles alone; a chat that
shares its agent with ``j - 1`` others lasts ``j aht_s / efficiency[j-1]`` on average.

Model
-----
A birth-death chain on ``k``, the number of chats in the system, with ``N`` agents, chat
capacity ``S = N c`` (``c`` the concurrency), arrival rate ``lambda`` and ``mu = 1/aht_s``:

* a new chat goes to the least-loaded agent, so with ``k <= S`` chats in service
  ``r = k mod N`` agents hold ``q + 1 = floor(k/N) + 1`` chats and ``N - r`` hold ``q``,
  and chats are completed at the total rate ``mu R(k)`` with
  ``R(k) = (N - r) e(q) + r e(q + 1)`` (``e(0) = 0``, ``e(j)`` the table);
* beyond ``S`` every agent holds ``c`` chats and the others wait first-come first-served;
  with ``j`` waiting, the chain leaves the state at rate ``N e(c) mu + j theta``, where
  ``theta = 1/patience_s`` (waiting chats abandon as in Erlang A; ``theta = 0`` without
  patience).

The waiting states have exactly the structure of Erlang A (or Erlang C) with ``n = N e(c)``
servers: the tail of the stationary distribution is that of Erlang A with ``x = N e(c)
mu/theta`` and ``y = lambda/theta``, and a waiting chat's offered wait has Erlang A's
law for that ``n``. Only the states below ``S`` differ, and they enter every measure
through one number, the blocking probability of the finite chain truncated at ``S``,

    ``B* = pi(S) / sum_{k <= S} pi(k)``,

which takes the place of Erlang B. Its first ``N`` states are Erlang B for ``N`` servers
(agents holding at most one chat); above them the stable recursion
``1/B*(k) = 1 + (R(k)/a) / B*(k-1)`` (``a = lambda/mu``) walks the remaining ``(c-1) N``
states in log space. Then, with ``n = N e(c)``,

* Erlang C (no patience): ``P(wait) = n B* / (n - a + a B*)``, a waiting chat's wait is
  exponential with rate ``(n - a) mu``, so ``SL(t) = 1 - P(wait) exp(-(n - a) mu t)`` and
  ``ASA = P(wait) / ((n - a) mu)``; stable only where ``n > a``;
* Erlang A (patience): every measure of :func:`staffing.evaluate` for ``n`` servers with
  ``B*`` in place of Erlang B (:mod:`staffing.queueing.erlang_a`);
* occupancy is busy chat slots over ``N c``: ``(m (1 - P(wait)) + S P(wait)) / S`` with
  ``m = E[k | k < S]``, carried along the same recursion as the convex combination
  ``m(k) = k B*(k) + (1 - B*(k)) m(k-1)``.

With ``concurrency = 1`` the chain is M/M/N (+M) and every measure is Erlang C (A); with
the linear table ``e(j) = j`` it is M/M/(N c) (+M).

The chain keeps the agents' loads balanced: exact in the waiting states (every agent then
holds ``c``) and whenever the loads stay within one chat of each other. Routing alone
cannot always keep them so (an agent may finish a chat while another holds two more), so
below ``S`` the model is the balanced system, as if a chat could be handed over to even
the loads out. Simulated with routing alone (no hand-overs), the test scenarios of
``tests/test_queueing_chat.py`` (concurrency 2 to 5, light to overloaded) differ from the
model by at most about 0.01 in P(wait), service level and occupancy.

Naive division understaffs
--------------------------
Dividing the Erlang C requirement by the concurrency assumes that an agent with ``c`` chats
works ``c`` times as fast. For 200 chats in 30 minutes at 6 minutes each handled alone
(40 Erlangs) and a first response 80/60:

>>> from staffing.queueing import required_agents
>>> voice = required_agents(200, 360, "80/60", interval_s=1800)
>>> exact = [required_chat_agents(200, 360, "80/60", c, interval_s=1800) for c in (1, 2, 3, 4)]
>>> naive = [-(-voice // c) for c in (1, 2, 3, 4)]
>>> exact, naive
([45, 26, 18, 15], [45, 23, 15, 12])
>>> [round(evaluate_chat(200, 360, n, c, interval_s=1800, threshold_s=60).service_level, 3)
...  for c, n in zip((1, 2, 3, 4), naive)]
[0.852, 0.0, 0.0, 0.0]

At two, three and four chats the naive staffing is 3 agents short and cannot keep up at
all: 23 agents at 1.7 chats' throughput each carry 39.1 of the 40 Erlangs offered, so the
queue grows without bound (service level 0) instead of meeting 80/60.

References
----------
.. [1] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
   customers", Manufacturing & Service Operations Management 4(3), 2002, 208-227.
   doi:10.1287/msom.4.3.208.7753
.. [2] T. Tezcan and J. Zhang, "Routing and staffing in customer service chat systems with
   impatient customers", Operations Research 62(4), 2014, 943-956.
   doi:10.1287/opre.2014.1284
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.erlang_a import erlang_a_measures
from staffing.queueing.performance import (
    WITHIN_POLICIES,
    AbandonPolicy,
    Metrics,
    check_inputs,
    check_policy,
    policy_service_level,
)
from staffing.queueing.solver import required_agents_erlang
from staffing.queueing.special import log_erlang_b
from staffing.queueing.targets import Measures, TargetSet, TargetsLike

__all__ = ["DEFAULT_EFFICIENCY", "evaluate_chat", "required_chat_agents"]

#: Total throughput of an agent holding j = 1..5 chats, relative to one chat.
DEFAULT_EFFICIENCY: tuple[float, ...] = (1.0, 1.7, 2.5, 2.9, 3.5)

_CHUNK = 65536


def efficiency_table(efficiency: Sequence[float], concurrency: np.ndarray) -> np.ndarray:
    """The table as ``e(0..C+1)`` (``e(0) = 0``, last entry repeated), validated.

    ``efficiency[j-1]`` is the throughput of an agent holding ``j`` chats relative to one:
    positive, non-decreasing, starting at 1, and long enough for every ``concurrency``.
    """
    eff = np.asarray(efficiency, dtype=float).reshape(-1)
    if eff.size == 0 or not np.all(np.isfinite(eff)) or np.any(eff <= 0):
        raise StaffingError("`efficiency` must be positive numbers, one per chat held (1, 1.7)")
    if eff[0] != 1.0:
        raise StaffingError(
            f"`efficiency` must start at 1 (one chat is one chat's throughput), not {eff[0]:g}"
        )
    if np.any(np.diff(eff) < 0):
        raise StaffingError("`efficiency` must not decrease: an extra chat cannot lower throughput")
    if concurrency.size and float(np.max(concurrency)) > eff.size:
        raise StaffingError(
            f"`efficiency` covers {eff.size} chat(s) per agent; `concurrency` goes up to "
            f"{float(np.max(concurrency)):g}: give a longer table"
        )
    return np.concatenate(([0.0], eff, eff[-1:]))


def _check_whole(name: str, values: np.ndarray, low: float) -> None:
    bad = ~(np.isfinite(values) & (values >= low) & (values == np.round(values)))
    if np.any(bad):
        first = float(values[bad].reshape(-1)[0])
        raise StaffingError(
            f"`{name}` must be whole numbers >= {low:g} for chat (routing shares chats "
            f"among whole agents): {int(np.count_nonzero(bad))} value(s) are not, e.g. {first:g}"
        )


def loss_chain(
    n: np.ndarray, cc: np.ndarray, a: np.ndarray, eff: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``log B*`` and ``m = E[k | k < S]`` of the chat chain truncated at ``S = n cc``.

    ``n >= 1`` agents, concurrency ``cc >= 1``, load ``a > 0`` [Erlang], table ``eff`` from
    :func:`efficiency_table`. The first ``n`` states are Erlang B; the other ``(cc-1) n``
    are walked by the recursion of the module notes, longest walks first so that each step
    works on a prefix of the arrays.
    """
    log_b = log_erlang_b(n, a)
    # m(N-1) = E[k | k <= N-1] of Poisson(a) = a (1 - B(N-1)) = a - N B(N) / (1 - B(N))
    with np.errstate(divide="ignore", invalid="ignore"):
        m = a - n * np.exp(log_b) / -np.expm1(log_b)
    m = np.clip(np.nan_to_num(m, nan=0.0), 0.0, n - 1.0)
    steps = ((cc - 1.0) * n).astype(np.int64)
    if not np.any(steps):
        return log_b, m
    order = np.argsort(-steps, kind="stable")
    st = steps[order]
    ni = n[order].astype(np.int64)
    nf = n[order]
    log_a = np.log(a[order])
    lb = log_b[order]
    mm = m[order]
    k = ni.copy()  # the state the pair (lb, mm) = (log B*(k), m(k-1)) describes
    # number of rows with at least s steps, for s = 1..max
    counts = np.searchsorted(-st, -np.arange(1, int(st[0]) + 1), side="right")
    for count in counts:
        p = slice(0, int(count))
        kp = k[p]
        b = np.exp(lb[p])
        # m(k) = k B*(k) + (1 - B*(k)) m(k-1): the truncated chain's mean, one state up
        mm[p] = kp * b - np.expm1(lb[p]) * mm[p]
        kp = kp + 1
        q, r = np.divmod(kp, ni[p])
        # R(k) = (N - r) e(q) + r e(q+1): least-loaded routing keeps loads within one chat
        rate = (nf[p] - r) * eff[q] + r * eff[q + 1]
        # 1/B*(k) = 1 + (R(k)/a) / B*(k-1), in logs
        lb[p] = -np.logaddexp(0.0, np.log(rate) - log_a[p] - lb[p])
        k[p] = kp
    out_b = np.empty_like(log_b)
    out_m = np.empty_like(m)
    out_b[order] = lb
    out_m[order] = mm
    return out_b, out_m


def chat_performance(
    n: np.ndarray,
    cc: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray | None,
    thresholds_s: list[np.ndarray],
    abandon_policy: str,
    eff: np.ndarray,
    *,
    want_asa: bool = True,
) -> dict[str, Any]:
    """Chat measures on broadcast, validated 1-d float arrays (whole ``n`` and ``cc``).

    Returns ``p_wait``, ``abandon_rate``, ``occupancy``, ``asa_s`` (if wanted) and
    ``service_level`` (a list, one array per threshold), as
    :func:`staffing.queueing.performance.performance` does for voice.
    """
    shape = n.shape
    p_wait = np.zeros(shape)
    abandon = np.zeros(shape)
    occupancy = np.zeros(shape)
    asa = np.zeros(shape)
    sls = [np.ones(shape) for _ in thresholds_s]

    busy = a > 0
    staffed = busy & (n >= 1)
    # B* with nobody to answer is 1; Erlang A's formulas are only reached there through
    # rows it sets aside itself, so they get the one-agent value as evaluate gives them
    log_b = np.zeros(shape)
    idle_staff = busy & ~staffed
    if np.any(idle_staff):
        log_b[idle_staff] = log_erlang_b(np.ones(int(idle_staff.sum())), a[idle_staff])
    m = np.zeros(shape)
    if np.any(staffed):
        log_b[staffed], m[staffed] = loss_chain(n[staffed], cc[staffed], a[staffed], eff)
    # the waiting states: Erlang A/C with n = N e(c) servers
    n_eff = n * eff[cc.astype(np.int64)]
    slots = n * cc

    erlang_a_mask = (
        np.isfinite(patience_s) if patience_s is not None else np.zeros(shape, dtype=bool)
    )
    c = busy & ~erlang_a_mask
    if np.any(c):
        nc, ac, hc = n_eff[c], a[c], aht_s[c]
        stable = nc > ac
        b = np.exp(log_b[c])
        with np.errstate(invalid="ignore", divide="ignore"):
            pw = np.where(stable, nc * b / (nc - ac + ac * b), 1.0)  # Erlang C with B*
            gap = np.where(stable, (nc - ac) / hc, 0.0)  # (n mu - lambda) [1/s]
            asa[c] = np.where(stable, pw / gap, np.inf)
        p_wait[c] = pw
        for sl, t in zip(sls, thresholds_s, strict=True):
            sl[c] = np.where(stable, 1.0 - pw * np.exp(-gap * t[c]), 0.0)

    ea = busy & erlang_a_mask
    if np.any(ea):
        assert patience_s is not None
        res = erlang_a_measures(
            n_eff[ea],
            a[ea],
            aht_s[ea],
            patience_s[ea],
            [t[ea] for t in thresholds_s],
            want_asa=want_asa,
            want_abandoned_within=abandon_policy in WITHIN_POLICIES,
            log_b=log_b[ea],
        )
        p_wait[ea] = res["p_wait"]
        abandon[ea] = res["abandon_rate"]
        if want_asa:
            asa[ea] = res["asa_s"]
        for sl, (aw, bw) in zip(sls, res["within"], strict=True):
            sl[ea] = policy_service_level(aw, bw, res["answered"], abandon_policy)

    # busy slots / all slots: E[k | k < S] below capacity, every slot busy above it
    with np.errstate(invalid="ignore", divide="ignore"):
        occ = (m * (1.0 - p_wait) + slots * p_wait) / slots
    occupancy[busy] = np.where(staffed, np.clip(occ, 0.0, 1.0), 1.0)[busy]
    for sl in sls:
        sl[~busy] = 1.0
    out: dict[str, Any] = {
        "p_wait": p_wait,
        "abandon_rate": abandon,
        "occupancy": occupancy,
        "service_level": sls,
    }
    if want_asa:
        out["asa_s"] = asa
    return out


def evaluate_chat(
    calls: Any,
    aht_s: Any,
    agents: Any,
    concurrency: Any,
    *,
    efficiency: Sequence[float] = DEFAULT_EFFICIENCY,
    interval_s: Any = 1800,
    threshold_s: Any = 20,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Metrics:
    """Predicted performance of chat agents who each hold up to ``concurrency`` chats.

    Parameters
    ----------
    calls : float, ndarray or Series
        Chats offered in the interval [count].
    aht_s : float, ndarray or Series
        Handle time of a chat that an agent handles alone [s].
    agents : int, ndarray or Series
        Agents on chat [count]; whole numbers.
    concurrency : int, ndarray or Series
        Most chats an agent holds at once [count]; whole numbers >= 1.
    efficiency : sequence of float, default (1, 1.7, 2.5, 2.9, 3.5)
        Total throughput of an agent holding j = 1, 2, ... chats relative to one chat;
        positive, non-decreasing, starting at 1, at least ``concurrency`` long.
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    threshold_s : float, ndarray or Series, default 20
        Service-level threshold on the wait for a first response [s].
    patience_s : float, ndarray, Series or None
        Mean patience of a waiting chat [s]; ``None``, ``inf`` or ``NaN``: nobody leaves.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned chats enter the service level (see :func:`staffing.evaluate`).

    Returns
    -------
    Metrics
        ``p_wait``, ``service_level`` (first response within ``threshold_s``), ``asa_s``
        (mean wait of answered chats [s]), ``abandon_rate`` and ``occupancy`` (busy chat
        slots over ``agents * concurrency``), each in the broadcast shape of the inputs.

    Notes
    -----
    The birth-death chain and its formulas are in the module notes: Erlang C or Erlang A
    for ``agents * efficiency[concurrency-1]`` servers, with the blocking probability of
    the chat chain below capacity in place of Erlang B. ``concurrency = 1`` gives exactly
    :func:`staffing.evaluate`. Without patience the queue is stable only while
    ``agents * efficiency[concurrency-1]`` exceeds the workload; beyond that ``p_wait = 1``,
    ``service_level = 0``, ``asa_s = inf`` and ``occupancy = 1``.

    Examples
    --------
    60 chats in 30 minutes, 8 minutes each handled alone, 10 agents holding up to 3:

    >>> m = evaluate_chat(60, 480, 10, 3, interval_s=1800, threshold_s=60)
    >>> round(m.p_wait, 4), round(m.service_level, 4), round(m.occupancy, 3)
    (0.0127, 0.9959, 0.614)
    """
    check_policy(abandon_policy)
    arrays, template = broadcast(
        calls, aht_s, agents, concurrency, interval_s, threshold_s, patience_s
    )
    c, h, n, cc, iv, t, p = arrays
    check_inputs(c, h, iv, p, agents=n, thresholds_s=[t])
    _check_whole("agents", n, 0.0)
    _check_whole("concurrency", cc, 1.0)
    eff = efficiency_table(efficiency, cc)
    shape = c.shape
    flat = [x.reshape(-1) if x is not None else None for x in (c, h, n, cc, iv, t, p)]
    c1, h1, n1, cc1, iv1, t1, p1 = flat
    assert c1 is not None and h1 is not None and n1 is not None and cc1 is not None
    assert iv1 is not None and t1 is not None
    a = c1 * h1 / iv1
    res = chat_performance(n1, cc1, a, h1, p1, [t1], abandon_policy, eff)

    def give(x: np.ndarray) -> Any:
        return wrap(x.reshape(shape), template)

    return Metrics(
        p_wait=give(res["p_wait"]),
        service_level=give(res["service_level"][0]),
        asa_s=give(res["asa_s"]),
        abandon_rate=give(res["abandon_rate"]),
        occupancy=give(res["occupancy"]),
    )


def _met(
    n: np.ndarray,
    cc: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    targets: TargetSet,
    policy: str,
    eff: np.ndarray,
) -> np.ndarray:
    """Tell whether ``n`` agents meet every target."""
    thresholds = targets.thresholds
    res = chat_performance(
        n,
        cc,
        a,
        aht_s,
        patience_s,
        [np.full(n.shape, t) for t in thresholds],
        policy,
        eff,
        want_asa=targets.needs("asa_s"),
    )
    measures = Measures(
        dict(zip(thresholds, res["service_level"], strict=True)),
        asa_s=res.get("asa_s"),
        abandon_rate=res["abandon_rate"],
        occupancy=res["occupancy"],
    )
    return (n >= 1) & targets.met_by(measures)


def _search(
    cc: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    targets: TargetSet,
    policy: str,
    eff: np.ndarray,
    voice: np.ndarray,
) -> np.ndarray:
    """Fewest agents meeting every target, assuming measures improve with each agent.

    ``voice`` (the concurrency-1 requirement) is the first guess for an upper bound;
    the first probe is it divided by the efficiency at full concurrency. A gallop (steps
    1, 2, 4, ...) brackets the answer and bisection closes the bracket.
    """
    size = a.size
    e_c = eff[cc.astype(np.int64)]
    # most agents known to miss: zero never meets, and without patience the chain is
    # stable only above N e(c) = a
    lo = np.where(np.isfinite(patience_s), 0.0, np.maximum(np.ceil(a / e_c) - 1.0, 0.0))
    hi = np.full(size, np.nan)
    probe = np.maximum(np.ceil(voice / e_c), lo + 1.0)
    step = np.ones(size)
    ceiling = 20.0 * a + 100.0 * np.sqrt(a) + 1000.0
    idx = np.arange(size)
    while idx.size:
        if np.any(probe > ceiling[idx]):
            raise TargetError(f"targets {targets}: no chat staffing found within reach")
        ok = _met(probe, cc[idx], a[idx], aht_s[idx], patience_s[idx], targets, policy, eff)
        hi[idx[ok]] = np.fmin(hi[idx[ok]], probe[ok])
        lo[idx[~ok]] = np.fmax(lo[idx[~ok]], probe[~ok])
        galloping = np.isnan(hi[idx])
        step[idx[galloping]] *= 2.0
        idx = idx[np.isnan(hi[idx]) | (hi[idx] - lo[idx] > 1.0)]
        low, high = lo[idx], hi[idx]
        probe = np.where(np.isnan(high), low + step[idx], np.floor(0.5 * (low + high)))
    return hi


def _solve(
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_s: np.ndarray,
    patience_s: np.ndarray,
    cc: np.ndarray,
    targets: TargetSet,
    policy: AbandonPolicy,
    eff: np.ndarray,
) -> np.ndarray:
    a = calls * aht_s / interval_s
    answer = np.zeros(a.shape)
    busy = np.flatnonzero(a > 0)
    if busy.size == 0:
        return answer
    a, h, p, k = a[busy], aht_s[busy], patience_s[busy], cc[busy]
    voice = required_agents_erlang(
        calls[busy], h, targets, interval_s=interval_s[busy], patience_s=p, abandon_policy=policy
    )
    voice = np.asarray(voice, dtype=float).reshape(-1)
    upper = _search(k, a, h, p, targets, "fail", eff, voice)
    if policy != "fail" and targets.service_levels:
        # Policies that credit abandons can dip as agents are added (see
        # staffing.required_agents): the fewest agents from which every target holds is
        # found by stepping down from the "fail" answer while the targets hold.
        idx = np.flatnonzero(upper > 1.0)
        while idx.size:
            probe = upper[idx] - 1.0
            ok = _met(probe, k[idx], a[idx], h[idx], p[idx], targets, policy, eff)
            upper[idx[ok]] = probe[ok]
            idx = idx[ok & (probe > 1.0)]
    answer[busy] = upper
    return answer


def required_chat_agents(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike,
    concurrency: Any,
    *,
    efficiency: Sequence[float] = DEFAULT_EFFICIENCY,
    interval_s: Any = 1800,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Any:
    """The fewest chat agents meeting every target at once, per interval.

    Parameters
    ----------
    calls : float, ndarray or Series
        Chats offered per interval [count]; may be fractional (a forecast).
    aht_s : float, ndarray or Series
        Handle time of a chat that an agent handles alone [s].
    targets : str, target object, or a sequence of them
        ``"80/60"``, ``"asa<=30"``, ``["80/60", "abandon<=5%"]``, ``Occupancy(0.85)``...;
        service levels are on the wait for a first response, occupancy on chat slots.
    concurrency : int, ndarray or Series
        Most chats an agent holds at once [count]; whole numbers >= 1.
    efficiency : sequence of float, default (1, 1.7, 2.5, 2.9, 3.5)
        Total throughput of an agent holding j = 1, 2, ... chats relative to one chat.
    interval_s : float, ndarray or Series, default 1800
        Interval length [s].
    patience_s : float, ndarray, Series or None
        Mean patience of a waiting chat [s]; ``None``/``inf``/``NaN``: nobody leaves.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        Service-level convention (see :func:`staffing.evaluate`).

    Returns
    -------
    int, ndarray of int64, or Series of int64
        Agents required; 0 where there are no chats.

    Raises
    ------
    TargetError
        A ``ValueError`` naming a target no staffing can meet (or an abandon-rate target
        without a patience).

    Notes
    -----
    Each candidate is evaluated exactly (:func:`evaluate_chat`). The search starts from
    the concurrency-1 requirement (:func:`staffing.required_agents`) divided by the
    efficiency at full concurrency, gallops to a bracket and bisects it, so the answer
    meets every target and one agent fewer misses one. Under policies that credit
    abandons (not ``"fail"``) it is the fewest agents from which every target holds, as
    for :func:`staffing.required_agents`.

    Examples
    --------
    >>> required_chat_agents(60, 480, "80/60", 3, interval_s=1800)
    8
    >>> required_chat_agents(60, 480, "80/60", 1, interval_s=1800)
    20
    """
    check_policy(abandon_policy)
    parsed = TargetSet.of(targets)
    arrays, template = broadcast(calls, aht_s, interval_s, patience_s, concurrency)
    c, h, iv, p, cc = arrays
    check_inputs(c, h, iv, p)
    _check_whole("concurrency", cc, 1.0)
    eff = efficiency_table(efficiency, cc)
    shape = c.shape
    c1, h1, iv1, cc1 = c.reshape(-1), h.reshape(-1), iv.reshape(-1), cc.reshape(-1)
    p1 = p.reshape(-1) if p is not None else np.full(c1.shape, np.inf)
    answer = np.empty(c1.shape)
    for start in range(0, c1.size, _CHUNK):
        block = slice(start, start + _CHUNK)
        answer[block] = _solve(
            c1[block], h1[block], iv1[block], p1[block], cc1[block], parsed, abandon_policy, eff
        )
    return wrap(answer.reshape(shape), template, integer=True)

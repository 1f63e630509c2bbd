"""The fewest agents meeting every target at once, per interval.

Notes
-----
All measures are monotone in the number of agents (service level rises; ASA, abandon rate
and occupancy fall), so the requirement is the first ``n`` where every target holds.

* **Erlang C**: a square-root-staffing guess (Halfin and Whitt 1981) lands within a few
  agents of the answer; Erlang B is computed exactly there once, then the search walks with
  the recursion ``B(n+1) = a B(n) / (n + 1 + a B(n))`` (stable upwards; a few steps down use
  its inverse), so each further candidate costs a handful of arithmetic operations.
* **Erlang A**: every candidate is evaluated exactly. The first guess for a service-level
  target comes from the quality-and-efficiency-driven limit of Erlang A (Garnett,
  Mandelbaum and Reiman 2002): at ``n = a + beta sqrt(a)`` with ``gamma = aht / patience``,
  ``P(wait) -> 1 / (1 + sqrt(gamma) h(beta / sqrt(gamma)) / h(-beta))`` (``h`` the normal
  hazard rate) and the offered wait of a waiting caller is a normal truncated at zero, so

  ``SL -> 1 - P(wait) Phibar(beta / sqrt(gamma) + sqrt(gamma) u) / Phibar(beta / sqrt(gamma))``

  with ``u = sqrt(a) t / aht``; ``beta`` is tabulated on ``(u, gamma)`` once per target
  fraction. The guess is usually the answer or one below, so the next probe is its
  neighbour; where not, a secant jump, a gallop (steps 1, 2, 4, ...) and bisection follow.
  The search starts at one agent: with abandonment an overloaded interval can meet its
  targets with fewer agents than its workload.

Zero calls need zero agents. Workloads are answered up to 1,000,000 Erlangs (Erlang A
above 10,000 Erlangs: up to 1e9 calls arriving during one mean patience) and refused by
name beyond, in bounded time (the supported range and the evidence for it are in
:mod:`staffing.queueing.erlang`).

References
----------
.. [1] S. Halfin and W. Whitt, "Heavy-traffic limits for queues with many exponential
   servers", Operations Research 29(3), 1981, 567-588. doi:10.1287/opre.29.3.567
.. [2] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
   customers", Manufacturing & Service Operations Management 4(3), 2002, 208-227.
   doi:10.1287/msom.4.3.208.7753
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from staffing.errors import TargetError
from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.erlang_a import erlang_a_measures
from staffing.queueing.performance import (
    WITHIN_POLICIES,
    AbandonPolicy,
    check_inputs,
    check_policy,
    policy_service_level,
    workload,
)
from staffing.queueing.special import log_erlang_b
from staffing.queueing.targets import (
    AbandonRate,
    Asa,
    Measures,
    Occupancy,
    ServiceLevel,
    Target,
    TargetSet,
    TargetsLike,
    check_queueing_targets,
)

__all__ = ["gallop_and_bisect", "required_agents_erlang"]

_SQRT_2PI = np.sqrt(2.0 * np.pi)
_MAX_STEPS = 100_000
_TABLE_SIZE = 1024
_CHUNK = 65536
_WALK_DOWN = 8
_WALK = 16  # Erlang B is walked by recursion at most this many agents from its anchor


def _log_c_halfin_whitt(beta: np.ndarray) -> np.ndarray:
    """``log C(beta)``: the Halfin-Whitt limit of Erlang C at ``n = a + beta sqrt(a)``.

    ``C(beta) = 1 / (1 + beta Phi(beta) / phi(beta))``.
    """
    return -np.log1p(beta * special.ndtr(beta) * _SQRT_2PI * np.exp(0.5 * beta * beta))


def _bisect_beta(h: Any, size: int) -> np.ndarray:
    """Root in ``[0, 12]`` of a decreasing function of ``beta``, on a grid of ``size``."""
    lo, hi = np.zeros(size), np.full(size, 12.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        pos = h(mid) > 0
        lo, hi = np.where(pos, mid, lo), np.where(pos, hi, mid)
    return 0.5 * (lo + hi)


@lru_cache(maxsize=64)
def _sl_table(fraction: float) -> np.ndarray:
    """``beta`` solving ``log C(beta) - k beta = log(1 - fraction)`` on ``u = log1p(k)``."""
    k = np.expm1(np.linspace(0.0, _U_MAX, _TABLE_SIZE))
    level = np.log1p(-fraction)
    return _bisect_beta(lambda b: _log_c_halfin_whitt(b) - k * b - level, _TABLE_SIZE)


# Erlang A guess table: rows log(gamma) on [_G_MIN, _G_MAX], columns u = log1p(k) as above.
_G_MIN, _G_MAX = float(np.log(1e-4)), float(np.log(1e4))
_A_ROWS, _A_COLS = 65, 129


def _log_hazard(z: np.ndarray) -> np.ndarray:
    """``log h(z)``, ``h = phi / Phibar`` the normal hazard rate, without overflow."""
    return -0.5 * z * z - 0.5 * np.log(2.0 * np.pi) - special.log_ndtr(-z)


@lru_cache(maxsize=64)
def _sl_table_a(fraction: float) -> np.ndarray:
    """``beta`` at which the Erlang A limit of the service level reaches ``fraction``.

    The limit is in the module notes; on the grid ``log(gamma)`` x ``log1p(u)``, by bisection (the
    limit rises with ``beta``).
    """
    g = np.exp(np.linspace(_G_MIN, _G_MAX, _A_ROWS))[:, None]
    u = np.expm1(np.linspace(0.0, _U_MAX, _A_COLS))[None, :]
    root_g = np.sqrt(g)

    def shortfall(beta: np.ndarray) -> np.ndarray:
        hat = beta / root_g
        log_pw = -np.logaddexp(0.0, np.log(root_g) + _log_hazard(hat) - _log_hazard(-beta))
        log_tail = special.log_ndtr(-(hat + root_g * u)) - special.log_ndtr(-hat)
        return -np.expm1(log_pw + log_tail) - fraction  # SL - fraction, rising in beta

    lo = np.full((_A_ROWS, _A_COLS), -40.0)
    hi = np.full((_A_ROWS, _A_COLS), 40.0)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        ok = shortfall(mid) >= 0
        lo, hi = np.where(ok, lo, mid), np.where(ok, mid, hi)
    return hi


def _guess_erlang_a(
    a: np.ndarray, aht_s: np.ndarray, patience_s: np.ndarray, targets: Iterable[Target]
) -> np.ndarray:
    """First probe of the Erlang A search.

    The limit above for service-level targets, the Erlang C guess for ASA and occupancy targets
    (just above the workload when there is an abandon-rate target besides).
    """
    others = [t for t in targets if not isinstance(t, ServiceLevel)]
    guess = _guess(a, aht_s, others) if others else np.ones(a.shape)
    root = np.sqrt(a)
    # log(aht / patience) as a difference: the ratio overflows for a patience below 1e-305 s
    row = (np.log(aht_s) - np.log(patience_s) - _G_MIN) * ((_A_ROWS - 1) / (_G_MAX - _G_MIN))
    row = np.clip(row, 0.0, _A_ROWS - 1.000001)
    i = row.astype(np.intp)
    fr = row - i
    for tg in targets:
        if not isinstance(tg, ServiceLevel):
            continue
        table = _sl_table_a(tg.fraction)
        with np.errstate(over="ignore"):  # a subnormal aht_s: u = inf, clipped below
            u = np.log1p(root * (tg.threshold_s / aht_s))
        col = np.clip(u * ((_A_COLS - 1) / _U_MAX), 0.0, _A_COLS - 1.000001)
        j = col.astype(np.intp)
        fc = col - j
        top = table[i, j] + fc * (table[i, j + 1] - table[i, j])
        bottom = table[i + 1, j] + fc * (table[i + 1, j + 1] - table[i + 1, j])
        beta = top + fr * (bottom - top)
        guess = np.maximum(guess, np.ceil(a + beta * root))
    return np.maximum(guess, 1.0)


@lru_cache(maxsize=1)
def _asa_table() -> np.ndarray:
    """``beta`` solving ``log C(beta) - log(beta) = level`` on a uniform grid of levels."""
    level = np.linspace(-_L_MAX, _L_MAX, _TABLE_SIZE)
    with np.errstate(divide="ignore"):
        return _bisect_beta(lambda b: _log_c_halfin_whitt(b) - np.log(b) - level, _TABLE_SIZE)


_U_MAX = float(np.log1p(1e5))
_L_MAX = 20.0


def _lookup(u: np.ndarray, lo: float, hi: float, table: np.ndarray) -> np.ndarray:
    """Linear interpolation on a uniform grid from ``lo`` to ``hi`` (clamped)."""
    pos = np.clip((u - lo) * ((table.size - 1) / (hi - lo)), 0.0, table.size - 1.000001)
    i = pos.astype(np.intp)
    left = table[i]
    return left + (pos - i) * (table[i + 1] - left)


def _guess(a: np.ndarray, aht_s: np.ndarray, targets: Iterable[Target]) -> np.ndarray:
    """Square-root-staffing estimate of the Erlang C requirement (may be off by a few).

    Halfin and Whitt's limit gives ``n = a + beta sqrt(a)`` with ``beta`` a function of one
    variable per target, tabulated once and interpolated.
    """
    guess = np.floor(a) + 1.0
    root = np.sqrt(a)
    for tg in targets:
        if isinstance(tg, ServiceLevel):
            with np.errstate(over="ignore"):  # a subnormal aht_s: u = inf, clamped
                u = np.log1p(root * (tg.threshold_s / aht_s))
            beta = _lookup(u, 0.0, _U_MAX, _sl_table(tg.fraction))
        elif isinstance(tg, Asa):
            with np.errstate(divide="ignore", over="ignore"):
                level = np.log(root * (tg.seconds / aht_s))
            beta = _lookup(level, -_L_MAX, _L_MAX, _asa_table())
        elif isinstance(tg, Occupancy):
            guess = np.maximum(guess, np.ceil(a / tg.fraction))
            continue
        else:
            continue
        guess = np.maximum(guess, np.floor(a + beta * root))
    return guess


def _met_erlang_c(
    n: np.ndarray, b: np.ndarray, a: np.ndarray, aht_s: np.ndarray, targets: TargetSet
) -> np.ndarray:
    """Tell whether ``n`` agents (``n > a``) with Erlang B value ``b`` meet every target.

    Erlang C in closed form: ``C = n B / (n - a + a B)``, ``SL(t) = 1 - C e^{-(n-a) t / aht}``,
    ``ASA = C aht / (n - a)``, occupancy ``a / n``; nobody abandons.
    """
    c = n * b / (n - a + a * b)
    measures = Measures(
        lambda t: 1.0 - c * np.exp(-(n - a) * t / aht_s),
        asa_s=lambda: c * aht_s / (n - a),
        abandon_rate=lambda: np.zeros(n.shape),
        occupancy=lambda: a / n,
    )
    return targets.met_by(measures)


def _solve_erlang_c(a: np.ndarray, aht_s: np.ndarray, targets: TargetSet) -> np.ndarray:
    floor_n = np.floor(a) + 1.0  # stability: n > a
    start = np.maximum(_guess(a, aht_s, targets) - 1.0, floor_n)
    b = np.exp(log_erlang_b(start, a))
    met = _met_erlang_c(start, b, a, aht_s, targets)
    answer = np.where(met, start, np.nan)

    # Upwards from a failing start: the first n that meets everything.
    idx = np.flatnonzero(~met)
    n, bb, aa, hh = start[idx], b[idx], a[idx], aht_s[idx]
    for _ in range(_MAX_STEPS):
        if idx.size == 0:
            break
        bb = aa * bb / (n + 1.0 + aa * bb)
        n = n + 1.0
        ok = _met_erlang_c(n, bb, aa, hh, targets)
        answer[idx[ok]] = n[ok]
        keep = ~ok
        idx, n, bb, aa, hh = idx[keep], n[keep], bb[keep], aa[keep], hh[keep]
    else:
        raise TargetError(f"targets {targets}: no staffing found within reach")

    # Downwards from a start that already meets: step down until one fewer fails.
    idx = np.flatnonzero(met & (start > floor_n))
    n, bb, aa, hh = start[idx], b[idx], a[idx], aht_s[idx]
    for _ in range(_MAX_STEPS):
        if idx.size == 0:
            break
        bb = n * bb / (aa * (1.0 - bb))  # inverse of the recursion
        n = n - 1.0
        ok = _met_erlang_c(n, bb, aa, hh, targets)
        answer[idx[ok]] = n[ok]
        keep = ok & (n > floor_n[idx])
        idx, n, bb, aa, hh = idx[keep], n[keep], bb[keep], aa[keep], hh[keep]
    return answer


def _measures(res: dict[str, Any], thresholds: Sequence[float], policy: str) -> Measures:
    """The Erlang A results of :func:`erlang_a_measures` as targets read them."""
    levels = {
        t: policy_service_level(aw, bw, res["answered"], policy)
        for t, (aw, bw) in zip(thresholds, res["within"], strict=True)
    }
    return Measures(
        levels,
        asa_s=res.get("asa_s"),
        abandon_rate=res.get("abandon_rate"),
        occupancy=res.get("occupancy"),
    )


class _ErlangASearch:
    """Exact Erlang A evaluations for the solver, with Erlang B walked from an anchor.

    Erlang B is computed once per interval at an anchor ``n``; any other ``n`` within
    ``_WALK`` agents is reached with the recursion (upwards ``B(n+1) = a B / (n+1 + a B)``,
    downwards its inverse ``B(n-1) = n B / (a (1 - B))``), so a candidate costs the two
    incomplete gamma functions of the Erlang A measures and little else.
    """

    def __init__(
        self,
        a: np.ndarray,
        aht_s: np.ndarray,
        patience_s: np.ndarray,
        targets: TargetSet,
        policy: str,
        anchor: np.ndarray,
    ) -> None:
        self.a, self.aht_s, self.patience_s = a, aht_s, patience_s
        self.targets, self.policy = targets, policy
        self.anchor = anchor.copy()
        self.down_steps = np.zeros(anchor.shape)
        self.anchor_b = np.exp(log_erlang_b(anchor, a))
        self.thresholds = targets.thresholds
        self.want_asa = targets.needs("asa_s")
        self.want_abandon_rate = targets.needs("abandon_rate")

    def _log_b(self, idx: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Log Erlang B at ``n``, walked from the last ``n`` evaluated for each interval."""
        a = self.a[idx]
        n0 = self.anchor[idx]
        b = self.anchor_b[idx]
        steps = n - n0
        # Upward steps shrink relative errors; downward ones can grow them by 1/(1 - B)
        # each, so at most _WALK_DOWN of them are chained before an exact recomputation, and
        # only above the load (where B <= 1/2): in overload B nears 1 and errors explode.
        down_steps = self.down_steps[idx] + np.maximum(-steps, 0.0)
        far = (
            (np.abs(steps) > _WALK)
            | (b < 1e-250)
            | (down_steps > _WALK_DOWN)
            | ((steps < 0) & (n <= a))
        )
        near = np.flatnonzero(~far & (steps != 0))
        if near.size:
            an, bn, mn, sn = a[near], b[near], n0[near], steps[near]
            for k in range(int(np.max(np.abs(sn)))):
                up = sn > k
                down = sn < -k
                m = mn + np.where(up, k, -k)
                upwards = an * bn / (m + 1.0 + an * bn)
                downwards = m * bn / (an * (1.0 - bn))
                bn = np.where(up, upwards, np.where(down, downwards, bn))
            b = b.copy()
            b[near] = bn
        with np.errstate(divide="ignore"):
            out = np.log(b)
        if np.any(far):
            out[far] = log_erlang_b(n[far], a[far])
        # The next walk starts here.
        self.down_steps[idx] = np.where(far, 0.0, down_steps)
        self.anchor[idx] = n
        self.anchor_b[idx] = np.exp(out)
        return out

    def margins(self, idx: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Whether ``n`` agents meet every target for intervals ``idx``, and the margins."""
        res = erlang_a_measures(
            n,
            self.a[idx],
            self.aht_s[idx],
            self.patience_s[idx],
            [np.full(n.shape, t) for t in self.thresholds],
            want_asa=self.want_asa,
            want_abandon_rate=self.want_abandon_rate,
            want_abandoned_within=self.policy in WITHIN_POLICIES,
            log_b=self._log_b(idx, n),
        )
        margins = self.targets.margins(_measures(res, self.thresholds, self.policy))
        met = np.ones(n.shape, dtype=bool)
        for m in margins:
            met &= m >= 0
        return met, margins


def _solve_general(
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    targets: TargetSet,
    policy: str,
) -> np.ndarray:
    """Exact Erlang A requirement under any abandon policy.

    Under ``fail`` every measure is monotone in the agents. The other policies add
    abandoned calls back (``exclude``, ``exclude_within``, ``count_within``), so their
    service level is never below the ``fail`` one but need not be monotone: with very
    impatient callers, ``count_within`` "meets" 80/20 with almost nobody answering. The
    requirement is therefore the fewest agents from which every target holds: start at the
    ``fail`` answer (an upper bound that holds onwards) and step down while targets hold.
    """
    upper = _search_monotone(a, aht_s, patience_s, targets, "fail")
    if policy == "fail" or not targets.service_levels:
        return upper
    search = _ErlangASearch(a, aht_s, patience_s, targets, policy, upper)
    answer = upper.copy()
    idx = np.flatnonzero(answer > 1.0)
    while idx.size:
        probe = answer[idx] - 1.0
        ok, _ = search.margins(idx, probe)
        answer[idx[ok]] = probe[ok]
        idx = idx[ok & (probe > 1.0)]
    return answer


def _search_monotone(
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    targets: TargetSet,
    policy: str,
) -> np.ndarray:
    """Fewest agents meeting monotone targets: two probes, a secant jump, gallop, bisect."""
    size = a.size
    everyone = np.arange(size)
    n0 = _guess_erlang_a(a, aht_s, patience_s, targets)
    search = _ErlangASearch(a, aht_s, patience_s, targets, policy, n0)
    met0, m0 = search.margins(everyone, n0)
    # The guess is usually the answer or one short: its neighbour settles most intervals.
    n1 = np.where(met0, n0 - 1.0, n0 + 1.0)
    n1 = np.where(n1 < 1.0, 2.0, n1)  # one agent met: zero never does, the pair must differ
    met1, m1 = search.margins(everyone, n1)
    nan = np.full(size, np.nan)
    # lo: most agents known to miss; hi: fewest known to meet (NaN: not known yet).
    lo = np.fmax(np.where(met0, nan, n0), np.where(met1, nan, n1))
    hi = np.fmin(np.where(met0, n0, nan), np.where(met1, n1, nan))
    lo = np.where(np.isnan(lo) & (hi == 1.0), 0.0, lo)  # zero agents never meet

    # Secant jump where the two probes did not already bracket the answer.
    idx = np.flatnonzero(np.isnan(lo) | np.isnan(hi))
    if idx.size:
        jump = np.full(idx.size, -np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            for g0, g1 in zip(m0, m1, strict=True):
                slope = (g0[idx] - g1[idx]) / (n0[idx] - n1[idx])
                root = n0[idx] - g0[idx] / slope
                jump = np.fmax(jump, np.where(slope > 0, np.ceil(root - 1e-9), np.nan))
        below = ~np.isnan(hi[idx])  # both probes met: the answer is lower
        # A secant through neighbours is trusted only so far: where the service level is
        # flat (near 0 in deep overload with impatient callers) it would leap far past the
        # answer; the gallop goes on from the clipped point instead.
        reach = np.floor(2.0 + np.sqrt(a[idx]))
        jump = np.where(np.isinf(jump), jump, np.clip(jump, n0[idx] - reach, n0[idx] + reach))
        first = np.where(below, np.fmin(hi[idx] - 1.0, jump), np.fmax(lo[idx] + 1.0, jump))
        first = np.where(np.isfinite(first), first, np.where(below, hi[idx] - 1, lo[idx] + 1))
        first = np.maximum(first, 1.0)
        ok, _ = search.margins(idx, first)
        hi[idx[ok]] = np.fmin(hi[idx[ok]], first[ok])
        lo[idx[~ok]] = np.fmax(lo[idx[~ok]], first[~ok])
        lo = np.where(np.isnan(lo) & (hi == 1.0), 0.0, lo)

    ceiling = 20.0 * a + 100.0 * np.sqrt(a) + 1000.0
    return gallop_and_bisect(lo, hi, ceiling, lambda idx, n: search.margins(idx, n)[0], targets)


def gallop_and_bisect(
    lo: np.ndarray,
    hi: np.ndarray,
    ceiling: np.ndarray,
    met: Callable[[np.ndarray, np.ndarray], np.ndarray],
    targets: object,
) -> np.ndarray:
    """Fewest agents meeting monotone targets, from what is known of each interval.

    ``lo`` holds the most agents known to miss and ``hi`` the fewest known to meet (NaN:
    not known yet); both are updated in place. Each interval gallops towards its unknown
    side (steps of 1, 2, 4, ... agents), then bisects until ``hi - lo <= 1``.
    ``met(idx, agents)`` says which of the intervals ``idx`` meet every target with
    ``agents``.

    Raises
    ------
    TargetError
        A probe above ``ceiling`` (naming ``targets``): no staffing within reach.
    """
    step = np.ones(lo.size)
    idx = np.flatnonzero(np.isnan(lo) | np.isnan(hi) | (hi - lo > 1.0))
    while idx.size:
        low, high = lo[idx], hi[idx]
        probe = np.where(
            np.isnan(low),
            np.maximum(high - step[idx], 1.0),
            np.where(np.isnan(high), low + step[idx], np.floor(0.5 * (low + high))),
        )
        if np.any(probe > ceiling[idx]):
            raise TargetError(f"targets {targets}: no staffing found within reach")
        ok = met(idx, probe)
        galloping = np.isnan(low) | np.isnan(high)
        step[idx[galloping]] *= 2.0
        hi[idx[ok]] = np.fmin(hi[idx[ok]], probe[ok])
        lo[idx[~ok]] = np.fmax(lo[idx[~ok]], probe[~ok])
        lo = np.where(np.isnan(lo) & (hi == 1.0), 0.0, lo)  # zero agents never meet
        idx = idx[np.isnan(lo[idx]) | np.isnan(hi[idx]) | (hi[idx] - lo[idx] > 1.0)]
    return hi


def _solve(
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    targets: TargetSet,
    policy: str,
) -> np.ndarray:
    busy = a > 0
    erlang_a = busy & np.isfinite(patience_s)
    erlang_c = busy & ~erlang_a
    cap = targets.abandon_cap
    if cap is not None and np.any(erlang_c):
        raise TargetError(
            f"target {AbandonRate(cap)} needs a customer "
            f"patience (Erlang A): {int(np.count_nonzero(erlang_c))} interval(s) have none, "
            "and Erlang C assumes nobody abandons"
        )
    if erlang_c.all():  # the common case: no masking copies
        return _solve_erlang_c(a, aht_s, targets)
    answer = np.zeros(a.shape)
    if np.any(erlang_c):
        answer[erlang_c] = _solve_erlang_c(a[erlang_c], aht_s[erlang_c], targets)
    if np.any(erlang_a):
        answer[erlang_a] = _solve_general(
            a[erlang_a], aht_s[erlang_a], patience_s[erlang_a], targets, policy
        )
    return answer


def required_agents_erlang(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike,
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Any:
    """Erlang C, or Erlang A with exponential patience: :func:`staffing.required_agents`'s core.

    The same arguments and answer, without a patience curve, redials or a
    ``customer_abandon<=`` target (which :mod:`staffing.queueing.api` hands to
    :mod:`staffing.queueing.redial`).
    """
    check_policy(abandon_policy)
    parsed = TargetSet.of(targets)
    check_queueing_targets(parsed)
    arrays, template = broadcast(calls, aht_s, interval_s, patience_s)
    c, h, iv, p = arrays
    check_inputs(c, h, iv, p)
    shape = c.shape
    c1, h1, iv1 = c.reshape(-1), h.reshape(-1), iv.reshape(-1)
    p1 = p.reshape(-1) if p is not None else np.full(c1.shape, np.inf)
    a1 = workload(c1, h1, iv1, p.reshape(-1) if p is not None else None)
    answer = np.empty(c1.shape)
    for start in range(0, c1.size, _CHUNK):  # blocks that stay in cache
        block = slice(start, start + _CHUNK)
        answer[block] = _solve(a1[block], h1[block], p1[block], parsed, abandon_policy)
    return wrap(answer.reshape(shape), template, integer=True)

"""Callers who call back: redials and reconnects in steady state (Erlang X).

An abandoned caller often calls again: in the Anonymous Bank's log about 2 in 10 of the
callers who hung up called back within ten minutes, 4 in 10 within the hour. The ACD counts
*attempts*, not customers, and each abandon that comes back is load.

The model
---------
Fresh calls arrive at rate ``lambda_0``; each abandoned attempt comes back later with
probability ``r`` (``redial``), and each answered one with probability ``c``
(``reconnect``: a caller whose matter was not settled). Treating every attempt as one
more Poisson arrival (the retrial approximation of Aguir, Karaesmen, Aksin and Chauvet
2004, and of the commercial Erlang X calculators), the attempts offered, ``lambda``,
solve the fixed point

``lambda = lambda_0 + r lambda P(lambda) + c lambda (1 - P(lambda))``

with ``P(lambda)`` the share of attempts that abandon at that load (Erlang A, or M/M/n+G
with a patience curve). ``lambda (1 - P)`` (the answered) and ``lambda P`` (the
abandoned) both rise with ``lambda``, so for ``r, c < 1`` the root is unique and lies in
``[lambda_0, lambda_0 / (1 - max(r, c))]``; it is found by bracketed regula falsi
(Illinois), interval by interval in one vectorised pass, until the bracket is narrower than
``1e-13`` of the attempts (the 1e-9 contract of the queueing core).

The fixed point is the limit of callers who call back long after they hung up. Callers
who call back within minutes return into the same busy spell, bunched where the queue is
long, and more of them abandon: given a mean delay (``redial_delay_s``) and an
exponential patience, :func:`evaluate_redial` and :func:`required_agents_redial` solve
the exact retrial chain instead (:mod:`staffing.queueing.retrial`). Over a day, the
delay also decides when the load comes back, which the planner follows interval by
interval (:mod:`staffing.planner.redials`, on the fixed point).

Two populations
---------------
Every measure of the queue (service level, ASA, ``abandon_rate``, occupancy) is *per
attempt*: what the ACD reports. Per *customer*, the share who finally give up is

``customer_abandon_rate = lambda P (1 - r) / lambda_0 = P (1 - r) / (1 - r P - c (1 - P))``

(with ``c = 0``: ``P (1 - r) / (1 - r P)``, below ``P``). A sales line that loses a sale
with every caller who gives up for good staffs to ``customer_abandon<=5%``; the SLA
report, counted by the ACD, shows ``abandon<=5%``. Example: 100 fresh calls per half hour,
3-minute calls, 2-minute patience and 11 agents: 11.7% of attempts abandon, half of them
call back, so the ACD counts 106 attempts and 6.2% of customers give up for good.

References
----------
.. [1] S. Aguir, F. Karaesmen, O. Z. Aksin and F. Chauvet, "The impact of retrials on call
   center performance", OR Spectrum 26(3), 2004, 353-376. doi:10.1007/s00291-004-0165-7
.. [2] G. Koole, "Call Center Optimization", MG books, 2013 (chapter 5, the Erlang X
   calculator with redials).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.general_patience import PatienceCurve
from staffing.queueing.performance import (
    AbandonPolicy,
    Metrics,
    check_inputs,
    check_policy,
    performance,
    workload,
)
from staffing.queueing.retrial import retrial_performance, uses_chain, warn_unsolved
from staffing.queueing.solver import gallop_and_bisect, required_agents_erlang
from staffing.queueing.targets import (
    AbandonRate,
    CustomerAbandon,
    Measures,
    ServiceLevel,
    TargetSet,
    TargetsLike,
    check_queueing_targets,
)

__all__ = [
    "RedialDelay",
    "abandon_share",
    "check_redial",
    "customer_abandon_rate",
    "evaluate_redial",
    "offered_attempts",
    "redial_requirement",
    "required_agents_redial",
    "solve_attempts",
]

_RTOL = 1e-13  # bracket width of the fixed point, relative to the attempts
_MAX_ITER = 200
_CHUNK = 65536


def check_redial(redial: Any = None, reconnect: Any = None, redial_delay_s: Any = None) -> None:
    """Refuse a redial or reconnect share outside ``[0, 1)``, or a delay not above 0.

    The message names the argument.

    Examples
    --------
    >>> check_redial(1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: `redial` 1: a share of abandoned callers who call again ...
    """
    for name, value in (("redial", redial), ("reconnect", reconnect)):
        if value is None:
            continue
        arr = np.asarray(getattr(value, "to_numpy", lambda v=value: v)(), dtype=float)
        with np.errstate(invalid="ignore"):
            bad = ~(np.isfinite(arr) & (arr >= 0.0) & (arr < 1.0))
        if np.any(bad):
            first = float(arr[bad].reshape(-1)[0]) if arr.ndim else float(arr)
            who = "abandoned" if name == "redial" else "answered"
            raise StaffingError(
                f"`{name}` {first:g}: a share of {who} callers who call again must be at "
                "least 0 and below 100%"
            )
    if redial_delay_s is not None:
        delay = np.asarray(redial_delay_s, dtype=float)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(delay) & (delay > 0.0)
        if not np.all(ok):
            raise StaffingError(
                f"`redial_delay_s` {float(delay.reshape(-1)[0]):g}: callers call back after "
                "a delay above 0 s (e.g. 10min)"
            )


@dataclass(frozen=True, eq=False)
class RedialDelay:
    """When callers call back.

    The delay from hanging up (or from the end of an answered call) to the next attempt.

    Exponential with a mean (:meth:`exponential`), or an empirical curve
    (:meth:`empirical`): the share of callers back within each delay, among those who
    come back at all (a calibration's ``delay_curve``), linear between its points, from
    0 at 0 s to 1 at its last delay.

    Examples
    --------
    >>> d = RedialDelay.exponential(600)
    >>> round(float(d.cdf(600)), 4), round(float(d.integrated_cdf(1800)), 2)
    (0.6321, 1229.87)
    >>> e = RedialDelay.empirical([60, 600, 3600], [0.2, 0.5, 1.0])
    >>> e.cdf([30, 600, 7200]).tolist(), e.mean_s
    ([0.1, 0.5, 1.0], 1155.0)
    """

    mean_delay_s: float | None = None
    delays_s: np.ndarray | None = None
    shares: np.ndarray | None = None

    @classmethod
    def exponential(cls, mean_s: float) -> RedialDelay:
        """Exponential delays with mean ``mean_s`` [s] (above 0)."""
        check_redial(redial_delay_s=mean_s)
        return cls(mean_delay_s=float(mean_s))

    @classmethod
    def empirical(cls, delays_s: Any, shares: Any) -> RedialDelay:
        """The curve through ``(delays_s[i], shares[i])``.

        Increasing delays above 0, shares rising to 1 at the last delay.
        """
        t = np.asarray(delays_s, dtype=float).reshape(-1)
        f = np.asarray(shares, dtype=float).reshape(-1)
        if t.size == 0 or t.size != f.size:
            raise StaffingError("a redial delay curve needs as many shares as delays (>= 1)")
        if not (np.all(np.isfinite(t)) and t[0] > 0 and np.all(np.diff(t) > 0)):
            raise StaffingError("redial delay curve: delays must be finite, above 0, increasing")
        if not (np.all((f >= 0) & (f <= 1)) and np.all(np.diff(f) >= 0) and f[-1] == 1.0):
            raise StaffingError(
                "redial delay curve: shares must lie in [0, 1], not fall, and end at 1"
            )
        t = np.concatenate([[0.0], t])
        f = np.concatenate([[0.0], f])
        t.setflags(write=False)
        f.setflags(write=False)
        return cls(delays_s=t, shares=f)

    @property
    def mean_s(self) -> float:
        """Mean delay [s]."""
        if self.mean_delay_s is not None:
            return self.mean_delay_s
        assert self.delays_s is not None and self.shares is not None
        t, f = self.delays_s, self.shares
        return float(np.sum(np.diff(f) * 0.5 * (t[1:] + t[:-1])))

    @property
    def horizon_s(self) -> float:
        """Delay [s] within which all but 1e-16 of the redials come back."""
        if self.mean_delay_s is not None:
            return 37.0 * self.mean_delay_s
        assert self.delays_s is not None
        return float(self.delays_s[-1])

    def cdf(self, delay_s: Any) -> np.ndarray:
        """Share of redials back within ``delay_s`` [s]."""
        x = np.maximum(np.asarray(delay_s, dtype=float), 0.0)
        if self.mean_delay_s is not None:
            return -np.expm1(-x / self.mean_delay_s)
        assert self.delays_s is not None and self.shares is not None
        return np.asarray(np.interp(x, self.delays_s, self.shares))

    def integrated_cdf(self, delay_s: Any) -> np.ndarray:
        """``int_0^x F(u) du`` [s] at ``x = delay_s`` (0 for ``x <= 0``)."""
        x = np.maximum(np.asarray(delay_s, dtype=float), 0.0)
        if self.mean_delay_s is not None:
            d = self.mean_delay_s
            return x + d * np.expm1(-x / d)
        t, f = self.delays_s, self.shares
        assert t is not None and f is not None
        knots = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(t))])
        i = np.clip(np.searchsorted(t, x, side="right") - 1, 0, t.size - 1)
        u = x - t[i]
        slope = np.append(np.diff(f) / np.diff(t), 0.0)[i]
        return knots[i] + f[i] * u + 0.5 * slope * u * u

    def sample(self, unit: np.ndarray) -> np.ndarray:
        """Delays [s] from uniforms on (0, 1] (by the inverse of :meth:`cdf`)."""
        if self.mean_delay_s is not None:
            return -self.mean_delay_s * np.log(unit)
        assert self.delays_s is not None and self.shares is not None
        # the first delay at which the curve reaches 1 - unit (flat parts skipped)
        level = 1.0 - unit
        f, t = self.shares, self.delays_s
        keep = np.concatenate([[True], np.diff(f) > 0])
        return np.interp(level, f[keep], t[keep])

    def describe(self) -> str:
        """The delay in words."""
        if self.mean_delay_s is not None:
            return f"exponential delays, mean {self.mean_delay_s:g} s"
        return f"the calibrated delay curve (mean {self.mean_s:.0f} s)"


def abandon_share(
    n: np.ndarray,
    calls: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray | None,
    curve: PatienceCurve | None,
) -> np.ndarray:
    """Share of attempts that abandon with ``calls`` attempts offered per interval.

    Validated 1-d arrays; Erlang C/A, or M/M/n+G with ``curve``.
    """
    a = calls * aht / interval
    res = performance(n, a, aht, patience, [], "fail", want_asa=False, patience_curve=curve)
    return np.asarray(res["abandon_rate"], dtype=float)


def solve_attempts(
    fresh: np.ndarray,
    n: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray | None,
    curve: PatienceCurve | None,
    redial: np.ndarray,
    reconnect: np.ndarray,
) -> np.ndarray:
    """The fixed point of the module notes on validated, broadcast 1-d arrays.

    Attempts per interval [count] with ``fresh`` fresh calls: the root of
    ``F(x) = x (1 - r P(x) - c (1 - P(x))) - fresh``, increasing in ``x``, bracketed by
    ``[fresh, fresh / (1 - max(r, c))]``, by regula falsi with the Illinois step.
    """
    out = np.array(fresh, dtype=float)
    todo = np.flatnonzero((fresh > 0) & ((redial > 0) | (reconnect > 0)))
    if todo.size == 0:
        return out
    f0, r, c = fresh[todo], redial[todo], reconnect[todo]
    nn, hh, iv = n[todo], aht[todo], interval[todo]
    pp = patience[todo] if patience is not None else None

    def excess(idx: np.ndarray, x: np.ndarray) -> np.ndarray:
        p = abandon_share(nn[idx], x, hh[idx], iv[idx], pp[idx] if pp is not None else None, curve)
        return x * (1.0 - r[idx] * p - c[idx] * (1.0 - p)) - f0[idx]

    everyone = np.arange(todo.size)
    lo = f0.copy()
    hi = f0 / (1.0 - np.maximum(r, c))
    f_lo = excess(everyone, lo)
    f_hi = excess(everyone, hi)
    best = np.where(np.abs(f_lo) <= np.abs(f_hi), lo, hi)
    side = np.zeros(todo.size, dtype=np.int8)  # which end moved last: -1 low, +1 high
    active = np.flatnonzero((f_lo < 0) & (f_hi > 0))
    width0 = hi - lo
    for step in range(_MAX_ITER):
        if active.size == 0:
            break
        a_lo, a_hi, fl, fh = lo[active], hi[active], f_lo[active], f_hi[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = a_hi - fh * (a_hi - a_lo) / (fh - fl)
        mid = 0.5 * (a_lo + a_hi)
        bad = ~((x > a_lo) & (x < a_hi))
        # every eighth step a bisection, so that the bracket always shrinks
        if step % 8 == 7:
            bad[:] = True
        x = np.where(bad, mid, x)
        fx = excess(active, x)
        below = fx < 0
        above = fx > 0
        moved_lo = active[below]
        moved_hi = active[above]
        # Illinois: the end that stays twice in a row has its value halved
        f_hi[moved_lo[side[moved_lo] == -1]] *= 0.5
        f_lo[moved_hi[side[moved_hi] == 1]] *= 0.5
        lo[moved_lo], f_lo[moved_lo], side[moved_lo] = x[below], fx[below], -1
        hi[moved_hi], f_hi[moved_hi], side[moved_hi] = x[above], fx[above], 1
        exact = active[fx == 0]
        lo[exact] = hi[exact] = x[fx == 0]
        best[active] = x
        narrow = (hi[active] - lo[active]) <= _RTOL * hi[active] + 1e-300 * width0[active]
        active = active[~narrow & (fx != 0)]
    else:  # pragma: no cover - the bisection steps bound the work
        raise StaffingError("redial fixed point did not converge")
    done = np.flatnonzero((f_lo < 0) & (f_hi > 0))
    best[done] = 0.5 * (lo[done] + hi[done])
    out[todo] = best
    return out


def customer_abandon_rate(abandon_rate: Any, redial: Any, reconnect: Any = 0.0) -> Any:
    """Share of customers who finally give up, from the share of attempts that abandon.

    Parameters
    ----------
    abandon_rate : float or ndarray
        Abandoned attempts / offered attempts.
    redial, reconnect : float or ndarray
        Shares of abandoned and answered attempts that come back.

    Returns
    -------
    float or ndarray
        ``P (1 - r) / (1 - r P - c (1 - P))``: the given-up customers per fresh call.

    Examples
    --------
    >>> round(customer_abandon_rate(0.10, 0.4), 6)  # 0.1 * 0.6 / 0.96
    0.0625
    """
    p = np.asarray(abandon_rate, dtype=float)
    r = np.asarray(redial, dtype=float)
    c = np.asarray(reconnect, dtype=float)
    den = 1.0 - r * p - c * (1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, p * (1.0 - r) / np.where(den > 0, den, 1.0), 0.0)
    return float(out) if out.ndim == 0 else out


def _prepare(
    calls: Any,
    aht_s: Any,
    interval_s: Any,
    patience_s: Any,
    patience_curve: Any,
    redial: Any,
    reconnect: Any,
    redial_delay_s: Any,
    extra: tuple[Any, ...] = (),
) -> tuple[list[np.ndarray | None], Any, PatienceCurve | None]:
    check_redial(redial, reconnect, redial_delay_s)
    curve = None
    if patience_curve is not None:
        if patience_s is not None:
            raise StaffingError("give either `patience_s` or `patience_curve`, not both")
        curve = PatienceCurve.of(patience_curve)
    arrays, template = broadcast(
        calls,
        aht_s,
        interval_s,
        patience_s,
        0.0 if redial is None else redial,
        0.0 if reconnect is None else reconnect,
        *extra,
    )
    out: list[np.ndarray | None] = list(arrays)
    return out, template, curve


def offered_attempts(
    calls: Any,
    aht_s: Any,
    agents: Any,
    *,
    redial: Any,
    reconnect: Any = 0.0,
    interval_s: Any = 1800,
    patience_s: Any = None,
    patience_curve: Any = None,
) -> Any:
    """Attempts offered per interval when abandoned (and answered) callers call again.

    Parameters
    ----------
    calls : float, ndarray or Series
        Fresh calls per interval [count].
    aht_s, agents, interval_s, patience_s
        As for :func:`staffing.evaluate`.
    redial : float, ndarray or Series
        Share of abandoned attempts that call again, in ``[0, 1)``.
    reconnect : float, ndarray or Series, default 0
        Share of answered attempts that call again, in ``[0, 1)``.
    patience_curve : (times_s, survival) or PatienceCurve, optional
        Patience survival curve instead of ``patience_s`` (M/M/n+G).

    Returns
    -------
    float, ndarray or Series
        The root of ``x = calls + redial x P(x) + reconnect x (1 - P(x))`` (module notes),
        to a relative 1e-13.

    Examples
    --------
    >>> round(offered_attempts(100, 180, 11, redial=0.5, patience_s=120), 4)
    106.1941
    """
    arrays, template, curve = _prepare(
        calls, aht_s, interval_s, patience_s, patience_curve, redial, reconnect, None, (agents,)
    )
    c, h, iv, p, r, rc, n = arrays
    assert c is not None and h is not None and iv is not None and n is not None
    assert r is not None and rc is not None
    check_inputs(c, h, iv, p, agents=n)
    shape = c.shape
    flat = [x.reshape(-1) if x is not None else None for x in (c, h, iv, p, r, rc, n)]
    c1, h1, iv1, p1, r1, rc1, n1 = flat
    assert c1 is not None and h1 is not None and iv1 is not None and n1 is not None
    assert r1 is not None and rc1 is not None
    workload(c1 / (1.0 - np.maximum(r1, rc1)), h1, iv1, p1, agents=n1)
    x = solve_attempts(c1, n1, h1, iv1, p1, curve, r1, rc1)
    return wrap(x.reshape(shape), template)


def evaluate_redial(
    calls: Any,
    aht_s: Any,
    agents: Any,
    *,
    interval_s: Any = 1800,
    threshold_s: Any = 20,
    patience_s: Any = None,
    patience_curve: Any = None,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Metrics:
    """:func:`staffing.evaluate` with redials, reconnects or a patience curve.

    ``calls`` are fresh calls; the measures are those of the attempts the fixed point
    gives (module notes), and ``Metrics.offered_attempts`` and
    ``Metrics.customer_abandon_rate`` are filled in when ``redial`` or ``reconnect`` is
    given. Parameters as for :func:`staffing.evaluate`.

    Examples
    --------
    >>> m = evaluate_redial(100, 180, 11, patience_s=120, redial=0.5)
    >>> round(m.offered_attempts, 2), round(m.abandon_rate, 4), round(m.customer_abandon_rate, 4)
    (106.19, 0.1167, 0.0619)
    """
    check_policy(abandon_policy)
    arrays, template, curve = _prepare(
        calls,
        aht_s,
        interval_s,
        patience_s,
        patience_curve,
        redial,
        reconnect,
        redial_delay_s,
        (agents, threshold_s),
    )
    c, h, iv, p, r, rc, n, t = arrays
    assert c is not None and h is not None and iv is not None and n is not None
    assert r is not None and rc is not None and t is not None
    check_inputs(c, h, iv, p, agents=n, thresholds_s=[t])
    shape = c.shape
    flat = [x.reshape(-1) if x is not None else None for x in (c, h, iv, p, r, rc, n, t)]
    c1, h1, iv1, p1, r1, rc1, n1, t1 = flat
    assert c1 is not None and h1 is not None and iv1 is not None and n1 is not None
    assert r1 is not None and rc1 is not None and t1 is not None
    workload(c1 / (1.0 - np.maximum(r1, rc1)), h1, iv1, p1, agents=n1)
    x = solve_attempts(c1, n1, h1, iv1, p1, curve, r1, rc1)
    a = x * h1 / iv1
    res = performance(n1, a, h1, p1, [t1], abandon_policy, patience_curve=curve)
    delay = _delays(redial_delay_s, shape)
    chain = np.flatnonzero(uses_chain(c1, p1, r1, rc1, delay, curve))
    if chain.size:
        assert p1 is not None and delay is not None
        left = _exact(chain, res, x, c1, n1, h1, iv1, p1, r1, rc1, delay, [t1], abandon_policy)
        warn_unsolved(left.size)

    def give(v: np.ndarray) -> Any:
        return wrap(np.asarray(v, dtype=float).reshape(shape), template)

    redials = redial is not None or reconnect is not None
    return Metrics(
        p_wait=give(res["p_wait"]),
        service_level=give(res["service_level"][0]),
        asa_s=give(res["asa_s"]),
        abandon_rate=give(res["abandon_rate"]),
        occupancy=give(res["occupancy"]),
        offered_attempts=give(x) if redials else None,
        customer_abandon_rate=give(customer_abandon_rate(res["abandon_rate"], r1, rc1))
        if redials
        else None,
    )


def _delays(redial_delay_s: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """The mean delays broadcast to ``shape``, flat; ``None`` when not given."""
    if redial_delay_s is None:
        return None
    value = np.asarray(getattr(redial_delay_s, "to_numpy", lambda: redial_delay_s)(), float)
    return np.broadcast_to(value, shape).reshape(-1).copy()


def _exact(
    rows: np.ndarray,
    res: dict[str, Any],
    attempts: np.ndarray,
    fresh: np.ndarray,
    n: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    redial: np.ndarray,
    reconnect: np.ndarray,
    delay: np.ndarray,
    thresholds: list[np.ndarray],
    policy: str,
) -> np.ndarray:
    """Replace the fixed point's measures of ``rows`` by the retrial chain's, in place.

    Returns the rows (of ``rows``' numbering) too large for the chain: they keep the
    fixed point's measures.
    """
    got, solved = retrial_performance(
        fresh[rows],
        n[rows],
        aht[rows],
        interval[rows],
        patience[rows],
        redial[rows],
        reconnect[rows],
        delay[rows],
        [t[rows] for t in thresholds],
        policy,
        (attempts[rows], np.asarray(res["abandon_rate"])[rows]),
    )
    done = rows[solved]
    attempts[done] = got["attempts"][solved]
    for key in ("p_wait", "abandon_rate", "occupancy", "asa_s"):
        if key in res:
            res[key][done] = got[key][solved]
    for mine, theirs in zip(res["service_level"], got["service_level"], strict=True):
        mine[done] = theirs[solved]
    return rows[~solved]


# --------------------------------------------------------------------------- the solver


class _Judge:
    """Whether ``n`` agents meet every target of some rows, with their redials.

    ``redial`` and ``reconnect`` feed the fixed point (in a plan: the share coming back
    within the same interval); ``customer`` holds the whole shares, which the customer
    abandon rate is judged with.
    """

    def __init__(
        self,
        fresh: np.ndarray,
        aht: np.ndarray,
        interval: np.ndarray,
        patience: np.ndarray | None,
        curve: PatienceCurve | None,
        redial: np.ndarray,
        reconnect: np.ndarray,
        targets: TargetSet,
        customer: tuple[np.ndarray, np.ndarray] | None = None,
        delay: np.ndarray | None = None,
    ) -> None:
        self.fresh, self.aht, self.interval = fresh, aht, interval
        self.delay = delay
        self.chain = uses_chain(fresh, patience, redial, reconnect, delay, curve)
        self.unsolved: set[int] = set()  # rows too large for the chain: the fixed point
        self.patience, self.curve = patience, curve
        self.redial, self.reconnect = redial, reconnect
        self.customer = customer if customer is not None else (redial, reconnect)
        self.targets = targets
        self.thresholds = targets.thresholds

    def met(self, idx: np.ndarray, n: np.ndarray, policy: str, *, exact: bool = True) -> np.ndarray:
        """Which of rows ``idx`` meet every target with ``n`` agents.

        ``exact=False`` judges every row at its fixed point, the retrial chain's too.
        """
        p = self.patience[idx] if self.patience is not None else None
        h, iv = self.aht[idx], self.interval[idx]
        x = solve_attempts(
            self.fresh[idx], n, h, iv, p, self.curve, self.redial[idx], self.reconnect[idx]
        )
        r, c = self.customer[0][idx], self.customer[1][idx]
        thresholds = [np.full(n.shape, t) for t in self.thresholds]
        res = performance(
            n,
            x * h / iv,
            h,
            p,
            thresholds,
            policy,
            want_asa=self.targets.needs("asa_s"),
            patience_curve=self.curve,
        )
        chain = np.flatnonzero(self.chain[idx]) if exact else np.zeros(0, dtype=np.intp)
        if chain.size:
            assert p is not None and self.delay is not None
            res["abandon_rate"] = np.array(res["abandon_rate"], dtype=float)
            left = _exact(
                chain,
                res,
                x,
                self.fresh[idx],
                n,
                h,
                iv,
                p,
                self.redial[idx],
                self.reconnect[idx],
                self.delay[idx],
                thresholds,
                policy,
            )
            self.unsolved.update(int(i) for i in idx[left])
        measures = Measures(
            dict(zip(self.thresholds, res["service_level"], strict=True)),
            asa_s=res.get("asa_s"),
            abandon_rate=res["abandon_rate"],
            occupancy=res["occupancy"],
            customer_abandon_rate=lambda: customer_abandon_rate(res["abandon_rate"], r, c),
        )
        return (n >= 1) & np.asarray(self.targets.met_by(measures), dtype=bool)


def _fewest(
    judge: _Judge,
    guess: np.ndarray,
    ceiling: np.ndarray,
    policy: str,
    *,
    rows: np.ndarray | None = None,
    exact: bool = True,
) -> np.ndarray:
    """Fewest agents meeting monotone targets: gallop from ``guess``, then bisect.

    Over the judge's ``rows`` (default all of them, in order), with the chain or not
    (``exact``, as for :meth:`_Judge.met`).
    """
    size = guess.size
    where = np.arange(size) if rows is None else rows

    def met(idx: np.ndarray, n: np.ndarray) -> np.ndarray:
        return judge.met(where[idx], n, policy, exact=exact)

    n0 = np.maximum(guess, 1.0)
    ok0 = met(np.arange(size), n0)
    nan = np.full(size, np.nan)
    lo = np.where(ok0, nan, n0)  # most agents known to miss
    hi = np.where(ok0, n0, nan)  # fewest known to meet
    lo = np.where(np.isnan(lo) & (hi == 1.0), 0.0, lo)
    return gallop_and_bisect(lo, hi, ceiling, met, judge.targets)


def _guess(
    fresh: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray | None,
    curve: PatienceCurve | None,
    targets: TargetSet,
) -> np.ndarray:
    """Start of the search.

    The plain Erlang C/A requirement of the fresh calls (with the curve's mean patience),
    which redials can only raise.
    """
    plain = targets.per_attempt
    if not plain:
        plain = TargetSet((AbandonRate(targets.cap(CustomerAbandon) or 0.5),))
    mean = curve.mean_s if curve is not None else None
    p = patience if curve is None else np.full(fresh.shape, mean)
    try:
        guess = required_agents_erlang(fresh, aht, plain, interval_s=interval, patience_s=p)
    except TargetError:
        guess = np.floor(fresh * aht / interval) + 1.0
    return np.asarray(guess, dtype=float)


def required_agents_redial(
    calls: Any,
    aht_s: Any,
    targets: TargetsLike,
    *,
    interval_s: Any = 1800,
    patience_s: Any = None,
    patience_curve: Any = None,
    redial: Any = None,
    reconnect: Any = None,
    redial_delay_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Any:
    """:func:`staffing.required_agents` with redials, reconnects or a patience curve.

    Each candidate staffing is judged at its own fixed point (module notes): more agents,
    fewer abandons, fewer redials. Under ``fail`` every measure improves with each agent
    (for ``redial >= reconnect``); the other abandon policies are handled as by
    :func:`staffing.required_agents` (the fewest agents from which every target holds).

    Examples
    --------
    1,000 fresh calls per half hour, 80/20: redials add load where abandons are many.

    >>> [required_agents_redial(1000, 180, "80/20", patience_s=120, redial=r)
    ...  for r in (0.0, 0.4, 0.8)]
    [96, 99, 102]

    A cap on abandons per attempt and one per customer:

    >>> required_agents_redial(1000, 180, "abandon<=3%", patience_s=120, redial=0.8)
    106
    >>> required_agents_redial(1000, 180, "customer_abandon<=3%", patience_s=120, redial=0.8)
    98
    """
    check_policy(abandon_policy)
    parsed = TargetSet.of(targets)
    check_queueing_targets(parsed)
    customer = parsed.cap(CustomerAbandon)
    if customer is not None and redial is None:
        raise TargetError(
            f"target {CustomerAbandon(customer)} needs a redial share (`redial`: the share of "
            "abandoned callers who call again); without redials every customer is one "
            f"attempt: write abandon<={100 * customer:g}%"
        )
    arrays, template, curve = _prepare(
        calls, aht_s, interval_s, patience_s, patience_curve, redial, reconnect, redial_delay_s
    )
    c, h, iv, p, r, rc = arrays
    assert c is not None and h is not None and iv is not None
    assert r is not None and rc is not None
    check_inputs(c, h, iv, p)
    shape = c.shape
    c1, h1, iv1, r1, rc1 = (x.reshape(-1) for x in (c, h, iv, r, rc))
    p1 = p.reshape(-1) if p is not None else None
    top = c1 / (1.0 - np.maximum(r1, rc1))
    workload(top, h1, iv1, p1)
    if curve is None:
        impatient = np.isfinite(p1) if p1 is not None else np.zeros(c1.shape, dtype=bool)
        nobody = (c1 > 0) & ~impatient
        caps = [t for t in parsed if isinstance(t, AbandonRate | CustomerAbandon)]
        if caps and np.any(nobody):
            raise TargetError(
                f"target {caps[0]} needs a customer patience (Erlang A): "
                f"{int(np.count_nonzero(nobody))} interval(s) have none, and Erlang C "
                "assumes nobody abandons"
            )
    delay = _delays(redial_delay_s, shape)
    answer = redial_requirement(
        c1, h1, iv1, p1, curve, parsed, abandon_policy, r1, rc1, delay=delay
    )
    return wrap(answer.reshape(shape), template, integer=True)


def redial_requirement(
    fresh: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray | None,
    curve: PatienceCurve | None,
    targets: TargetSet,
    abandon_policy: str,
    redial: np.ndarray,
    reconnect: np.ndarray,
    customer: tuple[np.ndarray, np.ndarray] | None = None,
    delay: np.ndarray | None = None,
) -> np.ndarray:
    """The fewest agents per row, each judged at its own fixed point (validated 1-d arrays).

    The array-level face of :func:`required_agents_redial` (0 agents where ``fresh`` is
    0), for the planner: ``redial`` and ``reconnect`` are the shares that feed the fixed
    point, ``customer`` the whole shares that ``customer_abandon<=`` targets are judged by
    (default the same). With ``delay`` (mean redial delays [s]), rows with an exponential
    patience are judged by the exact retrial chain (:mod:`staffing.queueing.retrial`),
    searched from the fixed point's answer.

    Returns
    -------
    ndarray of float
        Whole agents.
    """
    answer = np.zeros(fresh.shape)
    unsolved = 0
    busy = np.flatnonzero(fresh > 0)
    for start in range(0, busy.size, _CHUNK):
        rows = busy[start : start + _CHUNK]
        pr = patience[rows] if patience is not None else None
        mine = (customer[0][rows], customer[1][rows]) if customer is not None else None
        judge = _Judge(
            fresh[rows],
            aht[rows],
            interval[rows],
            pr,
            curve,
            redial[rows],
            reconnect[rows],
            targets,
            mine,
            None if delay is None else delay[rows],
        )
        top = fresh[rows] / (1.0 - np.maximum(redial[rows], reconnect[rows]))
        a_top = top * aht[rows] / interval[rows]
        ceiling = 20.0 * a_top + 100.0 * np.sqrt(a_top) + 1000.0
        guess = _guess(fresh[rows], aht[rows], interval[rows], pr, curve, targets)
        # every row at its fixed point first; the chain's rows then searched from there
        upper = _fewest(judge, guess, ceiling, "fail", exact=False)
        chain = np.flatnonzero(judge.chain)
        if chain.size:
            upper[chain] = _fewest(judge, upper[chain], ceiling[chain], "fail", rows=chain)
        if abandon_policy != "fail" and any(isinstance(t, ServiceLevel) for t in targets):
            # policies crediting abandons may dip: step down while every target holds
            idx = np.flatnonzero(upper > 1.0)
            while idx.size:
                probe = upper[idx] - 1.0
                ok = judge.met(idx, probe, abandon_policy)
                upper[idx[ok]] = probe[ok]
                idx = idx[ok & (probe > 1.0)]
        answer[rows] = upper
        unsolved += len(judge.unsolved)
    warn_unsolved(unsolved)
    return answer

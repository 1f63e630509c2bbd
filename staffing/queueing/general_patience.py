"""M/M/n+G: callers abandon after a patience of any distribution (a Kaplan-Meier curve).

Erlang A assumes an exponential patience. Real patience is not: the Anonymous Bank's
hazard of hanging up peaks near 60 s, where a recorded message plays. This module gives
the stationary measures of the M/M/n+G queue (Poisson arrivals, ``n`` agents,
exponential handle times, first come first served, each caller abandoning once its wait
exceeds its own patience ``tau`` with survival ``S(t) = P(tau > t)``) for the survival
curve a calibration fits: a step function (Kaplan-Meier) with, beyond its last time, an
exponential tail (the one the simulator draws from: :mod:`staffing.simulation.engine`).

Which method, and why
---------------------
No approximation is needed: the M/M/n+G queue has an exact stationary solution
(Baccelli and Hebuterne 1981), which Zeltyn and Mandelbaum (2005) and Mandelbaum and
Zeltyn (2009) turn into every performance measure. With ``lambda`` the arrival rate,
``mu = 1/aht``, ``H(x) = int_0^x S(u) du`` and ``phi(x) = lambda H(x) - n mu x``, the
*offered wait* ``V`` of an arriving caller (the wait it would have if it never hung up) is
0 with the probability that an agent is free and has, given that it waits, the density
``exp(phi(x)) / J`` with ``J = int_0^inf exp(phi(x)) dx``; it is answered iff
``V <= tau``. With ``B`` Erlang B for ``n`` agents and ``a = lambda / mu``,

* ``P(wait) = 1 / (1 + (1/B - 1) / A)`` with ``A = n mu J`` (Erlang A's ``A(x, y)`` when
  ``S`` is exponential);
* ``P(answered within t | wait) = int_0^t S(x) e^phi dx / J``, ``P(answered | wait)``
  the same to infinity, ``P(abandon | wait) = int_0^inf (1 - S(x)) e^phi dx / J``;
* ``P(abandoned within t | wait) = [int_0^t (1 - S) e^phi dx + (1 - S(t)) int_t^inf
  e^phi dx] / J``;
* the mean wait of answered calls ``P(wait) int_0^inf x S(x) e^phi dx / J / P(answered)``.

Whitt's (2005) M/M/n+M(n) birth-and-death approximation builds state-dependent
abandonment rates from the patience hazard; it is the tool of choice for non-exponential
*service*, and needs a truncated chain per interval. With exponential service the exact
formulas are cheaper and have no approximation error, so they are used here.

For a step curve ``S`` is constant on each step, so ``phi`` is linear there and every
integral over a step is elementary (``(e^{cL} - 1)/c`` and its first moment); on the
exponential tail ``S(x) = s_m e^{-h (x - t_m)}`` they are Erlang A's Kummer functions
``A(x', y') = 1F1(1; x'+1; y')`` with ``x' = n mu / h`` and ``y' = lambda s_m / h``,
their incomplete versions through ``P(b, y e^-T) / P(b, y) = exp(-b T - y (e^-T - 1))
A(b, y e^-T) / A(b, y)``, and the tail's mean offered wait ``1/b - d log A(b, y) / db``
(a five-point derivative). Everything is summed in log space (no overflow at any load).

References
----------
.. [1] F. Baccelli and G. Hebuterne, "On queues with impatient customers", Performance
   '81, North-Holland, 1981, 159-179.
.. [2] S. Zeltyn and A. Mandelbaum, "Call centers with impatient customers: many-server
   asymptotics of the M/M/n+G queue", Queueing Systems 51(3-4), 2005, 361-402.
   doi:10.1007/s11134-005-3699-8
.. [3] A. Mandelbaum and S. Zeltyn, "The M/M/n+G queue: summary of performance measures",
   Technion, 2009.
.. [4] W. Whitt, "Engineering solution of a basic call-center model", Management Science
   51(2), 2005, 221-235. doi:10.1287/mnsc.1040.0302
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from staffing.errors import StaffingError
from staffing.queueing.special import log_erlang_b, log_kummer_a

__all__ = ["PatienceCurve", "mmng_measures"]

_CELLS = 1 << 21  # rows x curve steps handled in one pass (memory stays near 100 MB)


@dataclass(frozen=True, eq=False)
class PatienceCurve:
    """A patience survival curve: Kaplan-Meier steps and an exponential tail.

    ``P(patience > t)`` is 1 before ``times_s[0]``, ``survival[i]`` from ``times_s[i]``
    to the next time, and ``survival[-1] exp(-h (t - times_s[-1]))`` after the last
    time, with ``h = -log(survival[-1]) / times_s[-1]`` the curve's average hazard (no
    tail when the curve ends at 0; none either, ``h = 0``, when it never drops). This is
    the curve :func:`staffing.simulation.simulate_day` draws patience from.

    Parameters
    ----------
    times_s : array of float
        Increasing times [s], the first ``>= 0``.
    survival : array of float
        ``P(patience > t)`` from each time on, in ``[0, 1]`` and not increasing.

    Examples
    --------
    >>> c = PatienceCurve.of(([60.0, 120.0], [0.5, 0.25]))
    >>> c.survival_at([30.0, 60.0, 90.0, 240.0]).round(4).tolist()
    [1.0, 0.5, 0.5, 0.0625]
    >>> round(c.mean_s, 6)  # 60 + 30 + 0.25 * 120 / log 4
    111.640426
    """

    times_s: np.ndarray
    survival: np.ndarray
    tail_hazard: float

    @classmethod
    def of(cls, curve: Any) -> PatienceCurve:
        """A curve from ``(times_s, survival)`` (or a curve, returned as it is).

        Raises
        ------
        StaffingError
            Times not finite, negative or not increasing; survival outside [0, 1] or
            rising; no points.
        """
        if isinstance(curve, PatienceCurve):
            return curve
        try:
            times, survival = curve
        except (TypeError, ValueError):
            raise StaffingError(
                "give `patience_curve` as (times_s, survival), e.g. a Kaplan-Meier curve"
            ) from None
        t = np.asarray(getattr(times, "to_numpy", lambda: times)(), dtype=float).reshape(-1)
        s = np.asarray(getattr(survival, "to_numpy", lambda: survival)(), dtype=float).reshape(-1)
        if t.size == 0 or t.size != s.size:
            raise StaffingError("`patience_curve` needs as many survival values as times (>= 1)")
        if not (np.all(np.isfinite(t)) and t[0] >= 0 and np.all(np.diff(t) > 0)):
            raise StaffingError("`patience_curve` times must be finite, >= 0 and increasing")
        if not (np.all((s >= 0) & (s <= 1)) and np.all(np.diff(s) <= 0)):
            raise StaffingError("`patience_curve` survival must lie in [0, 1] and not increase")
        last_t, last_s = float(t[-1]), float(s[-1])
        hazard = -np.log(last_s) / last_t if 0.0 < last_s < 1.0 and last_t > 0.0 else 0.0
        t.setflags(write=False)
        s.setflags(write=False)
        return cls(t, s, float(hazard))

    @property
    def mean_s(self) -> float:
        """Mean patience [s] (``inf`` when part of the callers never hang up)."""
        t, s, h = self.times_s, self.survival, self.tail_hazard
        before = np.concatenate([[1.0], s[:-1]])
        body = float(np.sum(before * np.diff(np.concatenate([[0.0], t]))))
        if s[-1] == 0.0:
            return body
        return body + float(s[-1]) / h if h > 0 else float("inf")

    def survival_at(self, t_s: Any) -> np.ndarray:
        """``P(patience > t)`` at ``t_s`` [s] (right-continuous)."""
        t = np.asarray(t_s, dtype=float)
        idx = np.searchsorted(self.times_s, t, side="right")
        steps = np.concatenate([[1.0], self.survival])[idx]
        last_t, last_s = self.times_s[-1], self.survival[-1]
        with np.errstate(invalid="ignore"):
            tail = last_s * np.exp(-self.tail_hazard * np.maximum(t - last_t, 0.0))
        return np.where(t >= last_t, tail, steps)

    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The steps before the tail.

        Starts, lengths, survival on each, and ``H`` at each start (``H(x) = int_0^x S``);
        the tail starts at the last time.
        """
        t, s = self.times_s, self.survival
        start = np.concatenate([[0.0], t[:-1]])
        length = t - start
        level = np.concatenate([[1.0], s[:-1]])
        h_start = np.concatenate([[0.0], np.cumsum(level * length)[:-1]])
        return start, length, level, h_start

    def __repr__(self) -> str:
        return (
            f"PatienceCurve({self.times_s.size} steps to {self.times_s[-1]:g} s, "
            f"mean {self.mean_s:.1f} s)"
        )


# --------------------------------------------------------------------------- elementary


def _log_exprel(z: np.ndarray) -> np.ndarray:
    """``log((e^z - 1) / z)`` for any real ``z`` (0 at 0), without overflow."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pos = z + np.log(-np.expm1(-z) / z)
        neg = np.log(np.expm1(z) / z)
    return np.where(z > 0, pos, np.where(z < 0, neg, 0.0))


def _log_moment(z: np.ndarray) -> np.ndarray:
    """``log g(z)``, ``g(z) = int_0^1 s e^{zs} ds`` (the first moment on a step)."""
    out = np.empty(z.shape)
    small = np.abs(z) < 1.0
    if np.any(small):
        zs = z[small]
        term = np.ones(zs.shape)
        total = np.full(zs.shape, 0.5)
        for k in range(1, 24):  # z^k / (k! (k + 2)): the last below 1e-23 of the first
            term = term * zs / k
            total = total + term / (k + 2)
        out[small] = np.log(total)
    big = ~small
    if np.any(big):
        zb = z[big]
        with np.errstate(over="ignore", invalid="ignore"):
            pos = zb + np.log(zb - 1.0 + np.exp(-np.abs(zb))) - 2.0 * np.log(np.abs(zb))
            w = np.abs(zb)
            neg = np.log(-np.expm1(-w) - w * np.exp(-w)) - 2.0 * np.log(w)
        out[big] = np.where(zb > 0, pos, neg)
    return out


def _lse(*terms: np.ndarray) -> np.ndarray:
    """``log(sum(exp(terms)))`` over the given arrays (``-inf`` entries allowed)."""
    stacked = np.stack(np.broadcast_arrays(*terms))
    top = np.max(stacked, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", under="ignore"):
        return safe + np.log(np.sum(np.exp(stacked - safe), axis=0))


def _lse_rows(x: np.ndarray) -> np.ndarray:
    """``log(sum(exp(x), axis=1))`` of an ``(N, M)`` array, ``-inf`` where all are."""
    if x.shape[1] == 0:
        return np.full(x.shape[0], -np.inf)
    top = np.max(x, axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", under="ignore"):
        return safe + np.log(np.sum(np.exp(x - safe[:, None]), axis=1))


def _log(x: Any) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x)


# --------------------------------------------------------------------------- the tail


def _log_a_pair(b: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log A(b, y)`` and ``log A(b + 1, y)``.

    The second by Kummer, the first by ``A(b, y) = 1 + y A(b+1, y) / (b+1)``.
    """
    log_a1 = log_kummer_a(b + 1.0, y)
    log_a = np.logaddexp(0.0, _log(y) - np.log(b + 1.0) + log_a1)
    return log_a, log_a1


def _log_tail_ratio(
    b: np.ndarray, y: np.ndarray, big_t: np.ndarray, log_a_by: np.ndarray
) -> np.ndarray:
    """``log(P(b, y e^-T) / P(b, y))``.

    The share of ``int_0^inf exp(y(1-e^-v) - b v) dv`` beyond ``T``, as ``-b T - y (e^-T -
    1) + log A(b, y e^-T) - log A(b, y)``.
    """
    z = y * np.exp(-big_t)
    with np.errstate(invalid="ignore"):
        out = -b * big_t - y * np.expm1(-big_t) + log_kummer_a(b, z) - log_a_by
    return np.minimum(out, 0.0)


def _tilted_mean(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean of ``V`` with density proportional to ``exp(y (1 - e^-v) - b v)`` on ``v > 0``.

    ``1/b - d log A(b, y) / db`` (``A / b`` is the normalising integral), by a five-point
    central difference with steps ``1e-3 max(b, 1)``.
    """
    step = 1e-3 * np.maximum(b, 1.0)
    step = np.minimum(step, 0.49 * b)  # keep b - 2 step above 0
    values = [log_kummer_a(b + k * step, y) for k in (-2.0, -1.0, 1.0, 2.0)]
    slope = (values[0] - 8.0 * values[1] + 8.0 * values[2] - values[3]) / (12.0 * step)
    return 1.0 / b - slope


# --------------------------------------------------------------------------- measures


def mmng_measures(
    n: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    curve: PatienceCurve,
    thresholds_s: list[np.ndarray],
    *,
    want_asa: bool = True,
    want_abandoned_within: bool = True,
) -> dict[str, Any]:
    """M/M/n+G measures on broadcast 1-d float arrays with ``a > 0``, one curve for all.

    Returns the dict :func:`~staffing.queueing.erlang_a.erlang_a_measures` returns:
    ``p_wait``, ``abandon_rate``, ``occupancy``, ``answered`` (fractions of offered
    calls), ``asa_s`` (when ``want_asa``) and ``within``: per threshold a pair
    ``(answered_within, abandoned_within)`` as fractions of offered calls
    (``abandoned_within`` ``None`` unless ``want_abandoned_within``). The formulas are in
    the module notes.

    Examples
    --------
    A third of the callers hang up at 60 s (a recorded message); Erlang A with the same
    mean patience (277 s) puts the abandons elsewhere:

    >>> from staffing.queueing.erlang_a import erlang_a_measures
    >>> curve = PatienceCurve.of(([30.0, 60.0, 300.0], [0.95, 0.6, 0.3]))
    >>> one = lambda x: np.array([float(x)])
    >>> g = mmng_measures(one(11), one(10), one(180), curve, [one(20)])
    >>> e = erlang_a_measures(one(11), one(10), one(180), one(curve.mean_s), [one(20)])
    >>> [round(float(m["abandon_rate"][0]), 4) for m in (g, e)]
    [0.0673, 0.072]
    >>> [round(float(m["within"][0][0][0]), 4) for m in (g, e)]  # answered within 20 s
    [0.6519, 0.6644]
    """
    size = n.size
    steps = max(curve.times_s.size, 1)
    rows = max(1, _CELLS // steps)
    if size <= rows:
        return _measures(n, a, aht_s, curve, thresholds_s, want_asa, want_abandoned_within)
    parts = [
        _measures(
            n[i : i + rows],
            a[i : i + rows],
            aht_s[i : i + rows],
            curve,
            [t[i : i + rows] for t in thresholds_s],
            want_asa,
            want_abandoned_within,
        )
        for i in range(0, size, rows)
    ]
    out: dict[str, Any] = {}
    for key in ("p_wait", "abandon_rate", "occupancy", "answered", "asa_s"):
        if key in parts[0]:
            out[key] = np.concatenate([p[key] for p in parts])
    within = []
    for j in range(len(thresholds_s)):
        aw = np.concatenate([p["within"][j][0] for p in parts])
        bw = np.concatenate([p["within"][j][1] for p in parts]) if want_abandoned_within else None
        within.append((aw, bw))
    out["within"] = within
    return out


def _measures(
    n: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    curve: PatienceCurve,
    thresholds_s: list[np.ndarray],
    want_asa: bool,
    want_abandoned_within: bool,
) -> dict[str, Any]:
    none = n <= 0
    ns = np.where(none, 1.0, n)
    lam = a / aht_s  # arrivals [1/s]
    nmu = ns / aht_s  # service capacity [1/s]
    start, length, level, h_start = curve.segments()
    t_m, s_m, h = float(curve.times_s[-1]), float(curve.survival[-1]), curve.tail_hazard

    # Steps: phi at each start, slope c = lambda S - n mu, log of int over the step.
    phi = lam[:, None] * h_start[None, :] - nmu[:, None] * start[None, :]
    slope = lam[:, None] * level[None, :] - nmu[:, None]
    log_len = _log(length)[None, :]
    log_step = phi + log_len + _log_exprel(slope * length[None, :])
    log_level = _log(level)[None, :]
    log_gone = _log(1.0 - level)[None, :]
    log_j = _lse_rows(log_step)
    log_ans = _lse_rows(log_step + log_level)
    log_ab = _lse_rows(log_step + log_gone)

    # The tail from t_m.
    phi_m = lam * (h_start[-1] + level[-1] * length[-1]) - nmu * t_m
    size = n.shape
    unstable = np.zeros(size, dtype=bool)
    if s_m > 0.0 and h > 0.0:
        x1 = nmu / h
        y1 = lam * s_m / h
        log_a, log_a1 = _log_a_pair(x1, y1)
        log_tj = phi_m - np.log(h) + log_a - np.log(x1)
        log_tans = phi_m + np.log(s_m) - np.log(h) + log_a1 - np.log(x1 + 1.0)
        # int (1 - S) e^phi = e^phi_m / h * A / x * ((1 - s_m) + s_m P_ab), with P_ab the
        # Erlang A share (x+1 + (y-x) A1) / ((x+1) A) of abandons among waiting callers
        log_pab = _log_abandon_share(x1, y1, log_a1)
        inner = np.logaddexp(np.log1p(-s_m) if s_m < 1.0 else -np.inf, np.log(s_m) + log_pab)
        log_tab = log_tj + inner
        tail = {"kind": "exp", "x": x1, "y": y1, "log_a": log_a, "log_a1": log_a1, "nmu": nmu}
    elif s_m > 0.0:  # nobody of the rest ever hangs up: S stays at s_m
        c = lam * s_m - nmu
        unstable = c >= 0.0
        cs = np.where(unstable, -1.0, c)
        log_tj = phi_m - np.log(-cs)
        log_tans = log_tj + np.log(s_m)
        log_tab = log_tj + (np.log1p(-s_m) if s_m < 1.0 else -np.inf)
        tail = {"kind": "flat", "c": cs, "nmu": nmu}
    else:  # everyone has hung up by t_m
        log_tj = phi_m - np.log(nmu)
        log_tans = np.full(size, -np.inf)
        log_tab = log_tj
        tail = {"kind": "zero", "nmu": nmu}
    log_j = np.logaddexp(log_j, log_tj)
    log_ans = np.logaddexp(log_ans, log_tans)
    log_ab = np.logaddexp(log_ab, log_tab)

    # P(wait) = 1 / (1 + (1/B - 1) / A) with A = n mu J.
    log_b = log_erlang_b(ns, a)
    with np.errstate(divide="ignore"):
        log_inv_b_minus_1 = np.log(-np.expm1(log_b)) - log_b
    s = np.log(nmu) + log_j - log_inv_b_minus_1
    p_wait = np.where(s < -40.0, np.exp(np.minimum(s, 0.0)), special.expit(s))
    p_wait = np.where(unstable, 1.0, p_wait)
    served_w = np.exp(np.minimum(log_ans - log_j, 0.0))
    gone_w = np.exp(np.minimum(log_ab - log_j, 0.0))
    served_w = np.where(unstable, 0.0, served_w)
    gone_w = np.where(unstable, 1.0 - s_m, gone_w)
    answered = np.where(none, 0.0, (1.0 - p_wait) + p_wait * served_w)
    out: dict[str, Any] = {
        "p_wait": np.where(none, 1.0, p_wait),
        "abandon_rate": np.where(none, 1.0, p_wait * gone_w),
        "answered": answered,
        "occupancy": np.where(none, 1.0, np.minimum(a * answered / ns, 1.0)),
    }

    within = []
    for t in thresholds_s:
        part = np.clip(t[:, None] - start[None, :], 0.0, length[None, :])
        log_before = phi + _log(part) + _log_exprel(slope * part)
        log_jb = _lse_rows(log_before)
        log_ansb = _lse_rows(log_before + log_level)
        log_abb = _lse_rows(log_before + log_gone)
        rest = length[None, :] - part
        log_after = phi + slope * part + _log(rest) + _log_exprel(slope * rest)
        log_ja = _lse_rows(log_after)
        past = t > t_m  # the threshold reaches into the tail
        tj_b, tans_b, tj_a = _tail_split(tail, t, t_m, h, s_m, phi_m, log_tj, log_tans, past)
        log_jb = np.logaddexp(log_jb, tj_b)
        log_ansb = np.logaddexp(log_ansb, tans_b)
        log_abb = np.logaddexp(log_abb, _log_diff(tj_b, tans_b))
        log_ja = np.logaddexp(log_ja, tj_a)
        served_t = np.exp(np.minimum(log_ansb - log_j, 0.0))
        served_t = np.where(unstable, 0.0, served_t)
        aw = np.where(none, 0.0, (1.0 - p_wait) + p_wait * served_t)
        bw = None
        if want_abandoned_within:
            gone_t = 1.0 - curve.survival_at(t)
            log_bw = np.logaddexp(log_abb, _log(gone_t) + log_ja)
            share = np.exp(np.minimum(log_bw - log_j, 0.0))
            share = np.where(unstable, gone_t, share)
            bw = np.where(none, 0.0, p_wait * share)
        within.append((aw, bw))
    out["within"] = within

    if want_asa:
        # int x S e^phi over the steps: e^phi (start E + L^2 g(cL)), then the tail.
        log_first = phi + np.logaddexp(
            _log(start)[None, :] + log_len + _log_exprel(slope * length[None, :]),
            2.0 * log_len + _log_moment(slope * length[None, :]),
        )
        log_num = _lse_rows(log_first + log_level)
        # the tail: t_m times its answered part, plus int u S e^phi du: for the
        # exponential tail e^phi_m s_m / h^2 A(b) / b E_b[V] with b = x' + 1
        if tail["kind"] == "exp":
            log_mean = np.log(_tilted_mean(tail["x"] + 1.0, tail["y"]))
            log_num = _lse(log_num, log_tans - np.log(h) + log_mean, _log(t_m) + log_tans)
        elif tail["kind"] == "flat":
            log_tail = phi_m + np.log(s_m) - 2.0 * np.log(-tail["c"])
            log_num = _lse(log_num, log_tail, _log(t_m) + log_tans)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            asa = p_wait * np.exp(log_num - log_j) / answered
        out["asa_s"] = np.where(none | (answered <= 0.0) | unstable, np.inf, asa)
    return out


def _log_diff(log_x: np.ndarray, log_y: np.ndarray) -> np.ndarray:
    """``log(e^x - e^y)`` for ``x >= y`` (``-inf`` where equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = log_x + np.log(-np.expm1(np.minimum(log_y - log_x, 0.0)))
    return np.where(np.isfinite(log_x), out, -np.inf)


def _log_abandon_share(x: np.ndarray, y: np.ndarray, log_a1: np.ndarray) -> np.ndarray:
    """Erlang A's ``P(abandon | wait)``, in logs.

    ``P(abandon | wait) = (E + y - x) / (E + y)`` with ``E = (x+1) / A(x+1, y)``.

    Below critical load (``y < x``) with rare abandons the numerator cancels; there it is
    ``D / ((x+1) + y A(x+1, y))`` with ``D = A(x+1, y) + y 1F1(2; x+3; y) / (x+2)``, a
    sum of positive terms; where 1F1 fails, the far-below-load limit ``1 / (x - y + 1)``.
    """
    e_term = (x + 1.0) * np.exp(-log_a1)
    share = (e_term + (y - x)) / (e_term + y)
    rare = (y < x) & (share < 0.05)
    if np.any(rare):
        xr, yr = x[rare], y[rare]
        a1 = np.exp(log_a1[rare])
        with np.errstate(over="ignore", invalid="ignore"):
            d = a1 + yr * special.hyp1f1(2.0, xr + 3.0, yr) / (xr + 2.0)
            alt = d / ((xr + 1.0) + yr * a1)
        share[rare] = np.where(np.isfinite(alt) & (alt > 0), alt, 1.0 / (xr - yr + 1.0))
    return _log(np.clip(share, 0.0, 1.0))


def _tail_split(
    tail: dict[str, Any],
    t: np.ndarray,
    t_m: float,
    h: float,
    s_m: float,
    phi_m: np.ndarray,
    log_tj: np.ndarray,
    log_tans: np.ndarray,
    past: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tail's ``int e^phi`` and ``int S e^phi`` before ``t``, and ``int e^phi`` after."""
    minus = np.full(t.shape, -np.inf)
    if not np.any(past):
        return minus, minus, log_tj
    kind = tail["kind"]
    u = np.maximum(t - t_m, 0.0)
    if kind == "exp":
        big_t = h * u
        x, y = tail["x"], tail["y"]
        r_j = _log_tail_ratio(x, y, big_t, tail["log_a"])
        r_a = _log_tail_ratio(x + 1.0, y, big_t, tail["log_a1"])
        after = log_tj + r_j
        before_j = log_tj + np.log(-np.expm1(np.minimum(r_j, -1e-300)))
        before_a = log_tans + np.log(-np.expm1(np.minimum(r_a, -1e-300)))
    elif kind == "flat":
        c = tail["c"]
        after = phi_m + c * u - np.log(-c)
        before_j = log_tj + np.log(-np.expm1(c * u))
        before_a = before_j + np.log(s_m)
    else:
        nmu = tail["nmu"]
        after = log_tj - nmu * u
        before_j = log_tj + np.log(-np.expm1(-nmu * u))
        before_a = minus
    with np.errstate(invalid="ignore"):
        return (
            np.where(past, before_j, minus),
            np.where(past, before_a, minus),
            np.where(past, after, log_tj),
        )

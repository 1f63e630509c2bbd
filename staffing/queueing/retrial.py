"""Callers who call back after a delay: the exact retrial chain (Erlang X).

The fixed point of :mod:`staffing.queueing.redial` treats every redial as one more Poisson
arrival. That is the limit for callers who call back long after they hung up. Callers who
call back within minutes come back into the same busy spell that made them hang up, so
their redials bunch where the queue is already long, and the fixed point under-states the
abandon rate: with 1,000 fresh calls an hour, 4-minute calls, 10-minute patience, 68
agents and 80% of abandons calling again, it gives 4.59% of attempts abandoning; callers
who call back after 10 minutes on average make it 5.64%, after 1 minute 6.63%.

The model
---------
With exponential handle times (rate ``mu``), patience (rate ``theta``) and delays (rate
``nu``), the queue is a Markov chain on ``(k, j)``: ``k`` callers in the system (``n``
agents, first come first served), ``j`` callers who will call again (the *orbit*).
Fresh calls arrive at ``lambda_0``; each caller in the orbit calls again at rate ``nu``;
a waiting caller who hangs up joins the orbit with probability ``r`` (``redial``), and a
caller whose call ends does with probability ``c`` (``reconnect``). Aguir, Karaesmen,
Aksin and Chauvet (2004) [1]_ solve this chain for call centres; the commercial Erlang X
calculators [2]_ solve it too.

How it is solved
----------------
The chain is cut to a box of states around its mass, ``k`` from ``k_lo`` to ``k_hi`` and
``j`` from ``j_lo`` to ``j_hi``, first placed from the fixed point's attempts and
abandons (the orbit's spread is much wider than a Poisson count: its standard deviation
is about its mean), then widened until at most ``1e-10`` of the stationary mass lies in
the last three rows of every cut side. One state is pinned and its balance equation
left out: the rest is a nonsingular M-matrix, diagonally dominant by columns, which
sparse LU (SuperLU) factors without pivoting, in a nested-dissection order of the grid
[3]_ that keeps the fill-in near ``N log N``: some 0.01 s for 200 fresh calls an hour,
0.15-1 s for 5,000. Past :data:`MAX_STATES` (about 20,000 fresh calls an hour) a case
is left to the fixed point.

An attempt (fresh or redial) arriving in state ``(k, j)`` sees ``k``: the attempts see
``k`` with weights ``p(k, j) (lambda_0 + j nu)``. An attempt that finds ``m = k - n >= 0``
callers waiting ahead moves up one place at rate ``n mu + m' theta`` (``m'`` still
ahead), is answered at rate ``n mu`` once first, and hangs up at rate ``theta``; that
small absorbing chain gives the share answered, the shares answered and abandoned
within a threshold (its transient, by :func:`scipy.sparse.linalg.expm_multiply`) and
the mean wait of the answered (its occupation times). Without redials and reconnects
the chain is Erlang A, and every measure equals :mod:`staffing.queueing.erlang_a`'s to
1e-9 (tested).

Fractional agents are read between the two whole numbers around them (linear
interpolation of every measure), as a roster's average is.

References
----------
.. [1] S. Aguir, F. Karaesmen, O. Z. Aksin and F. Chauvet, "The impact of retrials on call
   center performance", OR Spectrum 26(3), 2004, 353-376. doi:10.1007/s00291-004-0165-7
.. [2] G. Koole, "Call Center Optimization", MG books, 2013 (chapter 5: the Erlang X
   calculator, with redials).
.. [3] A. George, "Nested dissection of a regular finite element mesh", SIAM Journal on
   Numerical Analysis 10(2), 1973, 345-363. doi:10.1137/0710032
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from staffing.errors import StaffingError, StaffingWarning
from staffing.queueing.performance import policy_service_level

__all__ = [
    "MAX_STATES",
    "RetrialResult",
    "retrial_chain",
    "retrial_measures",
    "retrial_performance",
    "uses_chain",
    "warn_unsolved",
]

MAX_STATES = 400_000
"""The most states a chain is solved with (some 2 s and 1 GiB); larger cases keep the
fixed point, with a warning."""

_EDGE = 1e-10  # stationary mass allowed in the last three rows of a cut side
_WIDEN = 1.25


@dataclass(frozen=True)
class RetrialResult:
    """The measures of one case of the retrial chain, per attempt unless said.

    Attributes
    ----------
    attempts_rate : attempts offered per second (fresh calls, redials, reconnects).
    p_wait : share of attempts that wait.
    answered : share of attempts answered.
    abandon_rate : share of attempts that hang up.
    occupancy : busy agents over agents.
    asa_s : mean wait of answered attempts [s].
    answered_within, abandoned_within : per threshold, the shares of attempts answered
        and abandoned within it.
    orbit_mean : mean number of callers waiting to call again.
    states : the states the chain was solved with.
    """

    attempts_rate: float
    p_wait: float
    answered: float
    abandon_rate: float
    occupancy: float
    asa_s: float
    answered_within: tuple[float, ...]
    abandoned_within: tuple[float, ...]
    orbit_mean: float
    states: int


def _box(
    lam: float, mu: float, n: int, theta: float, nu: float, attempts: float, orbit: float
) -> tuple[int, int, int, int]:
    """A first box ``(k_lo, k_hi, j_lo, j_hi)`` around the chain's mass.

    The orbit's spread is about its mean (callers hang up in bursts), so the box reaches
    five of the fixed point's ``orbit`` and more; where that is short, it grows by the
    slope of the tail it found (:func:`_reach`). The queue's reaches past the load of a
    full orbit.
    """
    j_hi = math.ceil(5.0 * orbit + 8.0 * math.sqrt(orbit) + 40.0)
    low = lam / mu  # the fewest busy agents' load: the fresh calls alone
    k_lo = max(0, math.floor(min(float(n), low) - 6.0 * math.sqrt(low) - 10.0))
    rate = max(attempts, lam + (3.0 * orbit + 10.0) * nu)
    k_hi = math.ceil(n + max(0.0, (rate - n * mu) / theta) + 7.0 * math.sqrt(rate / theta) + 20.0)
    return k_lo, k_hi, 0, j_hi


def retrial_chain(
    lam: float,
    mu: float,
    n: int,
    theta: float,
    redial: float,
    reconnect: float,
    nu: float,
    box: tuple[int, int, int, int],
    pin_j: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stationary distribution of the chain cut to ``box`` (rates per second).

    One state is pinned, about the most likely one (as many callers as the fresh load
    keeps busy, up to ``n``, and the orbit's expected size ``pin_j``), and its balance
    equation left out; the rest is a
    nonsingular M-matrix, diagonally dominant by columns, which sparse LU factors
    without pivoting, in a nested-dissection order of the grid (:func:`_dissection`).

    Returns
    -------
    k, j, p : ndarray
        The states (callers in the system, callers in the orbit) and their probabilities.
    """
    import scipy.sparse as sparse
    import scipy.sparse.linalg as sparse_linalg

    k_lo, k_hi, j_lo, j_hi = box
    width = j_hi - j_lo + 1
    k, j = np.meshgrid(
        np.arange(k_lo, k_hi + 1, dtype=float),
        np.arange(j_lo, j_hi + 1, dtype=float),
        indexing="ij",
    )
    k, j = k.ravel(), j.ravel()
    size = k.size
    s = np.arange(size)
    served = np.minimum(k, n) * mu
    gone = np.maximum(k - n, 0.0) * theta
    up, down, room = k < k_hi, k > k_lo, j < j_hi
    moves = (
        (up, s + width, np.full(size, lam)),  # a fresh call
        (up & (j > j_lo), s + width - 1, j * nu),  # a redial: k + 1, j - 1
        (down & room, s - width + 1, served * reconnect),  # answered, will call again
        (down, s - width, served * np.where(room, 1.0 - reconnect, 1.0)),
        (down & room, s - width + 1, gone * redial),  # hung up, will call again
        (down, s - width, gone * np.where(room, 1.0 - redial, 1.0)),
    )
    src = np.concatenate([s[ok] for ok, _, _ in moves])
    dst = np.concatenate([to[ok] for ok, to, _ in moves])
    rate = np.concatenate([r[ok] for ok, _, r in moves])
    keep = rate > 0.0
    src, dst, rate = src[keep], dst[keep], rate[keep]
    out = np.bincount(src, weights=rate, minlength=size)
    # Balance: sum_i p_i q_ij = p_j out_j for every state j, as Q^T p = 0.
    qt = sparse.csc_matrix(
        (np.concatenate([rate, -out]), (np.concatenate([dst, s]), np.concatenate([src, s]))),
        shape=(size, size),
    )
    height = k_hi - k_lo + 1
    busy = min(n, round(lam / mu))  # about the most likely number in the system
    pin = (min(max(busy, k_lo), k_hi) - k_lo) * width + min(max(round(pin_j), j_lo), j_hi) - j_lo
    order = _dissection(height, width)
    order = order[order != pin]
    p = np.zeros(size)
    p[pin] = 1.0
    if order.size:
        lu = sparse_linalg.splu(
            qt[order][:, order].tocsc(),
            permc_spec="NATURAL",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
        p[order] = lu.solve(-qt[order][:, [pin]].toarray().ravel())
    p = np.maximum(p, 0.0)
    return k, j, p / p.sum()


def _dissection(height: int, width: int, leaf: int = 64) -> np.ndarray:
    """A nested-dissection order of the ``height`` x ``width`` grid (state ``i w + j``).

    The grid is cut across its longer side, the two halves ordered first (each cut the
    same way, down to ``leaf`` states) and the cut last, so that sparse LU fills in about
    ``N log N`` entries instead of ``N^1.5`` (George 1973).
    """
    parts: list[np.ndarray] = []
    stack = [(0, height, 0, width)]
    while stack:  # depth first, the cut after its halves: built in reverse, then flipped
        k0, k1, j0, j1 = stack.pop()
        nk, nj = k1 - k0, j1 - j0
        if nk <= 0 or nj <= 0:
            continue
        if nk * nj <= leaf or (nk < 3 and nj < 3):
            kk, jj = np.meshgrid(np.arange(k0, k1), np.arange(j0, j1), indexing="ij")
            parts.append((kk * width + jj).ravel()[::-1])
        elif nk >= nj:
            m = (k0 + k1) // 2
            parts.append((m * width + np.arange(j0, j1))[::-1])
            stack.append((k0, m, j0, j1))
            stack.append((m + 1, k1, j0, j1))
        else:
            m = (j0 + j1) // 2
            parts.append((np.arange(k0, k1) * width + m)[::-1])
            stack.append((k0, k1, j0, m))
            stack.append((k0, k1, m + 1, j1))
    return np.concatenate(parts)[::-1]


def _edges(
    k: np.ndarray, j: np.ndarray, p: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[bool, bool, bool]:
    """Which cut sides hold more than ``_EDGE`` of the mass: (k low, k high, j high)."""
    k_lo, k_hi, _, j_hi = box
    low = k_lo > 0 and float(p[k <= k_lo + 2].sum()) > _EDGE
    high = float(p[k >= k_hi - 2].sum()) > _EDGE
    orbit = float(p[j >= j_hi - 2].sum()) > _EDGE
    return low, high, orbit


def _tagged(
    seen: np.ndarray,
    k_lo: int,
    n: int,
    mu: float,
    theta: float,
    thresholds_s: tuple[float, ...],
) -> tuple[float, float, float, tuple[float, ...], tuple[float, ...]]:
    """What happens to an attempt that sees ``k`` callers with probability ``seen[k - k_lo]``.

    Returns ``p_wait``, ``answered``, the mean wait of the answered, and the shares
    answered and abandoned within each threshold.
    """
    import scipy.sparse as sparse
    import scipy.sparse.linalg as sparse_linalg

    assert k_lo <= n  # the box starts at or below n agents busy (_box), and only widens
    now = float(seen[: n - k_lo].sum())
    v0 = seen[n - k_lo :]  # v0[m]: the attempt finds m callers waiting ahead
    if v0.size == 0:
        return 0.0, 1.0, 0.0, (1.0,) * len(thresholds_s), (0.0,) * len(thresholds_s)
    m = np.arange(v0.size, dtype=float)
    nmu = n * mu
    step = nmu + m * theta  # moves up a place (m >= 1) or is answered (m = 0)
    # P(answered | m ahead) = prod_{i=1..m} (n mu + i theta) / (n mu + (i + 1) theta)
    #                         * n mu / (n mu + theta)
    with np.errstate(divide="ignore"):
        log_ratio = np.log(step) - np.log(step + theta)
    reach = np.exp(np.cumsum(log_ratio))
    answered_w = float((v0 * reach).sum())
    # occupation times: u_m (step_m + theta) = v0_m + u_{m+1} step_{m+1}, from the top
    size = v0.size
    out_rate = step + theta
    if size > 1:
        g = sparse.diags([out_rate, -step[1:]], [0, 1], shape=(size, size), format="csr")
        u = sparse_linalg.spsolve_triangular(g, v0, lower=False)
    else:
        u = v0 / out_rate
    waited = float((u * reach).sum())  # E[wait; answered]: time at m, answered from m
    answered = now + answered_w
    asa = waited / answered if answered > 0 else math.inf
    ans_within: list[float] = []
    ab_within: list[float] = []
    if thresholds_s:
        # transient over places 0..size-1, then "answered" and "hung up"
        rows = list(range(size)) + list(range(1, size)) + [0] + list(range(size))
        cols = list(range(size)) + list(range(size - 1)) + [size] + [size + 1] * size
        vals = np.concatenate([-out_rate, step[1:], [nmu], np.full(size, theta)])
        gen = sparse.csr_matrix((vals, (rows, cols)), shape=(size + 2, size + 2))
        start = np.concatenate([v0, [0.0, 0.0]])
        for t in thresholds_s:
            if t <= 0.0:
                ans_within.append(now)
                ab_within.append(0.0)
                continue
            end = sparse_linalg.expm_multiply(gen.T * float(t), start)
            ans_within.append(now + float(max(end[size], 0.0)))
            ab_within.append(float(max(end[size + 1], 0.0)))
    return 1.0 - now, answered, asa, tuple(ans_within), tuple(ab_within)


def _reach(marginal: np.ndarray, span: int) -> int:
    """How far to move a cut side so that the mass beyond it falls below ``_EDGE``.

    ``marginal`` runs towards the side. Its log falls about linearly (the orbit's tail
    is geometric) or faster (the queue's is Gaussian), so the line through the rows just
    inside the side, extended, is a safe guess (at most the span again); without a
    falling tail, a quarter of the span more.
    """
    inner = marginal[-13:-3]
    fallback = math.ceil((_WIDEN - 1.0) * span) + 1
    if inner.size < 4 or np.any(inner <= 0.0):
        return fallback
    slope = float(np.polyfit(np.arange(inner.size), np.log(inner), 1)[0])
    if not slope < -1e-3:
        return fallback
    # rows until the row mass is _EDGE / 100, from the last inner row, and some more
    rows = (math.log(_EDGE / 100.0) - math.log(float(inner[-1]))) / slope - 3.0
    return max(1, min(math.ceil(1.1 * rows + 5.0), span))


def _solve_box(
    lam: float,
    mu: float,
    n: int,
    theta: float,
    redial: float,
    reconnect: float,
    nu: float,
    box: tuple[int, int, int, int],
    pin_j: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """The chain on ``box``, widened until no cut side holds more than ``_EDGE``."""
    while True:
        k_lo, k_hi, j_lo, j_hi = box
        states = (k_hi - k_lo + 1) * (j_hi - j_lo + 1)
        if states > MAX_STATES:
            raise StaffingError(
                f"the retrial chain needs more than {MAX_STATES:,} states here "
                f"({lam * 3600:.0f} fresh calls an hour, {n} agents)"
            )
        k, j, p = retrial_chain(lam, mu, n, theta, redial, reconnect, nu, box, pin_j)
        low, high, orbit = _edges(k, j, p, box)
        if not (low or high or orbit):
            return k, j, p, box
        span_k, span_j = k_hi - k_lo, j_hi - j_lo
        kk = np.bincount((k - k_lo).astype(np.intp), weights=p)
        jj = np.bincount((j - j_lo).astype(np.intp), weights=p)
        if low:
            k_lo = max(0, k_lo - _reach(kk[::-1], span_k))
        if high:
            k_hi = k_hi + _reach(kk, span_k)
        if orbit:
            j_hi = j_hi + _reach(jj, span_j)
        box = (k_lo, k_hi, j_lo, j_hi)


def retrial_measures(
    lam: float,
    mu: float,
    n: int,
    theta: float,
    redial: float,
    reconnect: float,
    nu: float,
    thresholds_s: tuple[float, ...] = (),
    *,
    attempts_guess: float | None = None,
    abandon_guess: float = 0.05,
) -> RetrialResult:
    """The measures of one case (module notes); rates per second, ``n`` whole agents.

    ``attempts_guess`` and ``abandon_guess`` (the fixed point's, say) place the first
    box; they change the work, not the answer.

    Raises
    ------
    StaffingError
        The chain would need more than :data:`MAX_STATES` states.

    Examples
    --------
    1,000 fresh calls an hour, 4-minute calls, 10-minute patience, 68 agents, 80% of
    those who hang up call again after 10 minutes on average:

    >>> m = retrial_measures(1000 / 3600, 1 / 240, 68, 1 / 600, 0.8, 0.0, 1 / 600)
    >>> round(100 * m.abandon_rate, 2), round(m.attempts_rate * 3600)
    (5.64, 1047)
    """
    attempts = lam if attempts_guess is None else attempts_guess
    orbit = (redial * attempts * abandon_guess + reconnect * attempts) / nu
    box = _box(lam, mu, n, theta, nu, attempts, orbit)
    k, j, p, box = _solve_box(lam, mu, n, theta, redial, reconnect, nu, box, orbit)
    k_lo, k_hi = box[0], box[1]
    arrive = p * (lam + j * nu)
    arrive[k >= k_hi] = 0.0  # an attempt there would leave the box: no mass lies there
    seen = np.bincount((k - k_lo).astype(np.intp), weights=arrive, minlength=k_hi - k_lo + 1)
    seen = seen / seen.sum()
    p_wait, answered, asa, ans_w, ab_w = _tagged(
        seen, k_lo, n, mu, theta, tuple(float(t) for t in thresholds_s)
    )
    busy = float((np.minimum(k, n) * p).sum())
    return RetrialResult(
        attempts_rate=float(lam + (j * nu * p).sum()),
        p_wait=p_wait,
        answered=answered,
        abandon_rate=max(0.0, 1.0 - answered),
        occupancy=busy / n if n > 0 else 1.0,
        asa_s=asa,
        answered_within=ans_w,
        abandoned_within=ab_w,
        orbit_mean=float((j * p).sum()),
        states=int(k.size),
    )


def uses_chain(
    fresh: np.ndarray,
    patience: np.ndarray | None,
    redial: np.ndarray,
    reconnect: np.ndarray,
    delay: np.ndarray | None,
    curve: object | None,
) -> np.ndarray:
    """The rows the chain answers (validated 1-d arrays).

    Those with calls, an exponential patience, redials or reconnects, and a delay.
    """
    if delay is None or curve is not None or patience is None:
        return np.zeros(fresh.shape, dtype=bool)
    return (fresh > 0) & np.isfinite(patience) & ((redial > 0) | (reconnect > 0))


def retrial_performance(
    fresh: np.ndarray,
    n: np.ndarray,
    aht: np.ndarray,
    interval: np.ndarray,
    patience: np.ndarray,
    redial: np.ndarray,
    reconnect: np.ndarray,
    delay: np.ndarray,
    thresholds_s: list[np.ndarray],
    abandon_policy: str,
    guess: tuple[np.ndarray, np.ndarray],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The chain's measures, row by row, in the shape of :func:`performance`'s.

    ``fresh`` are fresh calls per ``interval`` [s]; ``guess`` the fixed point's attempts
    per interval and abandon rate, which place each chain's first box. Returns the
    measures (``p_wait``, ``abandon_rate``, ``occupancy``, ``asa_s``, ``service_level``
    per threshold, ``attempts`` per interval) and which rows were solved: a row past
    :data:`MAX_STATES` is left out (NaN), for the caller to keep its fixed point.
    """
    size = fresh.size
    out = {key: np.full(size, np.nan) for key in ("p_wait", "abandon_rate", "occupancy")}
    out["asa_s"] = np.full(size, np.nan)
    out["attempts"] = np.full(size, np.nan)
    sls = [np.full(size, np.nan) for _ in thresholds_s]
    solved = np.zeros(size, dtype=bool)
    cache: dict[tuple[float, ...], RetrialResult | None] = {}

    def one(i: int, agents: int) -> RetrialResult | None:
        iv = float(interval[i])
        key = (
            float(fresh[i]),
            agents,
            float(aht[i]),
            iv,
            float(patience[i]),
            float(redial[i]),
            float(reconnect[i]),
            float(delay[i]),
            *(float(t[i]) for t in thresholds_s),
        )
        if key not in cache:
            try:
                cache[key] = retrial_measures(
                    float(fresh[i]) / iv,
                    1.0 / float(aht[i]),
                    agents,
                    1.0 / float(patience[i]),
                    float(redial[i]),
                    float(reconnect[i]),
                    1.0 / float(delay[i]),
                    tuple(float(t[i]) for t in thresholds_s),
                    attempts_guess=float(guess[0][i]) / iv,
                    abandon_guess=float(guess[1][i]),
                )
            except StaffingError:
                cache[key] = None
        return cache[key]

    for i in range(size):
        low = math.floor(float(n[i]))
        share = float(n[i]) - low
        parts = [(one(i, low), 1.0 - share)]
        if share > 0.0:
            parts.append((one(i, low + 1), share))
        if any(r is None for r, _ in parts):
            continue
        solved[i] = True

        def mix(field: str, parts: list = parts) -> float:  # linear in the agents
            values = [getattr(r, field) for r, _ in parts]
            if len(values) == 1:
                return float(values[0])
            return float(sum(w * v for v, (_, w) in zip(values, parts, strict=True)))

        out["p_wait"][i] = mix("p_wait")
        out["abandon_rate"][i] = mix("abandon_rate")
        out["occupancy"][i] = mix("occupancy")
        out["asa_s"][i] = mix("asa_s")
        out["attempts"][i] = mix("attempts_rate") * float(interval[i])
        solved_parts = [(r, w) for r, w in parts if r is not None]
        for t, sl in enumerate(sls):
            within = [
                (r.answered_within[t], r.abandoned_within[t], r.answered) for r, _ in solved_parts
            ]
            weights = [w for _, w in solved_parts]
            aw, bw, ans = (
                np.array([sum(w * x[q] for w, x in zip(weights, within, strict=True))])
                for q in range(3)
            )
            sl[i] = policy_service_level(aw, bw, ans, abandon_policy)[0]
    out["service_level"] = sls  # type: ignore[assignment]
    return out, solved


def warn_unsolved(count: int) -> None:
    """One warning for ``count`` rows too large for the chain."""
    if count:
        import warnings

        warnings.warn(
            f"redials: {count} interval(s) need more than {MAX_STATES:,} states for the "
            "exact retrial chain; they keep the fixed point (callers who call back long "
            "after), which can under-state their abandon rate",
            StaffingWarning,
            stacklevel=4,
        )

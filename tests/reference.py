"""High-precision reference values for Erlang B, C and A, derived from first principles.

This module does **not** import ``staffing`` and shares none of its formulas: everything
is rebuilt here from the birth-death chain of the queue, in ``mpmath`` at 50 significant
digits, so that the package can be checked against it to 1e-9.

Model and notation
------------------
Calls arrive at rate ``lam = calls / interval_s``; handle times are Exp(``mu = 1/aht_s``);
``n`` agents; in Erlang A each caller's patience is Exp(``theta = 1/patience_s``). With
``a = lam / mu`` and, in Erlang A, ``x = n mu / theta`` and ``y = lam / theta``, the
stationary probabilities of the number in system are (unnormalised)

* ``pi_k = a^k / k!`` for ``k <= n``;
* ``pi_{n+j} = pi_n * prod_{i=1..j} lam / (n mu + i theta) = pi_n y^j / prod_{i=1..j} (x+i)``
  (Erlang A) or ``pi_n (a/n)^j`` (Erlang C, ``theta = 0``).

By PASTA an arriving caller sees this distribution. It waits when it finds ``k >= n``;
with ``j = k - n`` callers ahead of it, the queue ahead shrinks at rate ``n mu + m theta``
while ``m`` callers are ahead (a service completion or one of them abandoning), so its
*offered* wait (the wait it would have if it never gave up) is

    V_j = E_j + E_{j-1} + ... + E_0,    E_m ~ Exp(n mu + m theta) independent.

Callers behind it do not matter, and its own patience ``tau ~ Exp(theta)`` is independent
of ``V_j``: it is answered iff ``V_j <= tau``, after waiting ``V_j``; otherwise it abandons
at ``tau``.

**Erlang C** (``theta = 0``): ``V_j`` is Gamma(``j+1``, ``n mu``) and ``j`` is geometric
with ratio ``rho = a/n``, so the mixture is exponential: ``P(W > t | wait) =
exp(-(n mu - lam) t)`` and ``E[W | wait] = 1 / (n mu - lam)``.

**Erlang A.** The rates ``n mu + m theta = theta (x + m)`` are in arithmetic progression,
so partial fractions of the Laplace transform ``prod_m (x+m) / (x+m+s/theta)`` give the
density of ``V_j`` as a binomial sum, ``f_j(v) ~ e^{-n mu v} (1 - e^{-theta v})^j``: in
other words ``U_j = 1 - exp(-theta V_j)`` has the Beta(``j+1``, ``x``) law (its moments
``E[(1-U)^{s/theta}] = prod_m (x+m)/(x+m+s/theta)`` are exactly that transform). The
caller's own patience maps to ``W = 1 - exp(-theta tau)``, uniform on (0, 1). Hence, with
``z = 1 - exp(-theta t)`` and ``I_z(p, q)`` the regularised incomplete beta function,

* ``P(answered | j) = E[1 - U] = x / (x + j + 1)``;
* ``P(answered within t | j) = E[(1 - U) 1{U <= z}] = x/(x+j+1) I_z(j+1, x+1)``;
* ``P(abandoned within t | j) = E[min(U, z)] = (j+1)/(x+j+1) I_z(j+2, x) + z (1 - I_z(j+1, x))``;
* ``E[V_j 1{answered}] = E[V_j e^{-theta V_j}] = -L_j'(theta)
  = x/(x+j+1) sum_{m=0..j} 1/(theta (x+m+1))`` (``L_j`` the Laplace transform of ``V_j``).

Two routes evaluate the mixture over ``j``; the generator uses both where it can and
insists that they agree:

* **series**: sum over ``j`` with the incomplete beta values from the exact finite sums
  ``I_z(1, q) = 1 - (1-z)^q`` and ``I_z(p+1, q) = I_z(p, q) - NB(p; q, z)`` (``NB`` the
  negative-binomial probability), truncated where the remaining weight is below 1e-45;
* **integral**: summing the Beta densities against the weights collapses the mixture to
  the density ``pi_n x (1-u)^(x-1) e^(y u)`` of ``U`` on (0, 1), and every measure becomes
  one integral over ``u`` (tanh-sinh quadrature with breakpoints around the peak).

A third route, for small cases only, follows the tagged caller through its absorbing
Markov chain with a matrix exponential (:func:`erlang_a_by_matrix_exponential`); it uses
none of the Beta algebra above.

Measures (as the package defines them): ``p_wait``; ``abandon_rate`` = abandoned /
offered; ``asa_s`` = mean wait of answered calls (those answered at once count 0 s);
``occupancy`` = carried load / agents; service level under the four abandon policies,
with ``AW`` answered within t, ``AB`` abandoned, ``ABt`` abandoned within t (all per
offered call): ``fail`` = AW, ``exclude`` = AW / (1 - AB), ``exclude_within`` =
AW / (1 - ABt), ``count_within`` = AW + ABt.

Regenerate the cached values (about two minutes on two cores)::

    .venv/bin/python tests/reference.py --write tests/data/queueing_reference.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mpmath as mp

DPS = 50
CACHE_PATH = Path(__file__).parent / "data" / "queueing_reference.json"
POLICIES = ("fail", "exclude", "exclude_within", "count_within")
# The series route is used when its truncation point stays below this many terms.
SERIES_LIMIT = 60_000

Case = dict[str, Any]


def _mpf(value: float | int | str) -> mp.mpf:
    return mp.mpf(value)


def _low_states_over_pi_n(a: mp.mpf, n: int) -> mp.mpf:
    """``sum_{k<n} pi_k / pi_n = sum_{k<n} n! / (k! a^(n-k))`` by a downward product."""
    total = mp.mpf(0)
    term = mp.mpf(1)
    for k in range(n, 0, -1):  # pi_{k-1} / pi_k = k / a
        term = term * k / a
        total += term
    return total


# ----------------------------------------------------------------------------- Erlang B/C


def erlang_b(a: float, n: int | float) -> mp.mpf:
    """Blocking probability ``(a^n/n!) / sum_{k<=n} a^k/k!``.

    Integer ``n`` by the exact sum; fractional ``n`` through the identity
    ``sum_{k<=n} a^k/k! = e^a Gamma(n+1, a) / n!`` (upper incomplete gamma), which is the
    usual extension ``B = a^n e^-a / Gamma(n+1, a)``.
    """
    with mp.workdps(DPS):
        am = _mpf(a)
        if float(n) == int(n):
            n = int(n)
            if am == 0:
                return mp.mpf(1 if n == 0 else 0)
            return 1 / (1 + _low_states_over_pi_n(am, n))
        nm = _mpf(n)
        return mp.exp(nm * mp.log(am) - am) / mp.gammainc(nm + 1, am)


def erlang_c(a: float, n: int) -> mp.mpf:
    """Probability of waiting in M/M/n: the stationary mass of ``{k >= n}``; 1 if ``n <= a``."""
    with mp.workdps(DPS):
        am = _mpf(a)
        if n <= am:
            return mp.mpf(1)
        tail = 1 / (1 - am / n)  # sum_j (a/n)^j, relative to pi_n
        return tail / (_low_states_over_pi_n(am, n) + tail)


def erlang_c_measures(
    calls: float, aht_s: float, agents: int, interval_s: float, threshold_s: float
) -> dict[str, mp.mpf]:
    """All measures of M/M/n (no abandonment) for one interval."""
    with mp.workdps(DPS):
        lam = _mpf(calls) / _mpf(interval_s)
        mu = 1 / _mpf(aht_s)
        a = lam / mu
        n = int(agents)
        t = _mpf(threshold_s)
        if n <= a:
            out = {
                "p_wait": mp.mpf(1),
                "asa_s": mp.inf,
                "abandon_rate": mp.mpf(0),
                "occupancy": mp.mpf(1),
            }
            sl = mp.mpf(0)
        else:
            c = erlang_c(a, n)
            gap = n * mu - lam
            out = {"p_wait": c, "asa_s": c / gap, "abandon_rate": mp.mpf(0), "occupancy": a / n}
            sl = 1 - c * mp.exp(-gap * t)
        for policy in POLICIES:
            out[f"sl_{policy}"] = sl
        return out


# ------------------------------------------------------------------------------ Erlang A


def _erlang_a_setup(
    calls: float, aht_s: float, agents: int, interval_s: float, patience_s: float
) -> tuple[mp.mpf, mp.mpf, mp.mpf, mp.mpf, int, mp.mpf]:
    lam = _mpf(calls) / _mpf(interval_s)
    mu = 1 / _mpf(aht_s)
    theta = 1 / _mpf(patience_s)
    n = int(agents)
    a = lam / mu
    return lam, mu, theta, a, n, _low_states_over_pi_n(a, n)


def _finish(
    a: mp.mpf,
    n: int,
    p_wait: mp.mpf,
    abandon: mp.mpf,
    wait_answered: mp.mpf,
    within: list[tuple[mp.mpf, mp.mpf]],
) -> dict[str, Any]:
    """Turn per-offered-call quantities into the package's measures."""
    answered = 1 - abandon
    out: dict[str, Any] = {
        "p_wait": p_wait,
        "abandon_rate": abandon,
        "asa_s": wait_answered / answered,
        "occupancy": a * answered / n,
        "within": [],
    }
    for aw, abt in within:
        out["within"].append(
            {
                "answered_within": aw,
                "abandoned_within": abt,
                "sl_fail": aw,
                "sl_exclude": aw / answered,
                "sl_exclude_within": aw / (1 - abt),
                "sl_count_within": aw + abt,
            }
        )
    return out


def series_terms_needed(
    calls: float, aht_s: float, agents: int, interval_s: float, patience_s: float
) -> int:
    """How many callers-ahead terms the series route needs (to choose a route).

    Walks the weights ``y^j / prod_{i<=j} (x+i)`` in floating point until they have
    fallen 115 nepers (1e-50) below their peak; gives up past twice ``SERIES_LIMIT``.
    """
    x = agents * patience_s / aht_s
    y = calls / interval_s * patience_s
    log_r = 0.0
    top = 0.0
    for j in range(1, 2 * SERIES_LIMIT):
        ratio = y / (x + j)
        log_r += math.log(ratio)
        top = max(top, log_r)
        if ratio < 1 and log_r < top - 115.0:
            return j
    return 2 * SERIES_LIMIT


def erlang_a_series(
    calls: float,
    aht_s: float,
    agents: int,
    interval_s: float,
    patience_s: float,
    thresholds_s: tuple[float, ...],
) -> dict[str, Any]:
    """Erlang A measures by summing over the number of callers ahead (series route)."""
    with mp.workdps(DPS):
        lam, mu, theta, a, n, low = _erlang_a_setup(calls, aht_s, agents, interval_s, patience_s)
        x = n * mu / theta
        y = lam / theta
        # weights r_j = y^j / prod_{i<=j} (x+i), relative to pi_n
        weights = []
        r = mp.mpf(1)
        total = mp.mpf(0)
        j = 0
        eps = mp.mpf(10) ** (-45)
        while True:
            weights.append(r)
            total += r
            ratio = y / (x + j + 1)
            if ratio < 1 and r * ratio / (1 - ratio) < eps * total:
                break
            j += 1
            if j > 10 * SERIES_LIMIT:
                raise RuntimeError("series route: too many terms")
            r = r * ratio
        big_j = len(weights) - 1
        norm = low + total
        p_wait = total / norm
        abandon = mp.mpf(0)
        wait_answered = mp.mpf(0)
        harmonic = mp.mpf(0)
        for j, r in enumerate(weights):
            harmonic += 1 / (x + j + 1)
            served = x / (x + j + 1)
            abandon += r * (1 - served)
            wait_answered += r * served * harmonic / theta
        abandon /= norm
        wait_answered /= norm

        within = []
        for t in thresholds_s:
            tm = _mpf(t)
            if tm == 0:
                within.append((1 - p_wait, mp.mpf(0)))
                continue
            log1mz = -theta * tm
            z = -mp.expm1(log1mz)
            beta_x = _incomplete_beta_family(z, log1mz, x, big_j + 2)  # I_z(p, x)
            beta_x1 = _incomplete_beta_family(z, log1mz, x + 1, big_j + 1)  # I_z(p, x+1)
            aw = mp.mpf(0)
            abt = mp.mpf(0)
            for j, r in enumerate(weights):
                aw += r * x / (x + j + 1) * beta_x1[j + 1]
                abt += r * ((j + 1) / (x + j + 1) * beta_x[j + 2] + z * (1 - beta_x[j + 1]))
            within.append((1 - p_wait + aw / norm, abt / norm))
        return _finish(a, n, p_wait, abandon, wait_answered, within)


def _incomplete_beta_family(z: mp.mpf, log1mz: mp.mpf, q: mp.mpf, top: int) -> list[mp.mpf]:
    """``[None, I_z(1, q), ..., I_z(top, q)]`` by the exact finite recursion in ``p``.

    ``I_z(1, q) = 1 - (1-z)^q`` and ``I_z(p+1, q) = I_z(p, q) - d_p`` with
    ``d_p = Gamma(p+q) / (Gamma(p+1) Gamma(q)) z^p (1-z)^q`` (a negative-binomial
    probability, so ``0 <= d_p <= 1``: the absolute error stays at ``top`` ulps).
    """
    out: list[mp.mpf] = [mp.mpf(0)] * (top + 1)
    value = -mp.expm1(q * log1mz)
    d = q * z * mp.exp(q * log1mz)  # d_1
    out[1] = value
    for p in range(1, top):
        value = value - d
        out[p + 1] = value
        d = d * z * (p + q) / (p + 1)
    return out


def erlang_a_integral(
    calls: float,
    aht_s: float,
    agents: int,
    interval_s: float,
    patience_s: float,
    thresholds_s: tuple[float, ...],
) -> dict[str, Any]:
    """Erlang A measures as integrals over the offered wait (integral route).

    Summing the Beta(``j+1``, ``x``) laws of ``U = 1 - exp(-theta V)`` against the
    weights ``y^j / prod (x+i)`` gives ``U`` the density ``pi_n x (1-u)^(x-1) e^(y u)``;
    in ``s = theta V = -log(1 - u)`` (better conditioned when ``x < 1``, where the mass
    of ``u`` piles up against 1) that is ``pi_n x exp(-x s + y (1 - e^-s))`` on
    ``s > 0``, and each measure is one integral of it.
    """
    with mp.workdps(DPS):
        lam, mu, theta, a, n, low = _erlang_a_setup(calls, aht_s, agents, interval_s, patience_s)
        x = n * mu / theta
        y = lam / theta

        def log_density(s: mp.mpf) -> mp.mpf:
            return -x * s - y * mp.expm1(-s)

        # peak and width of the log-density: phi'(s) = -x + y e^-s, phi'' = -y e^-s
        if y > x:
            mode = mp.log(y / x)
            width = 1 / mp.sqrt(x)
        else:
            mode = mp.mpf(0)
            width = min(1 / (x - y) if x > y else mp.inf, 1 / mp.sqrt(y) if y > 0 else mp.inf)
        peak = log_density(mode)
        points = {mp.mpf(0)}
        step = width / 4
        while True:
            for p in (mode - step, mode + step):
                if p > 0:
                    points.add(p)
            if mode + step - log_density(mode + step) + peak > mode + 200 * (1 + width):
                break
            if peak - log_density(mode + step) > 200:
                break
            step *= 2
        if mode > 0:
            points.add(mode)

        def integral(extra: Any, upper: mp.mpf = mp.inf) -> mp.mpf:
            pts = [*sorted(p for p in points if p < upper), upper]

            def f(s: mp.mpf) -> mp.mpf:
                return mp.exp(log_density(s) - peak) * extra(s)

            return x * mp.quad(f, pts)  # relative to pi_n e^peak

        scale = mp.exp(peak)
        tail = integral(lambda s: 1) * scale  # sum_j y^j / prod (x+i)
        norm = low + tail
        p_wait = tail / norm
        abandon = integral(lambda s: -mp.expm1(-s)) * scale / norm
        wait_answered = integral(lambda s: s * mp.exp(-s) / theta) * scale / norm
        within = []
        for t in thresholds_s:
            big_t = theta * _mpf(t)
            if big_t == 0:
                within.append((1 - p_wait, mp.mpf(0)))
                continue
            z = -mp.expm1(-big_t)
            points.add(big_t)
            aw = integral(lambda s: mp.exp(-s), big_t) * scale / norm
            abt = (
                (
                    integral(lambda s: -mp.expm1(-s), big_t)
                    + z * integral(lambda s: 1)
                    - z * integral(lambda s: 1, big_t)
                )
                * scale
                / norm
            )
            points.discard(big_t)
            within.append((1 - p_wait + aw, abt))
        return _finish(a, n, p_wait, abandon, wait_answered, within)


def erlang_a_by_matrix_exponential(
    calls: float,
    aht_s: float,
    agents: int,
    interval_s: float,
    patience_s: float,
    threshold_s: float,
    *,
    max_ahead: int = 60,
) -> dict[str, mp.mpf]:
    """Small cases only: answered / abandoned within ``t`` by a matrix exponential.

    The tagged caller's state is its position ``m = 1, ..., M`` (``m - 1`` callers ahead)
    plus two absorbing states, *served* and *abandoned*. From position ``m`` it moves to
    ``m - 1`` (or to *served* from ``m = 1``) at rate ``n mu + (m-1) theta`` and to
    *abandoned* at rate ``theta``. Starting from the PASTA distribution over positions
    (truncated at ``max_ahead`` callers ahead), ``p(t) = p(0) exp(Q t)``; absorption
    probabilities solve ``-Q_TT b = q_TA``. Returns ``p_wait``, ``abandon_rate``,
    ``answered_within`` and ``abandoned_within`` per offered call.
    """
    with mp.workdps(30):
        lam, mu, theta, _, n, low = _erlang_a_setup(calls, aht_s, agents, interval_s, patience_s)
        size = max_ahead + 1  # positions 1..size
        weights = [mp.mpf(1)]
        for j in range(1, size):
            weights.append(weights[-1] * lam / (n * mu + j * theta))
        norm = low + mp.fsum(weights)
        dim = size + 2
        served, abandoned = size, size + 1
        q = mp.zeros(dim, dim)
        for m in range(1, size + 1):
            i = m - 1
            move = n * mu + (m - 1) * theta
            q[i, served if m == 1 else i - 1] += move
            q[i, abandoned] += theta
            q[i, i] = -(move + theta)
        p0 = mp.zeros(1, dim)
        for j, w in enumerate(weights):
            p0[0, j] = w / norm
        pt = p0 * mp.expm(q * _mpf(threshold_s))
        # eventual abandonment: solve (-Q_TT) b = q_TA over the transient positions
        qtt = mp.zeros(size, size)
        qta = mp.zeros(size, 1)
        for i in range(size):
            for k in range(size):
                qtt[i, k] = -q[i, k]
            qta[i] = q[i, abandoned]
        b = mp.lu_solve(qtt, qta)
        p_wait = mp.fsum(weights) / norm
        abandon = mp.fsum(p0[0, i] * b[i] for i in range(size))
        return {
            "p_wait": p_wait,
            "abandon_rate": abandon,
            "answered_within": 1 - p_wait + pt[0, served],
            "abandoned_within": pt[0, abandoned],
        }


def erlang_a(
    calls: float,
    aht_s: float,
    agents: int,
    interval_s: float,
    patience_s: float,
    thresholds_s: tuple[float, ...],
    *,
    check: bool = True,
) -> dict[str, Any]:
    """Erlang A measures; both routes where the series is affordable, and they must agree."""
    use_series = series_terms_needed(calls, aht_s, agents, interval_s, patience_s) < SERIES_LIMIT
    integral = erlang_a_integral(calls, aht_s, agents, interval_s, patience_s, thresholds_s)
    if not (use_series and check):
        integral["routes"] = "integral"
        return integral
    series = erlang_a_series(calls, aht_s, agents, interval_s, patience_s, thresholds_s)
    _agree(series, integral, (calls, aht_s, agents, interval_s, patience_s, thresholds_s))
    series["routes"] = "series+integral"
    return series


def _agree(one: dict[str, Any], two: dict[str, Any], what: Any) -> None:
    """The two routes must agree far below the package tolerance (1e-20 relative)."""
    floor = mp.mpf(10) ** -300
    pairs = [(k, one[k], two[k], floor) for k in ("p_wait", "abandon_rate", "asa_s", "occupancy")]
    for w1, w2 in zip(one["within"], two["within"], strict=True):
        # service-level quantities are checked in absolute terms (the series route
        # subtracts, so it is exact to about 1e-50 absolute, not relative)
        pairs += [(k, w1[k], w2[k], mp.mpf(10) ** -40) for k in w1]
    for key, v1, v2, absolute in pairs:
        scale = max(abs(v1), abs(v2))
        if abs(v1 - v2) > mp.mpf(10) ** -20 * scale + absolute:
            raise AssertionError(f"routes disagree on {key} for {what}: {v1} vs {v2}")


# ------------------------------------------------------------------------------ the grid


def _erlang_bc_grid() -> Iterator[tuple[float, float]]:
    loads = [0.01, 0.5, 1.0, 2.5, 10.0, 99.5, 100.0, 500.25, 1000.0, 2500.0, 4999.9, 5000.0]
    for a in loads:
        root = math.sqrt(a)
        agents = {
            max(1, math.ceil(a)),
            math.ceil(a) + 1,
            math.ceil(a + root),
            math.ceil(a + 3 * root),
            math.ceil(2 * a) + 1,
            10_000,
        }
        if a >= 2:
            agents |= {math.floor(a / 2), math.floor(a) - 1}
        for n in sorted(agents):
            if 1 <= n <= 10_000:
                yield a, n


def erlang_b_cases() -> list[Case]:
    cases = [{"workload_erlangs": a, "agents": n} for a, n in _erlang_bc_grid()]
    cases += [  # fractional agents: the incomplete-gamma extension
        {"workload_erlangs": 10.0, "agents": 12.5},
        {"workload_erlangs": 0.3, "agents": 0.5},
        {"workload_erlangs": 800.0, "agents": 850.75},
    ]
    for case in cases:
        case["erlang_b"] = erlang_b(case["workload_erlangs"], case["agents"])
        if float(case["agents"]) == int(case["agents"]):
            case["erlang_c"] = erlang_c(case["workload_erlangs"], int(case["agents"]))
    return cases


THRESHOLDS = (0.0, 20.0, 300.0)


def erlang_c_cases() -> list[Case]:
    cases = []
    for a, n in _erlang_bc_grid():
        aht = 180.0
        interval = 1800.0
        calls = a * interval / aht
        for t in THRESHOLDS:
            m = erlang_c_measures(calls, aht, n, interval, t)
            cases.append(
                {
                    "calls": calls,
                    "aht_s": aht,
                    "agents": n,
                    "interval_s": interval,
                    "threshold_s": t,
                    "patience_s": None,
                    **m,
                }
            )
    return cases


def _erlang_a_grid() -> Iterator[tuple[float, float, int, float, float]]:
    """(calls, aht_s, agents, interval_s, patience_s)."""
    interval = 1800.0
    aht = 180.0
    patiences = (1.0, 30.0, 180.0, 600.0, 3600.0, 1e6)
    loads = (0.01, 1.0, 10.0, 100.0, 1000.0, 5000.0)
    for a in loads:
        calls = a * interval / aht
        root = math.sqrt(a)
        agents = {
            1,
            max(1, math.floor(0.8 * a)),
            math.ceil(a),
            math.ceil(a + 0.1 * root),  # near-critical
            math.ceil(a + root),
            math.ceil(a + 3 * root),
            math.ceil(1.5 * a) + 2,
        }
        if a >= 1000:
            agents.add(10_000)
        for n in sorted(agents):
            for p in patiences:
                yield calls, aht, n, interval, p
    # other handle times and interval lengths, and a lighter load at 15 minutes
    yield 37.0, 95.0, 3, 900.0, 45.0
    yield 250.0, 420.0, 50, 1800.0, 240.0
    yield 3.3, 600.0, 1, 3600.0, 120.0
    # near-critical with long patience relative to handle time (found by hypothesis)
    yield 42030.0, 20.0, 470, 1800.0, 1e6
    yield 42030.0, 20.0, 470, 1800.0, 1e4


def _erlang_a_one(args: tuple[float, float, int, float, float]) -> dict[str, Any]:
    return erlang_a(*args, THRESHOLDS)


def erlang_a_cases(*, progress: bool = False, processes: int = 2) -> list[Case]:
    import multiprocessing

    grid = list(_erlang_a_grid())
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_erlang_a_one, grid, chunksize=1)
    cases = []
    for (calls, aht, n, interval, patience), m in zip(grid, results, strict=True):
        if progress:
            print(
                f"  Erlang A a={calls * aht / interval:g} n={n} patience={patience:g}"
                f" [{m['routes']}]",
                file=sys.stderr,
            )
        for t, w in zip(THRESHOLDS, m["within"], strict=True):
            cases.append(
                {
                    "calls": calls,
                    "aht_s": aht,
                    "agents": n,
                    "interval_s": interval,
                    "threshold_s": t,
                    "patience_s": patience,
                    "routes": m["routes"],
                    **{k: m[k] for k in ("p_wait", "abandon_rate", "asa_s", "occupancy")},
                    **w,
                }
            )
    return cases


def _encode(value: Any) -> Any:
    if isinstance(value, mp.mpf):
        if mp.isinf(value):
            return "inf"
        return mp.nstr(value, 25, min_fixed=1, max_fixed=0)
    return value


def generate() -> dict[str, Any]:
    with mp.workdps(DPS):
        data = {
            "generator": "tests/reference.py",
            "command": "python tests/reference.py --write tests/data/queueing_reference.json",
            "digits": 25,
            "erlang_b": erlang_b_cases(),
            "erlang_c": erlang_c_cases(),
            "erlang_a": erlang_a_cases(progress=True),
        }
    return {
        k: ([{kk: _encode(vv) for kk, vv in c.items()} for c in v] if isinstance(v, list) else v)
        for k, v in data.items()
    }


def load_cache(path: Path = CACHE_PATH) -> dict[str, Any]:
    """The cached reference values, numbers as floats (``"inf"`` -> ``math.inf``)."""
    raw = json.loads(path.read_text())

    def decode(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return float(value)  # below the double range a value reads as 0.0
            except ValueError:
                return value
        return value

    return {
        k: ([{kk: decode(vv) for kk, vv in c.items()} for c in v] if isinstance(v, list) else v)
        for k, v in raw.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, default=CACHE_PATH, help="JSON file to write")
    args = parser.parse_args(argv)
    data = generate()
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps(data, indent=1) + "\n")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print(f"wrote {args.write}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

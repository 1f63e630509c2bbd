"""The redial and M/M/n+G aims, measured against the simulator over a grid of loads.

Run as a script to print both tables (the figures quoted in the issue's closing note)::

    .venv/bin/python tests/redial_grid.py            # the whole grid, some minutes
    .venv/bin/python tests/redial_grid.py --fast     # the fast subset the tests run

Steady state is simulated as a long day of equal one-hour intervals with the same
staffing (:func:`staffing.simulation.simulate_day`), the first hour(s) discarded as
warm-up; every figure pools the remaining hours of all replications.

* **Redials** (abandon target 5% per attempt, AHT 240 s, exponential patience, redial
  delay exponential with mean 10 minutes): the model's requirement ``n`` and its predicted
  abandon rate (the exact retrial chain of :mod:`staffing.queueing.retrial`, or the fixed
  point where the chain is past its size, with the fixed point's own prediction beside
  it); the simulated abandon rate at ``n - 1``, ``n`` and ``n + 1`` agents (common
  random numbers) with its standard error; the simulator's fewest agents (the fewest of
  those with a simulated abandon rate at most 5%); and, as a third opinion, the exact
  abandon rate of the two-dimensional Markov chain (callers in the system, callers
  waiting to call again) that Aguir, Karaesmen, Aksin and Chauvet (2004) solve for
  exponential delays (:func:`markov_abandon`, written here apart from the library's).
  The fixed point of :mod:`staffing.queueing.redial` is that chain's limit for long
  delays.
* **M/M/n+G** (target 80/20, AHT 240 s): at the M/M/n+G requirement, the service level
  and abandon rate of M/M/n+G, of Erlang A with the curve's mean patience, and of the
  simulator drawing patience from the same curve. Two curves per mean: exponential with
  a spike at 60 s (35% of those still waiting hang up when a recorded message plays), and
  a Weibull of shape 2 (patience that wears out).
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as sparse_linalg

import staffing
from staffing.queueing.general_patience import PatienceCurve
from staffing.simulation import simulate_day

AHT = 240.0
HOUR = 3600.0
CALLS_PER_REPLICATION = 400_000  # calls simulated per case and staffing, all replications
CALLS_PATIENCE = 2_000_000  # the same for the M/M/n+G cases (service levels are noisier)


def spike_curve(mean_s: float, spike: float = 0.35, at_s: float = 60.0) -> tuple:
    """Exponential patience with ``mean_s``; ``spike`` of those still waiting at ``at_s``
    hang up there (1-second steps)."""
    t = np.arange(1.0, 10.0 * mean_s + 1.0, 1.0)
    s = np.exp(-t / mean_s)
    return t, np.where(t >= at_s, s * (1.0 - spike), s)


def weibull_curve(mean_s: float, shape: float = 2.0) -> tuple:
    """Weibull patience with ``mean_s`` and ``shape`` (1-second steps, midpoint values)."""
    scale = mean_s / math.gamma(1.0 + 1.0 / shape)
    t = np.arange(1.0, 4.0 * scale + 1.0, 1.0)
    return t, np.exp(-(((t + 0.5) / scale) ** shape))


CURVES = {"spike at 60 s": spike_curve, "Weibull shape 2": weibull_curve}


def _size(fresh_h: float, calls: float = CALLS_PER_REPLICATION) -> tuple[int, int, int]:
    """Hours, warm-up hours and replications for about ``calls`` measured calls (the
    queue and the redials settle within the first hour: a mean delay of 10 minutes)."""
    hours, warm = 4, 1
    reps = int(np.clip(calls / (fresh_h * (hours - warm)), 8, 4000))
    return hours, warm, reps


def markov_abandon(
    fresh_h: float, n: int, patience_s: float, redial: float, delay_s: float
) -> tuple[float, float]:
    """Abandon rate per attempt and attempts per hour of the exact Markov model.

    States ``(k, j)``: ``k`` callers in the system (``n`` agents, FCFS, exponential
    handle times and patience), ``j`` callers who hung up and will call again, each after
    an exponential delay (rate ``1 / delay_s``). Fresh calls arrive at ``fresh_h / 3600``;
    an abandon joins the orbit with probability ``redial``. Truncated where the
    stationary mass is below 1e-5 (checked): far below the digits quoted.
    """
    lam, mu, theta, nu = fresh_h / HOUR, 1.0 / AHT, 1.0 / patience_s, 1.0 / delay_s
    share = staffing.evaluate(
        fresh_h, AHT, n, interval_s=HOUR, patience_s=patience_s, redial=redial
    ).abandon_rate
    over = max(lam * (1.0 + share) - n * mu, 0.0) / theta
    k_max = int(n + over + 10.0 * np.sqrt(lam / theta) + 40)
    orbit = redial * lam * 2.0 * max(share, 0.01) / nu  # the fixed point's, and more
    j_max = int(orbit + 20.0 * np.sqrt(orbit + 1.0) + 40)  # bursts: wider than Poisson
    k, j = np.meshgrid(np.arange(k_max + 1), np.arange(j_max + 1), indexing="ij")
    k, j = k.ravel(), j.ravel()
    size = k.size
    state = k * (j_max + 1) + j
    served = np.minimum(k, n) * mu
    gone = np.maximum(k - n, 0) * theta
    moves = [
        (k < k_max, state + (j_max + 1), np.full(size, lam)),  # a fresh call
        ((k < k_max) & (j > 0), state + j_max, j * nu),  # a redial: k + 1, j - 1
        (k > 0, state - (j_max + 1), served),  # a service ends
        ((k > n) & (j < j_max), state - (j_max + 1) + 1, gone * redial),  # abandon, later back
        (k > n, state - (j_max + 1), gone * np.where(j < j_max, 1.0 - redial, 1.0)),
    ]
    rows = np.concatenate([state[ok] for ok, _, _ in moves])
    cols = np.concatenate([to[ok] for ok, to, _ in moves])
    rates = np.concatenate([rate[ok] for ok, _, rate in moves])
    q = sparse.csr_matrix((rates, (rows, cols)), shape=(size, size))
    q = q - sparse.diags(np.asarray(q.sum(axis=1)).ravel())
    a = q.T.tolil()
    a[0, :] = 1.0
    b = np.zeros(size)
    b[0] = 1.0
    p = sparse_linalg.spsolve(a.tocsc(), b)
    edge = p[(k >= k_max - 2) | (j >= j_max - 2)].sum()
    assert edge < 1e-5, f"truncation: {edge:.1e} of the mass at the edge"
    attempts = lam + float((j * nu * p).sum())
    return float((gone * p).sum()) / attempts, attempts * HOUR


@dataclass(frozen=True)
class RedialCase:
    fresh_h: float
    patience_s: float
    redial: float
    agents: int
    predicted: float  # abandon rate per attempt at ``agents``
    attempts: float  # predicted attempts per hour
    simulated: dict[int, float]  # agents -> simulated abandon rate
    simulated_se: float  # standard error of the simulated abandon rate at ``agents``
    simulated_attempts: float
    simulator_fewest: int
    markov: float  # the exact Markov chain's abandon rate at ``agents``
    markov_fewest: int  # the fewest agents by the exact Markov chain
    fixed_point: float  # the fixed point's abandon rate at ``agents`` (no delay)
    exact: bool  # whether the model solved the retrial chain (else the fixed point)
    target: float = 0.05


def redial_case(
    fresh_h: float, patience_s: float, redial: float, *, seed: int = 0, delay_s: float = 600.0
) -> RedialCase:
    """One point of the redial grid (module notes)."""
    target = "abandon<=5%"
    kw = {"interval_s": HOUR, "patience_s": patience_s, "redial": redial}
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        n = int(staffing.required_agents(fresh_h, AHT, target, redial_delay_s=delay_s, **kw))
        m = staffing.evaluate(fresh_h, AHT, n, redial_delay_s=delay_s, **kw)
    exact_model = not any("retrial chain" in str(w.message) for w in said)
    fixed = float(staffing.evaluate(fresh_h, AHT, n, **kw).abandon_rate)
    hours, warm, reps = _size(fresh_h)
    measured: dict[int, float] = {}
    attempts = se = 0.0

    def simulate(k: int) -> float:
        nonlocal attempts, se
        sim = simulate_day(
            np.full(hours, fresh_h),
            AHT,
            np.full(hours, float(k)),
            interval_s=HOUR,
            patience_s=patience_s,
            replications=reps,
            seed=seed,
            redial=redial,
            redial_delay_s=delay_s,
        )
        kept = slice(warm, hours)
        if k == n:
            attempts = float(sim.offered[:, kept].mean())
            each = sim.abandoned[:, kept].sum(axis=1) / sim.offered[:, kept].sum(axis=1)
            se = float(each.std(ddof=1) / np.sqrt(each.size))
        return float(sim.abandoned[:, kept].sum() / sim.offered[:, kept].sum())

    for k in (n - 1, n, n + 1):
        measured[k] = simulate(k)
    k = n - 1
    while measured[k] <= 0.05 and k > 1:  # the simulator needs fewer still
        k -= 1
        measured[k] = simulate(k)
    k = n + 1
    while measured[k] > 0.05:  # or more
        k += 1
        measured[k] = simulate(k)
    # the fewest from which every larger staffing meets the target
    fewest = max(measured) + 1
    for j in sorted(measured, reverse=True):
        if measured[j] > 0.05:
            break
        fewest = j
    exact = {n: markov_abandon(fresh_h, n, patience_s, redial, delay_s)[0]}
    k = n
    while exact[k] > 0.05:
        k += 1
        exact[k] = markov_abandon(fresh_h, k, patience_s, redial, delay_s)[0]
    k = min(exact)
    while exact[k] <= 0.05 and k > 1:
        k -= 1
        exact[k] = markov_abandon(fresh_h, k, patience_s, redial, delay_s)[0]
    markov_fewest = min(j for j, v in exact.items() if v <= 0.05)
    return RedialCase(
        fresh_h,
        patience_s,
        redial,
        n,
        float(m.abandon_rate),
        float(m.offered_attempts),
        measured,
        se,
        attempts,
        fewest,
        exact[n],
        markov_fewest,
        fixed,
        exact_model,
    )


@dataclass(frozen=True)
class PatienceCase:
    fresh_h: float
    mean_s: float
    curve: str
    agents: int
    mmng: tuple[float, float]  # service level, abandon rate
    erlang_a: tuple[float, float]
    simulated: tuple[float, float]
    simulated_se: tuple[float, float]  # standard errors (between replications)


def patience_case(fresh_h: float, mean_s: float, curve: str, *, seed: int = 0) -> PatienceCase:
    """One point of the M/M/n+G grid (module notes)."""
    times, survival = CURVES[curve](mean_s)
    pc = PatienceCurve.of((times, survival))
    n = int(staffing.required_agents(fresh_h, AHT, "80/20", interval_s=HOUR, patience_curve=pc))
    g = staffing.evaluate(fresh_h, AHT, n, interval_s=HOUR, patience_curve=pc)
    e = staffing.evaluate(fresh_h, AHT, n, interval_s=HOUR, patience_s=pc.mean_s)
    hours, warm, reps = _size(fresh_h, CALLS_PATIENCE)
    sim = simulate_day(
        np.full(hours, fresh_h),
        AHT,
        np.full(hours, float(n)),
        interval_s=HOUR,
        patience_curve=(times, survival),
        replications=reps,
        seed=seed,
    )
    kept = slice(warm, hours)
    offered = sim.offered[:, kept].sum()
    simulated = (
        float(sim.answered_within[:, kept, 0].sum() / offered),
        float(sim.abandoned[:, kept].sum() / offered),
    )
    per = sim.offered[:, kept].sum(axis=1)
    se = tuple(
        float((x[:, kept].sum(axis=1) / per).std(ddof=1) / np.sqrt(per.size))
        for x in (sim.answered_within[..., 0], sim.abandoned)
    )
    return PatienceCase(
        fresh_h,
        mean_s,
        curve,
        n,
        (float(g.service_level), float(g.abandon_rate)),
        (float(e.service_level), float(e.abandon_rate)),
        simulated,
        (se[0], se[1]),
    )


GRID_CALLS = (200.0, 1000.0, 5000.0)
GRID_PATIENCE = (60.0, 180.0, 600.0)
GRID_REDIAL = (0.0, 0.4, 0.8)
FAST_REDIAL = ((200.0, 600.0, 0.8), (1000.0, 60.0, 0.4))
FAST_PATIENCE = ((1000.0, 180.0, "spike at 60 s"),)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def redial_table(cases: list[RedialCase]) -> str:
    lines = [
        "| fresh/h | patience | redial | model agents | simulator's fewest | Markov fewest "
        "| predicted abandon | simulated (SE) | Markov chain | model - simulated "
        "| fixed point - simulated | attempts/h model / sim |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        sim = c.simulated[c.agents]
        lines.append(
            f"| {c.fresh_h:g} | {c.patience_s:g} s | {100 * c.redial:g}% | {c.agents} | "
            f"{c.simulator_fewest} | {c.markov_fewest} | {_pct(c.predicted)}"
            f"{'' if c.exact else ' (fixed point)'} | {_pct(sim)} "
            f"({100 * c.simulated_se:.2f}) | {_pct(c.markov)} | "
            f"{100 * (c.predicted - sim):+.2f} pts | {100 * (c.fixed_point - sim):+.2f} pts | "
            f"{c.attempts:.0f} / {c.simulated_attempts:.0f} |"
        )
    return "\n".join(lines)


def patience_table(cases: list[PatienceCase]) -> str:
    lines = [
        "| fresh/h | mean patience | curve | agents | SL M/M/n+G / Erlang A / sim (SE) "
        "| abandon M/M/n+G / Erlang A / sim (SE) |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    for c in cases:
        lines.append(
            f"| {c.fresh_h:g} | {c.mean_s:g} s | {c.curve} | {c.agents} | "
            f"{_pct(c.mmng[0])} / {_pct(c.erlang_a[0])} / {_pct(c.simulated[0])} "
            f"({100 * c.simulated_se[0]:.2f}) | "
            f"{_pct(c.mmng[1])} / {_pct(c.erlang_a[1])} / {_pct(c.simulated[1])} "
            f"({100 * c.simulated_se[1]:.2f}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--fast", action="store_true", help="the fast subset only")
    fast = args.parse_args(argv).fast
    grid_r = (
        FAST_REDIAL
        if fast
        else [(c, p, r) for c in GRID_CALLS for p in GRID_PATIENCE for r in GRID_REDIAL]
    )
    grid_p = (
        FAST_PATIENCE
        if fast
        else [(c, m, k) for c in GRID_CALLS for m in GRID_PATIENCE for k in CURVES]
    )
    print(redial_table([redial_case(*x) for x in grid_r]), flush=True)
    print()
    print(patience_table([patience_case(*x) for x in grid_p]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

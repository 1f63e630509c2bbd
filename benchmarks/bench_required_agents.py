"""Required agents for a million random intervals, against the cost floor and the peers.

Workload: 1,000,000 intervals of 30 minutes, calls uniform on [0, 500], AHT uniform on
[120, 600] s, target 80/20; Erlang A adds a mean patience uniform on [30, 600] s.

Reference (the cost floor of evaluating any Erlang formula once per interval): one
``scipy.special.pdtr`` pass over the same arrays. The aim is a ratio of at most 3 for
Erlang C and at most 10 for Erlang A.

The ASA of answered calls in Erlang A is also timed alone, at the Erlang A requirement:
the Erlang A measures with the ASA minus the same measures without it (best of three
each), the share of a plan's evaluation that the ASA takes.

Peers (timed on a sample of intervals, since they loop in Python, and extrapolated to
intervals per second; agreement with our answers is reported on the same sample):
pyworkforce (``ErlangC.required_positions``), turbotab (``agents_required``, Erlang C
and its patience variant). erlangccmath is listed but not timed: it sends every
calculation to a remote web service.

Run: ``make bench`` (installs the peers where they install) or
``.venv/bin/python benchmarks/bench_required_agents.py [--intervals N] [--sample M]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

import staffing


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def peer_pyworkforce() -> Callable[[float, float, float | None], int] | None:
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        return None

    def solve(calls: float, aht_s: float, patience_s: float | None) -> int:
        if patience_s is not None:
            raise NotImplementedError
        model = ErlangC(transactions=calls, aht=aht_s / 60, asa=20 / 60, interval=30)
        return int(model.required_positions(service_level=0.8)["raw_positions"])

    return solve


def peer_turbotab() -> Callable[[float, float, float | None], int] | None:
    try:
        from mod_turbotab.agents.capacity import agents_required
    except ImportError:
        return None

    def solve(calls: float, aht_s: float, patience_s: float | None) -> int:
        return int(agents_required(0.8, 20, calls, aht_s, interval=1800, patience=patience_s))

    return solve


def time_peer(
    solve: Callable[[float, float, float | None], int],
    calls: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray | None,
    ours: np.ndarray,
    budget_s: float,
) -> tuple[float, float, int] | None:
    """Intervals per second and share of answers equal to ours on a time-boxed sample."""
    answers = []
    start = time.perf_counter()
    try:
        for i in range(calls.size):
            p = None if patience_s is None else float(patience_s[i])
            answers.append(solve(float(calls[i]), float(aht_s[i]), p))
            if time.perf_counter() - start > budget_s:
                break
    except NotImplementedError:
        return None
    elapsed = time.perf_counter() - start
    done = len(answers)
    agree = float(np.mean(np.asarray(answers) == ours[:done]))
    return done / elapsed, agree, done


def time_asa(
    agents: np.ndarray, load: np.ndarray, aht_s: np.ndarray, patience_s: np.ndarray
) -> tuple[float, float]:
    """Seconds the ASA adds to the Erlang A measures of the intervals with calls, and the
    seconds of the measures with it."""
    from staffing.queueing.erlang_a import erlang_a_measures

    busy = load > 0
    args = (agents[busy], load[busy], aht_s[busy], patience_s[busy], [np.full(busy.sum(), 20.0)])
    with_s, _ = best_of(lambda: erlang_a_measures(*args, want_asa=True), 3)
    without_s, _ = best_of(lambda: erlang_a_measures(*args, want_asa=False), 3)
    return with_s - without_s, with_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="intervals given to each peer")
    parser.add_argument("--peer-seconds", type=float, default=20.0)
    args = parser.parse_args()

    rng = np.random.default_rng(2026)
    n = args.intervals
    calls = rng.uniform(0, 500, n)
    aht_s = rng.uniform(120, 600, n)
    patience_s = rng.uniform(30, 600, n)
    load = calls * aht_s / 1800
    k = np.floor(load) + 1

    ref_s, _ = best_of(lambda: special.pdtr(k, load), 3)
    print(f"{n:,} intervals, 30 min, calls U[0,500], AHT U[120,600] s, target 80/20")
    print(f"reference: one scipy.special.pdtr pass  {ref_s:8.3f} s  {n / ref_s:14,.0f} intervals/s")

    c_s, ours_c = best_of(lambda: staffing.required_agents(calls, aht_s, "80/20"), 3)
    a_s, ours_a = best_of(
        lambda: staffing.required_agents(calls, aht_s, "80/20", patience_s=patience_s), 2
    )
    print(
        f"staffing Erlang C                      {c_s:8.3f} s  {n / c_s:14,.0f} intervals/s"
        f"  ratio {c_s / ref_s:5.2f}  (aim <= 3)"
    )
    print(
        f"staffing Erlang A (patience U[30,600]) {a_s:8.3f} s  {n / a_s:14,.0f} intervals/s"
        f"  ratio {a_s / ref_s:5.2f}  (aim <= 10)"
    )
    below = np.mean(ours_a < load)
    print(f"  Erlang A staffs below the workload in {below:.1%} of intervals")
    asa_s, with_s = time_asa(np.asarray(ours_a, dtype=float), load, aht_s, patience_s)
    print(
        f"{'staffing Erlang A, its ASA alone':38s} {asa_s:8.3f} s  {n / asa_s:14,.0f} intervals/s"
        f"  ratio {asa_s / ref_s:5.2f}  (all measures with it: {with_s:.3f} s)"
    )

    m = min(args.sample, n)
    peers = {"pyworkforce": peer_pyworkforce(), "turbotab": peer_turbotab()}
    for name, solve in peers.items():
        if solve is None:
            print(f"{name:12s} not installed (make bench installs it where it installs)")
            continue
        for model, pat, ours in (("C", None, ours_c), ("A", patience_s, ours_a)):
            res = time_peer(solve, calls[:m], aht_s[:m], pat, ours, args.peer_seconds)
            if res is None:
                print(f"{name:12s} Erlang {model}: not offered")
                continue
            rate, agree, done = res
            ours_rate = n / (c_s if model == "C" else a_s)
            print(
                f"{name:12s} Erlang {model}: {rate:10,.0f} intervals/s on {done:,} intervals"
                f"  (staffing is {ours_rate / rate:8,.0f}x faster; same answer in {agree:.1%})"
            )
    print("erlangccmath not timed: it computes on a remote web service")


if __name__ == "__main__":
    main()

"""Redials (Erlang X) and M/M/n+G: throughput against one Erlang A evaluation pass.

Workload: 100,000 intervals of 30 minutes, fresh calls uniform on [20, 500], AHT uniform
on [120, 600] s, mean patience uniform on [30, 600] s, staffing at 95% of the workload
plus 2 agents, redial share uniform on [0, 0.8].

* ``evaluate(..., redial=...)``: the steady-state fixed point of the attempts (regula
  falsi, to a relative 1e-13) and the measures at it;
* ``required_agents(..., redial=...)`` for 80/20 + abandon<=5%;
* ``evaluate(..., patience_curve=...)``: M/M/n+G with a 1-second Kaplan-Meier curve of
  600 steps (exponential with a spike at 60 s);
* ``evaluate(..., redial=..., redial_delay_s=600)``: the exact retrial chain, one sparse
  solve per interval (the first 200 intervals: its cost is per interval, some
  milliseconds to a second).

Reference: one ``staffing.evaluate`` pass of Erlang A over the same intervals (no
redials), the cost of the measures the fixed point evaluates again at each iteration.

Run: ``.venv/bin/python benchmarks/bench_redial.py [--intervals N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import staffing


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--intervals", type=int, default=100_000)
    size = parser.parse_args().intervals
    rng = np.random.default_rng(0)
    calls = rng.uniform(20, 500, size)
    aht = rng.uniform(120, 600, size)
    patience = rng.uniform(30, 600, size)
    agents = np.floor(0.95 * calls * aht / 1800) + 2
    redial = rng.uniform(0.0, 0.8, size)
    t = np.arange(1.0, 601.0)
    curve = (t, np.where(t >= 60, 0.65, 1.0) * np.exp(-t / 150.0))

    reference = best_of(lambda: staffing.evaluate(calls, aht, agents, patience_s=patience), 3)
    rows = [
        (
            "evaluate, redial (fixed point)",
            lambda: staffing.evaluate(calls, aht, agents, patience_s=patience, redial=redial),
            size,
        ),
        (
            "required_agents 80/20+abandon<=5%, redial",
            lambda: staffing.required_agents(
                calls[: size // 10],
                aht[: size // 10],
                "80/20+abandon<=5%",
                patience_s=patience[: size // 10],
                redial=redial[: size // 10],
            ),
            size // 10,
        ),
        (
            "evaluate, M/M/n+G (600-step curve)",
            lambda: staffing.evaluate(
                calls[: size // 10], aht[: size // 10], agents[: size // 10], patience_curve=curve
            ),
            size // 10,
        ),
        (
            "evaluate, redial, 10-min delay (exact chain)",
            lambda: staffing.evaluate(
                calls[:200],
                aht[:200],
                agents[:200],
                patience_s=patience[:200],
                redial=redial[:200],
                redial_delay_s=600,
            ),
            200,
        ),
    ]
    per_ref = reference / size
    print(f"{size:,} intervals; reference Erlang A evaluate: {size / reference:,.0f} intervals/s")
    for name, fn, n in rows:
        elapsed = best_of(fn, 1)
        print(
            f"{name:44s} {n / elapsed:12,.0f} intervals/s  "
            f"ratio to the reference {elapsed / n / per_ref:6.1f}"
        )


if __name__ == "__main__":
    main()

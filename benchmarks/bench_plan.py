"""Benchmark: plan a year of 15-minute intervals for 100 queues (about 3.5 million rows).

Run from the repository root::

    .venv/bin/python benchmarks/bench_plan.py               # Erlang C and Erlang A
    .venv/bin/python benchmarks/bench_plan.py --queues 10   # a smaller horizon

Each model runs in a fresh process so its peak memory (``ru_maxrss``) is its own. Printed
per model: wall time of :func:`staffing.planner.plan` (validation, solver, evaluation and
the weekly summary), rows per second, the time spent in the two queueing calls
(:func:`staffing.required_agents` and :func:`staffing.evaluate`) and the process's peak
resident memory.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def make_forecast(queues: int, days: int, seed: int = 7) -> pd.DataFrame:
    """A synthetic forecast: 96 intervals a day, each queue its own size and intraday shape."""
    rng = np.random.default_rng(seed)
    per_day = 96
    starts = pd.date_range("2025-01-06", periods=days * per_day, freq="15min")
    hour = (starts.hour + starts.minute / 60.0).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    frames = []
    for q in range(queues):
        size = rng.lognormal(3.0, 0.8)  # calls per interval at the daily peak
        peak = rng.uniform(9.5, 15.5)
        shape = np.exp(-0.5 * ((hour - peak) / rng.uniform(2.0, 4.0)) ** 2)
        weekend = np.where(weekday >= 5, rng.uniform(0.2, 0.6), 1.0)
        calls = size * shape * weekend * rng.lognormal(0.0, 0.08, hour.size)
        calls = np.where((hour < 7) | (hour >= 22), 0.0, calls)  # closed at night
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": f"q{q:03d}",
                    "calls": np.round(calls, 1),
                    "aht_s": rng.uniform(180.0, 480.0)
                    * (1 + 0.05 * rng.standard_normal(hour.size)),
                    "patience_s": rng.uniform(60.0, 400.0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def run(model: str, queues: int, days: int) -> None:
    import staffing
    from staffing.planner import voice
    from staffing.prepared import prepared

    forecast = make_forecast(queues, days)
    if model == "C":
        forecast = forecast.drop(columns="patience_s")
    rows = len(forecast)

    spent = {"required_agents": 0.0, "evaluate": 0.0}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t

        return wrapper

    # the planner solves in planner.voice and measures in prepared.prepared
    voice.required_agents = timed("required_agents", staffing.required_agents)  # type: ignore[assignment]
    prepared.evaluate = timed("evaluate", staffing.evaluate)  # type: ignore[assignment]

    t0 = time.perf_counter()
    targets = ["80/20"] if model == "C" else ["80/20", "abandon<=5%"]
    fte = staffing.FteRules(in_centre=0.15, out_of_centre=0.2)
    result = staffing.plan(forecast, targets, fte=fte, period="week")
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB
    name = "Erlang C, 80/20" if model == "C" else "Erlang A, 80/20 + abandon<=5%"
    other = wall - spent["required_agents"] - spent["evaluate"]
    print(
        f"{name}: {rows:,} rows ({queues} queues x {days} days x 96) in {wall:.2f} s "
        f"= {rows / wall:,.0f} rows/s; required_agents {spent['required_agents']:.2f} s, "
        f"evaluate {spent['evaluate']:.2f} s, the rest (validation, tables, summary) "
        f"{other:.2f} s; peak memory {peak_mb:,.0f} MB; "
        f"{int(result.intervals['agents'].sum()):,} agent-intervals, "
        f"{len(result.summary)} summary rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--model", choices=["C", "A"], default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.model:
        run(args.model, args.queues, args.days)
        return
    for model in ("C", "A"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--model",
                model,
                "--queues",
                str(args.queues),
                "--days",
                str(args.days),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()

"""Benchmark: forecast 100 queues from two years of 30-minute history, 6 weeks ahead.

Run from the repository root::

    .venv/bin/python benchmarks/bench_forecast.py              # 100 queues, --method auto
    .venv/bin/python benchmarks/bench_forecast.py --queues 10  # a smaller run

The history is synthetic Poisson counts (each queue its own size, intraday shape, weekday
pattern and a slow drift; 07:00-21:00 on weekdays, shorter on Saturdays, closed on
Sundays): about 1.6 million rows. Timed is :func:`staffing.forecast` with
``method="auto"`` alone (the table is built before the clock starts): summing into
intervals, the back-test of every method from every day of the last 8 weeks, the choice,
the bands and the 6-week table. The aim is 30 s on a 2-core machine; the ratio printed is
the time over the aim (below 1 meets it).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

AIM_S = 30.0


def make_history(queues: int, days: int, seed: int = 11) -> pd.DataFrame:
    """Poisson counts per 30-minute interval for ``queues`` queues over ``days`` days."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2023-01-02", periods=days * 48, freq="30min")
    hour = (starts.hour + starts.minute / 60.0).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    day = np.arange(starts.size) // 48
    is_open = (hour >= 7) & (hour < 21) & (weekday < 5) | (weekday == 5) & (hour >= 9) & (hour < 14)
    frames = []
    for q in range(queues):
        size = rng.lognormal(3.5, 0.8)
        peak = rng.uniform(10.0, 15.0)
        shape = np.exp(-0.5 * ((hour - peak) / rng.uniform(2.5, 4.5)) ** 2) + 0.15
        week = rng.uniform(0.8, 1.2, 7)[weekday]
        drift = 1.0 + 0.15 * np.sin(2 * np.pi * day / 365.0 + rng.uniform(0, 6.3))
        level = rng.lognormal(0.0, 0.06, days)[day]
        rate = np.where(is_open, size * shape * week * drift * level, 0.0)
        keep = is_open
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts[keep],
                    "queue": f"q{q:03d}",
                    "calls": rng.poisson(rate[keep]),
                    "aht_s": np.round(rng.uniform(180, 420)),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--method", default="auto")
    args = parser.parse_args()

    import staffing
    from staffing.forecasting import ets_available

    history = make_history(args.queues, args.days)
    t0 = time.perf_counter()
    result = staffing.forecast(history, "6w", method=args.method)
    elapsed = time.perf_counter() - t0
    chosen = pd.Series(result.choice).value_counts().to_dict()
    print(
        f"forecast --method {args.method}: {args.queues} queues x {args.days} days of 30-min "
        f"history ({len(history):,} rows) -> {len(result.table):,} rows over 6 weeks"
    )
    print(
        f"  methods compared: {', '.join(result.accuracy['method'].unique())}"
        f"{'' if ets_available() else ' (ets: statsmodels not installed)'}; chosen: {chosen}"
    )
    print(f"  time {elapsed:.1f} s; aim {AIM_S:.0f} s; ratio {elapsed / AIM_S:.2f}")


if __name__ == "__main__":
    main()

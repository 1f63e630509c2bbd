"""Make the sample ACD history: six months of 30-minute interval reports for two queues,
simulated call by call with a known patience.

Run from the repository root (seeded, so the output is the same every time)::

    python data/make_history.py

Writes ``data/history.csv`` and ``staffing/data/history.csv`` (package data). See
``data/README.md`` for what is in it and which figures a calibration should recover.
"""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
import pandas as pd

import staffing

SEED = 19990101
ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY, LAST_DAY = "2024-01-01", "2024-06-28"
OPEN_HOUR, CLOSE_HOUR = 8, 18
INTERVAL_S = 1800.0
WARM_UP_S = 1800.0
THRESHOLD_S = 20.0
SHORT_ABANDON_S = 5.0

# The truths a calibration should recover. Service callers grow less patient in the
# second quarter (a new IVR message), so the drift test has something to find.
AHT_S = {"sales": 240.0, "service": 300.0}
PEAK_CALLS = {"sales": 150.0, "service": 80.0}

# Call counts of an interval report (written as whole numbers).
COUNTS = (
    "offered",
    "answered",
    "abandoned",
    "answered_within",
    "abandoned_within",
    "short_abandons",
)


def patience_s(queue: str, day: pd.Timestamp) -> float:
    """True mean patience [s] of a queue on a day."""
    if queue == "sales":
        return 90.0
    return 240.0 if day.quarter == 1 else 180.0


def simulate_interval(
    rng: np.random.Generator, calls: float, aht_s: float, agents: int, patience: float
) -> dict[str, float]:
    """One interval of an M/M/n+M queue, FCFS, call by call.

    Calls arrive as a Poisson process from ``-WARM_UP_S`` (an empty centre) to
    ``INTERVAL_S``; only those arriving in ``[0, INTERVAL_S)`` are reported, so the
    interval starts near the steady state Erlang A describes. Each caller has an
    exponential patience; a caller is served by the first agent to become free after the
    callers ahead of them, unless their patience runs out first.
    """
    rate = calls / INTERVAL_S
    n_arrivals = rng.poisson(rate * (WARM_UP_S + INTERVAL_S))
    arrivals = np.sort(rng.uniform(-WARM_UP_S, INTERVAL_S, n_arrivals))
    patience_draws = rng.exponential(patience, n_arrivals)
    service_draws = rng.exponential(aht_s, n_arrivals)
    free = [-WARM_UP_S] * agents  # time each agent next becomes free
    heapq.heapify(free)
    out = dict.fromkeys((*COUNTS, "wait_answered_s", "wait_abandoned_s", "handle_s"), 0.0)
    for t, tau, s in zip(arrivals, patience_draws, service_draws, strict=True):
        wait = max(free[0] - t, 0.0) if agents else np.inf
        served = wait <= tau
        if served:
            heapq.heapreplace(free, t + wait + s)
        if t < 0:
            continue
        out["offered"] += 1
        if served:
            out["answered"] += 1
            out["answered_within"] += wait <= THRESHOLD_S
            out["wait_answered_s"] += wait
            out["handle_s"] += s
        else:
            out["abandoned"] += 1
            out["abandoned_within"] += tau <= THRESHOLD_S
            out["short_abandons"] += tau <= SHORT_ABANDON_S
            out["wait_abandoned_s"] += tau
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    days = pd.bdate_range(FIRST_DAY, LAST_DAY)
    starts = np.arange(OPEN_HOUR * 3600, CLOSE_HOUR * 3600, INTERVAL_S)
    hours = (starts + INTERVAL_S / 2) / 3600
    # two daily peaks (late morning, mid afternoon) on a base
    shape = (
        0.35
        + np.exp(-0.5 * ((hours - 10.5) / 1.3) ** 2)
        + 0.8 * np.exp(-0.5 * ((hours - 14.5) / 1.5) ** 2)
    )
    shape /= shape.max()
    weekday = np.array([1.15, 1.05, 1.0, 0.97, 0.85])
    rows = []
    for queue in ("sales", "service"):
        forecast = PEAK_CALLS[queue] * shape
        aht = AHT_S[queue]
        # The centre staffs each interval to 80/20 with Erlang C on its forecast ...
        planned = np.asarray(
            staffing.required_agents(forecast, aht, "80/20", interval_s=INTERVAL_S),
            dtype=float,
        )
        for day in days:
            theta = patience_s(queue, day)
            day_factor = weekday[day.day_of_week] * rng.lognormal(0.0, 0.08)
            for k, start in enumerate(starts):
                calls = forecast[k] * day_factor
                # ... and then absence, breaks and forecast misses move staffing and
                # volume off plan, so service levels spread from poor to generous.
                agents = max(1, round(planned[k] * rng.uniform(0.72, 1.12)))
                sim = simulate_interval(rng, calls, aht, agents, theta)
                sim["aht_s"] = sim.pop("handle_s") / sim["answered"] if sim["answered"] else np.nan
                rows.append(
                    {
                        "interval_start": day + pd.Timedelta(seconds=float(start)),
                        "queue": queue,
                        **sim,
                        "agents": agents,
                    }
                )
    df = pd.DataFrame(rows).sort_values(["interval_start", "queue"], kind="stable")
    for col in ("wait_answered_s", "wait_abandoned_s", "aht_s"):
        df[col] = df[col].round(1)
    df[list(COUNTS)] = df[list(COUNTS)].astype(int)
    df["interval_start"] = df["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    for target in (ROOT / "data" / "history.csv", ROOT / "staffing" / "data" / "history.csv"):
        df.to_csv(target, index=False)
        print(f"wrote {target.relative_to(ROOT)}: {len(df)} intervals")


if __name__ == "__main__":
    main()

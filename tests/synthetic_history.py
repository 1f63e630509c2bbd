"""Call records of a small FCFS call centre, simulated call by call for the tests.

Nothing here uses a queueing formula or the package's simulators: ``agents`` named agents
serve one first-come first-served queue; calls arrive as a Poisson process, take an
exponential handle time and abandon when their exponential patience runs out before an
agent is free. The records have the columns the package reads (``arrival``, ``queue``,
``wait_s``, ``outcome``, ``handle_s``, ``agent``).
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd


def fcfs_records(
    agents: int,
    rate_per_s: float,
    *,
    hours: float = 8.0,
    days: int = 1,
    first_day: str = "2024-01-01",
    open_hour: int = 8,
    aht_s: float = 200.0,
    patience_s: float = 120.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Per-call records of ``days`` days of ``hours`` hours each, agents present all day.

    Returns
    -------
    DataFrame
        ``arrival``, ``queue`` ("line"), ``wait_s``, ``outcome``, ``handle_s``, ``agent``.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for day in range(days):
        start = pd.Timestamp(first_day) + pd.Timedelta(days=day, hours=open_hour)
        n = rng.poisson(rate_per_s * hours * 3600)
        arrival = np.sort(rng.uniform(0, hours * 3600, n))
        handle = rng.exponential(aht_s, n)
        patience = rng.exponential(patience_s, n)
        free = [(0.0, f"agent{i}") for i in range(agents)]
        heapq.heapify(free)
        rows = []
        for t, h, p in zip(arrival, handle, patience, strict=True):
            at, who = free[0]
            begin = max(t, at)
            if begin - t > p:
                rows.append((t, p, "abandoned", np.nan, None))
                continue
            heapq.heapreplace(free, (begin + h, who))
            rows.append((t, begin - t, "answered", h, who))
        frame = pd.DataFrame(rows, columns=["t", "wait_s", "outcome", "handle_s", "agent"])
        frame["arrival"] = start + pd.to_timedelta(frame.pop("t"), unit="s")
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.insert(1, "queue", "line")
    return out[["arrival", "queue", "wait_s", "outcome", "handle_s", "agent"]]

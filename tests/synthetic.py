"""A synthetic forecast for tests of big files (``tests/`` is on the path: see conftest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_forecast(path: Path, queues: int, days: int, *, order: str = "queue") -> int:
    """A synthetic forecast: ``queues`` queues x ``days`` days of 15-minute intervals, each
    queue its own size and peak, closed at night, with patience (Erlang A where asked)."""
    rng = np.random.default_rng(11)
    starts = pd.date_range("2025-03-03", periods=days * 96, freq="15min")
    hour = starts.hour.to_numpy() + starts.minute.to_numpy() / 60.0
    parts = []
    for q in range(queues):
        shape = np.exp(-0.5 * ((hour - rng.uniform(10, 15)) / 2.5) ** 2)
        calls = np.round(rng.lognormal(2.5, 0.6) * shape * rng.lognormal(0, 0.1, hour.size), 1)
        parts.append(
            pd.DataFrame(
                {
                    "interval_start": starts.strftime("%Y-%m-%d %H:%M"),
                    "queue": f"q{q:03d}",
                    "calls": np.where((hour < 7) | (hour >= 21), 0.0, calls),
                    "aht_s": np.round(rng.uniform(180, 420, hour.size)),
                    "patience_s": round(rng.uniform(60, 300)),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    if order == "time":
        frame = frame.sort_values(["interval_start", "queue"], kind="stable")
    frame.to_csv(path, index=False)
    return len(frame)

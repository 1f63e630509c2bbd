"""Make the sample mixed-channel forecast: voice, a priority pool, chat and e-mail.

Run from the repository root (seeded, so the output is the same every time)::

    python data/make_channels.py

Writes ``data/channels.csv`` and ``data/channel_targets.csv`` and their package-data
copies in ``staffing/data/``. One week (Monday 3 to Sunday 9 March 2025) of 30-minute
intervals:

* ``premium`` and ``general``: two voice lines answered by one pool of agents (``pool``
  ``phones``), premium first (``priority`` 1 and 2), the same handle time (the closed form
  of the non-preemptive priority queue needs one), no abandonment;
* ``chat``: a live chat, three chats per agent at once (``concurrency`` 3);
* ``care``: a voice line with patience, and ``care-email``: e-mail answered by the same
  agents (``pool`` ``care``) when the phones leave them idle; e-mail arrives around the
  clock, every day, while the team works Monday to Friday 08:00-18:00.

See ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20250304
WEEK_START = pd.Timestamp("2025-03-03")  # a Monday
ROOT = Path(__file__).resolve().parent.parent

# queue -> (channel, pool, priority, concurrency, daily volume on a weekday, AHT [s],
#           patience [s] or NaN, opening (first, last hour) on weekdays, Saturday or None)
QUEUES = {
    "premium": ("voice", "phones", 1, np.nan, 900.0, 240.0, np.nan, (8, 20), (9, 13)),
    "general": ("voice", "phones", 2, np.nan, 2400.0, 240.0, np.nan, (8, 20), (9, 13)),
    "chat": ("chat", "", np.nan, 3, 1100.0, 480.0, 240.0, (8, 22), (9, 17)),
    "care": ("voice", "care", np.nan, np.nan, 1500.0, 300.0, 200.0, (8, 18), None),
    "care-email": ("email", "care", np.nan, np.nan, 420.0, 360.0, np.nan, (0, 24), (0, 24)),
}
TARGETS = {
    "premium": "90/10+99/300",
    "general": "80/20",
    "chat": "80/60",
    "care": "80/20+abandon<=5%",
    "care-email": "90/4h",
}
WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 0.98, 0.9])


def _shape(hours: np.ndarray, email: bool) -> np.ndarray:
    """Daytime peaks for live channels; e-mail lower at night but never zero."""
    if email:
        return 0.25 + np.exp(-0.5 * ((hours - 11.0) / 3.0) ** 2)
    return (
        0.15
        + np.exp(-0.5 * ((hours - 10.0) / 1.3) ** 2)
        + 0.7 * np.exp(-0.5 * ((hours - 15.0) / 1.7) ** 2)
    )


def make_channels(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for queue, spec in QUEUES.items():
        channel, pool, priority, concurrency, daily, aht, patience, week, saturday = spec
        for day in range(7):
            if day < 5:
                window, factor = week, WEEKDAY_FACTOR[day]
            elif day == 5 and saturday is not None:
                window, factor = saturday, 0.5
            elif channel == "email":
                window, factor = (0, 24), 0.35
            else:
                continue
            first, last = window
            starts = pd.date_range(
                WEEK_START + pd.Timedelta(days=day, hours=first),
                WEEK_START + pd.Timedelta(days=day, hours=last) - pd.Timedelta(minutes=30),
                freq="30min",
            )
            hours = starts.hour + starts.minute / 60.0 + 0.25
            shape = _shape(np.asarray(hours), channel == "email")
            calls = daily * factor * shape / shape.sum() * len(shape) / (2 * 12)
            calls = calls * rng.lognormal(0.0, 0.05, len(calls))
            rows.append(
                pd.DataFrame(
                    {
                        "interval_start": starts.strftime("%Y-%m-%d %H:%M"),
                        "queue": queue,
                        "channel": channel,
                        "pool": pool,
                        "priority": priority,
                        "concurrency": concurrency,
                        "calls": np.round(calls, 1),
                        "aht_s": aht,
                        "patience_s": patience,
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    out["priority"] = out["priority"].astype("Int64")
    out["concurrency"] = out["concurrency"].astype("Int64")
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    forecast = make_channels(rng)
    targets = pd.DataFrame({"queue": list(TARGETS), "target": list(TARGETS.values())})
    for folder in ("data", "staffing/data"):
        forecast.to_csv(ROOT / folder / "channels.csv", index=False)
        targets.to_csv(ROOT / folder / "channel_targets.csv", index=False)
    print(f"wrote data/channels.csv ({len(forecast)} rows) and data/channel_targets.csv")


if __name__ == "__main__":
    main()

"""Make the sample forecast: one week of 30-minute intervals for three queues.

Run from the repository root (seeded, so the output is the same every time)::

    python data/make_forecast.py

Writes ``data/forecast.csv`` and ``staffing/data/forecast.csv`` (package data), the
matching ``targets.csv`` (targets per queue and time window) and ``roster.csv`` (a
schedule built in two-hour blocks, for ``staffing evaluate``). See ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20250303
WEEK_START = pd.Timestamp("2025-03-03")  # a Monday
INTERVAL = pd.Timedelta(minutes=30)
ROOT = Path(__file__).resolve().parent.parent

# queue -> opening hours per weekday (Mon=0 .. Sun=6) as (open, close) hours, or None
HOURS = {
    "sales": {**{d: (8, 20) for d in range(5)}, 5: (9, 17), 6: None},
    "service": {**{d: (7, 22) for d in range(5)}, 5: (8, 20), 6: (10, 18)},
    "premium": {**{d: (8, 20) for d in range(5)}, 5: (9, 13), 6: None},
}
# calls per open day on a weekday, and the Saturday / Sunday share of that
DAILY_CALLS = {"sales": 2600.0, "service": 3900.0, "premium": 420.0}
WEEKEND_SHARE = {"sales": (0.45, 0.0), "service": (0.55, 0.30), "premium": (0.25, 0.0)}
# Monday is busiest, Friday quieter: weekday multipliers Mon..Fri
WEEKDAY_FACTOR = np.array([1.18, 1.04, 1.0, 0.97, 0.88])
# intraday shape: peaks (hour of day, height, width [h]) added on a low base
PEAKS = {
    "sales": [(10.5, 1.0, 1.4), (14.5, 0.8, 1.6), (18.5, 0.35, 0.9)],
    "service": [(9.5, 1.0, 1.2), (13.0, 0.55, 1.0), (16.0, 0.75, 1.5), (20.0, 0.3, 1.2)],
    "premium": [(9.0, 0.8, 1.0), (12.0, 0.6, 2.5), (17.0, 0.5, 1.5)],
}
# AHT [s]: base, plus a longer handle time early and late in the day (tired customers,
# complex cases, fewer experienced agents on shift)
AHT_BASE = {"sales": 330.0, "service": 270.0, "premium": 420.0}
PATIENCE_S = {"sales": 150.0, "service": 210.0, "premium": 300.0}


def _shape(queue: str, hours: np.ndarray) -> np.ndarray:
    level = np.full(hours.shape, 0.12)
    for centre, height, width in PEAKS[queue]:
        level += height * np.exp(-0.5 * ((hours - centre) / width) ** 2)
    return level


def make_forecast(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for queue, opening in HOURS.items():
        for day in range(7):
            window = opening[day]
            if window is None:
                continue
            date = WEEK_START + pd.Timedelta(days=day)
            starts = pd.date_range(
                date + pd.Timedelta(hours=window[0]),
                date + pd.Timedelta(hours=window[1]) - INTERVAL,
                freq=INTERVAL,
            )
            mid = (starts.hour + starts.minute / 60.0).to_numpy() + 0.25
            shape = _shape(queue, mid)
            if day < 5:
                total = DAILY_CALLS[queue] * WEEKDAY_FACTOR[day]
            else:
                total = DAILY_CALLS[queue] * WEEKEND_SHARE[queue][day - 5]
            noise = rng.lognormal(0.0, 0.06, size=shape.size)
            calls = total * shape / shape.sum() * noise
            open_h, close_h = window
            edge = np.minimum(mid - open_h, close_h - mid)  # hours from opening/closing
            aht = AHT_BASE[queue] * (1.0 + 0.12 * np.exp(-edge / 1.5)) * (1.0 + (mid >= 18) * 0.06)
            aht *= rng.normal(1.0, 0.02, size=aht.size)
            rows.append(
                pd.DataFrame(
                    {
                        "interval_start": starts,
                        "queue": queue,
                        "calls": np.round(calls, 1),
                        "aht_s": np.round(aht).astype(int),
                        "patience_s": int(PATIENCE_S[queue]),
                    }
                )
            )
    forecast = pd.concat(rows, ignore_index=True)
    return forecast.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)


def make_targets() -> pd.DataFrame:
    """Targets per queue and time window: first matching row wins."""
    return pd.DataFrame(
        [
            ("premium", "", "", "", "90/10+99/300"),
            ("sales", "Mon-Fri", "09:00", "17:00", "80/20+abandon<=5%"),
            ("sales", "", "", "", "70/30+abandon<=8%"),
            ("service", "", "", "", "80/20+abandon<=5%"),
        ],
        columns=["queue", "weekday", "start", "end", "target"],
    )


def make_roster(forecast: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Agents per interval as a schedule built in two-hour blocks would give them.

    Each queue's requirement (from the planner, with the sample targets) is averaged over
    blocks of four half-hours and rounded: enough on average, short at the peaks inside a
    block and over in its troughs, which is what ``staffing evaluate`` is for.
    """
    from staffing.planner import plan

    intervals = plan(forecast, targets_table=targets).intervals
    block = intervals["interval_start"].dt.floor("2h")
    mean = intervals.groupby([intervals["queue"], block])["agents"].transform("mean")
    return pd.DataFrame(
        {
            "interval_start": intervals["interval_start"].dt.strftime("%Y-%m-%d %H:%M"),
            "queue": intervals["queue"],
            "agents": np.round(mean).astype(int),
        }
    )


def main() -> None:
    rng = np.random.default_rng(SEED)
    forecast = make_forecast(rng)
    targets = make_targets()
    roster = make_roster(forecast, targets)
    forecast["interval_start"] = forecast["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    for folder in (ROOT / "data", ROOT / "staffing" / "data"):
        forecast.to_csv(folder / "forecast.csv", index=False)
        targets.to_csv(folder / "targets.csv", index=False)
        roster.to_csv(folder / "roster.csv", index=False)
    print(f"forecast.csv: {len(forecast)} intervals, {forecast['calls'].sum():,.0f} calls")


if __name__ == "__main__":
    main()

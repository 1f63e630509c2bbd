"""Make the intraday samples: Wednesday's morning and the week's first two days, as an ACD reports them.

Run from the repository root after ``data/make_forecast.py`` (seeded, so the output is the
same every time)::

    python data/make_intraday.py

The centre answers the three queues of ``data/forecast.csv`` with the plan ``staffing plan
data/forecast.csv --target 80/20`` makes (Erlang A, the forecast's patience). Each day is
simulated once with the package's day simulator (the queue carried over between
intervals, one replication), with each day's calls a set share above or below the
forecast:

* ``week_to_date.csv``: Monday 3 and Tuesday 4 March 2025 whole, Monday 2% below the
  forecast, Tuesday 6% above it;
* ``today.csv``: Wednesday 5 March up to 12:00, calls 9% above the forecast on every
  queue and sales 14% above (a campaign the forecast missed).

Both are interval reports in the format ``staffing intraday --actuals`` (and ``staffing
calibrate``) read: ``interval_start, queue, offered, answered, abandoned,
answered_within, abandoned_within, short_abandons, wait_answered_s, wait_abandoned_s,
aht_s, agents`` (within 20 s; short abandons within 5 s; ``aht_s`` the forecast's, as the
simulator draws handle times around it; ``agents`` the planned staff).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import staffing
from staffing.simulation import simulate_day

SEED = 20250305
THRESHOLD_S = 20.0
SHORT_S = 5.0
ROOT = Path(__file__).resolve().parent.parent
#: Actual calls over forecast, per date (and queue where it differs).
LEVEL = {
    "2025-03-03": {"*": 0.98},
    "2025-03-04": {"*": 1.06},
    "2025-03-05": {"*": 1.09, "sales": 1.14},
}
NOW = pd.Timestamp("2025-03-05 12:00")


def _report(plan: pd.DataFrame, date: str, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    day = plan[plan["interval_start"].dt.strftime("%Y-%m-%d") == date]
    for queue, one in day.groupby("queue", sort=True):
        one = one.sort_values("interval_start")
        level = LEVEL[date].get(str(queue), LEVEL[date]["*"])
        seed = int(rng.integers(2**31))
        sim = simulate_day(
            one["calls"].to_numpy() * level,
            one["aht_s"].to_numpy(),
            one["agents"].to_numpy(),
            interval_s=1800,
            threshold_s=[SHORT_S, THRESHOLD_S],
            patience_s=one["patience_s"].to_numpy(),
            replications=1,
            seed=seed,
        )
        t = 1  # 20 s
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": one["interval_start"].dt.strftime("%Y-%m-%d %H:%M"),
                    "queue": queue,
                    "offered": sim.offered[0],
                    "answered": sim.answered[0],
                    "abandoned": sim.abandoned[0],
                    "answered_within": sim.answered_within[0, :, t],
                    "abandoned_within": sim.abandoned_within[0, :, t],
                    "short_abandons": sim.abandoned_within[0, :, 0],
                    "wait_answered_s": sim.wait_answered_s[0].round(1),
                    "wait_abandoned_s": sim.wait_abandoned_s[0].round(1),
                    "aht_s": one["aht_s"].to_numpy(),
                    "agents": one["agents"].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(
        ["interval_start", "queue"], kind="stable"
    )


def main() -> None:
    forecast = staffing.read_forecast(ROOT / "data" / "forecast.csv")
    plan = staffing.plan(forecast, "80/20").intervals
    rng = np.random.default_rng(SEED)
    week = pd.concat([_report(plan, d, rng) for d in ("2025-03-03", "2025-03-04")])
    today = _report(plan, "2025-03-05", rng)
    ends = pd.to_datetime(today["interval_start"]) + pd.Timedelta(minutes=30)
    today = today[ends <= NOW]
    for name, table in (("week_to_date.csv", week), ("today.csv", today)):
        for folder in ("data", "staffing/data"):
            table.to_csv(ROOT / folder / name, index=False)
        print(f"wrote data/{name} and staffing/data/{name}: {len(table)} rows")


if __name__ == "__main__":
    main()

"""Coverage of the forecast's intervals on days the method has not seen.

Run from the repository root::

    .venv/bin/python benchmarks/forecast_coverage.py                 # sample data, 80%
    .venv/bin/python benchmarks/forecast_coverage.py --data us --coverage 90%
    .venv/bin/python benchmarks/forecast_coverage.py --data all        # sample, il, us

For each data set :func:`staffing.forecast` (``method="auto"``) is made as of many days,
each from the history before that day only, and scored on the two weeks that followed:
the share of intervals whose actual calls lie inside ``calls_lo`` - ``calls_hi``, and the
mean relative width, sum (``calls_hi`` - ``calls_lo``) / sum ``calls`` over the same
intervals. Scored are the intervals of days with calls: an interval without calls is a
zero, and calls in an interval the forecast has closed are a miss. The data sets:

* ``sample``: ``data/history.csv``, as of every other weekday 15 Apr - 14 Jun 2024;
* ``il``: the Israeli bank's log (``../shared/realdata/anonymous_bank_1999``, every type
  but internet, pooled, the 1999 holidays given), as of every other day 2 May - 16 Jun;
  ``il-no-holidays`` the same without the holidays;
* ``us``: the US bank's 5-minute counts (``../shared/realdata/us_bank_2003``), as of
  every weekday 5 May - 16 Jun 2003.

The aim (issue 20): inside share within 5 points of the nominal coverage.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

import staffing
from staffing.forecasting import call_counts, pool_queues

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
IL_QUEUE = "PS+PE+NE+NW+TT"
IL_HOLIDAYS = [
    *pd.date_range("1999-03-31", "1999-04-08"),  # Passover
    pd.Timestamp("1999-04-20"),  # Memorial Day
    pd.Timestamp("1999-04-21"),  # Independence Day
]


def load(name: str) -> tuple[pd.DataFrame, pd.DatetimeIndex, dict[str, Any]]:
    """History, as-of days and keyword arguments of :func:`staffing.forecast`."""
    if name == "sample":
        history = pd.read_csv(ROOT / "data" / "history.csv")
        days = pd.bdate_range("2024-04-15", "2024-06-14")[::2]
        return history, days, {}
    if name == "us":
        history = pd.read_csv(REAL / "us_bank_2003" / "bank_calls_5min.csv")
        return history, pd.bdate_range("2003-05-05", "2003-06-16"), {"aht": 300}
    if name in ("il", "il-no-holidays"):
        from staffing.io import read_call_history

        history = read_call_history(REAL / "anonymous_bank_1999" / "monthly")
        days = pd.date_range("1999-05-02", "1999-06-16")[::2]
        holidays = IL_HOLIDAYS if name == "il" else None
        return history, days, {"queues": [IL_QUEUE], "holidays": holidays}
    raise SystemExit(f"unknown data set {name!r}")


def measure(name: str, coverage: str) -> tuple[int, int, float, float]:
    """Forecasts, intervals scored, inside share and mean relative width for ``name``."""
    history, days, kwargs = load(name)
    actual = call_counts(history, interval="30min")
    if "queues" in kwargs:
        actual = pool_queues(actual, list(kwargs["queues"]))
    actual = actual[["interval_start", "queue", "calls"]]
    last = actual["interval_start"].max()
    data_days = actual.loc[actual["calls"] > 0, "interval_start"].dt.normalize().unique()
    scored = []
    for day in days:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = staffing.forecast(history, "2w", start=day, coverage=coverage, **kwargs)
        table = result.table[result.table["interval_start"] <= last]
        span = actual["interval_start"].between(result.start, table["interval_start"].max())
        both = table.merge(
            actual[span], on=["interval_start", "queue"], how="outer", suffixes=("", "_actual")
        )
        # an interval without calls on a day of data is a zero, calls in an interval the
        # forecast has closed a miss; days without data are left out
        both = both[both["interval_start"].dt.normalize().isin(data_days)]
        scored.append(
            both.fillna({"calls_actual": 0.0, "calls": 0.0, "calls_lo": 0.0, "calls_hi": 0.0})
        )
    both = pd.concat(scored, ignore_index=True)
    y = both["calls_actual"].to_numpy(float)
    inside = (y >= both["calls_lo"].to_numpy()) & (y <= both["calls_hi"].to_numpy())
    width = (both["calls_hi"] - both["calls_lo"]).sum() / both["calls"].sum()
    return len(days), len(both), float(inside.mean()), float(width)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default="sample", choices=["sample", "il", "il-no-holidays", "us", "all"]
    )
    parser.add_argument("--coverage", default="80%")
    args = parser.parse_args()
    names = ["sample", "il", "us"] if args.data == "all" else [args.data]
    nominal = float(args.coverage.rstrip("%")) / (100.0 if "%" in args.coverage else 1.0)
    for name in names:
        t0 = time.perf_counter()
        forecasts, intervals, inside, width = measure(name, args.coverage)
        print(
            f"{name:6s} coverage {args.coverage}: {forecasts} forecasts, {intervals:,} "
            f"intervals, inside {100 * inside:.1f}% ({100 * abs(inside - nominal):.1f} points "
            f"off), mean relative width {width:.3f} [{time.perf_counter() - t0:.0f} s]",
            flush=True,
        )


if __name__ == "__main__":
    main()

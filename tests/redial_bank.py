"""Callers who call back at the Anonymous Bank (January-June 1999): shares, delays, staffing.

Run as a script to print the figures quoted in the issue's closing note and the docs::

    .venv/bin/python tests/redial_bank.py

What it does (the log is read from ``../shared/realdata``; nothing is copied):

1. ``read_bank_log`` of the six monthly files (its ``customer_id`` is the caller id; 0 is
   an unidentified caller) and the calls that reached the queue, internet calls left out
   (another room serves them), as one queue: the agents serve every other type.
2. ``calibrate`` those records: patience, the Kaplan-Meier curve, and the redials by
   caller id: shares within 10 minutes, 1 hour and 24 hours, the delay curve, the
   reconnect share, and which calls were redials (the rest are fresh calls).
3. The busiest week by attempts, its 30-minute intervals with their attempts, fresh
   calls and handle times, planned for ``80/20`` and ``abandon<=5%`` three ways:

   * *fresh calls*: the fresh calls as the forecast, nobody calling again;
   * *attempts as fresh*: the ACD's count (attempts) as the forecast, nobody calling
     again: the history's redials, made under the bank's own staffing, counted as demand;
   * *redial-aware*: the fresh calls with the calibration's redial share and delay curve.

   Each plan is then simulated with the callers calling again as the calibration
   measured (:func:`staffing.simulation.simulate_plan`, 200 replications, seed 1).
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import staffing
from staffing.calibration import aggregate_records, calibrate
from staffing.frames.values import DataWarning
from staffing.io import read_bank_log
from staffing.simulation import SimulationOptions, simulate_plan

REPO = Path(__file__).resolve().parent.parent
REALDATA = Path(os.environ.get("STAFFING_REALDATA", REPO.parent / "shared" / "realdata"))
MONTHLY = REALDATA / "anonymous_bank_1999" / "monthly"
MONTHS = ("january", "february", "march", "april", "may", "june")
TARGETS = ("80/20", "abandon<=5%")


def available() -> bool:
    return all((MONTHLY / f"{m}.txt").exists() for m in MONTHS)


def pooled_records() -> pd.DataFrame:
    records = read_bank_log([MONTHLY / f"{m}.txt" for m in MONTHS])
    pooled = records[records["type"] != "IN"].assign(queue="all")
    pooled.attrs = dict(records.attrs)
    return pooled


@dataclass(frozen=True)
class BankRedials:
    calibration: dict[str, Any]
    week: pd.DataFrame  # the busiest week's intervals: attempts, fresh calls, aht
    week_start: pd.Timestamp
    plans: dict[str, staffing.Plan]
    simulated: dict[str, dict[str, float]]

    @property
    def redial(self) -> dict[str, Any]:
        return dict(self.calibration["queues"]["all"]["redial"])


def analyse(replications: int = 200) -> BankRedials:
    pooled = pooled_records()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the calibration's notes (small periods etc.)
        cal = calibrate(pooled, by=None)
    saved = cal.to_dict()
    assert cal.redials_ is not None
    fresh = cal.redials_.fresh_intervals("30min")  # type: ignore[union-attr]
    weeks = fresh.groupby(fresh["interval_start"].dt.to_period("W-SAT"))["attempts"].sum()
    busiest = weeks.idxmax()
    start = busiest.start_time
    week = fresh[
        (fresh["interval_start"] >= start)
        & (fresh["interval_start"] < start + pd.Timedelta(days=7))
    ]
    with warnings.catch_warnings():
        # three intervals whose answered calls were all handled in 0 s: AHT read as unknown
        warnings.filterwarnings("ignore", ".*3 intervals .* handled in 0 s", DataWarning)
        history = aggregate_records(pooled, interval="30min", threshold_s=20).set_index(
            "interval_start"
        )
    aht = history.loc[week["interval_start"], "aht_s"].to_numpy(dtype=float)
    week = week.assign(aht_s=aht)
    week = week[week["attempts"] > 0].reset_index(drop=True)
    week["aht_s"] = week["aht_s"].fillna(week["aht_s"].median())  # all abandoned there

    forecast = pd.DataFrame(
        {"interval_start": week["interval_start"], "calls": week["fresh_calls"].astype(float),
         "aht_s": week["aht_s"]}
    )  # fmt: skip
    patience = float(saved["queues"]["all"]["patience_s"])
    plain = staffing.QueueModel(patience_s=patience)
    aware = staffing.QueueModel(calibration=saved, calibration_period="pooled")
    sunday = staffing.FteRules(week_start="sun")  # the bank's weeks run Sunday to Saturday
    plans = {
        "fresh calls": staffing.plan(
            forecast, list(TARGETS), model=plain, interval_s="30min", fte=sunday
        ),
        "attempts as fresh": staffing.plan(
            forecast.assign(calls=week["attempts"].astype(float)),
            list(TARGETS),
            model=plain,
            interval_s="30min",
            fte=sunday,
        ),
        "redial-aware": staffing.plan(
            forecast, list(TARGETS), model=aware, interval_s="30min", fte=sunday
        ),
    }
    simulated = {}
    for name, plan in plans.items():
        table = plan.intervals[["interval_start", "queue", "aht_s", "agents", "interval_s",
                                "target"]].assign(calls=forecast["calls"].to_numpy())  # fmt: skip
        sim = simulate_plan(
            table, model=aware, options=SimulationOptions(replications=replications, seed=1)
        )
        d = sim.days
        simulated[name] = {
            "service_level": float((d["service_level"] * d["calls"]).sum() / d["calls"].sum()),
            "abandon_rate": float((d["abandon_rate"] * d["calls"]).sum() / d["calls"].sum()),
            "customer_abandon_rate": float(
                (d["customer_abandon_rate"] * d["fresh_calls"]).sum() / d["fresh_calls"].sum()
            ),
            "below": float(d["intervals_below_target"].sum()),
            "intervals": float(d["intervals"].sum()),
        }
    return BankRedials(saved, week, start, plans, simulated)


def report(result: BankRedials) -> str:
    r = result.redial
    shares = r["shares"]
    curve = r["delay_curve"]
    points = [60.0, 300.0, 600.0, 1800.0, 3600.0, 4 * 3600.0, 86400.0]
    within = np.interp(points, curve["delay_s"], curve["share"])
    lines = [
        "Redials, January-June (calls that reached the queue, internet left out):",
        f"  abandons with a caller id: {r['abandons']:,}; called again within 10 min "
        f"{100 * shares['10min']:.1f}%, 1 h {100 * shares['1h']:.1f}%, 24 h "
        f"{100 * shares['24h']:.1f}% (95% interval {100 * r['share_ci'][0]:.1f}-"
        f"{100 * r['share_ci'][1]:.1f}%); median delay {r['median_delay_s'] / 60:.0f} min",
        f"  answered callers calling again within 24 h (reconnects): "
        f"{100 * r['reconnect_share']:.1f}%",
        f"  attempts {r['attempts']:,}: redials {r['redial_calls']:,}, fresh calls "
        f"{r['fresh_calls']:,} (of which reconnects {r['reconnect_calls']:,})",
        "  delay curve (share of the 24-h redials back within): "
        + ", ".join(
            f"{label} {100 * v:.0f}%"
            for label, v in zip(
                ("1 min", "5 min", "10 min", "30 min", "1 h", "4 h", "24 h"), within, strict=True
            )
        ),
        "",
        f"Busiest week from {result.week_start:%a %Y-%m-%d}: "
        f"{int(result.week['attempts'].sum()):,} attempts, "
        f"{int(result.week['redial_calls'].sum()):,} of them redials, "
        f"{len(result.week)} half-hours; targets {' + '.join(TARGETS)}",
        "",
        "| plan | calls planned | agent-hours | vs redial-aware | peak | simulated SL | "
        "simulated abandon | customers lost | intervals significantly below |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    aware = result.plans["redial-aware"].summary.iloc[-1]["agent_hours"]
    for name, plan in result.plans.items():
        s = plan.summary.iloc[-1]
        sim = result.simulated[name]
        lines.append(
            f"| {name} | {s['calls']:,.0f} | {s['agent_hours']:,.1f} | "
            f"{100 * (s['agent_hours'] / aware - 1):+.1f}% | {s['peak_agents']} | "
            f"{100 * sim['service_level']:.1f}% | {100 * sim['abandon_rate']:.2f}% | "
            f"{100 * sim['customer_abandon_rate']:.2f}% | "
            f"{sim['below']:.0f} of {sim['intervals']:.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    if not available():
        print(f"real data not found in {MONTHLY}", file=sys.stderr)
        return 1
    print(report(analyse()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

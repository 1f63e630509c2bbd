"""Make the outsourcing samples: a partner's quarter of performance and a week of actuals.

Run from the repository root after ``data/make_forecast.py`` (seeded, so the output is the
same every time)::

    python data/make_contracts_data.py

Both files describe a partner that takes 40% of every interval of the three queues of
``data/forecast.csv`` and staffs its share with Erlang A (the queues' patience) at 80/20.
They are interval reports in the format ``staffing calibrate`` and ``staffing credits``
read (``interval_start, queue, offered, answered, abandoned, answered_within,
abandoned_within, short_abandons, wait_answered_s, wait_abandoned_s, aht_s, agents``).

* ``performance.csv``: the 13 weeks before the forecast week (Monday 2 December 2024 to
  Sunday 2 March 2025), the forecast week's pattern with weekly volume swings. Three
  episodes make credits: Christmas week (staffed for a normal week, fewer calls: easy),
  the first full week of January (calls 18% above the plan: a volume miss) and the week of
  3 February (14% of the staffed agents absent: a staffing miss), after which the partner
  staffs to 90/20 for two weeks to earn the credit back.
* ``actuals.csv``: the forecast week itself (3-9 March 2025) as the partner delivered it:
  Tuesday 12:00-18:00 service calls 20% above forecast (volume), Thursday 11:00-16:00
  sales staffed a quarter below the commitment (staffing), Friday 09:00-12:00 premium
  staffed as committed on planned volume but answering slowly (a telephony fault the
  model cannot see).

Outcomes are drawn per caller from Erlang A at the realised calls and staffed agents
(answered within 20 s, abandoned within 20 s, abandoned later, answered later), so the
files are consistent with the queueing model the package plans with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import staffing

SEED = 20250302
SHARE = 0.40
TARGET = "80/20"
PLAN_TARGET = "86/20"  # the partner keeps a buffer over the contract
RECOVERY_TARGET = "90/20"  # ... and a bigger one to earn a credit back
THRESHOLD_S = 20.0
SHORT_S = 5.0  # abandons within 5 s count as short abandons
PATIENCE_S = {"sales": 150.0, "service": 210.0, "premium": 300.0}
ROOT = Path(__file__).resolve().parent.parent
FORECAST_WEEK = pd.Timestamp("2025-03-03")
WEEKS = 13


def _outcomes(
    rng: np.random.Generator,
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    patience: np.ndarray,
    slow: np.ndarray | None = None,
) -> pd.DataFrame:
    """Draw an interval report from Erlang A at the realised calls and staffed agents.

    ``slow`` (fraction of agents effectively lost, unseen in ``agents``) models a fault.
    """
    effective = agents * (1.0 - (slow if slow is not None else 0.0))
    kw = {"interval_s": 1800.0, "patience_s": patience}
    m = staffing.evaluate(calls, aht, effective, threshold_s=THRESHOLD_S, **kw)
    both = staffing.evaluate(
        calls, aht, effective, threshold_s=THRESHOLD_S, abandon_policy="count_within", **kw
    )
    short = staffing.evaluate(
        calls, aht, effective, threshold_s=SHORT_S, abandon_policy="count_within", **kw
    )
    short_fail = staffing.evaluate(calls, aht, effective, threshold_s=SHORT_S, **kw)
    p_aw = np.asarray(m.service_level)
    p_ab = np.asarray(m.abandon_rate)
    p_bw = np.clip(np.asarray(both.service_level) - p_aw, 0.0, p_ab)
    p_b5 = np.clip(np.asarray(short.service_level) - np.asarray(short_fail.service_level), 0, p_bw)
    p = np.stack([p_aw, p_bw, np.clip(p_ab - p_bw, 0, 1)], axis=1)
    p = np.column_stack([p, np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)])
    p /= p.sum(axis=1, keepdims=True)
    n = calls.astype(np.int64)
    counts = rng.multinomial(n, p)
    aw, bw, ab_late, late = counts.T
    answered = aw + late
    abandoned = bw + ab_late
    with np.errstate(divide="ignore", invalid="ignore"):
        short_n = rng.binomial(bw, np.where(p_bw > 0, p_b5 / p_bw, 0.0))
    asa = np.asarray(m.asa_s)
    # Erlang A: abandons = theta * (time all callers spent waiting), so the expected total
    # wait is offered * P(ab) * patience; answered callers account for answered * ASA.
    wait_answered = answered * asa * rng.lognormal(0.0, 0.05, size=n.size)
    expected_abandoned = np.maximum(n * p_ab, 1e-9)
    wait_abandoned = (
        np.maximum(n * p_ab * patience - n * (1 - p_ab) * asa, 0.0) * abandoned / expected_abandoned
    )
    return pd.DataFrame(
        {
            "offered": n,
            "answered": answered,
            "abandoned": abandoned,
            "answered_within": aw,
            "abandoned_within": bw,
            "short_abandons": short_n,
            "wait_answered_s": np.round(wait_answered).astype(np.int64),
            "wait_abandoned_s": np.round(wait_abandoned).astype(np.int64),
        }
    )


def _share(forecast: pd.DataFrame) -> pd.DataFrame:
    """The partner's planned share and its planned agents (Erlang A at PLAN_TARGET)."""
    f = forecast.copy()
    f["calls"] = SHARE * f["calls"]
    f["patience_s"] = f["queue"].map(PATIENCE_S)
    f["committed"] = staffing.required_agents(
        f["calls"], f["aht_s"], TARGET, patience_s=f["patience_s"]
    )
    f["planned"] = staffing.required_agents(
        f["calls"], f["aht_s"], PLAN_TARGET, patience_s=f["patience_s"]
    )
    f["recovery"] = staffing.required_agents(
        f["calls"], f["aht_s"], RECOVERY_TARGET, patience_s=f["patience_s"]
    )
    return f


def make_performance(rng: np.random.Generator, share: pd.DataFrame) -> pd.DataFrame:
    first = FORECAST_WEEK - pd.Timedelta(weeks=WEEKS)
    weeks = []
    for w in range(WEEKS):
        start = first + pd.Timedelta(weeks=w)
        volume = rng.lognormal(0.0, 0.03)
        absence = 0.03
        plan = "planned"
        if start == pd.Timestamp("2024-12-23"):
            volume *= 0.80
        elif start == pd.Timestamp("2025-01-06"):
            volume *= 1.18
        elif start == pd.Timestamp("2025-02-03"):
            absence = 0.14
        elif start in (pd.Timestamp("2025-02-10"), pd.Timestamp("2025-02-17")):
            plan = "recovery"
        week = share.copy()
        week["interval_start"] = week["interval_start"] - FORECAST_WEEK + start
        day = week["interval_start"].dt.normalize()
        day_noise = pd.Series(rng.lognormal(0.0, 0.04, size=7), index=sorted(day.unique()))
        rate = week["calls"].to_numpy() * volume * day.map(day_noise).to_numpy()
        calls = rng.poisson(rate).astype(float)
        aht = week["aht_s"].to_numpy() * rng.lognormal(0.0, 0.03, size=len(week))
        staffed = week[plan].to_numpy() * (1.0 - rng.beta(4, 4 / absence - 4, len(week)))
        report = _outcomes(rng, calls, aht, staffed, week["patience_s"].to_numpy())
        report.insert(0, "queue", week["queue"].to_numpy())
        report.insert(0, "interval_start", week["interval_start"].to_numpy())
        report["aht_s"] = np.round(aht).astype(np.int64)
        report["agents"] = np.round(staffed, 1)
        weeks.append(report)
    return pd.concat(weeks, ignore_index=True)


def make_actuals(rng: np.random.Generator, share: pd.DataFrame) -> pd.DataFrame:
    t = share["interval_start"]
    hour = t.dt.hour + t.dt.minute / 60.0
    weekday = t.dt.day_of_week
    queue = share["queue"]
    volume = np.where((weekday == 1) & (hour >= 12) & (hour < 18) & (queue == "service"), 1.2, 1.0)
    absent = np.where((weekday == 3) & (hour >= 11) & (hour < 16) & (queue == "sales"), 0.25, 0.0)
    slow = np.where((weekday == 4) & (hour >= 9) & (hour < 12) & (queue == "premium"), 0.35, 0.0)
    calls = rng.poisson(share["calls"].to_numpy() * volume).astype(float)
    aht = share["aht_s"].to_numpy() * rng.lognormal(0.0, 0.03, size=len(share))
    committed = share["committed"].to_numpy(dtype=float)
    staffed = np.floor(committed * (1.0 - absent))
    report = _outcomes(rng, calls, aht, staffed, share["patience_s"].to_numpy(), slow=slow)
    report.insert(0, "queue", queue.to_numpy())
    report.insert(0, "interval_start", t.to_numpy())
    report["aht_s"] = np.round(aht).astype(np.int64)
    report["agents"] = staffed
    return report


def main() -> None:
    rng = np.random.default_rng(SEED)
    forecast = pd.read_csv(ROOT / "data" / "forecast.csv", parse_dates=["interval_start"])
    forecast = forecast.sort_values(["interval_start", "queue"]).reset_index(drop=True)
    share = _share(forecast)
    outputs = {
        "performance.csv": make_performance(rng, share),
        "actuals.csv": make_actuals(rng, share),
    }
    for name, table in outputs.items():
        table = table.sort_values(["interval_start", "queue"])
        table["interval_start"] = table["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
        for folder in ("data", "staffing/data"):
            table.to_csv(ROOT / folder / name, index=False)
        print(f"wrote data/{name} and staffing/data/{name}: {len(table)} rows")


if __name__ == "__main__":
    main()

"""Erlang A and Erlang C against a seeded discrete-event simulation of M/M/n+M.

The simulator is ours and tiny: callers are taken in arrival order and each one's
service start is the earliest time an agent is free (the multi-server FCFS recursion of
Kiefer and Wolfowitz, with a heap of agent free times). A caller whose wait would exceed
its own exponential patience abandons and takes no agent; its fate depends only on the
callers before it, so one pass in arrival order is exact. Nothing here uses a queueing
formula.

Each scenario runs independent replications (own seed, empty start, warm-up discarded);
the replication means give a Student-t confidence interval at 99.9% for every measure,
which must contain the package's value.
"""

from __future__ import annotations

import functools
import heapq
import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

import staffing

pytestmark = pytest.mark.slow

POLICIES = ("fail", "exclude", "exclude_within", "count_within")


@dataclass(frozen=True)
class Scenario:
    calls: float  # per interval
    aht_s: float
    agents: int
    patience_s: float  # math.inf: nobody abandons (Erlang C)
    threshold_s: float
    interval_s: float = 1800.0


def simulate(sc: Scenario, callers: int, warmup: int, seed: int) -> dict[str, float]:
    """One replication: the measured fractions over ``callers`` callers after ``warmup``."""
    rng = np.random.default_rng(seed)
    total = callers + warmup
    arrivals = np.cumsum(rng.exponential(sc.interval_s / sc.calls, total))
    services = rng.exponential(sc.aht_s, total)
    if math.isinf(sc.patience_s):
        patience = np.full(total, math.inf)
    else:
        patience = rng.exponential(sc.patience_s, total)
    free = [0.0] * sc.agents  # when each agent is next free (a heap)
    t = sc.threshold_s
    waited = answered = answered_within = abandoned = abandoned_within = 0
    wait_answered = 0.0
    for i in range(total):
        arrive = arrivals[i]
        start = max(arrive, free[0])
        wait = start - arrive
        counted = i >= warmup
        if wait <= patience[i]:
            heapq.heapreplace(free, start + services[i])
            if counted:
                answered += 1
                wait_answered += wait
                answered_within += wait <= t
                waited += wait > 0
        elif counted:
            abandoned += 1
            abandoned_within += patience[i] <= t
            waited += 1
    n = callers
    return {
        "p_wait": waited / n,
        "abandon_rate": abandoned / n,
        "asa_s": wait_answered / answered,
        "sl_fail": answered_within / n,
        "sl_exclude": answered_within / answered,
        "sl_exclude_within": answered_within / (n - abandoned_within),
        "sl_count_within": (answered_within + abandoned_within) / n,
    }


@functools.cache
def confidence_intervals(
    sc: Scenario, replications: int, callers: int, warmup: int, seed: int
) -> dict[str, tuple[float, float]]:
    runs = [simulate(sc, callers, warmup, seed + r) for r in range(replications)]
    t_quantile = stats.t.ppf(0.9995, replications - 1)
    out = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs])
        half = t_quantile * values.std(ddof=1) / math.sqrt(replications)
        out[key] = (values.mean() - half, values.mean() + half)
    return out


SCENARIOS = {
    # 10 Erlangs on 11 agents, 2-minute patience: busy, some abandonment
    "erlang_a_busy": Scenario(
        calls=100.0, aht_s=180.0, agents=11, patience_s=120.0, threshold_s=20.0
    ),
    # 20 Erlangs on 15 agents: overloaded, only abandonment keeps it stable
    "erlang_a_overloaded": Scenario(
        calls=120.0, aht_s=300.0, agents=15, patience_s=60.0, threshold_s=30.0
    ),
    # small team, patient callers, long threshold
    "erlang_a_small": Scenario(
        calls=25.0, aht_s=240.0, agents=4, patience_s=600.0, threshold_s=60.0
    ),
    # no abandonment: Erlang C
    "erlang_c": Scenario(
        calls=100.0, aht_s=180.0, agents=13, patience_s=math.inf, threshold_s=20.0
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_evaluate_inside_simulation_confidence_intervals(name: str) -> None:
    """P(wait), abandon rate, ASA and the service level under all four abandon policies
    fall inside 99.9% intervals from 16 replications of 40,000 callers (2,000 warm-up).
    Seeds fixed: 2024 + replication number."""
    sc = SCENARIOS[name]
    ci = confidence_intervals(sc, replications=16, callers=40_000, warmup=2_000, seed=2024)
    patience = None if math.isinf(sc.patience_s) else sc.patience_s
    theory = {}
    for policy in POLICIES:
        m = staffing.evaluate(
            sc.calls,
            sc.aht_s,
            sc.agents,
            interval_s=sc.interval_s,
            threshold_s=sc.threshold_s,
            patience_s=patience,
            abandon_policy=policy,
        )
        theory[f"sl_{policy}"] = m.service_level
    theory.update(p_wait=m.p_wait, abandon_rate=m.abandon_rate, asa_s=m.asa_s)
    outside = {k: (theory[k], ci[k]) for k in ci if not ci[k][0] <= theory[k] <= ci[k][1]}
    assert not outside, outside
    # the intervals are narrow enough to mean something
    for key in ("sl_fail", "p_wait"):
        assert ci[key][1] - ci[key][0] < 0.03, (key, ci[key])


def test_simulation_detects_a_wrong_patience() -> None:
    """The same intervals reject the model with the patience misread by half: the
    comparison above can fail."""
    sc = SCENARIOS["erlang_a_busy"]
    ci = confidence_intervals(sc, replications=16, callers=40_000, warmup=2_000, seed=2024)
    wrong = staffing.evaluate(
        sc.calls, sc.aht_s, sc.agents, threshold_s=sc.threshold_s, patience_s=sc.patience_s / 2
    )
    assert not ci["abandon_rate"][0] <= wrong.abandon_rate <= ci["abandon_rate"][1]
    assert not ci["sl_fail"][0] <= wrong.service_level <= ci["sl_fail"][1]

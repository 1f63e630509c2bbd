"""Priority classes on one pool: exact formulas against Erlang C, the chain, and simulation.

What must hold: one class is Erlang C; the waiting-time tail equals the transient solution
of the underlying absorbing birth-death chain (computed here with a matrix exponential,
no formula shared) and integrates to Cobham's mean; Kleinrock's conservation law ties the
classes' mean waits to the first-come first-served one; better classes are served better;
the solver's answer is minimal; a discrete-event simulation (ours in ``des_small.py``,
and Ciw's) agrees for 2 and 3 classes, light and heavy load.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, sparse
from scipy.sparse.linalg import expm_multiply

import staffing
from staffing import StaffingError, TargetError
from staffing.queueing.priority import evaluate_priority, required_priority_agents, wait_tail

FIELDS = ("p_wait", "service_level", "asa_s", "abandon_rate", "occupancy")


def test_one_class_is_erlang_c() -> None:
    """One class: every measure equals ``staffing.evaluate`` (Erlang C) to 1e-9 relative,
    up to 2,500 Erlangs and 3,250 agents, unstable intervals included."""
    calls = np.array([0.0, 3.0, 40.0, 400.0, 3000.0, 15000.0])
    aht = np.array([30.0, 180.0, 300.0])
    ratio = np.array([0.0, 0.6, 0.95, 1.0, 1.05, 1.3])
    thresholds = np.array([0.0, 20.0, 300.0])
    c, h, r, t = (x.reshape(-1) for x in np.meshgrid(calls, aht, ratio, thresholds))
    n = np.floor(c * h / 1800.0 * r) + (r > 0)
    want = staffing.evaluate(c, h, n, threshold_s=t)
    (got,) = evaluate_priority([c], h, n, threshold_s=t)
    for field in FIELDS:
        x, y = np.asarray(getattr(got, field)), np.asarray(getattr(want, field))
        both_inf = np.isinf(x) & np.isinf(y)
        np.testing.assert_allclose(np.where(both_inf, 0, x), np.where(both_inf, 0, y), rtol=1e-9)
    need = required_priority_agents([c[:40]], h[:40], ["80/20+asa<=15"])
    np.testing.assert_array_equal(need, staffing.required_agents(c[:40], h[:40], "80/20+asa<=15"))


def _chain_tail(q: float, r: float, times: np.ndarray, size: int = 1500) -> np.ndarray:
    """P(still waiting at T) from the absorbing chain itself: the number of calls to be
    answered before (and including) the tagged one goes up at rate ``q`` (better classes
    arriving) and down at rate 1 (an answer, in units of ``1/nu``), starting geometric with
    ratio ``r``; truncated at ``size`` states and solved by matrix exponential."""
    m = np.arange(1, size + 1)
    # generator on states 1..size (state 0 absorbs): row m -> m+1 at q, m -> m-1 at 1
    up = np.full(size - 1, q)
    down = np.ones(size - 1)
    diag = -(1.0 + np.where(m < size, q, 0.0))
    gen = sparse.diags([diag, up, down], [0, 1, -1], format="csr")
    start = (1 - r) * r ** (m - 1.0)
    return np.array([expm_multiply(gen.T * t, start).sum() for t in times])


@pytest.mark.parametrize(
    ("q", "r"),
    [
        (0.3, 0.5),
        (0.3, 0.8),
        (0.5, 0.6),
        (0.1, 0.2),
        (0.7, 0.9),
        (0.05, 0.95),
        (0.5, 0.5),
        (0.6, 0.7),
        (0.6, 0.85),
    ],
)
def test_wait_tail_is_the_chain_and_integrates_to_cobham(q: float, r: float) -> None:
    """The branch-cut inversion equals the chain's transient solution to 1e-11 relative
    (both sides of the pole condition r^2 > q), is 1 at T = 0, and its integral is
    Cobham's (1954) mean 1 / ((1 - q)(1 - r))."""
    times = np.array([0.0, 0.1, 1.0, 3.0, 10.0, 30.0])
    got = wait_tail(np.full(times.size, q), np.full(times.size, r), times)
    np.testing.assert_allclose(got, _chain_tail(q, r, times), rtol=1e-11)
    assert got[0] == pytest.approx(1.0, abs=1e-14)
    mean, _ = integrate.quad(
        lambda t: wait_tail(np.array([q]), np.array([r]), np.array([t]))[0],
        0,
        np.inf,
        limit=200,
        epsabs=1e-13,
    )
    assert mean == pytest.approx(1.0 / ((1.0 - q) * (1.0 - r)), rel=1e-9)


def test_conservation_law_and_cobham_means() -> None:
    """ASA per class is Cobham's ``C nu / ((nu - sigma_{k-1})(nu - sigma_k))``, and with
    equal handle times the calls-weighted mean wait is the first-come first-served one
    (Kleinrock's conservation law), here for 3 classes over a range of staffing."""
    calls = [np.array([30.0]), np.array([60.0]), np.array([90.0])]
    agents = np.arange(31, 50)  # 30 Erlangs
    classes = evaluate_priority(calls, 300, agents)
    fcfs = staffing.evaluate(180.0, 300, agents)
    weighted = sum(c[0] * m.asa_s for c, m in zip(calls, classes, strict=True)) / 180.0
    np.testing.assert_allclose(weighted, fcfs.asa_s, rtol=1e-12)
    nu = agents / 300.0
    sigma = np.cumsum([c[0] for c in calls]) / 1800.0
    before = np.concatenate(([0.0], sigma[:-1]))
    for k, m in enumerate(classes):
        cobham = fcfs.p_wait * nu / ((nu - before[k]) * (nu - sigma[k]))
        np.testing.assert_allclose(m.asa_s, cobham, rtol=1e-12)


def test_worked_example_pool_against_separate_lines() -> None:
    """Premium 40 calls at 90/10 + 99/300 and general 160 calls at 80/20 per 30 minutes,
    4-minute calls: the pool needs 32 agents, the lines staffed apart 9 + 26 = 35, a pooled
    first-come first-served queue held to every target 34."""
    pool = required_priority_agents([40, 160], 240, ["90/10+99/300", "80/20"])
    apart = staffing.required_agents(40, 240, "90/10+99/300") + staffing.required_agents(
        160, 240, "80/20"
    )
    fcfs = staffing.required_agents(200, 240, ["90/10", "99/300", "80/20"])
    assert (pool, apart, fcfs) == (32, 35, 34)
    premium, general = evaluate_priority([40, 160], 240, 31, threshold_s=[10, 20])
    assert premium.service_level < 0.9 or general.service_level < 0.8


# --------------------------------------------------------------------------- properties


@settings(max_examples=60)
@given(
    st.lists(st.floats(0.0, 300.0), min_size=2, max_size=4),
    st.floats(60.0, 600.0),
    st.floats(0.5, 1.5),
    st.floats(0.0, 300.0),
)
def test_better_classes_are_served_better(
    calls: list[float], aht: float, ratio: float, t: float
) -> None:
    """Probabilities in [0, 1]; at one threshold, service level falls and ASA rises from
    class to class; one more agent helps every class."""
    load = sum(calls) * aht / 1800.0
    n = math.floor(load * ratio) + 1
    per = evaluate_priority(calls, aht, np.array([n, n + 1]), threshold_s=t)
    for m in per:
        sl = np.asarray(m.service_level)
        assert np.all((sl >= 0) & (sl <= 1))
        assert sl[1] >= sl[0] - 1e-12
        assert m.asa_s[1] <= m.asa_s[0] * (1 + 1e-12) or math.isinf(m.asa_s[0])
    for better, worse in itertools.pairwise(per):
        assert np.all(better.service_level >= worse.service_level - 1e-12)
        assert np.all(better.asa_s <= worse.asa_s * (1 + 1e-12))


@settings(max_examples=40)
@given(
    st.lists(st.floats(0.5, 400.0), min_size=2, max_size=3),
    st.floats(60.0, 600.0),
    st.data(),
)
def test_required_pool_agents_are_minimal(calls: list[float], aht: float, data: Any) -> None:
    """The pool's requirement meets every class's targets; one agent fewer misses one."""
    menu = ["90/10+99/300", "80/20", "asa<=30", "70/60+occupancy<=90%", "95/30"]
    targets = [data.draw(st.sampled_from(menu)) for _ in calls]
    n = required_priority_agents(calls, aht, targets)

    def met(agents: int) -> bool:
        if agents <= sum(calls) * aht / 1800.0:
            return False
        for k, text in enumerate(targets):
            for tg in staffing.parse_targets(text):
                t = tg.threshold_s if isinstance(tg, staffing.ServiceLevel) else 20.0
                m = evaluate_priority(calls, aht, agents, threshold_s=t)[k]
                if isinstance(tg, staffing.ServiceLevel) and m.service_level < tg.fraction:
                    return False
                if isinstance(tg, staffing.Asa) and m.asa_s > tg.seconds:
                    return False
                if isinstance(tg, staffing.Occupancy) and m.occupancy > tg.fraction:
                    return False
        return True

    assert met(n)
    assert not met(n - 1)


# --------------------------------------------------------------------------- edges


def test_series_and_per_class_inputs() -> None:
    """Per-class Series keep their index; zero calls need zero agents; equal per-class
    handle times are accepted, a class without calls may carry any handle time."""
    index = pd.RangeIndex(3)
    premium = pd.Series([0.0, 20.0, 40.0], index=index)
    general = pd.Series([0.0, 100.0, 160.0], index=index)
    need = required_priority_agents([premium, general], [240, 240], ["90/10", "80/20"])
    assert isinstance(need, pd.Series) and need.index.equals(index)
    assert need.iloc[0] == 0 and need.iloc[1] < need.iloc[2]
    one = required_priority_agents([0.0, 160.0], [999.0, 240.0], ["90/10", "80/20"])
    assert one == staffing.required_agents(160, 240, "80/20")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: evaluate_priority([40, 160], [240, 300], 30), "different `aht_s`"),
        (lambda: evaluate_priority([40, 160], 240, 30, patience_s=120), "`patience_s`"),
        (
            lambda: required_priority_agents([40, 160], 240, ["80/20", "abandon<=5%"]),
            "nobody abandons",
        ),
        (lambda: required_priority_agents([40, 160], 240, ["80/20"]), "1 entries for 2"),
        (lambda: evaluate_priority(40, 240, 30), "one entry per priority class"),
    ],
)
def test_unsupported_pools_say_so_in_one_line(call: Any, words: str) -> None:
    """Different handle times or abandonment: one clear line, not a wrong answer."""
    with pytest.raises(StaffingError, match=words) as info:
        call()
    assert "\n" not in str(info.value)
    if "abandons" in words:
        assert isinstance(info.value, TargetError)


# --------------------------------------------------------------------------- simulation

SCENARIOS = [
    # calls per class per 30 min, aht_s, agents, threshold_s
    pytest.param((20.0, 80.0), 240.0, 18, 20.0, id="2-light"),
    pytest.param((60.0, 120.0), 240.0, 26, 20.0, id="2-heavy"),
    pytest.param((30.0, 60.0, 90.0), 300.0, 35, 30.0, id="3-light"),
    pytest.param((50.0, 80.0, 120.0), 300.0, 44, 30.0, id="3-heavy"),
    pytest.param((50.0, 80.0, 120.0), 300.0, 37, 30.0, id="3-overloaded-pool"),
]


def _z_check(name: str, samples: np.ndarray, value: float) -> None:
    se = samples.std(ddof=1) / math.sqrt(samples.size)
    if not math.isfinite(value) or se == 0.0:
        return
    z = (samples.mean() - value) / se
    assert abs(z) < 4.0, f"{name}: model {value:.5f}, simulation {samples.mean():.5f} (z={z:.1f})"


@pytest.mark.slow
@pytest.mark.parametrize(("calls", "aht", "agents", "t"), SCENARIOS)
def test_priority_against_simulation(
    calls: tuple[float, ...], aht: float, agents: int, t: float
) -> None:
    """Six seeded replications of 30,000 calls: every class's P(wait), service level
    and ASA within 4 standard errors. In the overloaded pool (41.7 Erlangs on 37 agents)
    the worst class has no steady state, but the two better ones do and still agree."""
    from des_small import simulate_priority

    reps = [
        simulate_priority(
            rates_per_s=[c / 1800.0 for c in calls],
            aht_s=aht,
            agents=agents,
            threshold_s=t,
            calls=30_000,
            warmup=3_000,
            seed=100 * len(calls) + agents + seed,
        )
        for seed in range(6)
    ]
    per = evaluate_priority(list(calls), aht, agents, threshold_s=t)
    for k, m in enumerate(per):
        if math.isinf(m.asa_s):
            continue  # no steady state for this class
        for key in ("p_wait", "service_level", "asa_s"):
            _z_check(f"class {k + 1} {key}", np.array([r[key][k] for r in reps]), getattr(m, key))


@pytest.mark.slow
def test_priority_against_ciw() -> None:
    """Ciw's own non-preemptive priority classes (an independent simulator), 2 classes
    at 92% occupancy: five replications of 10 simulated hours each."""
    ciw = pytest.importorskip("ciw")
    calls, aht, agents, t = (60.0, 120.0), 240.0, 26, 20.0
    names = ("premium", "general")
    network = ciw.create_network(
        arrival_distributions={
            name: [ciw.dists.Exponential(rate=c / 1800.0)]
            for name, c in zip(names, calls, strict=True)
        },
        service_distributions={name: [ciw.dists.Exponential(rate=1.0 / aht)] for name in names},
        number_of_servers=[agents],
        priority_classes={name: k for k, name in enumerate(names)},
    )
    samples: dict[str, list[float]] = {}
    for seed in range(5):
        ciw.seed(seed)
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(37_800.0)
        recs = [r for r in sim.get_all_records() if r.arrival_date > 1_800.0]
        for k, name in enumerate(names):
            waits = np.array([r.waiting_time for r in recs if r.customer_class == name])
            samples.setdefault(f"{k}p_wait", []).append(float(np.mean(waits > 0)))
            samples.setdefault(f"{k}service_level", []).append(float(np.mean(waits <= t)))
            samples.setdefault(f"{k}asa_s", []).append(float(np.mean(waits)))
    per = evaluate_priority(list(calls), aht, agents, threshold_s=t)
    for k, m in enumerate(per):
        for key in ("p_wait", "service_level", "asa_s"):
            _z_check(f"class {k + 1} {key}", np.array(samples[f"{k}{key}"]), getattr(m, key))

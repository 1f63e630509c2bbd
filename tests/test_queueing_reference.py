"""The queueing core against high-precision references computed from first principles.

Reference values come from ``tests/reference.py`` (mpmath, 50 digits, derived from the
birth-death chain of M/M/n and M/M/n+M without any of the package's formulas), cached in
``tests/data/queueing_reference.json`` by::

    .venv/bin/python tests/reference.py --write tests/data/queueing_reference.json

The grid spans 0.01 to 5,000 Erlangs, 1 to 10,000 agents, agents = ceil(load), thresholds
0, 20 and 300 s, overloaded Erlang A (agents below the load, down to one agent) and
patience from 1 s to 1e6 s. A cheap subset is recomputed live so that the cache cannot
drift from its generator.

Tolerance (the package's numerical contract): relative 1e-9 for P(wait), abandon rate,
ASA, occupancy and Erlang B/C; absolute 1e-10 for service levels. Reference values below
the smallest normal double (1e-290 here) only require the package to give a value that
small too.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath as mp
import numpy as np
import pytest
import reference

import staffing

REL = 1e-9
ABS_SL = 1e-10
TINY = 1e-290

CACHE = reference.load_cache()


def _relative_error(got: float, ref: float) -> float:
    if math.isinf(ref):
        return 0.0 if got == ref else math.inf
    if abs(ref) < TINY:
        return 0.0 if abs(got) < TINY else math.inf
    return abs(got - ref) / abs(ref)


def _mismatches(
    names: list[str], got: Any, ref: list[float], *, absolute: float | None = None
) -> list[str]:
    """Readable lines for every element outside the tolerance."""
    out = []
    for name, g, r in zip(names, np.asarray(got, dtype=float), ref, strict=True):
        if absolute is not None:
            err = abs(g - r)
            ok = err <= absolute
        else:
            err = _relative_error(g, r)
            ok = err <= REL
        if not ok:
            out.append(f"{name}: got {g!r}, reference {r!r} (error {err:.3g})")
    return out


def _column(cases: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([np.nan if c[key] is None else c[key] for c in cases], dtype=float)


def test_erlang_b_against_reference() -> None:
    """Erlang B for 84 (load, agents) pairs, 0.01-5,000 Erlangs, 1-10,000 agents, three
    of them with fractional agents; one vectorised call."""
    cases = CACHE["erlang_b"]
    names = [f"B(a={c['workload_erlangs']:g}, n={c['agents']:g})" for c in cases]
    got = staffing.erlang_b(_column(cases, "workload_erlangs"), _column(cases, "agents"))
    bad = _mismatches(names, got, [c["erlang_b"] for c in cases])
    assert not bad, "\n".join(bad)


def test_erlang_c_against_reference() -> None:
    """Erlang C P(wait) on the same grid; 1 exactly where agents <= load."""
    cases = [c for c in CACHE["erlang_b"] if "erlang_c" in c]
    names = [f"C(a={c['workload_erlangs']:g}, n={c['agents']:g})" for c in cases]
    got = staffing.erlang_c(_column(cases, "workload_erlangs"), _column(cases, "agents"))
    bad = _mismatches(names, got, [c["erlang_c"] for c in cases])
    assert not bad, "\n".join(bad)


def _check_evaluate(cases: list[dict[str, Any]]) -> list[str]:
    """Every measure and all four abandon policies for ``cases`` (vectorised calls)."""
    names = [
        f"calls={c['calls']:g} aht={c['aht_s']:g} n={c['agents']:g} "
        f"interval={c['interval_s']:g} t={c['threshold_s']:g} patience={c['patience_s']}"
        for c in cases
    ]
    args = (_column(cases, "calls"), _column(cases, "aht_s"), _column(cases, "agents"))
    kwargs = {
        "interval_s": _column(cases, "interval_s"),
        "threshold_s": _column(cases, "threshold_s"),
        "patience_s": _column(cases, "patience_s"),
    }
    bad: list[str] = []
    for policy in reference.POLICIES:
        m = staffing.evaluate(*args, **kwargs, abandon_policy=policy)
        if policy == "fail":
            for field in ("p_wait", "abandon_rate", "asa_s", "occupancy"):
                bad += _mismatches(
                    [f"{field} {n}" for n in names],
                    getattr(m, field),
                    [c[field] for c in cases],
                )
        bad += _mismatches(
            [f"service_level[{policy}] {n}" for n in names],
            m.service_level,
            [c[f"sl_{policy}"] for c in cases],
            absolute=ABS_SL,
        )
    return bad


def test_evaluate_erlang_c_against_reference() -> None:
    """Erlang C through ``evaluate``: P(wait), SL at 0/20/300 s, ASA, occupancy; SL 0
    and ASA inf where agents <= load."""
    bad = _check_evaluate(CACHE["erlang_c"])
    assert not bad, "\n".join(bad)


def _erlang_a_groups() -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in CACHE["erlang_a"]:
        load = c["calls"] * c["aht_s"] / c["interval_s"]
        key = (
            f"a={load:g}-n={c['agents']:g}-patience={c['patience_s']:g}"
            f"-aht={c['aht_s']:g}-interval={c['interval_s']:g}"
        )
        groups.setdefault(key, []).append(c)
    return groups


ERLANG_A_GROUPS = _erlang_a_groups()


@pytest.mark.parametrize("key", sorted(ERLANG_A_GROUPS))
def test_evaluate_erlang_a_against_reference(key: str) -> None:
    """Erlang A through ``evaluate`` for one (load, agents, patience) point of the grid,
    at thresholds 0, 20 and 300 s and under all four abandon policies."""
    bad = _check_evaluate(ERLANG_A_GROUPS[key])
    assert not bad, "\n".join(bad)


# ---------------------------------------------------------------- live recomputation

LIVE_A = [  # (calls, aht_s, agents, interval_s, patience_s): grid points cheap to recompute
    (100.0, 180.0, 14, 1800.0, 180.0),
    (0.1, 180.0, 1, 1800.0, 1.0),
    (37.0, 95.0, 3, 900.0, 45.0),
    (3.3, 600.0, 1, 3600.0, 120.0),
]


@pytest.mark.parametrize("case", LIVE_A, ids=[f"calls={c[0]:g}-n={c[2]}" for c in LIVE_A])
def test_cache_matches_generator(case: tuple[float, float, int, float, float]) -> None:
    """The cached Erlang A values are what the generator computes today (25 digits)."""
    live = reference.erlang_a(*case, reference.THRESHOLDS)
    cached = [
        c
        for c in CACHE["erlang_a"]
        if (c["calls"], c["aht_s"], c["agents"], c["interval_s"], c["patience_s"]) == case
    ]
    assert len(cached) == len(reference.THRESHOLDS)
    for c, within in zip(cached, live["within"], strict=True):
        for key in ("p_wait", "abandon_rate", "asa_s", "occupancy"):
            assert c[key] == pytest.approx(float(live[key]), rel=1e-15)
        for key, value in within.items():
            assert c[key] == pytest.approx(float(value), rel=1e-15, abs=1e-300)


def test_cache_matches_generator_erlang_b_c() -> None:
    """A few cached Erlang B/C values recomputed live, including 10,000 agents."""
    cases = CACHE["erlang_b"]
    for c in cases[:5] + cases[-8:]:
        assert c["erlang_b"] == pytest.approx(
            float(reference.erlang_b(c["workload_erlangs"], c["agents"])), rel=1e-15, abs=1e-300
        )


@pytest.mark.parametrize(
    ("case", "threshold_s"),
    [((30.0, 240.0, 4, 1800.0, 90.0), 20.0), ((5.0, 300.0, 2, 900.0, 30.0), 60.0)],
)
def test_three_reference_routes_agree(
    case: tuple[float, float, int, float, float], threshold_s: float
) -> None:
    """The matrix exponential of the tagged caller's absorbing chain (no Beta algebra)
    agrees with both the series and the integral routes of the generator."""
    matrix = reference.erlang_a_by_matrix_exponential(*case, threshold_s)
    for route in (reference.erlang_a_series, reference.erlang_a_integral):
        value = route(*case, (threshold_s,))
        w = value["within"][0]
        for key, ref in (
            ("p_wait", value["p_wait"]),
            ("abandon_rate", value["abandon_rate"]),
            ("answered_within", w["answered_within"]),
            ("abandoned_within", w["abandoned_within"]),
        ):
            assert abs(matrix[key] - ref) <= mp.mpf(10) ** -25 * abs(ref), key


LIVE_OFF_GRID = [  # (calls, aht_s, agents, interval_s, patience_s, threshold_s)
    (123.4, 237.0, 19, 1800.0, 95.0, 15.0),
    (612.0, 310.0, 101, 1800.0, 250.0, 30.0),
    (48.0, 200.0, 5, 900.0, 40.0, 10.0),  # overloaded: 10.7 Erlangs on 5 agents
    (7.5, 150.0, 2, 600.0, 2000.0, 45.0),
]


@pytest.mark.parametrize(
    "case", LIVE_OFF_GRID, ids=[f"calls={c[0]:g}-n={c[2]}" for c in LIVE_OFF_GRID]
)
def test_evaluate_erlang_a_off_grid_live(
    case: tuple[float, float, int, float, float, float],
) -> None:
    """Off-grid Erlang A points (other AHT, intervals, thresholds), reference live."""
    calls, aht, n, interval, patience, t = case
    ref = reference.erlang_a(calls, aht, n, interval, patience, (t,))
    for policy in reference.POLICIES:
        m = staffing.evaluate(
            calls,
            aht,
            n,
            interval_s=interval,
            threshold_s=t,
            patience_s=patience,
            abandon_policy=policy,
        )
        assert m.service_level == pytest.approx(
            float(ref["within"][0][f"sl_{policy}"]), rel=0, abs=ABS_SL
        )
    for key in ("p_wait", "abandon_rate", "asa_s", "occupancy"):
        assert _relative_error(getattr(m, key), float(ref[key])) <= REL, key


def test_evaluate_erlang_c_off_grid_live() -> None:
    """Erlang C at other AHTs and intervals (reference live, vectorised call)."""
    cases = [
        (612.0, 310.0, 110, 1800.0, 30.0),
        (9.0, 45.0, 1, 900.0, 5.0),
        (4100.0, 260.0, 600, 1800.0, 0.0),
        (250.0, 400.0, 56, 1800.0, 60.0),
    ]
    refs = [reference.erlang_c_measures(*c) for c in cases]
    calls, aht, n, interval, t = (np.array(col) for col in zip(*cases, strict=True))
    m = staffing.evaluate(calls, aht, n, interval_s=interval, threshold_s=t)
    for i, ref in enumerate(refs):
        assert m.service_level[i] == pytest.approx(float(ref["sl_fail"]), rel=0, abs=ABS_SL)
        for key in ("p_wait", "asa_s", "occupancy"):
            assert _relative_error(getattr(m, key)[i], float(ref[key])) <= REL, (i, key)

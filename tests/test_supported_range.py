"""The queueing core's supported range: answered inside, refused by name outside, quickly.

Reference values inside the range come from ``tests/reference.py`` (mpmath, 50 digits,
from the birth-death chain; about a minute each at 10^6 Erlangs), with ``calls`` =
10 x workload, ``aht_s`` = 180, ``interval_s`` = 1800 and a 20 s threshold::

    reference.erlang_c_measures(calls, 180.0, agents, 1800.0, 20.0)["sl_fail"]
    reference.erlang_a_integral(calls, 180.0, agents, 1800.0, patience_s, (20.0,))
        ["within"][0]["sl_fail"]   (and ["abandon_rate"])
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import staffing
from staffing.errors import StaffingError
from staffing.queueing.erlang import (
    MAX_AGENTS,
    MAX_CALLS_PER_PATIENCE,
    MAX_WORKLOAD_ERLANGS,
    PATIENCE_CHECK_ERLANGS,
)

QUICK_S = 0.25  # a refusal is one comparison: far below this even on a busy machine


def refused(function, *args, **kwargs) -> str:
    start = time.process_time()
    with pytest.raises(StaffingError) as err:
        function(*args, **kwargs)
    assert time.process_time() - start < QUICK_S
    return str(err.value)


# --------------------------------------------------------------------------- the cases


def test_huge_calls_are_refused_not_wrapped_around():
    """``required_agents(1e20, 180, "80/20")`` returned -9223372036854775808."""
    assert refused(staffing.required_agents, 1e20, 180, "80/20") == (
        "workload 1e+19 Erlangs is beyond the supported range (workload at most 1,000,000 Erlangs)"
    )


def test_erlang_a_with_1e14_calls_returns_at_once():
    """Erlang A with 1e14 calls did not return at all."""
    message = refused(staffing.required_agents, 1e14, 180, "80/20", patience_s=120)
    assert message.startswith("workload 1e+13 Erlangs is beyond the supported range")
    refused(staffing.evaluate, 1e14, 180, 1e7, patience_s=120)


@pytest.mark.parametrize("calls", [1e308, np.finfo(float).max])
def test_calls_that_overflow_the_workload(calls):
    """``calls`` of 1e308 gave tracebacks (plan) or silently wrong numbers (evaluate)."""
    message = refused(staffing.evaluate, calls, 180, 10)
    assert message.startswith("workload is too large to represent, beyond the supported range")
    refused(staffing.required_agents, calls, 180, "80/20")
    refused(staffing.required_agents, calls, 180, "80/20", patience_s=120)


def test_intervals_past_the_range_are_named_by_position():
    calls = pd.Series([100.0, 5e12, 80.0, 1e308])
    message = refused(staffing.required_agents, calls, 180, "80/20")
    assert message.endswith("(workload at most 1,000,000 Erlangs; 2 of 4 intervals, at index 1, 3)")


def test_erlang_b_and_c_refuse_too():
    assert refused(staffing.erlang_b, 2e6, 10).startswith("workload 2e+06 Erlangs")
    assert refused(staffing.erlang_c, 10, 1e9) == (
        "agents 1e+09 is beyond the supported range (agents at most 100,000,000)"
    )
    refused(staffing.erlang_b, 10, 1e300)


def test_agents_past_the_range():
    refused(staffing.evaluate, 100, 180, np.array([10, 2e8]))
    m = staffing.evaluate(100, 180, MAX_AGENTS)  # at the limit: answered (nobody waits)
    assert m.p_wait == 0.0 and m.service_level == 1.0


# --------------------------------------------------------------------------- at the edge


def test_just_inside_and_just_outside_the_workload_limit():
    """At exactly 1,000,000 Erlangs Erlang C needs 1,000,015 agents for 80/20: the
    reference gives SL 0.8146500683994417 there and 0.7926069285307951 with one fewer."""
    calls = MAX_WORKLOAD_ERLANGS * 10.0
    assert staffing.required_agents(calls, 180, "80/20") == 1_000_015
    m = staffing.evaluate(calls, 180, [1_000_014, 1_000_015])
    assert m.service_level == pytest.approx([0.7926069285307951, 0.8146500683994417], abs=1e-12)
    refused(staffing.required_agents, np.nextafter(calls, np.inf), 180, "80/20")
    refused(staffing.evaluate, calls * 1.000001, 180, 1_000_015)


@pytest.mark.parametrize(
    ("workload", "patience_s", "agents", "sl", "sl_one_fewer", "abandon"),
    [
        # 10^5 Erlangs, patience 10^4 s
        (1e5, 1e4, 99_837, 0.8061132487003565, 0.7995957095198116, 0.0016300580660217406),
        # 10^6 Erlangs (the limit), patience 120 s: overloaded, 15% abandon
        (1e6, 120.0, 848_264, 0.8000633745053598, 0.7999765074473845, 0.151736),
        # 10^6 Erlangs, patience 10^4 s (close to Erlang C)
        (1e6, 1e4, 998_116, 0.8010031697548051, 0.7989268704110225, 0.001884),
    ],
)
def test_erlang_a_inside_the_range_is_right(
    workload, patience_s, agents, sl, sl_one_fewer, abandon
):
    """The requirement is the minimal staffing and the measures agree with the reference;
    one interval at the limit is solved in well under the few seconds allowed here (about
    0.6 s measured)."""
    calls = workload * 10.0
    start = time.process_time()
    assert staffing.required_agents(calls, 180, "80/20", patience_s=patience_s) == agents
    assert time.process_time() - start < 5.0
    m = staffing.evaluate(calls, 180, agents, patience_s=patience_s)
    assert m.service_level == pytest.approx(sl, abs=1e-10)
    assert m.abandon_rate == pytest.approx(abandon, rel=1e-9)
    fewer = staffing.evaluate(calls, 180, agents - 1, patience_s=patience_s)
    assert fewer.service_level == pytest.approx(sl_one_fewer, abs=1e-10)


def test_patience_limit_applies_to_large_workloads_only():
    """Above 10,000 Erlangs Erlang A is answered up to 1e9 calls per mean patience
    (``workload * patience_s / aht_s``); below, any patience is (checked to 1e13)."""
    workload = 2 * PATIENCE_CHECK_ERLANGS
    inside = MAX_CALLS_PER_PATIENCE / workload * 180  # patience_s at the limit
    calls = workload * 10.0
    assert staffing.required_agents(calls, 180, "80/20", patience_s=inside) > workload - 10
    message = refused(staffing.required_agents, calls, 180, "80/20", patience_s=inside * 1.01)
    assert message == (
        "workload x patience_s / aht_s 1.01e+09 is beyond the supported range (above 10,000 "
        "Erlangs, calls arriving during one mean patience at most 1,000,000,000)"
    )
    small = PATIENCE_CHECK_ERLANGS * 10.0
    got = staffing.required_agents(small, 180, "80/20", patience_s=1e9)
    assert got == staffing.required_agents(small, 180, "80/20")  # Erlang C in the limit
    refused(staffing.evaluate, calls, 180, workload, patience_s=inside * 1.01)


def test_the_check_costs_little_on_the_hot_path():
    """One comparison per argument: under 1% of the solver's time on 100,000 intervals."""
    from staffing.queueing.performance import workload

    rng = np.random.default_rng(0)
    calls, aht = rng.uniform(10, 400, 100_000), rng.uniform(150, 400, 100_000)
    interval = np.full(100_000, 1800.0)
    start = time.process_time()
    for _ in range(10):
        workload(calls, aht, interval, None)
    check = (time.process_time() - start) / 10
    start = time.process_time()
    staffing.required_agents(calls, aht, "80/20")
    solve = time.process_time() - start
    assert check < 0.05 * solve

"""A priority class without calls imposes no constraint on its pool.

:func:`staffing.queueing.priority.required_priority_agents` holds each class to its
targets only in the intervals where it has calls: a pool whose other classes are empty
needs exactly what its one busy class needs alone (Erlang C, :func:`staffing.required_agents`),
and an empty class between two busy ones changes nothing. The measures of an empty class
(:func:`~staffing.queueing.priority.evaluate_priority`) stay those a call of the class
would get if one arrived.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import staffing
from staffing.queueing.erlang import erlang_c_wait_probability
from staffing.queueing.priority import evaluate_priority, required_priority_agents

MENU = ["90/10+99/300", "80/20", "asa<=30", "70/60+occupancy<=90%", "95/30", "99/5"]


def test_an_empty_premium_class_needs_the_general_class_alone() -> None:
    """Premium (90/10 + 99/300) without calls, general 42.3 calls of 240 s at 80/20 in 30
    minutes: 9 agents, the Erlang C requirement of the general calls alone
    (``staffing.required_agents(42.3, 240, "80/20")``). Holding an absent premium class
    to 90/10 asked for 10."""
    alone = staffing.required_agents(42.3, 240.0, "80/20")
    pool = required_priority_agents([0.0, 42.3], 240.0, ["90/10+99/300", "80/20"])
    assert alone == 9
    assert pool == alone


def test_vectorised_over_intervals_with_and_without_premium_calls() -> None:
    """Over intervals where premium has calls in some and none in others: the empty ones
    need the general class alone (Erlang C), the busy ones what the two-class pool needs
    when solved on their own; a Series keeps its index."""
    general = pd.Series([42.3, 120.0, 160.0, 300.0, 10.0, 0.0], index=list("abcdef"))
    premium = pd.Series([0.0, 30.0, 0.0, 60.0, 0.0, 8.0], index=general.index)
    targets = ["90/10+99/300", "80/20"]
    need = required_priority_agents([premium, general], 240.0, targets)
    assert isinstance(need, pd.Series) and need.index.equals(general.index)
    empty = premium.to_numpy() == 0
    np.testing.assert_array_equal(
        need[empty].to_numpy(), staffing.required_agents(general[empty], 240.0, "80/20")
    )
    for label in general.index[~empty]:
        one = required_priority_agents([premium[label], general[label]], 240.0, targets)
        assert need[label] == one
    # the last interval has premium calls only: premium's targets alone
    assert need["f"] == staffing.required_agents(8.0, 240.0, "90/10+99/300")


@settings(max_examples=40)
@given(
    general=st.floats(0.5, 400.0),
    aht=st.floats(60.0, 600.0),
    premium_target=st.sampled_from(MENU),
    general_target=st.sampled_from(MENU),
)
def test_empty_classes_never_bind(
    general: float, aht: float, premium_target: str, general_target: str
) -> None:
    """For any volume and targets: with the premium class empty the pool needs what
    Erlang C gives the general calls alone, and an empty middle class in a three-class
    pool changes nothing."""
    pool = required_priority_agents([0.0, general], aht, [premium_target, general_target])
    assert pool == staffing.required_agents(general, aht, general_target)
    first = 0.3 * general
    three = required_priority_agents(
        [first, 0.0, general], aht, [general_target, premium_target, general_target]
    )
    two = required_priority_agents([first, general], aht, [general_target, general_target])
    assert three == two


def test_an_empty_class_occupancy_cap_does_not_bind() -> None:
    """An occupancy cap is a pool measure, but given as a class's target it binds only
    where that class has calls: 100 general calls of 300 s (16.7 Erlangs) at 80/20 need
    21 agents; a 70% cap on an empty premium class would ask for 24."""
    general = staffing.required_agents(100.0, 300.0, "80/20")
    capped = staffing.required_agents(100.0, 300.0, "80/20+occupancy<=70%")
    assert (general, capped) == (21, 24)
    pool = required_priority_agents([0.0, 100.0], 300.0, ["occupancy<=70%", "80/20"])
    assert pool == general
    busy = required_priority_agents([1.0, 100.0], 300.0, ["occupancy<=70%", "80/20"])
    assert busy >= 24


def test_an_empty_class_is_measured_as_an_arriving_call() -> None:
    """The measures of a class without calls are those of one arriving call of it
    (module notes): an empty best class waits with the pool's Erlang C probability C
    and then for the first answer, ``SL = 1 - C exp(-n t / aht)`` and ``ASA = C aht / n``
    (Cobham with nothing ahead of it); the busy general class is Erlang C."""
    n, aht, calls, t = 9, 240.0, 42.3, 10.0
    premium, general = evaluate_priority([0.0, calls], aht, n, threshold_s=[t, 20.0])
    c = float(erlang_c_wait_probability(n, calls * aht / 1800.0))
    assert premium.p_wait == general.p_wait
    np.testing.assert_allclose(premium.service_level, 1.0 - c * np.exp(-n * t / aht), rtol=1e-12)
    np.testing.assert_allclose(premium.asa_s, c * aht / n, rtol=1e-12)
    want = staffing.evaluate(calls, aht, n, threshold_s=20.0)
    np.testing.assert_allclose(general.service_level, want.service_level, rtol=1e-12)
    np.testing.assert_allclose(general.asa_s, want.asa_s, rtol=1e-12)

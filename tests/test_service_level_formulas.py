"""The service level of each abandon policy: one formula, in the vocabulary, used by all.

Before, the four conventions were written three times (the queueing core's shares, the
contracts' column table, the simulator's sums). Here every consumer is checked against
the one table on the same counts: a history's credits, the simulator's estimates and the
Erlang A measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.contracts.credits import period_service_level
from staffing.queueing import evaluate
from staffing.queueing.performance import policy_service_level
from staffing.vocabulary import (
    ABANDON_POLICIES,
    SERVICE_LEVEL_COUNTS,
    service_level_denominator,
    service_level_parts,
)


def test_the_table() -> None:
    """The four conventions as written in DESIGN.md (abandons fail / excluded / short
    abandons excluded / short abandons counted as met)."""
    counts = {"answered_within": 70, "offered": 100, "answered": 88, "abandoned_within": 5}
    got = {p: service_level_parts(p, **counts) for p in ABANDON_POLICIES}
    assert got == {
        "fail": (70, 100),
        "exclude": (70, 88),
        "exclude_within": (70, 95),
        "count_within": (75, 100),
    }
    assert set(SERVICE_LEVEL_COUNTS) == set(ABANDON_POLICIES)
    assert service_level_denominator("exclude", offered=100, abandoned=12) == 88


counts = st.integers(0, 1000)


@given(counts, counts, counts, counts, st.sampled_from(ABANDON_POLICIES))
def test_history_credits_use_the_formula(
    aw: int, bw: int, ab: int, extra: int, policy: str
) -> None:
    """A period's service level from a history equals the table's ratio of its sums."""
    offered = aw + ab + extra + 1
    bw = min(bw, ab)
    answered = offered - ab
    aw = min(aw, answered)
    history = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2025-03-03 09:00"]),
            "offered": [offered],
            "answered": [answered],
            "abandoned": [ab],
            "answered_within": [aw],
            "abandoned_within": [bw],
        }
    )
    got = period_service_level(history, period="day", abandon_policy=policy)
    num, den = service_level_parts(
        policy, answered_within=aw, offered=offered, answered=answered, abandoned_within=bw
    )
    expected = num / den if den > 0 else np.nan
    assert np.allclose(got["service_level"].to_numpy(), [expected], equal_nan=True)


@pytest.mark.parametrize("policy", ABANDON_POLICIES)
def test_erlang_a_shares_use_the_formula(policy: str) -> None:
    """Erlang A's service level under each policy is the table's ratio of its shares."""
    calls, aht, n, t, patience = 120.0, 240.0, 15, 20.0, 90.0
    fail = float(evaluate(calls, aht, n, threshold_s=t, patience_s=patience).service_level)
    both = float(
        evaluate(
            calls, aht, n, threshold_s=t, patience_s=patience, abandon_policy="count_within"
        ).service_level
    )
    ab = float(evaluate(calls, aht, n, threshold_s=t, patience_s=patience).abandon_rate)
    bw = both - fail
    num, den = service_level_parts(
        policy, answered_within=fail, offered=1.0, answered=1.0 - ab, abandoned_within=bw
    )
    got = float(
        evaluate(
            calls, aht, n, threshold_s=t, patience_s=patience, abandon_policy=policy
        ).service_level
    )
    assert got == pytest.approx(num / den, rel=1e-9)
    assert policy_service_level(
        np.array([fail]), np.array([bw]), np.array([1.0 - ab]), policy
    ) == pytest.approx(num / den, rel=1e-12)

"""Expected call outcomes of an interval and the service level of each abandon policy.

Shared by the credit-exposure simulation and the what-if comparison: for ``calls`` callers
of an interval staffed with ``agents``, Erlang C or Erlang A gives each caller's chance to
be answered within the threshold (``p_aw``), to abandon within it (``p_bw``) and to
abandon at all (``p_ab``); the counts follow, and from the counts the numerator and
denominator of the service level under each abandon policy, exactly as for real history
(:func:`staffing.contracts.credits.period_service_level`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing.queueing import evaluate
from staffing.vocabulary import service_level_parts

__all__ = [
    "expected_counts",
    "outcome_probabilities",
    "plan_counts",
    "policy_counts",
    "weighted",
]


def outcome_probabilities(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    length: np.ndarray,
    threshold_s: float | np.ndarray,
    patience: np.ndarray | None,
    need_bw: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-caller chances: answered within t, abandoned within t, abandoned at all."""
    m = evaluate(
        calls,
        aht,
        agents,
        interval_s=length,
        threshold_s=threshold_s,
        patience_s=patience,
        abandon_policy="fail",
    )
    aw = np.asarray(m.service_level, dtype=float)
    ab = np.asarray(m.abandon_rate, dtype=float)
    if need_bw and patience is not None:
        both = evaluate(
            calls,
            aht,
            agents,
            interval_s=length,
            threshold_s=threshold_s,
            patience_s=patience,
            abandon_policy="count_within",
        ).service_level
        bw = np.clip(np.asarray(both, dtype=float) - aw, 0.0, ab)
    else:
        bw = np.zeros_like(aw)
    return aw, bw, ab


def expected_counts(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    length: np.ndarray,
    threshold_s: float | np.ndarray,
    patience: np.ndarray | None,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of the policy's service level at the forecast."""
    aw, bw, ab = outcome_probabilities(
        calls,
        aht,
        agents,
        length,
        threshold_s,
        patience,
        policy in ("exclude_within", "count_within"),
    )
    return policy_counts(policy, calls, calls * aw, calls * bw, calls * ab)


def plan_counts(
    intervals: pd.DataFrame,
    calls: np.ndarray,
    rows: np.ndarray,
    threshold_s: float | np.ndarray,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`expected_counts` of the ``rows`` of a plan's interval table, given ``calls``.

    The table gives ``aht_s``, ``agents``, ``interval_s`` and ``patience_s`` (Erlang C
    where none is finite); ``calls`` is aligned with the table and ``threshold_s`` is one
    number or one per row of it.
    """

    def column(name: str) -> np.ndarray:
        return intervals[name].to_numpy(dtype=float)[rows]

    patience = column("patience_s")
    return expected_counts(
        calls[rows],
        column("aht_s"),
        column("agents"),
        column("interval_s"),
        threshold_s if np.ndim(threshold_s) == 0 else np.asarray(threshold_s)[rows],
        patience if np.isfinite(patience).any() else None,
        policy,
    )


def policy_counts(
    policy: str, offered: np.ndarray, aw: np.ndarray, bw: np.ndarray, ab: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of the policy's service level from expected counts."""
    return service_level_parts(
        policy, answered_within=aw, offered=offered, answered=offered - ab, abandoned_within=bw
    )


def weighted(num: pd.Series, den: pd.Series) -> np.ndarray:
    """``num / den`` where ``den > 0``, NaN elsewhere (a ratio of summed counts)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den.where(den > 0, 1.0), np.nan)

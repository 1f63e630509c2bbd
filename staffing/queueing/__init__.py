"""The queueing core: Erlang B, Erlang C and Erlang A, and the staffing solver.

Pure and vectorised, with numpy and scipy only: no pandas, matplotlib or click is imported
here, so quick calculations start fast. Every function accepts scalars, ndarrays or pandas
Series, broadcasts its arguments, and returns the same kind (a Series keeps its index).
"""

from __future__ import annotations

from staffing.queueing.erlang import erlang_b, erlang_c
from staffing.queueing.performance import ABANDON_POLICIES, Metrics, evaluate
from staffing.queueing.solver import required_agents
from staffing.queueing.targets import (
    AbandonRate,
    Asa,
    Occupancy,
    ServiceLevel,
    Target,
    parse_targets,
)

__all__ = [
    "ABANDON_POLICIES",
    "AbandonRate",
    "Asa",
    "Metrics",
    "Occupancy",
    "ServiceLevel",
    "Target",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "parse_targets",
    "required_agents",
]

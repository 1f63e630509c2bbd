"""The queueing core.

Erlang B, Erlang C and Erlang A, M/M/n+G with a patience curve, redials (Erlang X: the
fixed point, and the exact retrial chain when the delay is given), the staffing solver,
chat with concurrency and priority classes on one pool.

Pure and vectorised, with numpy and scipy only: no pandas, matplotlib or click is imported
here, so quick calculations start fast. Every function accepts scalars, ndarrays or pandas
Series, broadcasts its arguments, and returns the same kind (a Series keeps its index).
"""

from __future__ import annotations

from staffing.queueing.api import evaluate, required_agents
from staffing.queueing.chat import DEFAULT_EFFICIENCY, evaluate_chat, required_chat_agents
from staffing.queueing.erlang import erlang_b, erlang_c
from staffing.queueing.general_patience import PatienceCurve
from staffing.queueing.performance import ABANDON_POLICIES, Metrics
from staffing.queueing.priority import evaluate_priority, required_priority_agents
from staffing.queueing.redial import RedialDelay, customer_abandon_rate, offered_attempts
from staffing.queueing.retrial import RetrialResult, retrial_measures
from staffing.queueing.targets import (
    AbandonRate,
    Asa,
    CustomerAbandon,
    Occupancy,
    ServiceLevel,
    Target,
    parse_targets,
)

__all__ = [
    "ABANDON_POLICIES",
    "DEFAULT_EFFICIENCY",
    "AbandonRate",
    "Asa",
    "CustomerAbandon",
    "Metrics",
    "Occupancy",
    "PatienceCurve",
    "RedialDelay",
    "RetrialResult",
    "ServiceLevel",
    "Target",
    "customer_abandon_rate",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "evaluate_chat",
    "evaluate_priority",
    "offered_attempts",
    "parse_targets",
    "required_agents",
    "required_chat_agents",
    "required_priority_agents",
    "retrial_measures",
]

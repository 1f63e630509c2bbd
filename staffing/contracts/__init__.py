"""SLA contracts: what-if target comparison, outsourcer sizing, service credits.

A partner's FTE per month from a capacity plan's shortfall is
:func:`fte_commitment`.

Every function takes tables and the parameter objects of the planner
(:class:`~staffing.planner.QueueModel`, :class:`~staffing.planner.FteRules`) and of the
credit clause (:class:`CreditTerms`); files are read by :mod:`staffing.io`.
"""

from __future__ import annotations

from staffing.contracts.attribution import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_SUMMARY_COLUMNS,
    Attribution,
    attribute_partner,
)
from staffing.contracts.commitment import FTE_COMMITMENT_COLUMNS, fte_commitment
from staffing.contracts.compare import (
    COMPARE_COLUMNS,
    SWEEP_COLUMNS,
    Comparison,
    Scenario,
    compare,
    parse_scenario,
    sweep,
)
from staffing.contracts.credits import (
    CREDIT_COLUMNS,
    credit_pct,
    credit_table,
    earned_back,
    period_service_level,
    service_credits,
    service_level_target,
)
from staffing.contracts.exposure import EXPOSURE_COLUMNS, credit_exposure, prepare_plan
from staffing.contracts.outsource import (
    COMMITMENT_COLUMNS,
    CONTRACTS,
    OUTSOURCE_INTERVAL_COLUMNS,
    OUTSOURCE_SUMMARY_COLUMNS,
    PARTIES,
    Outsourcing,
    outsource,
)
from staffing.contracts.terms import CreditTerms

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_SUMMARY_COLUMNS",
    "COMMITMENT_COLUMNS",
    "COMPARE_COLUMNS",
    "CONTRACTS",
    "CREDIT_COLUMNS",
    "EXPOSURE_COLUMNS",
    "FTE_COMMITMENT_COLUMNS",
    "OUTSOURCE_INTERVAL_COLUMNS",
    "OUTSOURCE_SUMMARY_COLUMNS",
    "PARTIES",
    "SWEEP_COLUMNS",
    "Attribution",
    "Comparison",
    "CreditTerms",
    "Outsourcing",
    "Scenario",
    "attribute_partner",
    "compare",
    "credit_exposure",
    "credit_pct",
    "credit_table",
    "earned_back",
    "fte_commitment",
    "outsource",
    "parse_scenario",
    "period_service_level",
    "prepare_plan",
    "service_credits",
    "service_level_target",
    "sweep",
]

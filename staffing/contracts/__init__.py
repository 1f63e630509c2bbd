"""SLA contracts: what-if target comparison, outsourcer sizing, service credits."""

from __future__ import annotations

from staffing.contracts.compare import (
    COMPARE_COLUMNS,
    SWEEP_COLUMNS,
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
)
from staffing.contracts.exposure import EXPOSURE_COLUMNS, credit_exposure, read_plan
from staffing.contracts.outsource import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_SUMMARY_COLUMNS,
    COMMITMENT_COLUMNS,
    CONTRACTS,
    OUTSOURCE_INTERVAL_COLUMNS,
    OUTSOURCE_SUMMARY_COLUMNS,
    PARTIES,
    Attribution,
    Outsourcing,
    attribute_partner,
    outsource,
)

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_SUMMARY_COLUMNS",
    "COMMITMENT_COLUMNS",
    "COMPARE_COLUMNS",
    "CONTRACTS",
    "CREDIT_COLUMNS",
    "EXPOSURE_COLUMNS",
    "OUTSOURCE_INTERVAL_COLUMNS",
    "OUTSOURCE_SUMMARY_COLUMNS",
    "PARTIES",
    "SWEEP_COLUMNS",
    "Attribution",
    "Outsourcing",
    "Scenario",
    "attribute_partner",
    "compare",
    "credit_exposure",
    "credit_pct",
    "credit_table",
    "earned_back",
    "outsource",
    "parse_scenario",
    "period_service_level",
    "read_plan",
    "service_credits",
    "sweep",
]

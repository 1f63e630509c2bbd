"""staffing: contact-centre service-level agreements turned into staffing.

The queueing core (:mod:`staffing.queueing`) needs only numpy and scipy and is imported
eagerly; the table-level layers (planner, calibration, contracts, io, plotting) load
pandas and matplotlib and are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from staffing.errors import InputError, StaffingError, TargetError
from staffing.queueing import (
    AbandonRate,
    Asa,
    Metrics,
    Occupancy,
    ServiceLevel,
    erlang_b,
    erlang_c,
    evaluate,
    parse_targets,
    required_agents,
)

__version__ = "0.1.0"

__all__ = [
    "AbandonRate",
    "Asa",
    "InputError",
    "Metrics",
    "Occupancy",
    "ServiceLevel",
    "StaffingError",
    "TargetError",
    "__version__",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "parse_targets",
    "required_agents",
]

# Table-level entry points, imported lazily: name -> module.
_LAZY: dict[str, str] = {
    # planner
    "Plan": "staffing.planner",
    "evaluate_staffing": "staffing.planner",
    "plan": "staffing.planner",
    "read_forecast": "staffing.planner",
    "summarise": "staffing.planner",
    # calibration
    "Calibrator": "staffing.calibration",
    "calibrate": "staffing.calibration",
    "load_calibration": "staffing.calibration",
    "patience_for": "staffing.calibration",
    "read_history": "staffing.calibration",
    # contracts
    "compare": "staffing.contracts",
    "credit_exposure": "staffing.contracts",
    "outsource": "staffing.contracts",
    "service_credits": "staffing.contracts",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'staffing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

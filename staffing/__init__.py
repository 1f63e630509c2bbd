"""staffing: contact-centre service-level agreements turned into staffing.

The queueing core (:mod:`staffing.queueing`) needs only numpy and scipy and is imported
eagerly; the table-level layers (planner, calibration, contracts, io, plotting) load
pandas and matplotlib and are imported on first use of one of their names.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from staffing.errors import InputError, StaffingError, StaffingWarning, TargetError
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

if TYPE_CHECKING:
    from staffing.calibration import (
        CalibrationFitter,
        Calibrator,
        calibrate,
        patience_for,
    )
    from staffing.contracts import (
        CreditTerms,
        compare,
        credit_exposure,
        outsource,
        service_credits,
    )
    from staffing.io import load_calibration, read_forecast, read_history
    from staffing.io.pipeline import FileResult, compare_file, evaluate_file, plan_file
    from staffing.planner import (
        ChannelRules,
        FteRules,
        Plan,
        QueueModel,
        evaluate_staffing,
        plan,
        summarise,
    )
    from staffing.scheduling import Schedule, schedule
    from staffing.simulation import SimulatedPlan, SimulationOptions, simulate_plan

try:
    __version__ = version("staffing")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# Table-level entry points, imported lazily: name -> module.
_LAZY: dict[str, str] = {
    # planner
    "ChannelRules": "staffing.planner",
    "FteRules": "staffing.planner",
    "Plan": "staffing.planner",
    "QueueModel": "staffing.planner",
    "evaluate_staffing": "staffing.planner",
    "plan": "staffing.planner",
    "summarise": "staffing.planner",
    # calibration
    "CalibrationFitter": "staffing.calibration",
    "Calibrator": "staffing.calibration",
    "calibrate": "staffing.calibration",
    "patience_for": "staffing.calibration",
    # contracts
    "CreditTerms": "staffing.contracts",
    "compare": "staffing.contracts",
    "credit_exposure": "staffing.contracts",
    "outsource": "staffing.contracts",
    "service_credits": "staffing.contracts",
    # schedules: shifts and breaks from the requirement
    "Schedule": "staffing.scheduling",
    "schedule": "staffing.scheduling",
    # simulation through the day
    "SimulatedPlan": "staffing.simulation",
    "SimulationOptions": "staffing.simulation",
    "simulate_plan": "staffing.simulation",
    # files
    "load_calibration": "staffing.io",
    "read_forecast": "staffing.io",
    "read_history": "staffing.io",
    # big files: read at once or in chunks of whole queues, outputs written all or none
    "FileResult": "staffing.io.pipeline",
    "compare_file": "staffing.io.pipeline",
    "evaluate_file": "staffing.io.pipeline",
    "plan_file": "staffing.io.pipeline",
}

__all__ = [
    "AbandonRate",
    "Asa",
    "CalibrationFitter",
    "Calibrator",
    "ChannelRules",
    "CreditTerms",
    "FileResult",
    "FteRules",
    "InputError",
    "Metrics",
    "Occupancy",
    "Plan",
    "QueueModel",
    "Schedule",
    "ServiceLevel",
    "SimulatedPlan",
    "SimulationOptions",
    "StaffingError",
    "StaffingWarning",
    "TargetError",
    "__version__",
    "calibrate",
    "compare",
    "compare_file",
    "credit_exposure",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "evaluate_file",
    "evaluate_staffing",
    "load_calibration",
    "outsource",
    "parse_targets",
    "patience_for",
    "plan",
    "plan_file",
    "read_forecast",
    "read_history",
    "required_agents",
    "schedule",
    "service_credits",
    "simulate_plan",
    "summarise",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'staffing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

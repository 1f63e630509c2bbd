"""staffing: contact-centre service-level agreements turned into staffing.

The queueing core (:mod:`staffing.queueing`) needs only numpy and scipy and is imported
eagerly; the table-level layers (planner, calibration, contracts, io, plotting) load
pandas and matplotlib and are imported on first use of one of their names.
"""

from __future__ import annotations

import sys as _sys

if _sys.argv and (_sys.argv[0] == "-m" or _sys.argv[0].rsplit("/", 1)[-1] == "staffing"):
    # The command line is starting (numpy and scipy load first): Ctrl-C now says
    # "Aborted!" as it does later, not a traceback. `staffing.cli.main` hands Ctrl-C back
    # to click once it runs. A library import is never touched.
    import signal as _signal

    def _aborted(signum: int, frame: object) -> None:
        _sys.stderr.write("Aborted!\n")
        raise SystemExit(1)

    _signal.signal(_signal.SIGINT, _aborted)

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from staffing.errors import InputError, StaffingError, StaffingWarning, TargetError
from staffing.queueing import (
    AbandonRate,
    Asa,
    CustomerAbandon,
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
    from staffing.capacity import CapacityPlan, CapacityRules, capacity_plan
    from staffing.contracts import (
        CreditTerms,
        compare,
        credit_exposure,
        outsource,
        service_credits,
    )
    from staffing.forecasting import ForecastResult, Reforecast, forecast, reforecast
    from staffing.io import load_calibration, read_forecast, read_history, read_requirement
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
    from staffing.risk import (
        IntradayProjection,
        PeriodRisk,
        StaffedToProbability,
        intraday,
        period_risk,
        staff_to_probability,
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
    # capacity over months: hiring classes, training, attrition
    "CapacityPlan": "staffing.capacity",
    "CapacityRules": "staffing.capacity",
    "capacity_plan": "staffing.capacity",
    # will the period make its SLA? risk, staffing to a probability, the day re-projected
    "IntradayProjection": "staffing.risk",
    "PeriodRisk": "staffing.risk",
    "StaffedToProbability": "staffing.risk",
    "intraday": "staffing.risk",
    "period_risk": "staffing.risk",
    "staff_to_probability": "staffing.risk",
    # simulation through the day
    "SimulatedPlan": "staffing.simulation",
    "SimulationOptions": "staffing.simulation",
    "simulate_plan": "staffing.simulation",
    # forecasts from history, and the day reforecast
    "ForecastResult": "staffing.forecasting",
    "Reforecast": "staffing.forecasting",
    "forecast": "staffing.forecasting",
    "reforecast": "staffing.forecasting",
    # files
    "load_calibration": "staffing.io",
    "read_forecast": "staffing.io",
    "read_history": "staffing.io",
    "read_requirement": "staffing.io",
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
    "CapacityPlan",
    "CapacityRules",
    "ChannelRules",
    "CreditTerms",
    "CustomerAbandon",
    "FileResult",
    "ForecastResult",
    "FteRules",
    "InputError",
    "IntradayProjection",
    "Metrics",
    "Occupancy",
    "PeriodRisk",
    "Plan",
    "QueueModel",
    "Reforecast",
    "Schedule",
    "ServiceLevel",
    "SimulatedPlan",
    "SimulationOptions",
    "StaffedToProbability",
    "StaffingError",
    "StaffingWarning",
    "TargetError",
    "__version__",
    "calibrate",
    "capacity_plan",
    "compare",
    "compare_file",
    "credit_exposure",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "evaluate_file",
    "evaluate_staffing",
    "forecast",
    "intraday",
    "load_calibration",
    "outsource",
    "parse_targets",
    "patience_for",
    "period_risk",
    "plan",
    "plan_file",
    "read_forecast",
    "read_history",
    "read_requirement",
    "reforecast",
    "required_agents",
    "schedule",
    "service_credits",
    "simulate_plan",
    "staff_to_probability",
    "summarise",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'staffing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

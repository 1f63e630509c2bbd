"""Continuous simulation of planned queue-days and staffing methods that hold through the day.

The array-level core is numpy and scipy only; the table-level face (:mod:`.plan`, pandas)
is imported on first use of one of its names, so ``from staffing.simulation import
simulate_day`` stays light.

* :mod:`~staffing.simulation.engine`: :func:`simulate_day`, the model and the simulator.
* :mod:`~staffing.simulation.estimates`: :func:`interval_estimates`, :func:`day_estimates`.
* :mod:`~staffing.simulation.staffing`: :func:`mol_agents`, :func:`simulation_agents`.
* :mod:`~staffing.simulation.queue_day`: one queue-day, the unit of work.
* :mod:`~staffing.simulation.scaleout`: :class:`SimulationOptions`; queue-days run here,
  in local processes or on a Dask cluster.
* :mod:`~staffing.simulation.plan`: :func:`simulate_plan`, a plan's interval table
  simulated queue-day by queue-day (pandas).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from staffing.simulation.engine import SimulatedDay, curve_mean_s, simulate_day
from staffing.simulation.estimates import day_estimates, interval_estimates
from staffing.simulation.scaleout import SimulationOptions
from staffing.simulation.staffing import SimulationStaffing, mol_agents, simulation_agents

if TYPE_CHECKING:
    from staffing.simulation.plan import (
        SIMULATION_COLUMNS,
        SIMULATION_DAY_COLUMNS,
        SimulatedPlan,
        simulate_plan,
    )

_LAZY = {
    "SIMULATION_COLUMNS": "staffing.simulation.plan",
    "SIMULATION_DAY_COLUMNS": "staffing.simulation.plan",
    "SimulatedPlan": "staffing.simulation.plan",
    "simulate_plan": "staffing.simulation.plan",
}

__all__ = [
    "SIMULATION_COLUMNS",
    "SIMULATION_DAY_COLUMNS",
    "SimulatedDay",
    "SimulatedPlan",
    "SimulationOptions",
    "SimulationStaffing",
    "curve_mean_s",
    "day_estimates",
    "interval_estimates",
    "mol_agents",
    "simulate_day",
    "simulate_plan",
    "simulation_agents",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'staffing.simulation' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

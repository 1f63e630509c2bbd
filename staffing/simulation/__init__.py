"""Continuous simulation of planned queue-days and staffing methods that hold through the day.

numpy and scipy only: the table-level wiring (DataFrames, the command line, scale-out) lives
above this package.

* :mod:`~staffing.simulation.engine`: :func:`simulate_day`, the model and the simulator.
* :mod:`~staffing.simulation.estimates`: :func:`interval_estimates`, :func:`day_estimates`.
* :mod:`~staffing.simulation.staffing`: :func:`mol_agents`, :func:`simulation_agents`.
"""

from __future__ import annotations

from staffing.simulation.engine import SimulatedDay, curve_mean_s, simulate_day
from staffing.simulation.estimates import day_estimates, interval_estimates
from staffing.simulation.staffing import SimulationStaffing, mol_agents, simulation_agents

__all__ = [
    "SimulatedDay",
    "SimulationStaffing",
    "curve_mean_s",
    "day_estimates",
    "interval_estimates",
    "mol_agents",
    "simulate_day",
    "simulation_agents",
]

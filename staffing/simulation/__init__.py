"""Continuous simulation of planned queue-days and staffing methods that hold through the day.

numpy and scipy only: the table-level wiring (DataFrames, the command line, scale-out) lives
above this package.
"""

from __future__ import annotations

from staffing.simulation.engine import (
    SimulatedDay,
    day_estimates,
    interval_estimates,
    simulate_day,
)

__all__ = [
    "SimulatedDay",
    "day_estimates",
    "interval_estimates",
    "simulate_day",
]

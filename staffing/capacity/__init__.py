"""Capacity over months: hiring classes, training, learning curve and attrition.

How many people to hire and when, given the productive FTE each week needs: a class is
recruited for weeks, sits in a classroom producing nothing, ramps up slowly and loses
members early, while tenured staff keep leaving. :func:`capacity_plan` solves the hiring
model (HiGHS, :mod:`staffing.capacity.model`) and sets the spreadsheet's hire-to-gap
roll-forward beside it; it simulates random attrition, re-plans to a service level and
turns what stays uncovered into FTE to commit to a partner.

Tables in, tables out: the requirement is a DataFrame (``staffing.io.read_requirement``
reads files).
"""

from __future__ import annotations

from staffing.capacity.cohorts import CapacityRules, ClassMatrices, class_matrices
from staffing.capacity.model import HiringSolution, SolverReport, fewest_hires, solve_hiring
from staffing.capacity.plan import (
    CLASS_COLUMNS,
    PLANS,
    SIMULATION_COLUMNS,
    SOLVER_COLUMNS,
    TOTAL_COLUMNS,
    WEEK_COLUMNS,
    CapacityPlan,
    CapacityWarning,
    capacity_plan,
)
from staffing.capacity.requirement import REQUIREMENT_COLUMNS, pooled_name, prepare_requirement
from staffing.capacity.rollforward import hire_to_gap
from staffing.capacity.simulate import SimulatedWeeks, simulate_weeks

__all__ = [
    "CLASS_COLUMNS",
    "PLANS",
    "REQUIREMENT_COLUMNS",
    "SIMULATION_COLUMNS",
    "SOLVER_COLUMNS",
    "TOTAL_COLUMNS",
    "WEEK_COLUMNS",
    "CapacityPlan",
    "CapacityRules",
    "CapacityWarning",
    "ClassMatrices",
    "HiringSolution",
    "SimulatedWeeks",
    "SolverReport",
    "capacity_plan",
    "class_matrices",
    "fewest_hires",
    "hire_to_gap",
    "pooled_name",
    "prepare_requirement",
    "simulate_weeks",
    "solve_hiring",
]

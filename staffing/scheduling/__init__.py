"""Schedules from requirements: shifts, breaks and people covering agents per interval.

:func:`schedule` turns a requirement (agents per interval, the planner's interval table)
and shift families (one row each: start times, length, days, breaks, head limits, cost)
into the shifts to staff, the people on them and their breaks, with the coverage of the
requirement interval by interval and a summary per day and week. The integer program
(set covering with implicitly placed breaks, weekly tours, a global service-level
objective) is solved by HiGHS through :func:`scipy.optimize.milp`; it is written out in
:mod:`staffing.scheduling.model`.
"""

from __future__ import annotations

from staffing.scheduling.coverage import (
    COVERAGE_COLUMNS,
    SCHEDULE_COLUMNS,
    SUMMARY_COLUMNS,
    parse_break_times,
    schedule_coverage,
    schedule_summary,
)
from staffing.scheduling.model import SolverReport, tour_patterns
from staffing.scheduling.people import (
    PEOPLE_COLUMNS,
    Assignment,
    Person,
    assign_people,
    people_table,
)
from staffing.scheduling.requirement import Requirement, open_slots, prepare_requirement
from staffing.scheduling.service import pool_service_level, service_curves
from staffing.scheduling.shift_schedule import (
    AGENT_COLUMNS,
    OBJECTIVES,
    Objective,
    Schedule,
    schedule,
)
from staffing.scheduling.shifts import (
    SHIFT_COLUMNS,
    Break,
    ShiftFamily,
    format_weekdays,
    shift_families,
)

__all__ = [
    "AGENT_COLUMNS",
    "COVERAGE_COLUMNS",
    "OBJECTIVES",
    "PEOPLE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "SHIFT_COLUMNS",
    "SUMMARY_COLUMNS",
    "Assignment",
    "Break",
    "Objective",
    "Person",
    "Requirement",
    "Schedule",
    "ShiftFamily",
    "SolverReport",
    "assign_people",
    "format_weekdays",
    "open_slots",
    "parse_break_times",
    "people_table",
    "pool_service_level",
    "prepare_requirement",
    "schedule",
    "schedule_coverage",
    "schedule_summary",
    "service_curves",
    "shift_families",
    "tour_patterns",
]

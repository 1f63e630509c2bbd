"""Solutions HiGHS returns a hair off whole numbers are made whole before they are counted.

A relaxation that is integral up to rounding (``2.9999999999999964`` shifts) needs no
branching, but its values must be rounded, not truncated: truncated, three breaks became
two and the schedule stopped with "a break could not be placed inside its window" (found
scheduling the sample week's ``service`` queue alone: ``staffing schedule plan.csv
--shifts shifts.csv --queue service``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from staffing.data import sample_path
from staffing.scheduling import schedule
from staffing.scheduling.model import _Problem, _solve_block


def test_an_almost_integral_relaxation_is_rounded() -> None:
    """``x0 + x1 = 3`` with ``x0`` integer: the relaxation's ``2.9999999999999964`` is 3."""
    problem = _Problem(
        c=np.array([1.0, 0.0]),
        integrality=np.array([1, 0], dtype=np.uint8),
        lower=np.zeros(2),
        upper=np.full(2, np.inf),
        A=sparse.csr_array(np.array([[1.0, 1.0]])),
        row_lower=np.array([3.0]),
        row_upper=np.array([3.0]),
    )
    relaxed = np.array([2.9999999999999964, 3.6e-15])
    values, bound, ran_out = _solve_block(problem, relaxed, 10.0, 0.01)
    assert values[0] == 3.0 and values[1] == relaxed[1]
    assert not ran_out and bound == relaxed[0]


@pytest.mark.slow
def test_the_sample_service_queue_alone_schedules() -> None:
    """The case that failed: the sample week's ``service`` queue alone, planned at 80/20,
    with the sample shift families; every person gets their breaks and the requirement
    is covered."""
    from staffing import plan, read_forecast

    forecast = read_forecast(sample_path("forecast.csv"))
    intervals = plan(forecast[forecast["queue"] == "service"], "80/20").intervals
    s = schedule(intervals, pd.read_csv(sample_path("shifts.csv")), queue="service")
    assert s.coverage["under"].max() == 0.0
    breaks = s.agents["breaks"].str.count(";") + 1
    assert (breaks == s.agents["shift"].map({"part": 1}).fillna(3)).all()  # part: one break

"""The queueing core against values published by others (never values from our own code).

Each test names its source; published figures are compared at the precision they were
printed with.
"""

from __future__ import annotations

import math

import pytest
from scipy.optimize import brentq

import staffing
from staffing import ServiceLevel


def test_erlang_c_worked_example_100_calls_180s_14_agents() -> None:
    """100 calls in 30 minutes, AHT 180 s, 14 agents, threshold 20 s.

    Source: R package ErlangC 0.1.0 (Damonsoul, CRAN 2024-12-05), README and the example
    of ``erlang_c()``: traffic intensity 10, wait probability 0.1741319, service level
    0.88835, average speed of answer 7.83593701177724 s, immediate answer probability
    0.8258681, occupancy 0.7142857; ``calculate_agents()`` gives 14 agents for 80%.
    The same example in pyworkforce 0.1.0's README (PyPI): waiting_probability
    0.1741319335950498, service_level 0.8883500191794669, occupancy 0.7142857142857143,
    raw_positions 14.
    """
    m = staffing.evaluate(100, 180, 14, interval_s=1800, threshold_s=20)
    assert round(m.p_wait, 7) == 0.1741319
    assert round(m.service_level, 5) == 0.88835
    assert round(m.asa_s, 3) == 7.836
    assert m.asa_s == pytest.approx(7.83593701177724, rel=1e-12)
    assert round(1 - m.p_wait, 7) == 0.8258681
    assert round(m.occupancy, 7) == 0.7142857
    assert m.p_wait == pytest.approx(0.1741319335950498, rel=1e-12)
    assert m.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert staffing.required_agents(100, 180, "80/20", interval_s=1800) == 14
    assert staffing.erlang_c(10.0, 14) == pytest.approx(0.1741319335950498, rel=1e-12)


def test_erlang_c_step_by_step_example_360_calls_4_minutes_55_agents() -> None:
    """360 calls per half hour, average call duration 4 minutes, 55 agents, target 15 s.

    Source: Mitan Ltd, "The Erlang-C formula" (www.mitan.co.uk/erlang/elgcmath.htm),
    worked step by step: traffic intensity 48 Erlangs, occupancy 0.873, probability of
    waiting 0.2387, average speed of answer 8.184 s, service level 0.8459.
    """
    m = staffing.evaluate(360, 240, 55, interval_s=1800, threshold_s=15)
    assert round(m.p_wait, 4) == 0.2387
    assert round(m.asa_s, 3) == 8.184
    assert round(m.service_level, 4) == 0.8459
    assert round(m.occupancy, 3) == 0.873


# Tijms (2003), Table 5.3.2: the least number of agents c* with P(delay) <= alpha.
TIJMS_TABLE_5_3_2 = {
    # load R: (c* for alpha = 0.5, 0.2, 0.1)
    1: (2, 3, 3),
    5: (7, 8, 9),
    10: (12, 14, 16),
    50: (54, 58, 61),
    100: (106, 111, 115),
    250: (259, 268, 274),
    500: (512, 525, 533),
    1000: (1017, 1034, 1046),
}


@pytest.mark.parametrize("load", sorted(TIJMS_TABLE_5_3_2))
def test_square_root_staffing_table_tijms(load: int) -> None:
    """Exact minimal staffing for a delay-probability target, 1 to 1,000 Erlangs.

    Source: H. C. Tijms, *A First Course in Stochastic Models*, Wiley, 2003,
    doi:10.1002/047001363X, section 5.3, Table 5.3.2 ("exa" columns): the least ``c``
    with ``P(W > 0) <= alpha`` in M/M/c for ``alpha`` = 0.5, 0.2, 0.1. A delay
    probability of at most ``alpha`` is the target ``(1 - alpha)/0`` (answered within
    0 s), which also exercises the threshold t = 0.
    """
    calls = load * 1800 / 180  # load Erlangs at 180 s handle time, 30-minute interval
    for alpha, expected in zip((0.5, 0.2, 0.1), TIJMS_TABLE_5_3_2[load], strict=True):
        target = ServiceLevel(1 - alpha, 0.0)
        assert staffing.required_agents(calls, 180, target, interval_s=1800) == expected
        assert staffing.erlang_c(float(load), expected) <= alpha
        assert staffing.erlang_c(float(load), expected - 1) > alpha


def test_delay_with_100_servers_at_95_percent_tijms() -> None:
    """M/M/c with c = 100 and rho = 0.95.

    Source: Tijms (2003), section 5.3, p. 200: "on average 50.6% of the customers must
    wait, but the average wait of a delayed customer is only 1/5 of its mean service
    time. Moreover, on average, only 5% of the delayed customers have to wait more than
    3/5 of the mean service time."
    """
    aht = 300.0
    m = staffing.evaluate(95 * 1800 / aht, aht, 100, interval_s=1800, threshold_s=0.6 * aht)
    assert round(m.p_wait, 3) == 0.506
    assert m.asa_s / m.p_wait == pytest.approx(aht / 5, rel=1e-12)
    late_given_delay = (1 - m.service_level) / m.p_wait
    assert round(late_given_delay, 2) == 0.05
    assert late_given_delay == pytest.approx(math.exp(-3), rel=1e-12)


def test_erlang_b_15_lines_at_one_percent_blocking() -> None:
    """15 lines engineered for 1% blocking carry 8.108 Erlangs.

    Source: Westbay Engineers, Erlang calculator manual, "How much traffic can a trunk
    group handle?" (erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm):
    "the figure 8.108 will be displayed in the B.H.T. edit box".
    """
    load = brentq(lambda a: staffing.erlang_b(a, 15) - 0.01, 1.0, 15.0, xtol=1e-12)
    assert round(load, 3) == 8.108
    assert staffing.erlang_b(8.1085, 15) > 0.01 > staffing.erlang_b(8.1075, 15)

"""Callers who call back at the Anonymous Bank, January-June 1999 (real data).

Figures from ``.venv/bin/python tests/redial_bank.py`` (see its notes): of the callers
who abandoned, about 2 in 10 called again within ten minutes and 4 in 10 within the hour
(the issue's own reading of the log), two thirds within a day; a plan on the ACD's
attempts staffs more than the redial-aware plan, and a plan on fresh calls alone less.
"""

from __future__ import annotations

import numpy as np
import pytest
import redial_bank

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

if not redial_bank.available():
    pytest.skip(f"real data not found in {redial_bank.MONTHLY}", allow_module_level=True)


@pytest.fixture(scope="module")
def result() -> redial_bank.BankRedials:
    return redial_bank.analyse(replications=100)


def test_redial_shares_and_delays(result: redial_bank.BankRedials) -> None:
    r = result.redial
    assert 0.18 <= r["shares"]["10min"] <= 0.26
    assert 0.38 <= r["shares"]["1h"] <= 0.48
    assert 0.6 <= r["shares"]["24h"] <= 0.75
    assert r["share_ci"][0] <= r["share"] <= r["share_ci"][1]
    curve = r["delay_curve"]
    assert np.all(np.diff(curve["delay_s"]) > 0) and curve["share"][-1] == 1.0
    assert 15 * 60 <= r["median_delay_s"] <= 45 * 60
    assert r["redial_calls"] + r["fresh_calls"] == r["attempts"]


def test_busiest_week_staffing_three_ways(result: redial_bank.BankRedials) -> None:
    """Attempts as fresh over-staff; fresh calls alone under-staff; in simulation with the
    callers calling again the fresh-call plan loses more customers than the redial-aware
    one."""
    hours = {k: p.summary.iloc[-1]["agent_hours"] for k, p in result.plans.items()}
    assert hours["fresh calls"] < hours["redial-aware"] < hours["attempts as fresh"]
    sim = result.simulated
    assert sim["fresh calls"]["abandon_rate"] > sim["redial-aware"]["abandon_rate"]
    assert sim["fresh calls"]["service_level"] < sim["redial-aware"]["service_level"]
    assert result.week_start.strftime("%Y-%m-%d") == "1999-05-23"

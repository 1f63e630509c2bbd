"""Interval length: one spelling rule and one inference rule, in the vocabulary.

Before, four readers inferred a table's interval length four ways (forecast: the most
common step; history: the smallest step; deferred work: the first step; schedules: the
smallest distinct step), and ``staffing erlang --interval 15`` planned 15-second
intervals while ``plan`` refused them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from staffing.calibration.history import prepare_history
from staffing.cli import main
from staffing.errors import StaffingError
from staffing.planner.deferred import plan_deferred
from staffing.prepared import validate_forecast
from staffing.vocabulary import infer_interval_s, interval_length

MIN = 60 * 10**9


@pytest.mark.parametrize(
    ("text", "seconds"), [("15min", 900.0), ("1h", 3600.0), (1800, 1800.0), ("00:30:00", 1800.0)]
)
def test_spellings(text: object, seconds: float) -> None:
    assert interval_length(text) == seconds


@pytest.mark.parametrize("text", ["15", 15, "30s", "0"])
def test_under_a_minute_is_refused(text: object) -> None:
    with pytest.raises(StaffingError):
        interval_length(text)


@pytest.mark.parametrize("command", ["erlang", "plan", "simulate", "calibrate"])
def test_every_command_refuses_15_seconds(command: str) -> None:
    """A usage error (exit 2) in one line, before any work, in every command."""
    from staffing.data import sample_path

    args = {
        "erlang": ["erlang", "--calls", "100", "--aht", "180"],
        "plan": ["plan", str(sample_path("forecast.csv")), "--target", "80/20", "--out", "-"],
        "simulate": ["simulate", str(sample_path("forecast.csv"))],
        "calibrate": ["calibrate", str(sample_path("history.csv"))],
    }[command]
    result = CliRunner().invoke(main, [*args, "--interval", "15"])
    assert result.exit_code == 2, result.output
    assert "15 seconds: give a unit" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@given(
    st.sampled_from([5, 15, 30, 60]),
    st.lists(st.integers(1, 40), min_size=3, max_size=40),
    st.integers(0, 3),
)
def test_most_common_step_survives_gaps(minutes: int, keep: list[int], gaps: int) -> None:
    """Closed hours and a few missing intervals do not change the inferred length."""
    grid = np.arange(len(keep) + 12, dtype=np.int64) * minutes * MIN
    stamps = np.delete(grid, [2 + 4 * i for i in range(gaps)])  # isolated missing intervals
    assert infer_interval_s(stamps)[0] == minutes * 60


def test_ties_go_to_the_shorter_step() -> None:
    stamps = np.array([0, 15, 45, 60, 90]) * MIN  # steps 15, 30, 15, 30
    assert infer_interval_s(stamps)[0] == 900.0


def test_every_reader_infers_the_same_length() -> None:
    """A 30-minute day with a lunch gap and one missing half-hour: forecast, history and
    deferred work all read 30 minutes (the history's smallest-step rule read 30 too, but
    the deferred planner's first-step rule read the lunch gap)."""
    starts = pd.to_datetime(
        ["2025-03-03 13:30", "2025-03-03 14:00", "2025-03-03 15:00", "2025-03-03 15:30"]
    )
    forecast = validate_forecast(
        pd.DataFrame({"interval_start": starts, "calls": 10.0, "aht_s": 300.0})
    )
    assert set(forecast["interval_s"]) == {1800.0}
    history = prepare_history(
        pd.DataFrame(
            {
                "interval_start": starts,
                "offered": 10,
                "answered": 9,
                "abandoned": 1,
                "answered_within": 8,
            }
        ),
        threshold_s=20,
    )
    assert set(history["interval_s"]) == {1800.0}
    days = pd.date_range("2025-03-03 08:00", periods=6, freq="30min")
    lp = plan_deferred([5.0] * 6, 300.0, ("90%", "2h"), interval_start=days)
    assert lp.intervals["interval_start"].diff().dropna().eq(pd.Timedelta("30min")).all()

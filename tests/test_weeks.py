"""Weeks that start when the centre's weeks start, and partial periods.

Before: the sample week shifted by one day (a Sunday or Wednesday start) fell into two
Monday weeks, and its FTE was the same agent-hours divided by 14 days: 78.2 FTE where the
Monday-start week needs 156.4, with no word. Each test here fails on that code.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.contracts import CreditTerms, service_credits
from staffing.data import sample_path
from staffing.io import read_forecast
from staffing.planner import FteRules, plan
from staffing.planner.summary import PartialPeriodWarning
from staffing.vocabulary import covered_days, parse_week_start, period_floor

TARGETS = ["80/20", "abandon<=5%"]
RULES = {"in_centre": 0.15, "out_of_centre": 0.20}


def _shifted(days: int) -> pd.DataFrame:
    f = read_forecast(sample_path("forecast.csv"))  # Monday 3 to Sunday 9 March 2025
    return f.assign(interval_start=f["interval_start"] + pd.Timedelta(days=days))


def _total(days: int, week_start: str = "mon") -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PartialPeriodWarning)
        p = plan(_shifted(days), TARGETS, fte=FteRules(**RULES, week_start=week_start))
    return p.summary.iloc[-1]


@pytest.mark.parametrize("shift", [-1, 2, 3])
def test_fte_does_not_halve_when_the_week_starts_another_day(shift: int) -> None:
    """The same seven days need the same FTE whatever weekday they start on."""
    monday = _total(0)
    other = _total(shift)
    assert other["agent_hours"] == pytest.approx(monday["agent_hours"])
    assert other["period_days"] == 7.0
    assert other["fte"] == pytest.approx(monday["fte"])


def test_partial_weeks_are_named_and_over_their_days() -> None:
    """A Sunday-to-Saturday week in Monday weeks: one day of the first week, six of the
    second, each FTE over its own days, both flagged and named in one warning."""
    rules = FteRules(**RULES)
    with pytest.warns(PartialPeriodWarning, match=r"2025-02-24 \(1 of 7 days\), 2025-03-03 \(6"):
        summary = plan(_shifted(-1), TARGETS, fte=rules).summary
    with pytest.warns(PartialPeriodWarning, match=r"week start \(`week_start`\) if"):
        plan(_shifted(-1), TARGETS, fte=rules)
    weeks = summary[summary["period_start"].notna() & (summary["queue"] == "total")]
    assert weeks["period_days"].tolist() == [1.0, 6.0]
    assert weeks["partial"].tolist() == [True, True]
    expected = weeks["agent_hours"] / (0.85 * 0.8) / (37.5 * weeks["period_days"] / 7)
    np.testing.assert_allclose(weeks["fte"], expected)


def test_the_centres_week_start_makes_it_one_whole_week() -> None:
    """With weeks starting on Sunday, the Sunday-to-Saturday forecast is one whole week."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PartialPeriodWarning)
        p = plan(_shifted(-1), TARGETS, fte=FteRules(**RULES, week_start="sun"))
    weeks = p.summary[p.summary["period_start"].notna()]
    assert set(weeks["period_start"].dt.day_name()) == {"Sunday"}
    assert not weeks["partial"].any()


def test_daily_heads_are_people_that_day() -> None:
    """--period day: ``fte`` is the FTE at that day's load (a busy Monday reads above the
    week's FTE), ``heads`` the people needed that day at 7.5 paid hours (37.5 h / 5)."""
    p = plan(_shifted(0), TARGETS, period="day", fte=FteRules(**RULES))
    days = p.summary[(p.summary["queue"] == "total") & p.summary["period_start"].notna()]
    np.testing.assert_allclose(days["heads"], days["agent_hours"] / (0.85 * 0.8) / 7.5)
    week = p.summary.iloc[-1]
    assert days["fte"].max() > week["fte"] > days["heads"].max() / 7


def test_command_line_week_start(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan --week-start sun`` gives one Sunday week; a bad weekday is a usage error."""
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    _shifted(-1).to_csv("f.csv", index=False)
    ok = runner.invoke(
        main,
        [
            "plan",
            "f.csv",
            "--target",
            "80/20",
            "--week-start",
            "sun",
            "--summary",
            "s.csv",
            "--out",
            "p.csv",
        ],
    )
    assert ok.exit_code == 0, ok.output
    s = pd.read_csv("s.csv", parse_dates=["period_start"])
    assert s["period_start"].dropna().dt.day_name().unique().tolist() == ["Sunday"]
    bad = runner.invoke(main, ["plan", "f.csv", "--target", "80/20", "--week-start", "sunny"])
    assert bad.exit_code == 2 and "--week-start" in bad.stderr
    # without it, the warning names the option once, as the command line spells it
    partial = runner.invoke(main, ["plan", "f.csv", "--target", "80/20", "--out", "p2.csv"])
    assert partial.exit_code == 0, partial.output
    assert "give the centre's week start (--week-start) if it is another day" in partial.stderr


def test_credit_weeks_follow_the_contract() -> None:
    """A contract's weeks start on its own weekday too."""
    h = pd.DataFrame(
        {
            "interval_start": pd.date_range("2025-03-02 09:00", periods=7, freq="D"),
            "offered": 100,
            "answered": 100,
            "answered_within": [70, 90, 90, 90, 90, 90, 90],
        }
    )
    monday = service_credits(h, "80/20", terms=CreditTerms(period="week"))
    sunday = service_credits(h, "80/20", terms=CreditTerms(period="week", week_start="sun"))
    assert len(monday) == 3 and len(sunday) == 2  # two weeks + total, one week + total
    assert sunday["service_level"].iloc[0] == pytest.approx(0.8714285714)


def test_vocabulary_week_start() -> None:
    assert parse_week_start("Sunday") == 6 and parse_week_start("sat") == 5
    d = np.array(["2025-03-05"], dtype="datetime64[D]")  # a Wednesday
    assert str(period_floor(d, "week", 6)[0]) == "2025-03-02"
    assert str(period_floor(d, "week", 2)[0]) == "2025-03-05"
    _, _, covered = covered_days(d, "week", 2)
    assert covered.tolist() == [7]  # one Wednesday: the other weekdays are never open

"""The same spelling means the same thing at every entry point.

Durations (``900``, ``15min``, ``0:15:00``) and shares (``40%``, ``40``, ``0.4``) are fed to
every command that takes one (``erlang``, ``plan``, ``calibrate``, ``compare``,
``outsource``, ``credits``) and to the Python functions; each group of spellings must give
identical output, and a bare ``1`` share is refused everywhere as ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import staffing
from staffing.cli import main
from staffing.contracts import CreditTerms
from staffing.planner import FteRules

DURATIONS = ("900", "15min", "0:15:00", "15 minutes")
SHARES = ("30%", "30", "0.3")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 15-minute forecast, an interval history, call records and a plan, on disk."""
    monkeypatch.chdir(tmp_path)
    starts = pd.date_range("2025-03-03 09:00", periods=8, freq="15min")
    forecast = pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%d %H:%M"),
            "calls": [40.0, 55, 70, 80, 75, 60, 45, 30],
            "aht_s": 200.0,
            "patience_s": 150.0,
        }
    )
    forecast.to_csv("f.csv", index=False)
    rng = np.random.default_rng(3)
    n = 400
    arrival = pd.Timestamp("2024-01-01 09:00") + pd.to_timedelta(
        np.sort(rng.uniform(0, 4 * 3600, n)), unit="s"
    )
    wait = rng.exponential(30, n)
    outcome = np.where(rng.uniform(size=n) < 0.15, "abandoned", "answered")
    pd.DataFrame({"arrival": arrival, "wait_s": wait.round(1), "outcome": outcome}).to_csv(
        "calls.csv", index=False
    )
    history = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04", periods=14, freq="D"),
            "offered": 1000,
            "answered": 960,
            "abandoned": 40,
            "answered_within": [760, 790, 810, 700, 830] * 2 + [800, 805, 780, 820],
        }
    )
    history.to_csv("perf.csv", index=False)
    plan = staffing.plan(forecast, "80/20").intervals
    plan.to_csv("plan.csv", index=False)
    yield tmp_path


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _same(outputs: list[str]) -> None:
    assert outputs[0], "no output to compare"
    assert all(o == outputs[0] for o in outputs[1:])


@pytest.mark.usefixtures("workdir")
def test_durations_mean_the_same_in_every_command() -> None:
    runs = {
        "erlang": lambda d: _run("erlang", "--calls", "50", "--aht", "180", "--interval", d),
        "plan": lambda d: _run("plan", "f.csv", "--target", "80/20", "--interval", d, "--out", "-"),
        "compare": lambda d: _run(
            "compare", "f.csv", "--scenario", "80/20", "--interval", d, "--out", "-"
        ),
        "outsource": lambda d: _run(
            "outsource",
            "f.csv",
            "--target",
            "80/20",
            "--share",
            "40%",
            "--interval",
            d,
            "--out",
            "-",
        ),
        "calibrate": lambda d: _run("calibrate", "calls.csv", "--interval", d, "--out", "-"),
        "credits": lambda d: _run(
            *("credits", "--plan", "plan.csv", "--target", "80/20", "--simulations", "20"),
            *("--patience-s", {"900": "120", "15min": "2min"}.get(d, "0:02:00")),
            *("--exposure-out", "-"),
        ),
    }
    for run in runs.values():
        _same([run(d) for d in DURATIONS])
    # and 900 s is 15 minutes, not 900 of anything else: the erlang header says so
    assert "per 15 min" in runs["erlang"]("900")


@pytest.mark.usefixtures("workdir")
def test_shares_mean_the_same_in_every_command() -> None:
    runs = {
        "plan --shrinkage": lambda s: _run(
            "plan", "f.csv", "--target", "80/20", "--shrinkage", s, "--summary", "-"
        ),
        "compare --in-centre": lambda s: _run(
            "compare", "f.csv", "--scenario", "80/20", "--in-centre", s, "--out", "-"
        ),
        "outsource --share": lambda s: _run(
            "outsource", "f.csv", "--target", "80/20", "--share", s, "--out", "-"
        ),
        "plan abandon target": lambda s: _run(
            "plan", "f.csv", "--target", f"abandon<={s}", "--out", "-"
        ),
        "calibrate --abandon-target": lambda s: _run(
            "calibrate", "calls.csv", "--abandon-target", s, "--out", "-"
        ),
        "credits --cap": lambda s: _run(
            "credits", "perf.csv", "--target", "80/20", "--cap", s, "--out", "-"
        ),
    }
    for run in runs.values():
        _same([run(s) for s in SHARES])


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize(
    "args",
    [
        ["plan", "f.csv", "--target", "80/20", "--shrinkage", "1"],
        ["compare", "f.csv", "--scenario", "80/20", "--out-of-centre", "1"],
        ["outsource", "f.csv", "--target", "80/20", "--share", "1"],
        ["calibrate", "calls.csv", "--abandon-target", "1", "--out", "-"],
        ["credits", "perf.csv", "--target", "80/20", "--credit-per-step", "1"],
        ["plan", "f.csv", "--target", "abandon<=1"],
    ],
)
def test_a_bare_one_is_ambiguous_everywhere(args: list[str]) -> None:
    """``1`` could be 1% or 100%: one line, exit 2, asking for the % sign."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ambiguous: write 1% or 100%" in lines[0]


def test_python_functions_read_the_same_spellings(workdir: Path) -> None:
    forecast = pd.read_csv("f.csv")
    plans = [staffing.plan(forecast, "80/20", interval_s=d).intervals for d in (*DURATIONS, 900)]
    for p in plans[1:]:
        pd.testing.assert_frame_equal(p, plans[0])
    summaries = [
        staffing.plan(forecast, "80/20", fte=FteRules(total=s)).summary for s in (*SHARES, 0.3)
    ]
    for s in summaries[1:]:
        pd.testing.assert_frame_equal(s, summaries[0])
    shares = {staffing.outsource(forecast, "80/20", share=s).split_cost()["fte"] for s in SHARES}
    assert len(shares) == 1
    assert len({CreditTerms(cap=s).cap for s in ("10%", "10", 0.1, "0.1")}) == 1
    targets = {str(staffing.parse_targets(f"abandon<={s}")[0]) for s in SHARES}
    assert targets == {"abandon<=30%"}
    history = pd.read_csv("calls.csv")
    with pytest.warns(staffing.StaffingWarning, match="no staffed agents"):
        got = {
            staffing.calibrate(history, interval=d, by=None).to_dict()["history"]["interval_s"]
            for d in DURATIONS
        }
    assert got == {900.0}

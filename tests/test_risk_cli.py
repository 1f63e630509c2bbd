"""``staffing risk`` and ``staffing intraday`` through CliRunner.

Each test runs in its own empty directory with a small plan (one queue, two days of four
half-hours). The commands give the library's numbers for the same seed; a bad input is
one line on stderr, a non-zero exit and no output file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.cli import main
from staffing.risk import (
    ACTION_COLUMNS,
    INTERVAL_RISK_COLUMNS,
    RISK_COLUMNS,
    period_risk,
)
from staffing.simulation import SimulationOptions

PLAN = pd.DataFrame(
    {
        "interval_start": list(pd.date_range("2025-03-03 09:00", periods=4, freq="30min"))
        + list(pd.date_range("2025-03-04 09:00", periods=4, freq="30min")),
        "queue": "sales",
        "calls": [55.0, 62.0, 64.0, 58.0, 50.0, 60.0, 66.0, 54.0],
        "aht_s": 300.0,
        "agents": [13, 14, 14, 13, 12, 13, 14, 13],
        "patience_s": 180.0,
        "target": "80/20",
    }
)
TODAY = pd.DataFrame(
    {
        "interval_start": ["2025-03-04 09:00", "2025-03-04 09:30"],
        "queue": "sales",
        "offered": [66, 75],
        "answered": [64, 71],
        "abandoned": [2, 4],
        "answered_within": [48, 50],
        "abandoned_within": [1, 2],
    }
)
MONDAY = pd.DataFrame(
    {
        "interval_start": pd.date_range("2025-03-03 09:00", periods=4, freq="30min"),
        "queue": "sales",
        "offered": [50, 60, 64, 58],
        "answered": [49, 58, 62, 57],
        "abandoned": [1, 2, 2, 1],
        "answered_within": [44, 47, 49, 48],
        "abandoned_within": [1, 1, 1, 1],
    }
)
# The plan covers two days of a week: judged on those, as a warning says.
pytestmark = pytest.mark.filterwarnings("ignore::staffing.risk.RiskWarning")
LINE = re.compile(
    r"^week 2025-03-03: P\(SL >= 80%\) = \d+% \(expected \d+\.\d%, 5-95%: \d+\.\d-\d+\.\d%\)$"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    PLAN.to_csv("plan.csv", index=False)
    TODAY.to_csv("today.csv", index=False)
    MONDAY.to_csv("monday.csv", index=False)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_risk_writes_the_tables_and_one_line_per_period(runner: CliRunner) -> None:
    """risk.csv per queue and period, the intervals, the figure and the report; the
    stderr line per period; the library's numbers for the same seed."""
    result = _run(runner, "risk", "plan.csv", "--period", "week", "--volume-cv", "5%",
                  "--replications", "120", "--seed", "4", "--out", "risk.csv",
                  "--intervals", "iv.csv", "--plot", "risk.png",
                  "--report", "risk.html")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if not x.startswith(("wrote ", "Warning: "))]
    assert len(lines) == 1 and LINE.match(lines[0]), result.stderr
    assert "Warning: the plan covers 2 of the 7 days of week 2025-03-03" in result.stderr
    table = pd.read_csv("risk.csv", parse_dates=["period_start"])
    assert tuple(table.columns) == RISK_COLUMNS[:14]
    assert tuple(pd.read_csv("iv.csv").columns) == INTERVAL_RISK_COLUMNS
    assert Path("risk.png").stat().st_size > 10_000 and "<img" in Path("risk.html").read_text()
    lib = period_risk(
        PLAN, options=SimulationOptions(replications=120, seed=4, volume_cv=0.05)
    ).periods
    assert table["p_meet"].iloc[0] == pytest.approx(lib["p_meet"].iloc[0])
    assert table["expected_service_level"].iloc[0] == pytest.approx(
        lib["expected_service_level"].iloc[0], rel=1e-9
    )


@pytest.mark.slow
def test_risk_is_seeded_and_the_same_in_two_processes(runner: CliRunner) -> None:
    """The same seed gives the same table, in this process or spread over two."""
    a = _run(runner, "risk", "plan.csv", "--replications", "60", "--out", "a.csv")
    b = _run(runner, "risk", "plan.csv", "--replications", "60", "--jobs", "2", "--out", "b.csv")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    assert Path("a.csv").read_text() == Path("b.csv").read_text()


def test_risk_of_a_forecast_with_a_roster_is_that_of_the_plan(runner: CliRunner) -> None:
    """A forecast with --roster and --target reads as the plan with those agents: the same
    seed gives the same table; without --target it is a usage error."""
    PLAN.drop(columns=["agents", "target"]).to_csv("forecast.csv", index=False)
    PLAN[["interval_start", "queue", "agents"]].to_csv("roster.csv", index=False)
    common = ["--period", "day", "--replications", "60", "--seed", "2"]
    a = _run(runner, "risk", "plan.csv", *common, "--out", "a.csv")
    b = _run(runner, "risk", "forecast.csv", "--roster", "roster.csv", "--target", "80/20",
             *common, "--out", "b.csv")  # fmt: skip
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    assert pd.read_csv("a.csv")["p_meet"].tolist() == pd.read_csv("b.csv")["p_meet"].tolist()
    bare = _run(runner, "risk", "forecast.csv", "--roster", "roster.csv")
    assert bare.exit_code == 2 and "--roster needs --target" in bare.output


def test_risk_with_a_credit_clause_and_a_forecast(runner: CliRunner) -> None:
    forecast = PLAN[["interval_start", "queue", "calls"]].assign(
        calls_lo=PLAN["calls"] * 0.85, calls_hi=PLAN["calls"] * 1.15
    )
    forecast.to_csv("forecast.csv", index=False)
    result = _run(runner, "risk", "plan.csv", "--forecast", "forecast.csv", "--period", "day",
                  "--step", "0.5", "--cap", "10%", "--fee", "1000",
                  "--replications", "50")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "E[credit]" in result.stdout and "P(credit)" in result.stdout
    assert "from its 80% prediction interval" in result.stdout


def test_staff_to_writes_the_new_plan(runner: CliRunner) -> None:
    result = _run(runner, "risk", "plan.csv", "--target", "85/20", "--staff-to", "90%",
                  "--new-plan", "p90.csv", "--replications", "150",
                  "--out", "risk.xlsx")  # fmt: skip
    assert result.exit_code == 0, result.output
    new = pd.read_csv("p90.csv")
    assert list(new.columns).index("added_agents") == list(new.columns).index("agents") + 1
    assert (new["agents"] - new["added_agents"] == PLAN["agents"]).all()
    assert "Staffed to 90%: +" in result.stdout and "on fresh seeds" in result.stdout
    sheets = pd.read_excel("risk.xlsx", sheet_name=None)
    assert set(sheets) == {"risk", "intervals", "staff_to"}


def test_intraday_prints_the_day_and_writes_the_actions(runner: CliRunner) -> None:
    result = _run(runner, "intraday", "plan.csv", "--actuals", "today.csv", "--now", "10:00",
                  "--period", "week", "--period-actuals", "monday.csv", "--fee", "5000",
                  "--replications", "100", "--out", "actions.csv", "--plot", "day.png",
                  "--report", "day.html")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("sales, Tue 2025-03-04 at 10:00 (80/20):\n  so far: 141 calls, SL 69.5%")
    assert re.search(
        r"P\(day >= 80%\) = \d+%: (on target|warning|interrupt offline work|all hands)", out
    )
    assert "week 2025-03-03: SL to date " in out and "expected credit" in out
    actions = pd.read_csv("actions.csv")
    assert tuple(actions.columns) == ACTION_COLUMNS and len(actions) == 2
    assert Path("day.png").exists() and Path("day.html").exists()


# --------------------------------------------------------------------------- bad input


def _refused(result: Result, code: int, message: str, *outputs: str) -> None:
    assert result.exit_code == code, result.output
    lines = [x for x in result.stderr.strip().splitlines() if x]
    assert len(lines) == 1 and message in lines[0], result.stderr
    for name in outputs:
        assert not Path(name).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume-cv", "150%"], "between 0% and 100%"),
        (["--volume-cv", "-5%"], "between 0% and 100%"),
        (["--aht-cv", "101%"], "between 0% and 100%"),
        (["--staff-to", "100%"], "below 100%"),
        (["--staff-to", "0%"], "above 0%"),
        (["--target", "abandon<=5%"], "exactly one service-level target"),
        (["--new-plan", "p.csv"], "--new-plan needs --staff-to"),
    ],
)
def test_risk_bad_options(runner: CliRunner, args: list[str], message: str) -> None:
    result = _run(runner, "risk", "plan.csv", *args, "--out", "risk.csv")
    _refused(result, 2, message, "risk.csv", "p.csv")


def test_intraday_actuals_of_another_day(runner: CliRunner) -> None:
    TODAY.assign(interval_start=["2025-03-04 09:00", "2025-03-05 09:30"]).to_csv(
        "two.csv", index=False
    )
    result = _run(runner, "intraday", "plan.csv", "--actuals", "two.csv", "--now", "10:00",
                  "--out", "actions.csv")  # fmt: skip
    _refused(result, 1, "two.csv: the actuals are not one day's", "actions.csv")


def test_intraday_actuals_past_now(runner: CliRunner) -> None:
    result = _run(runner, "intraday", "plan.csv", "--actuals", "today.csv", "--now", "09:45",
                  "--out", "actions.csv")  # fmt: skip
    _refused(result, 1, "today.csv: 1 row(s) run past --now 09:45", "actions.csv")


def test_intraday_now_outside_opening_hours(runner: CliRunner) -> None:
    result = _run(runner, "intraday", "plan.csv", "--actuals", "today.csv", "--now", "18:00",
                  "--out", "actions.csv")  # fmt: skip
    _refused(result, 1, "--now 18:00 is outside the opening hours of 2025-03-04", "actions.csv")


def test_intraday_day_without_plan_rows(runner: CliRunner) -> None:
    TODAY.assign(interval_start=["2025-03-06 09:00", "2025-03-06 09:30"]).to_csv(
        "thursday.csv", index=False
    )
    result = _run(runner, "intraday", "plan.csv", "--actuals", "thursday.csv", "--now", "10:00",
                  "--out", "actions.csv")  # fmt: skip
    _refused(result, 1, "the plan has no rows on 2025-03-06", "actions.csv")


def test_intraday_bad_now_and_prior(runner: CliRunner) -> None:
    result = _run(runner, "intraday", "plan.csv", "--actuals", "today.csv", "--now", "noonish")
    _refused(result, 2, "give a time of day")
    result = _run(runner, "intraday", "plan.csv", "--actuals", "today.csv", "--now", "10:00",
                  "--prior-cv", "120%")  # fmt: skip
    _refused(result, 2, "between 0% and 100%")

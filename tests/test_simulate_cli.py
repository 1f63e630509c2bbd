"""``staffing simulate``, ``plan --method`` and ``compare`` with methods, through CliRunner.

Each test runs in its own empty directory. The CLI gives the numbers the library gives
for the same seed; a bad input is one line on stderr, a non-zero exit and no output file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.cli import main
from staffing.contracts import COMPARE_COLUMNS
from staffing.planner.tables import INTERVAL_COLUMNS
from staffing.simulation import (
    SIMULATION_COLUMNS,
    SIMULATION_DAY_COLUMNS,
    SimulationOptions,
    simulate_plan,
)

FORECAST = pd.DataFrame(
    {
        "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00",
                           "2025-03-03 10:30", "2025-03-04 09:00", "2025-03-04 09:30"],
        "queue": "sales",
        "calls": [60.0, 150.0, 90.0, 70.0, 80.0, 100.0],
        "aht_s": [300.0, 320.0, 310.0, 300.0, 290.0, 300.0],
        "patience_s": 150.0,
    }
)  # fmt: skip


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    FORECAST.to_csv("forecast.csv", index=False)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_plan_then_simulate(runner: CliRunner) -> None:
    """plan --method mol --out, then simulate it: the tables, the figure, the library's
    numbers for the same seed, and the headline."""
    result = _run(runner, "plan", "forecast.csv", "--target", "80/20", "--method", "mol",
                  "--out", "plan.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    planned = pd.read_csv("plan.csv")
    assert tuple(planned.columns) == INTERVAL_COLUMNS and set(planned["method"]) == {"mol"}
    result = _run(runner, "simulate", "plan.csv", "--replications", "40", "--seed", "3",
                  "--out", "sim.csv", "--summary", "days.csv", "--plot", "sim.png")  # fmt: skip
    assert result.exit_code == 0, result.output
    sim = pd.read_csv("sim.csv", parse_dates=["interval_start"])
    days = pd.read_csv("days.csv")
    assert tuple(sim.columns) == SIMULATION_COLUMNS
    assert tuple(days.columns) == SIMULATION_DAY_COLUMNS and len(days) == 2
    assert Path("sim.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    want = simulate_plan(
        pd.read_csv("plan.csv"), options=SimulationOptions(replications=40, seed=3)
    ).intervals
    pd.testing.assert_series_equal(sim["service_level"], want["service_level"], rtol=1e-12)
    assert "queue-days simulated 40 times" in result.stdout
    assert "intervals with calls significantly below target" in result.stdout


def test_forecast_with_roster_and_xlsx(runner: CliRunner) -> None:
    """A forecast plus --roster (targets from --target): both tables in one workbook."""
    roster = FORECAST[["interval_start", "queue"]].assign(agents=[12, 18, 16, 14, 15, 19])
    roster.to_csv("roster.csv", index=False)
    result = _run(runner, "simulate", "forecast.csv", "--roster", "roster.csv", "--target",
                  "80/20", "--replications", "30", "--out", "sim.xlsx")  # fmt: skip
    assert result.exit_code == 0, result.output
    book = pd.read_excel("sim.xlsx", sheet_name=None)
    assert set(book) == {"intervals", "days"}
    assert book["intervals"]["agents"].tolist() == [12, 18, 16, 14, 15, 19]
    assert set(book["intervals"]["target"]) == {"80/20"}
    assert book["intervals"]["abandon_rate"].gt(0).all()  # patience_s column: Erlang A


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["forecast.csv"], 1, "forecast.csv: no 'agents' column"),
        (["plan.csv", "--replications", "1"], 2, "--replications"),
        (["plan.csv", "--volume-cv", "-1"], 2, "--volume-cv"),
        (["plan.csv", "--out", "sim.txt"], 2, "unknown file type"),
        (["plan.csv", "--target", "80/200%"], 2, "--target"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    runner: CliRunner, args: list[str], status: int, message: str
) -> None:
    FORECAST.assign(agents=10).to_csv("plan.csv", index=False)
    result = _run(runner, "simulate", *args, "--summary", "days.csv")
    assert result.exit_code == status
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not Path("days.csv").exists()


def test_negative_agents_name_the_rows(runner: CliRunner) -> None:
    FORECAST.assign(agents=[10, -2, 10, 10, 10, 10]).to_csv("plan.csv", index=False)
    result = _run(runner, "simulate", "plan.csv", "--out", "sim.csv")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: plan.csv: column 'agents': 1 row (row 3) negative, missing or not a number"
    )
    assert not Path("sim.csv").exists()


def test_compare_with_methods(runner: CliRunner) -> None:
    result = _run(runner, "compare", "forecast.csv", "--scenario", "80/20", "--scenario",
                  "80/20 @mol", "--scenario", "name=held:80/20 @simulation",
                  "--replications", "20", "--out", "compare.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv("compare.csv")
    assert tuple(table.columns) == COMPARE_COLUMNS
    assert table["method"].tolist() == ["sipp", "mol", "simulation"]
    result = _run(runner, "compare", "forecast.csv", "--scenario", "80/20 @quick")
    assert result.exit_code == 2 and "method 'quick' after @" in result.stderr

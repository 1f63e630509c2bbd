"""``staffing erlang`` through click's CliRunner, run in an empty temporary directory."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import staffing
from staffing.cli import main

CSV_COLUMNS = [
    "agents",
    "workload_erlangs",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "p_wait",
    "required",
]


Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``staffing erlang ARGS`` in an empty directory, which must stay empty."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(main, ["erlang", *args])
        assert list(tmp_path.iterdir()) == []  # writes nothing but standard output
        return result

    return invoke


def test_calculator_table_worked_example(run: Run) -> None:
    """100 calls per 30 min at 180 s: 14 agents for 80/20 (the published example in
    tests/test_queueing_published.py), with 88.8% and an ASA of 7.8 s on that row."""
    result = run("--calls", "100", "--interval", "30min", "--aht", "180", "--target", "80/20")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "10.00 Erlangs (Erlang C" in lines[0]
    assert lines[1] == "targets 80/20 -> 14 agents"
    rows = {int(line.split()[0]): line for line in lines[4:]}
    assert sorted(rows) == list(range(9, 20))  # the requirement +/- 5
    assert rows[14].split()[1:3] == ["88.8%", "7.8"]
    assert rows[14].endswith("<- fewest meeting all targets")
    assert sum("<-" in line for line in lines) == 1
    assert rows[10].split()[1:3] == ["0.0%", "inf"]  # unstable Erlang C: no error


def test_erlang_a_with_several_targets_marks_the_library_answer(run: Run) -> None:
    """Erlang A, three targets: the marked row is ``required_agents``' answer and a
    column is added for the 300 s threshold."""
    result = run(
        "--calls",
        "100",
        "--aht",
        "3min",
        "--patience",
        "2min",
        "--target",
        "80/20",
        "--target",
        "abandon<=5%",
        "--target",
        "99/300",
    )
    assert result.exit_code == 0, result.output
    expected = staffing.required_agents(
        100, 180, ["80/20", "abandon<=5%", "99/300"], patience_s=120
    )
    header = result.stdout.splitlines()[3].split()
    assert header[:5] == ["agents", "SL", "20s", "SL", "300s"]
    marked = [line for line in result.stdout.splitlines() if line.endswith("targets")]
    assert len(marked) == 1 and int(marked[0].split()[0]) == expected
    assert "Erlang A, mean patience 120 s" in result.stdout


def test_csv_equals_the_library(run: Run) -> None:
    """--format csv: the documented columns (plus one per other target threshold, here
    the default 80/20's 20 s), every value what ``evaluate`` gives."""
    result = run(
        "--calls",
        "250",
        "--aht",
        "240",
        "--interval",
        "1h",
        "--patience",
        "90",
        "--agents",
        "15:22",
        "--threshold",
        "30",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == [*CSV_COLUMNS[:-1], "service_level_20s", "required"]
    assert table["agents"].tolist() == list(range(15, 23))
    sl20 = staffing.evaluate(
        250, 240, np.arange(15, 23), interval_s=3600, threshold_s=20, patience_s=90
    ).service_level
    np.testing.assert_allclose(table["service_level_20s"], sl20, rtol=1e-15)
    m = staffing.evaluate(
        250, 240, np.arange(15, 23), interval_s=3600, threshold_s=30, patience_s=90
    )
    for column in ("service_level", "asa_s", "abandon_rate", "occupancy", "p_wait"):
        np.testing.assert_allclose(table[column], getattr(m, column), rtol=1e-15)
    assert (table["workload_erlangs"] == 250 * 240 / 3600).all()
    required = staffing.required_agents(250, 240, "80/20", interval_s=3600, patience_s=90)
    assert table.loc[table["required"], "agents"].tolist() == [required]


def test_json_output(run: Run) -> None:
    """--format json: inputs, the requirement and one record per agent count; an
    infinite ASA (unstable Erlang C) is null."""
    result = run("--calls", "100", "--aht", "180", "--agents", "9:15", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "Erlang C" and data["required_agents"] == 14
    assert data["targets"] == ["80/20"] and data["interval_s"] == 1800.0
    assert [r["agents"] for r in data["rows"]] == list(range(9, 16))
    assert data["rows"][0]["asa_s"] is None and data["rows"][0]["service_level"] == 0.0
    assert [r["required"] for r in data["rows"]].count(True) == 1
    assert data["rows"][5]["p_wait"] == pytest.approx(0.1741319335950498, rel=1e-12)


@pytest.mark.parametrize(
    ("interval", "seconds"),
    [
        ("15min", 900.0),
        ("30min", 1800.0),
        ("1h", 3600.0),
        ("900", 900.0),
        ("00:30:00", 1800.0),
        ("30m", 1800.0),
        ("1800s", 1800.0),
    ],
)
def test_interval_spellings(run: Run, interval: str, seconds: float) -> None:
    """15min / 30min / 1h / 900 (seconds) / 00:30:00 all mean what they say."""
    result = run("--calls", "100", "--aht", "180", "--interval", interval, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["interval_s"] == seconds
    assert data["workload_erlangs"] == pytest.approx(100 * 180 / seconds)


def test_agent_count_and_threshold(run: Run) -> None:
    """--agents 14 gives one row; --threshold sets the service-level column."""
    result = run(
        "--calls", "100", "--aht", "180", "--agents", "14", "--threshold", "60", "--format", "csv"
    )
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["agents"].tolist() == [14]
    assert table["service_level"].iloc[0] == pytest.approx(
        staffing.evaluate(100, 180, 14, threshold_s=60).service_level, rel=1e-15
    )


def test_zero_calls(run: Run) -> None:
    """No calls: zero agents required, the table starts at zero agents."""
    result = run("--calls", "0", "--aht", "180", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["required_agents"] == 0 and data["rows"][0]["agents"] == 0


def test_help_shows_defaults(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for text in (
        "--calls",
        "--interval",
        "[default: 30min]",
        "[default: 80/20]",
        "--abandon-policy",
        "[default: fail]",
        "table|csv|json",
    ):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--calls", "-1", "--aht", "180"], "--calls", 2),
        (["--calls", "many", "--aht", "180"], "--calls", 2),
        (["--calls", "nan", "--aht", "180"], "--calls", 2),
        (["--calls", "inf", "--aht", "180"], "--calls", 2),
        (["--aht", "180"], "Missing option '--calls'", 2),
        (["--calls", "100", "--aht", "0"], "--aht", 2),
        (["--calls", "100", "--aht", "soon"], "--aht", 2),
        (["--calls", "100", "--aht", "180", "--interval", "0"], "--interval", 2),
        (["--calls", "100", "--aht", "180", "--interval", "5x"], "--interval", 2),
        (["--calls", "100", "--aht", "180", "--patience", "-3"], "--patience", 2),
        (["--calls", "100", "--aht", "180", "--target", "100/0"], "100/0", 2),
        (["--calls", "100", "--aht", "180", "--target", "foo"], "foo", 2),
        (["--calls", "100", "--aht", "180", "--target", "abandon<=5%"], "patience", 1),
        (["--calls", "100", "--aht", "180", "--agents", "20:10"], "--agents", 2),
        (["--calls", "100", "--aht", "180", "--agents", "a:b"], "--agents", 2),
        (["--calls", "100", "--aht", "180", "--threshold", "-1"], "--threshold", 2),
        (["--calls", "100", "--aht", "180", "--threshold", "inf"], "--threshold", 2),
        (["--calls", "100", "--aht", "180", "--threshold", "nan"], "--threshold", 2),
        (["--calls", "100", "--aht", "180", "--format", "xml"], "--format", 2),
        (["--calls", "100", "--aht", "180", "--abandon-policy", "nope"], "--abandon-policy", 2),
    ],
)
def test_bad_input_is_one_line_without_traceback(
    run: Run, args: list[str], message: str, code: int
) -> None:
    """Every user error: nothing on stdout, one line on stderr naming the option or the
    target, no traceback; exit status 2 for a bad option value (click's usage error), 1
    for what the library refuses."""
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_unstable_rows_render_without_nan(run: Run) -> None:
    """Overloaded Erlang C rows show 0.0% and inf, never nan."""
    result = run("--calls", "100", "--aht", "180", "--agents", "1:10")
    assert result.exit_code == 0
    assert "nan" not in result.stdout.lower()
    assert all(math.isinf(float(line.split()[2])) for line in result.stdout.splitlines()[4:])

"""``staffing forecast`` and ``staffing reforecast`` through the command line: outputs,
the back-test table, ``staffing plan`` on the forecast as it is, and bad input in one
line with nothing written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from staffing.cli import main
from staffing.data import sample_path

HISTORY = str(sample_path("history.csv"))


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_forecast_then_plan(tmp_path: Path) -> None:
    """The forecast, its back-test file, figure and report; plan reads the forecast."""
    out, bt = tmp_path / "f.csv", tmp_path / "bt.csv"
    fig, page = tmp_path / "f.png", tmp_path / "f.html"
    result = run(
        "forecast",
        HISTORY,
        "--horizon",
        "1w",
        "--out",
        str(out),
        "--backtest",
        str(bt),
        "--plot",
        str(fig),
        "--report",
        str(page),
        "--intraday",
        "12:00",
    )
    assert result.exit_code == 0, result.output
    assert "lead 2-7" in result.output and "<- chosen" in result.output
    assert "Reforecast back-test" in result.output
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "interval_start",
        "queue",
        "calls",
        "aht_s",
        "calls_lo",
        "calls_hi",
        "method",
    ]
    assert (table["calls_lo"] <= table["calls"]).all() and (
        table["calls"] <= table["calls_hi"]
    ).all()
    errors = pd.read_csv(bt)
    assert {"origin", "lead", "queue", "method", "wape", "bias"} <= set(errors.columns)
    assert fig.stat().st_size > 10_000 and "Back-test" in page.read_text()
    plan = run("plan", str(out), "--target", "80/20", "--out", str(tmp_path / "plan.csv"))
    assert plan.exit_code == 0, plan.output
    assert len(pd.read_csv(tmp_path / "plan.csv")) == len(table)


def test_reforecast_prints_one_line(tmp_path: Path) -> None:
    """The rest of the day from the morning's actuals, and one line on stderr."""
    out = tmp_path / "f.csv"
    assert (
        run(
            "forecast", HISTORY, "--horizon", "1w", "--method", "average", "--out", str(out)
        ).exit_code
        == 0
    )
    table = pd.read_csv(out, parse_dates=["interval_start"])
    day = table[table["interval_start"].dt.normalize() == table["interval_start"].min().normalize()]
    morning = day[day["interval_start"].dt.hour < 12]
    actual = morning.assign(calls=(morning["calls"] * 1.1).round())[
        ["interval_start", "queue", "calls"]
    ]
    actual.to_csv(tmp_path / "today.csv", index=False)
    rest = tmp_path / "rest.csv"
    result = CliRunner().invoke(
        main,
        [
            "reforecast",
            str(out),
            "--actuals",
            str(tmp_path / "today.csv"),
            "--at",
            "12:00",
            "--history",
            HISTORY,
            "--out",
            str(rest),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "so far" in line]
    assert len(lines) == 2 and "on forecast (z = " in lines[0]
    assert pd.read_csv(rest, parse_dates=["interval_start"])["interval_start"].dt.hour.min() == 12


@pytest.mark.parametrize(
    ("args", "needle", "code"),
    [
        (["--horizon", "0"], "must be longer than 0 s", 2),
        (["--horizon", "800d"], "more than two years", 2),
        (["--weeks", "40"], "fewer than --weeks 40 of same weekdays", 1),
        (["--interval", "15min"], "30 min, longer than the 15-min", 1),
    ],
)
def test_bad_forecast_input_is_one_line(
    tmp_path: Path, args: list[str], needle: str, code: int
) -> None:
    """Bad options and histories: one line, the exit status, nothing written."""
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(main, ["forecast", HISTORY, *args, "--out", str(out)])
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.output
    assert not out.exists()


def test_volume_only_history_needs_aht(tmp_path: Path) -> None:
    """A count table without handle times: one line asking for --aht; with it, a forecast."""
    h = pd.read_csv(HISTORY)[["interval_start", "queue", "offered"]]
    h.to_csv(tmp_path / "counts.csv", index=False)
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(main, ["forecast", str(tmp_path / "counts.csv"), "--out", str(out)])
    assert result.exit_code == 1 and "give --aht" in result.output and not out.exists()
    result = run("forecast", str(tmp_path / "counts.csv"), "--aht", "4:30", "--out", str(out))
    assert result.exit_code == 0 and set(pd.read_csv(out)["aht_s"]) == {270}


def test_mixed_utc_offsets_are_refused(tmp_path: Path) -> None:
    """Offsets that change in the file (a daylight-saving change): one line, the rows."""
    pd.DataFrame(
        {
            "interval_start": ["2025-03-29 09:00+01:00", "2025-03-30 09:00+02:00"],
            "calls": [5, 6],
        }
    ).to_csv(tmp_path / "dst.csv", index=False)
    result = CliRunner().invoke(
        main,
        ["forecast", str(tmp_path / "dst.csv"), "--aht", "200", "--out", str(tmp_path / "f.csv")],
    )
    assert result.exit_code == 1 and "daylight-saving" in result.output and "row 3" in result.output

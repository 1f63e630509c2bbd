"""Real exports in, nothing misread: each export shape planned or calibrated through the
command line and compared with the same data in clean form.

The exports and their clean twins are written by ``tests/data/exports/make_exports.py``
from the package's sample data: a UK-format forecast (semicolon, BOM, dd/mm/yyyy, separate
date and time, decimal comma, h:mm:ss AHT), an Excel workbook whose forecast is on the
second sheet, an interval report with a percent service level rounded to one decimal and
h:mm:ss averages, a daily report whose counts do not add up on a few days, and a forecast
whose dates are all ambiguous.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.cli import main

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for f in EXPORTS.iterdir():
        if f.suffix in (".csv", ".xlsx"):
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def warnings_of(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]


UK = (
    *("--column", "date=Date", "--column", "time=Time", "--column", "queue=Skill"),
    *("--column", "calls=Forecast Calls", "--column", "aht_s=Forecast AHT"),
    *("--column", "patience_s=Patience (s)"),
)


@pytest.mark.usefixtures("here")
def test_uk_forecast_plans_as_its_clean_twin() -> None:
    """Semicolons, a BOM, dd/mm/yyyy in a Date column and HH:MM in a Time column, decimal
    commas, h:mm:ss AHT, queue ids '101': the same agents, interval by interval, as the
    clean file; the day-first reading is said once (13/03 settles it)."""
    got = ok("plan", "uk_forecast.csv", *UK, "--target", "80/20", "--out", "-")
    clean = ok("plan", "uk_forecast_clean.csv", "--target", "80/20", "--out", "-")
    a, b = table(got.stdout), table(clean.stdout)
    pd.testing.assert_frame_equal(a, b)
    assert a["interval_start"].iloc[0] == "2025-03-11 07:00:00"  # 11 March, not 3 November
    said = warnings_of(got)
    assert len(said) == 1 and "read day-first (dd/mm)" in said[0], got.stderr


@pytest.mark.usefixtures("here")
def test_excel_forecast_on_the_second_sheet() -> None:
    """The sheet is named with --sheet; without it the first sheet holding the expected
    columns is read (the notes sheet comes first and holds none), and the run says which
    of the sheets it read. Before, the notes sheet was read and the run stopped."""
    with pd.ExcelFile("forecast_second_sheet.xlsx") as book:
        sheets = [str(name) for name in book.sheet_names]
    assert len(sheets) == 2
    args = ["--column", "date=Date", "--column", "time=Interval"]
    got = ok(
        "plan", "forecast_second_sheet.xlsx", "--sheet", sheets[1], *args, *_excel_map(),
        "--target", "80/20", "--out", "-",
    )  # fmt: skip
    clean = ok("plan", "forecast_second_sheet_clean.csv", "--target", "80/20", "--out", "-")
    pd.testing.assert_frame_equal(table(got.stdout), table(clean.stdout))
    found = run(
        "plan", "forecast_second_sheet.xlsx", *args, *_excel_map(), "--target", "80/20",
        "--out", "-",
    )  # fmt: skip
    assert found.exit_code == 0, found.output
    assert f"read sheet '{sheets[1]}' (the first with the expected columns" in found.stderr
    pd.testing.assert_frame_equal(table(found.stdout), table(clean.stdout))


def _excel_map() -> list[str]:
    header = pd.read_excel("forecast_second_sheet.xlsx", sheet_name=1, nrows=0).columns
    wanted = {"queue": "skill", "calls": "calls", "aht_s": "aht", "patience_s": "patience"}
    args = []
    for ours, hint in wanted.items():
        theirs = next(str(c) for c in header if hint in str(c).lower())
        args += ["--column", f"{ours}={theirs}"]
    return args


REPORT = (
    *("--column", "interval_start=Interval", "--column", "queue=Queue"),
    *("--column", "offered=Offered", "--column", "answered=Answered"),
    *("--column", "abandoned=Abandoned", "--column", "service_level=Service Level %"),
    *("--column", "asa_s=ASA", "--column", "avg_abandon_s=Avg Abandon Time"),
    *("--column", "aht_s=AHT", "--column", "agents=Agents"),
)


@pytest.mark.usefixtures("here")
def test_interval_report_calibrates_as_its_clean_twin() -> None:
    """US dates with AM/PM, a percent service level rounded to one decimal, h:mm:ss
    averages: the same patience per queue as the clean report (to the rounding of the
    averages: a second in an average of a few hundred calls), the percentages said once."""
    got = ok("calibrate", "interval_report.csv", *REPORT, "--by", "none", "--out", "-")
    clean = ok("calibrate", "interval_report_clean.csv", "--by", "none", "--out", "-")
    a, b = json.loads(got.stdout)["queues"], json.loads(clean.stdout)["queues"]
    assert a.keys() == b.keys()
    report = pd.read_csv("interval_report_clean.csv")
    for queue in a:
        assert a[queue]["calls"] == b[queue]["calls"]
        assert a[queue]["abandons"] == b[queue]["abandons"]
        # patience = total wait / abandons; each average printed to the second moves the
        # total wait by at most half a second per call
        part = report[report["queue"] == queue]
        bound = 0.5 * part["offered"].sum() / part["abandoned"].sum()
        assert abs(a[queue]["patience_s"] - b[queue]["patience_s"]) <= bound
    said = [w for w in warnings_of(got) if "read as percentages" in w]
    assert len(said) == 1, got.stderr


DAILY = {
    "interval_start": "Date",
    "offered": "Calls Offered",
    "answered": "Calls Answered",
    "abandoned": "Calls Abandoned",
}


@pytest.mark.usefixtures("here")
def test_daily_report_counts_that_do_not_add_up() -> None:
    """answered + abandoned above offered by 1-16 calls on four days (calls spanning
    midnight): repaired by default, equal to the clean twin, with one warning naming the
    rows; dropped; or refused, by the command line in one line naming the option."""
    from staffing.frames.values import DataWarning
    from staffing.io import ReadOptions, read_history

    raw = pd.read_csv("daily_report.csv")
    over = raw["Calls Answered"] + raw["Calls Abandoned"] - raw["Calls Offered"]
    rows = [int(i) + 2 for i in np.flatnonzero(over > 0)]
    assert len(rows) == 4 and over[over > 0].min() >= 1 and over.max() <= 16
    options = ReadOptions(columns=DAILY)
    with pytest.warns(DataWarning) as said:
        repaired = read_history("daily_report.csv", options=options)
    texts = [str(w.message) for w in said if "exceeds offered" in str(w.message)]
    assert len(texts) == 1 and all(str(r) in texts[0] for r in rows)
    assert "offered raised to answered + abandoned" in texts[0]
    clean = read_history("daily_report_clean.csv")
    cols = ["interval_start", "offered", "answered", "abandoned", "interval_s"]
    pd.testing.assert_frame_equal(repaired[cols], clean[cols], check_dtype=False)
    with pytest.warns(DataWarning, match="rows dropped"):
        dropped = read_history("daily_report.csv", options=options, on_inconsistent="drop")
    assert len(dropped) == len(raw) - 4
    cli = [arg for ours, theirs in DAILY.items() for arg in ("--column", f"{ours}={theirs}")]
    fail = run("calibrate", "daily_report.csv", *cli, "--on-inconsistent", "fail",
               "--out", "c.json")  # fmt: skip
    assert fail.exit_code == 1 and not Path("c.json").exists()
    lines = fail.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: daily_report.csv: answered +")
    assert "give --on-inconsistent repair or drop" in lines[0]


@pytest.mark.usefixtures("here")
def test_ambiguous_dates_stop_and_the_option_settles_them() -> None:
    """Every date could be day-first or month-first: one line naming the column, an
    example and the options, exit 1, nothing written; --dayfirst reads it as the clean
    twin, --monthfirst as another week."""
    result = run("plan", "ambiguous_forecast.csv", "--target", "80/20", "--out", "p.csv")
    assert result.exit_code == 1 and not Path("p.csv").exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "column 'interval_start'" in lines[0] and "/03/2025" in lines[0]
    assert "--dayfirst/--monthfirst" in lines[0] and "--date-format" in lines[0]
    day = ok("plan", "ambiguous_forecast.csv", "--dayfirst", "--target", "80/20", "--out", "-")
    clean = ok("plan", "ambiguous_forecast_clean.csv", "--target", "80/20", "--out", "-")
    pd.testing.assert_frame_equal(table(day.stdout), table(clean.stdout))
    fmt = ok(
        "plan", "ambiguous_forecast.csv", "--date-format", "%d/%m/%Y %H:%M",
        "--target", "80/20", "--out", "-",
    )  # fmt: skip
    assert fmt.stdout == day.stdout
    month = ok("plan", "ambiguous_forecast.csv", "--monthfirst", "--target", "80/20", "--out", "-")
    assert table(month.stdout)["interval_start"].iloc[0].startswith("2025-03-03")
    assert (
        table(month.stdout)["interval_start"].iloc[-1]
        != table(day.stdout)["interval_start"].iloc[-1]
    )

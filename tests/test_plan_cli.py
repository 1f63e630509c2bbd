"""``staffing plan`` and ``staffing evaluate`` through click's CliRunner.

Each test runs in its own empty directory. Every bad input issue 3 lists gives one line
on stderr naming the file, the column and how many rows, a non-zero exit, no traceback,
and no output file (not even a temporary one); an existing output file is left as it was.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from staffing.cli import main
from staffing.data import sample_path
from staffing.planner.tables import INTERVAL_COLUMNS, SUMMARY_COLUMNS


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner working in a fresh empty directory (the test's tmp_path)."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def _sample(name: str = "forecast.csv") -> str:
    shutil.copy(sample_path(name), name)
    return name


GOOD = pd.DataFrame(
    {
        "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 10:00",
                           "2025-03-03 10:30"],
        "queue": "sales",
        "calls": [100.0, 120.0, 90.0, 80.0],
        "aht_s": [180.0, 200.0, 190.0, 185.0],
    }
)  # fmt: skip


def test_plan_demo_outputs(runner: CliRunner) -> None:
    """The `make demo` command: four files, the right tables, a PNG, a self-contained page."""
    _sample()
    result = _run(
        runner, "plan", "forecast.csv", "--target", "80/20", "--target", "abandon<=5%",
        "--in-centre", "0.15", "--out-of-centre", "0.20", "--hours-per-fte", "37.5",
        "--period", "day", "--out", "out/plan.csv", "--summary", "out/summary.csv",
        "--plot", "out/plan.png", "--report", "out/plan.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # what was written, and no progress bar when stderr is not a terminal
    assert result.stderr == "wrote out/plan.csv, out/summary.csv, out/plan.png, out/plan.html\n"
    intervals = pd.read_csv("out/plan.csv")
    summary = pd.read_csv("out/summary.csv")
    assert tuple(intervals.columns) == INTERVAL_COLUMNS
    # a daily summary also gives the people needed each day (heads) after the FTE
    fte_at = SUMMARY_COLUMNS.index("fte") + 1
    assert tuple(summary.columns) == (*SUMMARY_COLUMNS[:fte_at], "heads", *SUMMARY_COLUMNS[fte_at:])
    assert len(intervals) == 454
    assert summary["queue"].iloc[-1] == "total"
    assert summary["fte"].iloc[-1] == pytest.approx(
        intervals["agents"].sum() * 0.5 / (0.85 * 0.8) / 37.5
    )
    png = Path("out/plan.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    page = Path("out/plan.html").read_text()
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    img = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert img is not None and base64.b64decode(img.group(1)).startswith(b"\x89PNG")
    assert "Summary per day" in page and "in-centre shrinkage 15%" in page.lower()
    assert sorted(p.name for p in Path("out").iterdir()) == [
        "plan.csv", "plan.html", "plan.png", "summary.csv",
    ]  # fmt: skip


def test_plan_prints_summary_without_out(runner: CliRunner) -> None:
    _sample()
    result = _run(runner, "plan", "forecast.csv", "--targets", _sample("targets.csv"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "period", "queue", "calls", "agent", "h", "scheduled", "h", "FTE", "peak", "SL",
        "abandon", "occupancy", "ASA", "s",
    ]  # fmt: skip
    assert len(lines) == 5 and lines[-1].split()[:2] == ["all", "total"]
    assert "premium" in lines[1] and "%" in lines[1]


def test_plan_xlsx_two_sheets_and_parquet(runner: CliRunner) -> None:
    _sample()
    assert (
        _run(runner, "plan", "forecast.csv", "--target", "80/20", "--out", "p.xlsx").exit_code == 0
    )
    sheets = pd.read_excel("p.xlsx", sheet_name=None)
    assert list(sheets) == ["intervals", "summary"]
    assert _run(runner, "plan", "forecast.csv", "--target", "80/20", "--out", "p.parquet",
                "--summary", "s.parquet").exit_code == 0  # fmt: skip
    back = pd.read_parquet("p.parquet")
    assert tuple(back.columns) == INTERVAL_COLUMNS
    assert (back["agents"] == sheets["intervals"]["agents"]).all()
    assert tuple(pd.read_parquet("s.parquet").columns) == SUMMARY_COLUMNS


def test_plan_stdout_csv(runner: CliRunner) -> None:
    GOOD.to_csv("f.csv", index=False)
    result = _run(runner, "plan", "f.csv", "--target", "80/20", "--out", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith(",".join(INTERVAL_COLUMNS) + "\n")
    assert len(result.stdout.strip().splitlines()) == 5


def test_amazon_connect_export_loads_with_column_mapping(runner: CliRunner) -> None:
    """Amazon Connect names and a semicolon-delimited, BOM-prefixed file: no editing."""
    connect = pd.DataFrame(
        {
            "TimeStamp": GOOD["interval_start"].str.replace(" ", "T") + ":00Z",
            "IntervalDuration": 1800,
            "IncomingContactVolume": GOOD["calls"],
            "AverageHandleTime": GOOD["aht_s"],
        }
    )
    Path("connect.csv").write_bytes(b"\xef\xbb\xbf" + connect.to_csv(index=False, sep=";").encode())
    result = _run(
        runner, "plan", "connect.csv", "--target", "80/20", "--out", "plan.csv",
        "--column", "interval_start=TimeStamp", "--column", "calls=IncomingContactVolume",
        "--column", "aht_s=AverageHandleTime",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = pd.read_csv("plan.csv")
    assert plan["agents"].tolist()[0] == 14  # 100 calls, 180 s, 80/20 (README example)
    assert plan["interval_s"].tolist() == [1800.0] * 4


def test_plan_calibration_and_patience_options(runner: CliRunner) -> None:
    GOOD.to_csv("f.csv", index=False)
    Path("calibration.json").write_text('{"queues": {"sales": {"patience_s": 120.0}}}')
    result = _run(runner, "plan", "f.csv", "--target", "80/20", "--target", "abandon<=5%",
                  "--calibration", "calibration.json", "--out", "a.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv("a.csv")["patience_s"]) == {120.0}
    result = _run(runner, "plan", "f.csv", "--target", "80/20", "--patience-s", "300",
                  "--out", "b.csv")  # fmt: skip
    assert set(pd.read_csv("b.csv")["patience_s"]) == {300.0}


# ------------------------------------------------------------------ bad input


def _bad(change: dict[str, list[object]]) -> pd.DataFrame:
    df = GOOD.copy()
    for k, v in change.items():
        df[k] = v
    return df


BAD_CASES = [
    pytest.param(
        GOOD.rename(columns={"calls": "Volume"}),
        [],
        r"^Error: f\.csv: missing column 'calls' \(expected interval_start, calls, aht_s; "
        r"found interval_start, queue, Volume, aht_s\)",
        id="missing-column",
    ),
    pytest.param(
        _bad({"calls": [100.0, -1.0, 90.0, -2.0]}),
        [],
        r"^Error: f\.csv: column 'calls': 2 rows \(rows 3, 5\) negative or missing$",
        id="negative",
    ),
    pytest.param(
        _bad({"calls": [100.0, None, 90.0, 80.0]}),
        [],
        r"^Error: f\.csv: column 'calls': 1 row \(row 3\) negative or missing$",
        id="nan-calls",
    ),
    pytest.param(
        _bad({"aht_s": [180.0, 0.0, -5.0, 185.0]}),
        [],
        r"^Error: f\.csv: column 'aht_s': 2 rows \(rows 3, 4\) zero, negative or missing "
        r"handle time$",
        id="aht",
    ),
    pytest.param(
        _bad(
            {
                "interval_start": [
                    "2025-03-03 09:00",
                    "2025-03-03 09:30",
                    "2025-03-03 09:30",
                    "2025-03-03 10:00",
                ]
            }
        ),
        [],
        r"^Error: f\.csv: column 'interval_start': 2 rows \(rows 3, 4\) duplicate intervals "
        r"within a queue$",
        id="duplicate",
    ),
    pytest.param(
        _bad(
            {
                "interval_start": [
                    "2025-03-03 09:00",
                    "3 March, half nine",
                    "2025-03-03 10:00",
                    "2025-03-03 10:30",
                ]
            }
        ),
        [],
        r"^Error: f\.csv: column 'interval_start': 1 row \(row 3\) not timestamps \(e\.g\. "
        r"'3 March, half nine'\); write them as e\.g\. 2025-03-04 08:00, or give --date-format$",
        id="timestamp",
    ),
    pytest.param(
        _bad(
            {
                "interval_start": [
                    "2025-03-03 09:00",
                    "2025-03-03 09:30",
                    "2025-03-03 10:00",
                    "2025-03-03 10:15",
                ]
            }
        ),
        [],
        r"^Error: f\.csv: column 'interval_start': 1 row \(row 5\) mixed interval lengths",
        id="mixed-lengths",
    ),
    pytest.param(
        GOOD,
        ["--target", "80 in 20"],
        r"^Error: Invalid value for '--target': unknown target '80 in 20'",
        id="target",
    ),
    pytest.param(
        GOOD,
        ["--shrinkage", "100%"],
        r"^Error: Invalid value for '--shrinkage': '100%' must be below 100%$",
        id="shrinkage-1",
    ),
    pytest.param(
        GOOD,
        ["--in-centre", "-0.1"],
        r"^Error: Invalid value for '--in-centre': '-0\.1' must lie between 0% and 100%$",
        id="in-centre",
    ),
    pytest.param(
        GOOD,
        ["--shrinkage", "0.3", "--in-centre", "0.1"],
        r"^Error: give either a total shrinkage \(--shrinkage\) or in-centre",
        id="both-shrinkages",
    ),
    pytest.param(
        GOOD,
        ["--target", "100/0"],
        r"^Error: Invalid value for '--target': target 100/0: nothing is handled in 0 s",
        id="unreachable",
    ),
    pytest.param(
        GOOD,
        ["--interval", "soon"],
        r"^Error: Invalid value for '--interval': 'soon' is not a duration",
        id="interval",
    ),
]


@pytest.mark.parametrize(("frame", "extra", "message"), BAD_CASES)
def test_bad_input_one_line_no_output(
    runner: CliRunner, frame: pd.DataFrame, extra: list[str], message: str
) -> None:
    frame.to_csv("f.csv", index=False)
    Path("old.csv").write_text("previous run\n")
    targets = [] if "--target" in extra else ["--target", "80/20"]
    result = runner.invoke(
        main,
        ["plan", "f.csv", *targets, *extra, "--out", "out/plan.csv", "--summary", "old.csv",
         "--plot", "out/plan.png", "--report", "out/plan.html"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.output
    assert Path("old.csv").read_text() == "previous run\n"
    leftovers = sorted(p.name for p in Path().rglob("*") if p.is_file())
    assert leftovers == ["f.csv", "old.csv"]


def test_bad_output_type_checked_before_work(runner: CliRunner) -> None:
    GOOD.to_csv("f.csv", index=False)
    result = runner.invoke(main, ["plan", "f.csv", "--target", "80/20", "--summary", "s.csv",
                                  "--out", "plan.json"])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --out plan.json: unknown file type '.json'")
    assert not Path("s.csv").exists()


def test_missing_file_and_missing_target(runner: CliRunner) -> None:
    result = runner.invoke(main, ["plan", "nope.csv", "--target", "80/20"])
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        "Error: Invalid value for 'FORECAST': File 'nope.csv' does not exist."
    )
    GOOD.to_csv("f.csv", index=False)
    result = runner.invoke(main, ["plan", "f.csv"])
    assert result.exit_code == 2 and "no target" in result.stderr


def test_abandon_target_without_patience(runner: CliRunner) -> None:
    GOOD.to_csv("f.csv", index=False)
    result = runner.invoke(main, ["plan", "f.csv", "--target", "abandon<=5%", "--out", "p.csv"])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "patience" in result.stderr
    assert not Path("p.csv").exists()


# ------------------------------------------------------------------ evaluate


def test_evaluate_with_roster(runner: CliRunner) -> None:
    """Roster of 14, 13, 12, 16 agents: bands met / warning / all hands / met (80/20)."""
    f = GOOD.assign(calls=[100.0, 100.0, 100.0, 100.0], aht_s=180.0)
    f.to_csv("f.csv", index=False)
    pd.DataFrame(
        {"Start": f["interval_start"], "queue": "sales", "Staffed": [14, 13, 12, 16]}
    ).to_csv("roster.csv", index=False)
    result = _run(
        runner, "evaluate", "f.csv", "--roster", "roster.csv", "--target", "80/20",
        "--roster-column", "interval_start=Start", "--roster-column", "agents=Staffed",
        "--out", "e.csv", "--summary", "s.csv", "--report", "e.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    e = pd.read_csv("e.csv")
    assert e["band"].tolist() == ["met", "warning", "all hands", "met"]
    s = pd.read_csv("s.csv")
    assert s[["intervals_met", "intervals_warning", "intervals_all_hands"]].iloc[0].tolist() == [
        2,
        1,
        1,
    ]
    assert "2 met, 1 warning, 0 interrupt offline, 1 all hands" in Path("e.html").read_text()


def test_evaluate_agents_column_and_edges(runner: CliRunner) -> None:
    """13 agents on 100 calls x 180 s give 79.56% for 80/20: 0.44 points short, a warning
    with the default edges, 'interrupt offline' with edges 0.2,10."""
    GOOD.assign(calls=100.0, aht_s=180.0, agents=[14, 13, 12, 16]).to_csv("f.csv", index=False)
    result = _run(runner, "evaluate", "f.csv", "--target", "80/20", "--out", "-")
    assert pd.read_csv(io.StringIO(result.stdout))["band"].tolist() == [
        "met", "warning", "all hands", "met",
    ]  # fmt: skip
    result = _run(runner, "evaluate", "f.csv", "--target", "80/20", "--band-edges", "0.2,10")
    assert result.exit_code == 0
    header, first = result.stdout.splitlines()[:2]
    assert header.split()[-4:] == ["warning", "interrupt", "all", "hands"]
    assert first.split()[-3:] == ["0", "1", "1"]
    result = runner.invoke(main, ["evaluate", "f.csv", "--target", "80/20", "--band-edges", "10,5"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Invalid value for '--band-edges': '10,5': give 0 <= LOW < HIGH, e.g. 5,10"
    )
    result = runner.invoke(main, ["evaluate", "f.csv", "--target", "80/20", "--band-edges", "x"])
    assert result.exit_code == 2 and "give two numbers" in result.stderr


def test_evaluate_roster_gap_is_an_error(runner: CliRunner) -> None:
    GOOD.to_csv("f.csv", index=False)
    GOOD.head(2).assign(agents=14).to_csv("roster.csv", index=False)
    result = runner.invoke(main, ["evaluate", "f.csv", "--roster", "roster.csv",
                                  "--target", "80/20", "--out", "e.csv"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: f.csv: column 'interval_start': 2 rows (rows 4, 5) no staffing in "
        "roster.csv for these intervals with calls"
    )
    assert not Path("e.csv").exists()


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the bar is drawn on stderr; elsewhere nothing is (see the demo test)."""
    from staffing.cli.progress import progress_bar as _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    with _progress(10, "Planning") as bar:
        assert bar is not None
        bar.update(10)
    assert "Planning" in term.getvalue() and "100%" in term.getvalue()
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with _progress(10, "Planning") as bar:
        assert bar is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--out", "taken.csv"], r"^Error: --out taken\.csv: is a directory$"),
        (["--report", "f.csv/r.html"], r"^Error: --report f\.csv/r\.html: f\.csv is not a dir"),
    ],
)
def test_output_path_in_the_way_checked_before_work(
    runner: CliRunner, options: list[str], message: str
) -> None:
    """A directory where the file should go, or a file where a directory should be: one
    line, before any output is written (not a FileExistsError traceback, not a message
    naming a temporary file, not a summary already written)."""
    GOOD.to_csv("f.csv", index=False)
    Path("taken.csv").mkdir()
    result = runner.invoke(
        main, ["plan", "f.csv", "--target", "80/20", "--summary", "s.csv", *options]
    )
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert re.search(message, result.stderr.strip()), result.stderr
    assert not Path("s.csv").exists()
    assert sorted(p.name for p in Path().iterdir()) == ["f.csv", "taken.csv"]


def test_interval_option_in_seconds(runner: CliRunner) -> None:
    """--interval 1800 is 1800 s (it used to be read as 1800 ns: billions of agents)."""
    GOOD.head(1).to_csv("f.csv", index=False)
    result = _run(runner, "plan", "f.csv", "--target", "80/20", "--interval", "1800",
                  "--out", "p.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pd.read_csv("p.csv")[["interval_s", "agents"]].to_numpy().tolist() == [[1800.0, 14]]
